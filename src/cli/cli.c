#include "tinyscope/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "tinyscope/datapath.h"
#include "tinyscope/sanitize.h"
#include "ts_config.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} subcommand;

static const subcommand subcommands[] = {
    {"stats", ts_cmd_stats, "count triples, subjects, predicates and classes"},
    {"query", ts_cmd_query, "run a SPARQL query and print the results"},
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

bool ts_cli_load(ts_store *store, const ts_cli_data *data, ts_diags *diags)
{
    ts_load_opts opts = {.strict = data->strict, .base = data->base, .diags = diags};
    ts_status st;
    if (data->n_paths) {
        st = ts_load_paths(store, data->paths, data->n_paths, &opts);
    } else {
        char *dir = ts_data_path("sample-graphs");
        st = ts_load_path(store, dir, &opts);
        free(dir);
    }
    ts_cli_print_diags(diags);
    if (st != TS_OK) {
        /* Syntax errors in lax mode are TS_OK; anything else stops. */
        return false;
    }
    return true;
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
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    }
    fputs("\n'tinyscope COMMAND --help' describes a command; see also tinyscope(1).\n", f);
}

/* Without a command: load and summarise what was loaded. */
static int run_default(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"strict", no_argument, NULL, 's'},
        {"base", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
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
        default:
            usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);

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

int ts_cli_main(int argc, char **argv)
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
