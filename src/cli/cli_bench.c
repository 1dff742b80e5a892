/* tinyscope bench: talk to a board, print and record its results. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "tinyscope/bench.h"
#include "tinyscope/sanitize.h"

static void bench_usage(FILE *f)
{
    fputs("usage: tinyscope bench --port PORT [--protocol auto|mlperf|jsonl] [--model NAME]\n"
          "                       [--runs N] [--results FILE] [OPTIONS] [FILE|DIR ...]\n"
          "       tinyscope bench --summary [--results FILE] [FILE|DIR ...]\n"
          "\n"
          "Run a model on the board at PORT (a serial device such as /dev/ttyACM0, a\n"
          "pseudo-terminal, or tcp:HOST:PORT), print each result and append it to the\n"
          "results file before printing it. FILE|DIR are the knowledge graph used to\n"
          "name the board and the model (default: the bundled sample graphs).\n"
          "\n"
          "  -p, --port PORT       the board's port (required)\n"
          "  -P, --protocol NAME   auto (default: tell from the first lines), mlperf, jsonl\n"
          "  -m, --model NAME      the model's name to record (default: what the board says)\n"
          "  -n, --runs N          MLPerf Tiny: N timed windows, the median reported (5);\n"
          "                        JSON lines: stop after N results (default: until Ctrl-C)\n"
          "  -r, --results FILE    append results here (default:\n"
          "                        $XDG_DATA_HOME/tinyscope/bench.nt)\n"
          "  -b, --baud N          bits per second (default 115200)\n"
          "      --eol cr|lf|crlf|none  sent after each command (default none: '%' ends it)\n"
          "  -t, --timeout SEC     answer to a command, or silence of a JSON board (5 / 10)\n"
          "      --infer N         MLPerf: inferences per window (default by model)\n"
          "      --warmup W        MLPerf: warm-up inferences per window\n"
          "      --repeat          MLPerf: keep measuring, one result per N windows\n"
          "      --no-reconnect    stop when the board goes away instead of waiting\n"
          "      --no-lock         do not lock the port\n"
          "  -v, --verbose         show every line exchanged (on stderr)\n"
          "  -s, --summary         print the results recorded so far, per board and model\n"
          "      --strict, --base IRI  as for loading files\n",
          f);
}

typedef struct {
    bool verbose;
    size_t unsaved;
    size_t shown;
} bench_ctx;

static void put_num(const char *label, double v, const char *fmt)
{
    if (isfinite(v)) {
        printf("  %s ", label);
        printf(fmt, v);
    }
}

static void print_result(const ts_bench_result *r)
{
    ts_buf b = {0};
    ts_buf_printf(&b, "%s  %s  %s", r->device_name ? r->device_name : "?",
                  r->model_name ? r->model_name : "?", r->port ? r->port : "");
    ts_cli_put(stdout, ts_buf_str(&b));
    ts_buf_free(&b);
    fputc('\n', stdout);
    printf("  inferences %lld", r->inferences);
    put_num("latency_us min", r->latency_min_us, "%.1f");
    put_num("median", r->latency_median_us, "%.1f");
    put_num("max", r->latency_max_us, "%.1f");
    put_num("inf/s", r->inferences_per_second, "%.2f");
    put_num("MAC/s", r->macs_per_second, "%.4g");
    put_num("accuracy", r->accuracy, "%.3f");
    put_num("energy_uJ", r->energy_uj, "%.2f");
    printf("%s\n", r->complete ? "" : "  INCOMPLETE");
    fputs("  ", stdout);
    ts_cli_put(stdout, r->iri);
    if (r->device_iri || r->model_iri) {
        fputs("  (", stdout);
        ts_cli_put(stdout, r->device_iri ? r->device_iri : "");
        fputs(r->device_iri && r->model_iri ? " " : "", stdout);
        ts_cli_put(stdout, r->model_iri ? r->model_iri : "");
        fputc(')', stdout);
    }
    fputc('\n', stdout);
    fflush(stdout);
}

static void on_event(void *vctx, const ts_bench_event *ev)
{
    bench_ctx *ctx = vctx;
    char msg[2600];
    switch (ev->kind) {
    case TS_BENCH_EV_STATE:
        if (ctx->verbose) {
            fprintf(stderr, "tinyscope: %s\n", ts_bench_state_name(ev->state));
        }
        break;
    case TS_BENCH_EV_LINE:
    case TS_BENCH_EV_SENT:
        if (ctx->verbose) {
            ts_buf b = {0};
            ts_buf_puts(&b, ev->kind == TS_BENCH_EV_SENT ? "> " : "< ");
            ts_sanitize_append(&b, ev->text, ev->len);
            ts_buf_putc(&b, '\n');
            fputs(ts_buf_str(&b), stderr);
            ts_buf_free(&b);
        }
        break;
    case TS_BENCH_EV_SKIPPED:
        if (ctx->verbose) {
            ts_buf b = {0};
            ts_buf_printf(&b, "! skipped (%s, %zu bytes): ", ev->reason, ev->len);
            ts_sanitize_append(&b, ev->text, ev->len > 80 ? 80 : ev->len);
            ts_buf_putc(&b, '\n');
            fputs(ts_buf_str(&b), stderr);
            ts_buf_free(&b);
        }
        break;
    case TS_BENCH_EV_WINDOW:
        if (ctx->verbose) {
            fprintf(stderr, "tinyscope: window: %.1f us per inference\n", ev->latency_us);
        }
        break;
    case TS_BENCH_EV_RESULT:
        if (!ev->saved) {
            ctx->unsaved++;
            if (ev->err) {
                ts_cli_error("%s", ts_error_format(ev->err, msg, sizeof msg));
            }
            ts_cli_error("this result is NOT recorded");
        }
        print_result(ev->result);
        ctx->shown++;
        break;
    case TS_BENCH_EV_NOTICE: ts_cli_error("%.*s", (int)ev->len, ev->text); break;
    case TS_BENCH_EV_ERROR: ts_cli_error("%s", ts_error_format(ev->err, msg, sizeof msg)); break;
    }
}

static void put_cell(const char *s, int width)
{
    ts_buf b = {0};
    ts_sanitize_append(&b, s, strlen(s));
    if (b.len > (size_t)width) {
        ts_buf_truncate(&b, (size_t)width - 1);
        ts_buf_puts(&b, "~");
    }
    fputs(ts_buf_str(&b), stdout);
    for (int i = (int)b.len; i < width; i++) {
        fputc(' ', stdout);
    }
    ts_buf_free(&b);
}

static void put_value(double v, int width, int prec, bool general)
{
    if (isfinite(v)) {
        printf(general ? " %*.*g" : " %*.*f", width, prec, v);
    } else {
        printf(" %*s", width, "-");
    }
}

/* The Bench pane's results table, headless. */
static int print_summary(ts_store *store)
{
    ts_bench_result *list;
    size_t n, n_rows;
    ts_results_from_store(store, &list, &n);
    ts_results_row *rows;
    ts_results_summarize(list, n, &rows, &n_rows);
    if (n_rows == 0) {
        puts("no benchmark results recorded yet");
    } else {
        printf("%-24s %-28s %5s %10s %10s %10s %10s %10s %8s %10s\n", "BOARD", "MODEL", "RUNS",
               "MIN_US", "MEDIAN_US", "MAX_US", "INF/S", "MAC/S", "ACCURACY", "ENERGY_UJ");
    }
    for (size_t i = 0; i < n_rows; i++) {
        const ts_results_row *r = &rows[i];
        put_cell(r->device_name ? r->device_name : "?", 24);
        fputc(' ', stdout);
        put_cell(r->model_name ? r->model_name : "?", 28);
        printf(" %5zu", r->runs);
        put_value(r->latency_min_us, 10, 1, false);
        put_value(r->latency_median_us, 10, 1, false);
        put_value(r->latency_max_us, 10, 1, false);
        put_value(r->inferences_per_second, 10, 2, false);
        put_value(r->macs_per_second, 10, 3, true);
        put_value(r->accuracy, 8, 3, false);
        put_value(r->energy_uj, 10, 2, false);
        if (r->complete_runs < r->runs) {
            printf("  (%zu incomplete)", r->runs - r->complete_runs);
        }
        fputc('\n', stdout);
    }
    ts_results_rows_free(rows, n_rows);
    ts_results_list_free(list, n);
    return TS_EXIT_OK;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static bool parse_uint(const char *s, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || v > 100000000UL || s[0] == '-') {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

int ts_cmd_bench(int argc, char **argv)
{
    enum { O_EOL = 256, O_INFER, O_WARMUP, O_REPEAT, O_NO_RECONNECT, O_NO_LOCK, O_STRICT, O_BASE };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"port", required_argument, NULL, 'p'},
        {"protocol", required_argument, NULL, 'P'},
        {"model", required_argument, NULL, 'm'},
        {"runs", required_argument, NULL, 'n'},
        {"results", required_argument, NULL, 'r'},
        {"baud", required_argument, NULL, 'b'},
        {"eol", required_argument, NULL, O_EOL},
        {"timeout", required_argument, NULL, 't'},
        {"infer", required_argument, NULL, O_INFER},
        {"warmup", required_argument, NULL, O_WARMUP},
        {"repeat", no_argument, NULL, O_REPEAT},
        {"no-reconnect", no_argument, NULL, O_NO_RECONNECT},
        {"no-lock", no_argument, NULL, O_NO_LOCK},
        {"verbose", no_argument, NULL, 'v'},
        {"summary", no_argument, NULL, 's'},
        {"strict", no_argument, NULL, O_STRICT},
        {"base", required_argument, NULL, O_BASE},
        {NULL, 0, NULL, 0},
    };
    ts_bench_opts o = {0};
    ts_cli_data data = {0};
    bench_ctx ctx = {0};
    const char *results = NULL;
    bool summary = false;
    unsigned v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hp:P:m:n:r:b:t:vs", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': bench_usage(stdout); return TS_EXIT_OK;
        case 'p': o.port = optarg; break;
        case 'P':
            if (!ts_bench_proto_from_name(optarg, &o.protocol)) {
                ts_cli_error("bench: unknown protocol '%s' (auto, mlperf or jsonl)", optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case 'm': o.model = optarg; break;
        case 'n':
            if (!parse_uint(optarg, &o.runs) || o.runs == 0) {
                ts_cli_error("bench: --runs wants a positive number, not '%s'", optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case 'r': results = optarg; break;
        case 'b':
            if (!parse_uint(optarg, &o.port_opts.baud) || !ts_port_baud_valid(o.port_opts.baud)) {
                ts_cli_error("bench: unsupported baud rate '%s'", optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case O_EOL:
            if (!strcmp(optarg, "cr")) {
                o.eol = "\r";
            } else if (!strcmp(optarg, "lf")) {
                o.eol = "\n";
            } else if (!strcmp(optarg, "crlf")) {
                o.eol = "\r\n";
            } else if (!strcmp(optarg, "none")) {
                o.eol = NULL;
            } else {
                ts_cli_error("bench: --eol is cr, lf, crlf or none, not '%s'", optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case 't': {
            char *end;
            double secs = strtod(optarg, &end);
            if (end == optarg || *end || !(secs > 0 && secs <= 3600)) {
                ts_cli_error("bench: --timeout wants seconds (0 < T <= 3600), not '%s'", optarg);
                return TS_EXIT_USAGE;
            }
            o.timeout_ms = (int)(secs * 1000);
            break;
        }
        case O_INFER:
        case O_WARMUP:
            if (!parse_uint(optarg, &v) || (c == O_INFER && v == 0)) {
                ts_cli_error("bench: bad count '%s'", optarg);
                return TS_EXIT_USAGE;
            }
            *(c == O_INFER ? &o.infer_count : &o.warmup) = v;
            break;
        case O_REPEAT: o.repeat = true; break;
        case O_NO_RECONNECT: o.no_reconnect = true; break;
        case O_NO_LOCK: o.port_opts.no_lock = true; break;
        case 'v': ctx.verbose = true; break;
        case 's': summary = true; break;
        case O_STRICT: data.strict = true; break;
        case O_BASE: data.base = optarg; break;
        default: bench_usage(stderr); return TS_EXIT_USAGE;
        }
    }
    if (summary) {
        data.paths = argv + optind;
        data.n_paths = (size_t)(argc - optind);
        data.results = results;
        ts_store *store = ts_store_new();
        ts_diags diags = {0};
        int rc = ts_cli_load(store, &data, &diags) ? print_summary(store) : TS_EXIT_FAILURE;
        ts_diags_clear(&diags);
        ts_store_free(store);
        return rc;
    }
    if (!o.port) {
        ts_cli_error("bench: --port PORT is required ('tinyscope boards' lists them)");
        return TS_EXIT_USAGE;
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);
    data.results = results;

    char *def = results ? NULL : ts_results_default_path();
    o.results_path = results ? results : def;
    if (!o.results_path) {
        ts_cli_error("bench: results will not be recorded: set HOME or XDG_DATA_HOME, "
                     "or give --results FILE");
    }

    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    if (!ts_cli_load(store, &data, &diags)) {
        ts_diags_clear(&diags);
        ts_store_free(store);
        free(def);
        return TS_EXIT_FAILURE;
    }
    o.store = store;
    o.on_event = on_event;
    o.ctx = &ctx;

    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);

    ts_bench *b = ts_bench_new(&o);
    ts_status st = ts_bench_run(b, &interrupted);
    const ts_bench_stats *stats = ts_bench_get_stats(b);
    size_t skipped = stats->garbage + stats->binary + stats->invalid_utf8 + stats->overlong;
    if (skipped) {
        fprintf(stderr,
                "tinyscope: skipped %zu line%s: %zu garbage, %zu binary, %zu invalid UTF-8, "
                "%zu overlong\n",
                skipped, skipped == 1 ? "" : "s", stats->garbage, stats->binary,
                stats->invalid_utf8, stats->overlong);
    }
    if (stats->results && o.results_path) {
        fputs("tinyscope: recorded in ", stderr);
        ts_cli_put(stderr, o.results_path);
        fputc('\n', stderr);
    }
    ts_bench_free(b);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    ts_diags_clear(&diags);
    ts_store_free(store);
    free(def);
    if (st == TS_ERR_CANCELLED) {
        return ctx.unsaved ? TS_EXIT_FAILURE : TS_EXIT_OK;
    }
    return st == TS_OK && !ctx.unsaved ? TS_EXIT_OK : TS_EXIT_FAILURE;
}
