/* tinyscope stats: what each graph and the whole store hold. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_internal.h"
#include "tinyscope/stats.h"

static void stats_usage(FILE *f)
{
    fputs("usage: tinyscope stats [--format table|json] [--strict] [--base IRI]\n"
          "                      [--context URL=FILE] [FILE|DIR ...]\n"
          "\n"
          "Per graph and in total: triples, distinct subjects, predicates with\n"
          "counts, classes with instance counts, and parse errors.\n",
          f);
}

static json_t *counts_json(ts_store *store, const ts_stat_count *c, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char *name = ts_store_shorten(store, c[i].node);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:I}", "iri",
                           (const char *)sord_node_get_string(c[i].node), "name", name,
                           "count", (json_int_t)c[i].count));
        free(name);
    }
    return arr;
}

static json_t *stats_json(ts_store *store, const ts_stats *st)
{
    return json_pack("{s:I, s:I, s:o, s:o}", "triples", (json_int_t)st->triples,
                     "subjects", (json_int_t)st->subjects, "predicates",
                     counts_json(store, st->predicates, st->n_predicates), "classes",
                     counts_json(store, st->classes, st->n_classes));
}

static void print_counts(ts_store *store, const char *title, const ts_stat_count *c,
                         size_t n)
{
    printf("  %s (%zu)\n", title, n);
    size_t width = 0;
    char **names = ts_calloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        names[i] = ts_store_shorten(store, c[i].node);
        size_t len = strlen(names[i]);
        if (len > width) {
            width = len;
        }
    }
    if (width > 60) {
        width = 60;
    }
    for (size_t i = 0; i < n; i++) {
        fputs("    ", stdout);
        ts_cli_put(stdout, names[i]);
        size_t len = strlen(names[i]);
        for (size_t k = len; k < width; k++) {
            fputc(' ', stdout);
        }
        printf("  %zu\n", c[i].count);
        free(names[i]);
    }
    free(names);
}

static void print_stats_table(ts_store *store, const ts_stats *st, size_t errors)
{
    printf("  triples   %zu\n  subjects  %zu\n  errors    %zu\n", st->triples,
           st->subjects, errors);
    print_counts(store, "predicates", st->predicates, st->n_predicates);
    print_counts(store, "classes", st->classes, st->n_classes);
}

int ts_cmd_stats(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"strict", no_argument, NULL, 's'},
        {"base", required_argument, NULL, 'b'},
        TS_CLI_ENDPOINT_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            stats_usage(stdout);
            return TS_EXIT_OK;
        case 'f':
            if (!strcmp(optarg, "json")) {
                json = true;
            } else if (!strcmp(optarg, "table")) {
                json = false;
            } else {
                ts_cli_error("stats: unknown format '%s' (table or json)", optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case 's':
            data.strict = true;
            break;
        case 'b':
            data.base = optarg;
            break;
        case TS_CLI_OPT_ENDPOINT:
        case TS_CLI_OPT_GRAPH:
            /* stats counts what each loaded file holds: an endpoint has no files */
            ts_cli_error("stats: counts loaded files and does not work with --endpoint; "
                         "ask the endpoint with 'tinyscope query --endpoint URL' and COUNT");
            return TS_EXIT_USAGE;
        default:
            stats_usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);

    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    if (!ts_cli_load(store, &data, &diags)) {
        ts_diags_clear(&diags);
        ts_store_free(store);
        return TS_EXIT_FAILURE;
    }

    json_t *root = json ? json_object() : NULL;
    json_t *graphs = json ? json_array() : NULL;
    size_t total_errors = 0, total_warnings = 0;
    for (size_t i = 0; i < ts_store_source_count(store); i++) {
        const ts_source *src = ts_store_source(store, i);
        total_errors += src->errors;
        total_warnings += src->warnings;
        for (size_t g = 0; g < src->n_graphs; g++) {
            ts_stats st;
            ts_stats_compute(store, src->graphs[g], &st);
            const char *graph_iri = (const char *)sord_node_get_string(src->graphs[g]);
            size_t errors = g == 0 ? src->errors : 0;
            if (json) {
                json_t *o = stats_json(store, &st);
                json_object_set_new(o, "graph", ts_cli_json_text(graph_iri));
                json_object_set_new(o, "path", ts_cli_json_text(src->path));
                json_object_set_new(o, "format", ts_cli_json_text(ts_format_name(src->format)));
                json_object_set_new(o, "errors", json_integer((json_int_t)errors));
                json_object_set_new(o, "statements",
                                    json_integer((json_int_t)(g == 0 ? src->statements : 0)));
                json_object_set_new(o, "warnings",
                                    json_integer((json_int_t)(g == 0 ? src->warnings : 0)));
                json_array_append_new(graphs, o);
            } else {
                fputs("graph <", stdout);
                ts_cli_put(stdout, graph_iri);
                printf(">  (%s)\n", ts_format_name(src->format));
                print_stats_table(store, &st, errors);
                fputc('\n', stdout);
            }
            ts_stats_free(&st);
        }
    }
    ts_stats total;
    ts_stats_compute(store, NULL, &total);
    if (json) {
        json_t *t = stats_json(store, &total);
        json_object_set_new(t, "graphs", json_integer((json_int_t)ts_store_source_count(store)));
        json_object_set_new(t, "errors", json_integer((json_int_t)total_errors));
        json_object_set_new(t, "warnings", json_integer((json_int_t)total_warnings));
        json_object_set_new(root, "graphs", graphs);
        json_object_set_new(root, "total", t);
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        puts(text);
        free(text);
        json_decref(root);
    } else {
        printf("total  (%zu source%s)\n", ts_store_source_count(store),
               ts_store_source_count(store) == 1 ? "" : "s");
        print_stats_table(store, &total, total_errors);
    }
    ts_stats_free(&total);
    ts_diags_clear(&diags);
    ts_store_free(store);
    return (data.strict && total_errors) ? TS_EXIT_FAILURE : TS_EXIT_OK;
}
