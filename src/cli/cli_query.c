/* tinyscope query: run SPARQL on the loaded data and print the results. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_internal.h"
#include "tinyscope/sparql.h"
#include "tinyscope/query.h"

static void query_usage(FILE *f)
{
    fputs("usage: tinyscope query [-f FILE | -e QUERY | -] [--format FORMAT] [--timings]\n"
          "                       [--repeat N] [--timeout MS] [--max-rows N]\n"
          "                       [--strict] [--base IRI] [DATA ...]\n"
          "                       [--endpoint URL [--graph IRI]]\n"
          "\n"
          "Run a SPARQL 1.1 query on DATA (files or directories; default: the\n"
          "bundled sample graphs). The query comes from FILE, from the QUERY\n"
          "argument, or from standard input ('-').\n"
          "\n"
          "  -f, --file FILE     read the query from FILE\n"
          "  -e, --query QUERY   the query text itself\n"
          "      --format F      table (default), csv, tsv, json (W3C SPARQL results),\n"
          "                      ntriples or turtle (CONSTRUCT/DESCRIBE; default turtle)\n"
          "      --timings       print 'timings: load=MS parse=MS eval=MS rows=N' last on stderr\n"
          "      --repeat N      evaluate N times on the loaded data; eval is the median\n"
          "      --timeout MS    stop the query after MS milliseconds\n"
          "      --max-rows N    stop after N rows\n"
          TS_CLI_ENDPOINT_HELP,
          f);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* "line:col: message", the line, and a caret under the column. */
static void print_syntax_error(const char *source, const char *text, const ts_error *err)
{
    fprintf(stderr, "tinyscope: ");
    ts_cli_put(stderr, source);
    fprintf(stderr, ":%u:%u: syntax error: ", err->line, err->col);
    ts_cli_put(stderr, err->message);
    fputc('\n', stderr);
    const char *line = text;
    for (unsigned l = 1; l < err->line && line; l++) {
        line = strchr(line, '\n');
        if (line) {
            line++;
        }
    }
    if (!line) {
        return;
    }
    size_t len = strcspn(line, "\n");
    char *copy = ts_strndup(line, len);
    fputs("  ", stderr);
    ts_cli_put(stderr, copy);
    fputs("\n  ", stderr);
    /* the caret goes under the character: tabs stay tabs so it lines up */
    unsigned col = 1;
    for (const char *c = copy; *c && col < err->col; c++) {
        if (((unsigned char)*c & 0xC0) == 0x80) {
            continue;
        }
        fputc(*c == '\t' ? '\t' : ' ', stderr);
        col++;
    }
    fputs("^\n", stderr);
    free(copy);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int count_row(void *ctx, const ts_term *cells)
{
    (void)cells;
    (*(size_t *)ctx)++;
    return 0;
}

static int count_triple(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o)
{
    (void)s;
    (void)p;
    (void)o;
    (*(size_t *)ctx)++;
    return 0;
}

/* The query's own PREFIX declarations shorten IRIs in a table too (a
 * prefix the store already binds keeps its name). A query that does not
 * parse is left for the engine to report. */
static void add_query_prefixes(ts_store *store, const char *text, size_t len, const char *base)
{
    ts_sparql_query *q = NULL;
    ts_error err;
    if (ts_sparql_parse(text, len, base, &q, &err) != TS_OK) {
        return;
    }
    for (size_t i = 0; i < ts_sparql_prefix_count(q); i++) {
        const char *name, *iri;
        ts_sparql_prefix(q, i, &name, &iri);
        ts_store_add_prefix(store, name, iri);
    }
    ts_sparql_free(q);
}

int ts_cmd_query(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"file", required_argument, NULL, 'f'},
        {"query", required_argument, NULL, 'e'},
        {"format", required_argument, NULL, 'F'},
        {"timings", no_argument, NULL, 't'},
        {"repeat", required_argument, NULL, 'r'},
        {"timeout", required_argument, NULL, 'T'},
        {"max-rows", required_argument, NULL, 'm'},
        TS_CLI_DATA_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    const char *file = NULL, *text_arg = NULL, *format = NULL;
    bool timings = false;
    long repeat = 1;
    ts_query_opts qopts = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:e:", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'h': query_usage(stdout); return TS_EXIT_OK;
        case 'f': file = optarg; break;
        case 'e': text_arg = optarg; break;
        case 'F': format = optarg; break;
        case 't': timings = true; break;
        case 'r':
            repeat = strtol(optarg, &end, 10);
            if (*end || repeat < 1 || repeat > 100000) {
                ts_cli_error("query: --repeat takes a count from 1 to 100000");
                return TS_EXIT_USAGE;
            }
            break;
        case 'T': {
            long ms = strtol(optarg, &end, 10);
            if (*end || ms < 1) {
                ts_cli_error("query: --timeout takes milliseconds");
                return TS_EXIT_USAGE;
            }
            qopts.time_limit_ms = (unsigned)ms;
            break;
        }
        case 'm': {
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1) {
                ts_cli_error("query: --max-rows takes a positive count");
                return TS_EXIT_USAGE;
            }
            qopts.max_rows = (size_t)n;
            break;
        }
        default:
            if (ts_cli_data_option(&data, c, optarg)) {
                break;
            }
            query_usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    bool from_stdin = false;
    if (optind < argc && !strcmp(argv[optind], "-")) {
        from_stdin = true;
        optind++;
    }
    if ((file != NULL) + (text_arg != NULL) + from_stdin != 1) {
        ts_cli_error("query: give the query once: -f FILE, -e QUERY or - (standard input)");
        return TS_EXIT_USAGE;
    }
    ts_results_format fmt = TS_RESULTS_TABLE;
    if (format) {
        if (!ts_results_format_from_name(format, &fmt)) {
            ts_cli_error("query: unknown format '%s' (table, csv, tsv, json, ntriples, turtle)",
                         format);
            return TS_EXIT_USAGE;
        }
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);
    if (!ts_cli_endpoint_check(&data, "query")) {
        return TS_EXIT_USAGE;
    }

    ts_buf text = {0};
    const char *source = "<query>";
    if (file) {
        if (!ts_read_file(file, &text)) {
            ts_cli_error("query: cannot read %s", file);
            return TS_EXIT_FAILURE;
        }
        source = file;
    } else if (text_arg) {
        ts_buf_puts(&text, text_arg);
    } else {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
            ts_buf_append(&text, chunk, n);
        }
        source = "<stdin>";
    }

    double t0 = now_ms();
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    /* over an endpoint the store only lends its prefixes to the writer */
    if (!data.endpoint && !ts_cli_load(store, &data, &diags)) {
        ts_diags_clear(&diags);
        ts_store_free(store);
        ts_buf_free(&text);
        return TS_EXIT_FAILURE;
    }
    ts_dataset *ds = data.endpoint ? ts_cli_remote(&data) : ts_dataset_local(store);
    if (!ds) {
        ts_diags_clear(&diags);
        ts_store_free(store);
        ts_buf_free(&text);
        return TS_EXIT_FAILURE;
    }
    double load_ms = now_ms() - t0;
    add_query_prefixes(store, ts_buf_str(&text), text.len, data.base);
    /* As in the UI, the store's prefixes need no PREFIX lines. */
    ts_buf full = {0};
    unsigned prelude = ts_query_prelude(store, ts_buf_str(&text), &full);

    interrupted = 0;
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old_sa);
    qopts.cancel = &interrupted;

    ts_error err;
    ts_query_timing timing = {0};
    double *evals = ts_calloc((size_t)repeat, sizeof *evals);
    int status = TS_EXIT_OK;
    size_t rows = 0;
    ts_status st = TS_OK;

    /* one run that prints, and repeat-1 that only count */
    for (long i = 0; i < repeat && status == TS_EXIT_OK; i++) {
        if (i == 0) {
            ts_results_writer *w = ts_results_writer_new(stdout, fmt, store);
            ts_query_sink sink = *ts_results_writer_sink();
            st = ts_query_stream(ds, ts_buf_str(&full), &qopts, &sink, w, &timing, &err);
            ts_query_prelude_fix(&err, prelude);
            if (st == TS_ERR_SYNTAX) {
                print_syntax_error(source, ts_buf_str(&text), &err);
                status = TS_EXIT_FAILURE;
            } else {
                if (ts_results_writer_finish(w) != TS_OK) {
                    ts_cli_error("query: cannot write the results");
                    status = TS_EXIT_FAILURE;
                }
                rows = ts_results_writer_count(w);
            }
            ts_results_writer_free(w);
        } else {
            size_t n = 0;
            ts_query_sink sink = {NULL, count_row, count_triple, NULL};
            st = ts_query_stream(ds, ts_buf_str(&full), &qopts, &sink, &n, &timing, &err);
            ts_query_prelude_fix(&err, prelude);
        }
        evals[i] = timing.eval_ms;
        if (st == TS_ERR_CANCELLED || st == TS_ERR_TIMEOUT || st == TS_ERR_LIMIT) {
            char line[2200];
            ts_cli_error("query: %s", ts_error_format(&err, line, sizeof line));
            status = TS_EXIT_FAILURE;
        } else if (st != TS_OK && st != TS_ERR_SYNTAX) {
            char line[2200];
            ts_cli_error("query: %s", ts_error_format(&err, line, sizeof line));
            status = TS_EXIT_FAILURE;
        }
    }
    sigaction(SIGINT, &old_sa, NULL);
    if (timings) {
        qsort(evals, (size_t)repeat, sizeof *evals, compare_double);
        double median = repeat % 2 ? evals[repeat / 2]
                                   : (evals[repeat / 2 - 1] + evals[repeat / 2]) / 2;
        fprintf(stderr, "timings: load=%.1f parse=%.2f eval=%.2f rows=%zu\n", load_ms,
                timing.parse_ms, median, rows);
    }
    free(evals);
    ts_dataset_free(ds);
    ts_diags_clear(&diags);
    ts_store_free(store);
    ts_buf_free(&full);
    ts_buf_free(&text);
    return status;
}
