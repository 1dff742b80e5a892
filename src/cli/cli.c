#include "tinyscope/cli.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_internal.h"
#include "tinyscope/catalog_views.h"
#include "tinyscope/datapath.h"
#include "tinyscope/remote.h"
#include "tinyscope/results.h"
#include "tinyscope/sanitize.h"
#include "tinyscope/sim.h"
#include "tinyscope/tui.h"
#include "ts_config.h"

/* The --context mappings of the command line (see take_context_options). */
static ts_cli_data global_contexts;
/* --rdf-direction MODE, for every command that loads JSON-LD (NULL: the
 * loader's default). */
static const char *global_rdf_direction;

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} subcommand;

static const subcommand subcommands[] = {
    {"stats", ts_cmd_stats, "count triples, subjects, predicates and classes"},
    {"query", ts_cmd_query, "run a SPARQL query and print the results"},
    {"devices", ts_cmd_devices, "list the boards, with memory, sensors and runtimes"},
    {"models", ts_cmd_models, "list the models, with their needs and metrics"},
    {"matrix", ts_cmd_matrix, "which model fits which board, and why not"},
    {"fits", ts_cmd_fits, "the boards a model fits, or the models a board runs"},
    {"import", ts_cmd_import, "write a .tflite model as Turtle (layers, MACs, RAM, Flash)"},
    {"inspect", ts_cmd_inspect, "print a .tflite model's layers, MACs and arena plan"},
    {"bench", ts_cmd_bench, "run a model on a board, print and record the results"},
    {"boards", ts_cmd_boards, "list serial ports and the boards behind them"},
    {"sim", ts_cmd_sim, "simulate a board on a pseudo-terminal (tests, demos)"},
    {"convert", ts_cmd_convert, "write JSON-LD (or other RDF) as Turtle, N-Triples or N-Quads"},
    {"push", ts_cmd_push, "upload local graphs to a SPARQL endpoint (SPARQL Update)"},
};

void ts_cli_error(const char *fmt, ...)
{
    ts_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    fputs("tinyscope: ", stderr);
    ts_cli_put(stderr, ts_buf_str(&b));
    fputc('\n', stderr);
    ts_buf_free(&b);
}

void ts_cli_put(FILE *f, const char *s)
{
    size_t n = strlen(s);
    if (ts_is_terminal_safe(s, n)) {
        fwrite(s, 1, n, f);
        return;
    }
    ts_buf b = {0};
    ts_sanitize_append(&b, s, n);
    fwrite(b.data, 1, b.len, f);
    ts_buf_free(&b);
}

void ts_cli_print_diags(const ts_diags *diags)
{
    char line[2600];
    for (size_t i = 0; i < diags->count; i++) {
        const ts_diag *d = &diags->items[i];
        ts_error_format(&d->err, line, sizeof line);
        if (d->level == TS_DIAG_WARNING) {
            fputs("warning: ", stderr);
        }
        ts_cli_put(stderr, line);
        fputc('\n', stderr);
    }
    if (diags->dropped) {
        fprintf(stderr, "tinyscope: %zu more diagnostics not shown\n", diags->dropped);
    }
}

bool ts_cli_add_context(ts_cli_data *data, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        ts_cli_error("--context wants URL=FILE, not '%s'", arg);
        return false;
    }
    if (data->n_contexts == TS_CLI_MAX_CONTEXTS) {
        ts_cli_error("too many --context options (at most %d)", TS_CLI_MAX_CONTEXTS);
        return false;
    }
    data->contexts[data->n_contexts++] = arg;
    return true;
}

void ts_cli_session_opts(const ts_cli_data *data, ts_cli_session *out)
{
    size_t n = 0;
    for (size_t i = 0; i < global_contexts.n_contexts; i++) {
        out->contexts[n++] = global_contexts.contexts[i];
    }
    for (size_t i = 0; i < data->n_contexts; i++) {
        out->contexts[n++] = data->contexts[i];
    }
    out->opts = (ts_session_opts){
        .strict = data->strict,
        .base = data->base,
        .contexts = out->contexts,
        .n_contexts = n,
        .paths = data->paths,
        .n_paths = data->n_paths,
        .with_ontology = data->with_ontology,
        .results = data->results,
        .endpoint = data->endpoint,
        .graph = data->graph,
        .rdf_direction = global_rdf_direction,
    };
}

ts_jsonld_ctxstore *ts_cli_contexts(const ts_cli_data *data)
{
    ts_cli_session cs;
    ts_cli_session_opts(data, &cs);
    ts_error err;
    ts_error_clear(&err);
    ts_jsonld_ctxstore *store = ts_session_contexts(&cs.opts, &err);
    if (!store) {
        char line[2600];
        ts_cli_error("--context: %s", ts_error_format(&err, line, sizeof line));
    }
    return store;
}

bool ts_cli_load(ts_store *store, const ts_cli_data *data, ts_diags *diags)
{
    ts_cli_session cs;
    ts_cli_session_opts(data, &cs);
    ts_error err;
    ts_status st = ts_session_load_into(&cs.opts, store, diags, NULL, NULL, &err);
    if (err.status != TS_OK) {
        char line[2600];
        ts_cli_error("--context: %s", ts_error_format(&err, line, sizeof line));
        return false;
    }
    ts_cli_print_diags(diags);
    return st == TS_OK;
}

/* ---- remote endpoints: --endpoint URL [--graph IRI] ---- */

bool ts_cli_endpoint_option(ts_cli_data *data, int opt, const char *arg)
{
    if (opt == TS_CLI_OPT_ENDPOINT) {
        data->endpoint = arg;
    } else if (opt == TS_CLI_OPT_GRAPH) {
        data->graph = arg;
    } else {
        return false;
    }
    return true;
}

bool ts_cli_endpoint_check(const ts_cli_data *data, const char *cmd)
{
    if (data->graph && !data->endpoint) {
        ts_cli_error("%s: --graph goes with --endpoint", cmd);
        return false;
    }
    if (data->endpoint && data->n_paths) {
        ts_cli_error("%s: give files or --endpoint, not both", cmd);
        return false;
    }
    return true;
}

ts_dataset *ts_cli_remote(const ts_cli_data *data)
{
    ts_cli_session cs;
    ts_cli_session_opts(data, &cs);
    ts_error err;
    ts_remote *r = ts_session_connect(&cs.opts, &err);
    if (!r) {
        char msg[2600];
        ts_cli_error("%s", ts_error_format(&err, msg, sizeof msg));
        return NULL;
    }
    return ts_remote_dataset(r);
}

/* The catalog from the view queries on ds, into *cat (the caller frees it
 * either way). Prints the error; false when the views failed. */
static bool load_catalog(ts_dataset *ds, ts_catalog **cat)
{
    *cat = ts_catalog_new();
    ts_error err;
    ts_error_clear(&err);
    if (ts_catalog_load(*cat, ds, &err) != TS_OK) {
        char msg[2600];
        ts_cli_error("%s", ts_error_format(&err, msg, sizeof msg));
        return false;
    }
    return true;
}

/* The catalog of an endpoint: the same view queries, sent there. */
static bool remote_catalog(const ts_cli_data *data, ts_dataset **ds, ts_catalog **cat)
{
    *ds = ts_cli_remote(data);
    if (!*ds) {
        return false;
    }
    return load_catalog(*ds, cat);
}

/* ---- end of remote endpoints ---- */

bool ts_cli_catalog(const ts_cli_data *data, ts_store **store, ts_dataset **ds,
                    ts_catalog **cat)
{
    *store = ts_store_new();
    *ds = NULL;
    *cat = NULL;
    if (data->endpoint) {
        return remote_catalog(data, ds, cat);
    }
    ts_diags diags = {0};
    ts_cli_data with_vocabulary = *data;
    with_vocabulary.with_ontology = true;
    bool ok = ts_cli_load(*store, &with_vocabulary, &diags);
    ts_diags_clear(&diags);
    if (!ok) {
        return false;
    }
    *ds = ts_dataset_local(*store);
    return load_catalog(*ds, cat);
}

void ts_cli_catalog_free(ts_store *store, ts_dataset *ds, ts_catalog *cat)
{
    ts_catalog_free(cat);
    ts_dataset_free(ds);
    ts_store_free(store);
}

bool ts_cli_format_parse(const char *cmd, const char *name, ts_cli_format *out)
{
    if (!strcmp(name, "table")) {
        *out = TS_CLI_TABLE;
    } else if (!strcmp(name, "csv")) {
        *out = TS_CLI_CSV;
    } else if (!strcmp(name, "json")) {
        *out = TS_CLI_JSON;
    } else {
        ts_cli_error("%s: unknown format '%s' (table, csv or json)", cmd, name);
        return false;
    }
    return true;
}

int ts_cli_cmp_num(double a, double b, int dir)
{
    if (isnan(a) || isnan(b)) {
        return isnan(a) - isnan(b);
    }
    return dir * ((a > b) - (a < b));
}

const char *ts_cli_num(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        buf[0] = '\0';
    } else {
        snprintf(buf, n, "%.10g", v);
    }
    return buf;
}

json_t *ts_cli_json_text(const char *s)
{
    if (!s) {
        return json_null();
    }
    json_t *j = json_string(s);
    if (!j) {
        char *valid = ts_utf8_valid(s);
        j = json_string(valid);
        free(valid);
    }
    return j;
}

json_t *ts_cli_json_num(double v)
{
    if (isnan(v) || isinf(v)) {
        return json_null();
    }
    if (fabs(v) < 9e15 && v == (double)(json_int_t)v) {
        return json_integer((json_int_t)v);
    }
    return json_real(v);
}

void ts_cli_json_print(json_t *doc)
{
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
}

const char *ts_cli_verdict_glyph(ts_verdict v)
{
    static int utf8 = -1;
    if (utf8 < 0) {
        const char *cs = nl_langinfo(CODESET);
        utf8 = cs && !strcmp(cs, "UTF-8");
    }
    switch (v) {
    case TS_FITS: return utf8 ? "\xe2\x9c\x93" : "y";
    case TS_NO: return utf8 ? "\xe2\x9c\x97" : "n";
    case TS_UNKNOWN: break;
    }
    return "?";
}

static void usage(FILE *f)
{
    fputs("usage: tinyscope [OPTIONS] [FILE|DIR ...]\n"
          "       tinyscope COMMAND [OPTIONS] [ARGS ...]\n"
          "\n"
          "Explore TinyML knowledge graphs (Turtle, N-Triples, N-Quads, TriG).\n"
          "With no FILE, the bundled sample graphs are loaded.\n"
          "\n"
          "Options:\n"
          "  -h, --help       show this help and exit\n"
          "  -V, --version    show the version and exit\n"
          "      --strict     treat any error in the input as fatal\n"
          "      --base IRI   base IRI for relative IRIs (default: each file's URI)\n"
          "      --context URL=FILE\n"
          "                   answer the JSON-LD context URL from FILE (repeatable)\n"
          "      --rdf-direction MODE\n"
          "                   JSON-LD @direction as RDF: i18n-datatype (default),\n"
          "                   compound-literal, or none (dropped)\n"
          "      --results FILE\n"
          "                   the benchmark results file to load, and the one the\n"
          "                   Bench pane appends to (default:\n"
          "                   $XDG_DATA_HOME/tinyscope/bench.nt)\n"
          "      --endpoint URL\n"
          "                   open the UI on the SPARQL endpoint at URL instead of files\n"
          "                   (credentials from ~/.netrc or TINYSCOPE_ENDPOINT_USER and\n"
          "                   TINYSCOPE_ENDPOINT_PASSWORD)\n"
          "      --graph IRI  with --endpoint: the graph to query (default-graph-uri)\n"
          "      --theme NAME colour theme of the terminal UI (default, light,\n"
          "                   high-contrast, monochrome, or a file path)\n"
          "      --ascii      draw the UI with ASCII only\n"
          "      --port PORT  list PORT in the Bench pane too (a pty, tcp:HOST:PORT;\n"
          "                   USB serial ports are found by themselves; repeatable)\n"
          "      --demo       open the Bench pane with simulated boards running\n"
          "\n"
          "On a terminal, the terminal UI opens; otherwise a summary of what was\n"
          "loaded is printed.\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    }
    fputs("\n'tinyscope COMMAND --help' describes a command; see also tinyscope(1).\n", f);
}

static uint64_t start_ns;

#define MAX_UI_PORTS 16

/*
 * --demo: simulated boards on pseudo-terminals, measured in the Bench pane
 * from the start. Their results go to a scratch file that goes with them,
 * not to the user's results file: they are not measurements of anything.
 */
static int run_demo(ts_tui_opts *ui)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = ts_asprintf("%s/tinyscope-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        ts_cli_error("--demo: cannot make a directory in %s: %s", tmp && *tmp ? tmp : "/tmp",
                     strerror(errno));
        free(dir);
        return TS_EXIT_FAILURE;
    }
    ts_sim *sims[MAX_UI_PORTS];
    size_t n = 0;
    ts_error err;
    ts_status st = ts_sim_demo_start(dir, sims, MAX_UI_PORTS, &n, &err);
    int rc = TS_EXIT_FAILURE;
    char *results = ts_asprintf("%s/bench.nt", dir);
    if (st != TS_OK) {
        char msg[2600];
        ts_cli_error("--demo: %s", ts_error_format(&err, msg, sizeof msg));
    } else {
        const char *ports[MAX_UI_PORTS];
        size_t n_ports = 0;
        for (size_t i = 0; i < ui->n_bench_ports && n_ports < MAX_UI_PORTS; i++) {
            ports[n_ports++] = ui->bench_ports[i];
        }
        for (size_t i = 0; i < n && n_ports < MAX_UI_PORTS; i++) {
            ports[n_ports++] = ts_sim_port(sims[i]);
        }
        ui->bench_ports = ports;
        ui->n_bench_ports = n_ports;
        ui->bench_autostart = true;
        ui->bench_results = results;
        ui->start_on_bench = true;
        rc = ts_tui_run(ui);
    }
    for (size_t i = 0; i < n; i++) {
        ts_sim_free(sims[i]);
    }
    unlink(results);
    rmdir(dir);
    free(results);
    free(dir);
    return rc;
}

/*
 * Without a command: on a terminal (or with TINYSCOPE_SCRIPT), the UI;
 * otherwise load and summarise what was loaded.
 */
static int run_default(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"strict", no_argument, NULL, 's'},
        {"base", required_argument, NULL, 'b'},
        {"theme", required_argument, NULL, 't'},
        {"ascii", no_argument, NULL, 'a'},
        {"dump-keys", no_argument, NULL, 'k'},
        {"port", required_argument, NULL, 'p'},
        {"demo", no_argument, NULL, 'D'},
        {"results", required_argument, NULL, 'r'},
        TS_CLI_ENDPOINT_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    ts_tui_opts ui = {0};
    const char *ports[MAX_UI_PORTS];
    bool demo = false;
    int c;
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return TS_EXIT_OK;
        case 'V':
            printf("tinyscope %s\n", TS_VERSION);
            return TS_EXIT_OK;
        case 's':
            data.strict = true;
            break;
        case 'b':
            data.base = optarg;
            break;
        case 't':
            ui.theme = optarg;
            break;
        case 'a':
            ui.ascii = true;
            break;
        case 'r':
            data.results = optarg;
            break;
        case TS_CLI_OPT_ENDPOINT:
        case TS_CLI_OPT_GRAPH:
            ts_cli_endpoint_option(&data, c, optarg);
            break;
        case 'k':
            /* Not in --help: it generates the KEYS section of tinyscope(1). */
            ts_tui_dump_keys(stdout);
            return TS_EXIT_OK;
        case 'p':
            if (ui.n_bench_ports == MAX_UI_PORTS) {
                ts_cli_error("too many --port options (at most %d)", MAX_UI_PORTS);
                return TS_EXIT_USAGE;
            }
            ports[ui.n_bench_ports++] = optarg;
            ui.bench_ports = ports;
            break;
        case 'D':
            demo = true;
            break;
        default:
            usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);
    if (!ts_cli_endpoint_check(&data, "tinyscope")) {
        return TS_EXIT_USAGE;
    }

    const char *script = getenv("TINYSCOPE_SCRIPT");
    if ((script && *script) || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) {
        /* The UI loads as every command does: the same session options. */
        ts_cli_session cs;
        ts_cli_session_opts(&data, &cs);
        ui.paths = cs.opts.paths;
        ui.n_paths = cs.opts.n_paths;
        ui.strict = cs.opts.strict;
        ui.base = cs.opts.base;
        ui.contexts = cs.opts.contexts;
        ui.n_contexts = cs.opts.n_contexts;
        ui.rdf_direction = cs.opts.rdf_direction;
        ui.results = cs.opts.results;
        /* --results is the file the Bench pane appends to as well. */
        if (cs.opts.results) {
            ui.bench_results = cs.opts.results;
        }
        ui.endpoint = cs.opts.endpoint;
        ui.graph = cs.opts.graph;
        ui.script = script && *script ? script : NULL;
        const char *trace = getenv("TINYSCOPE_TRACE");
        ui.trace = trace && *trace ? trace : NULL;
        ui.start_ns = start_ns;
        return demo ? run_demo(&ui) : ts_tui_run(&ui);
    }
    if (demo || ui.n_bench_ports) {
        ts_cli_error("%s opens the terminal UI: run it on a terminal",
                     demo ? "--demo" : "--port");
        return TS_EXIT_USAGE;
    }

    if (data.endpoint) {
        ts_cli_error("--endpoint without a command opens the terminal UI; "
                     "off a terminal, name a command (devices, models, matrix, query...)");
        return TS_EXIT_USAGE;
    }
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    bool ok = ts_cli_load(store, &data, &diags);
    size_t total_statements = 0, total_errors = 0;
    for (size_t i = 0; i < ts_store_source_count(store); i++) {
        const ts_source *src = ts_store_source(store, i);
        printf("%8zu  ", src->triples);
        ts_cli_put(stdout, src->path);
        printf("  (%s%s)\n", ts_format_name(src->format),
               src->errors ? ", with errors: partial" : "");
        total_statements += src->triples;
        total_errors += src->errors;
    }
    printf("%8zu  triples in %zu source%s, %zu error%s\n",
           sord_num_quads(ts_store_model(store)), ts_store_source_count(store),
           ts_store_source_count(store) == 1 ? "" : "s", total_errors,
           total_errors == 1 ? "" : "s");
    (void)total_statements;
    ts_diags_clear(&diags);
    ts_store_free(store);
    if (!ok) {
        return TS_EXIT_FAILURE;
    }
    return (data.strict && total_errors) ? TS_EXIT_FAILURE : TS_EXIT_OK;
}

static bool take_rdf_direction(const char *mode)
{
    ts_jsonld_direction d;
    if (!ts_jsonld_direction_parse(mode, &d)) {
        ts_cli_error("--rdf-direction wants none, i18n-datatype or compound-literal, not '%s'",
                     mode);
        return false;
    }
    global_rdf_direction = mode;
    return true;
}

/*
 * --context URL=FILE and --rdf-direction MODE are taken out of the command
 * line before the command sees it, so that every command loading data
 * honours them without listing them. An argument after "--" is left alone.
 */
static int take_context_options(int *argc, char **argv)
{
    int out = 0;
    bool rest = false;
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i];
        if (rest || i == 0) {
            argv[out++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
            rest = true;
            argv[out++] = argv[i];
        } else if (!strcmp(a, "--context")) {
            if (i + 1 >= *argc) {
                ts_cli_error("--context wants URL=FILE");
                return TS_EXIT_USAGE;
            }
            if (!ts_cli_add_context(&global_contexts, argv[++i])) {
                return TS_EXIT_USAGE;
            }
        } else if (!strncmp(a, "--context=", 10)) {
            if (!ts_cli_add_context(&global_contexts, a + 10)) {
                return TS_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--rdf-direction")) {
            if (i + 1 >= *argc) {
                ts_cli_error("--rdf-direction wants none, i18n-datatype or compound-literal");
                return TS_EXIT_USAGE;
            }
            if (!take_rdf_direction(argv[++i])) {
                return TS_EXIT_USAGE;
            }
        } else if (!strncmp(a, "--rdf-direction=", 16)) {
            if (!take_rdf_direction(a + 16)) {
                return TS_EXIT_USAGE;
            }
        } else {
            argv[out++] = argv[i];
        }
    }
    argv[out] = NULL;
    *argc = out;
    return TS_EXIT_OK;
}

static int run_default_or_command(int argc, char **argv)
{
    if (argc > 1) {
        for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
            if (!strcmp(argv[1], subcommands[i].name)) {
                return subcommands[i].run(argc - 1, argv + 1);
            }
        }
    }
    return run_default(argc, argv);
}

int ts_cli_main(int argc, char **argv)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    start_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    int rc = take_context_options(&argc, argv);
    if (rc != TS_EXIT_OK) {
        return rc;
    }
    int status = run_default_or_command(argc, argv);
    /* Output that did not reach its file is a failure, whatever the command. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tinyscope: write error on standard output\n");
        return TS_EXIT_FAILURE;
    }
    return status;
}
