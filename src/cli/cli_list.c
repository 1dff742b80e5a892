/*
 * What the listing commands (devices, models, matrix, fits, query, push)
 * share: the data options, sort keys, and rows written as a table, CSV or
 * JSON.
 */
#include <getopt.h>
#include <stdlib.h>
#include <strings.h>

#include "cli_internal.h"
#include "tinyscope/buf.h"
#include "tinyscope/filter.h"
#include "tinyscope/text_table.h"

bool ts_cli_data_option(ts_cli_data *data, int opt, const char *arg)
{
    switch (opt) {
    case TS_CLI_OPT_STRICT: data->strict = true; return true;
    case TS_CLI_OPT_BASE: data->base = arg; return true;
    default: return ts_cli_endpoint_option(data, opt, arg);
    }
}

bool ts_cli_sort_parse(const char *cmd, const char *arg, const char *const *names, size_t n,
                       int *key, int *direction)
{
    const char *s = arg;
    *direction = 1;
    if (*s == '-') {
        *direction = -1;
        s++;
    }
    for (size_t i = 0; i < n; i++) {
        if (!strcasecmp(s, names[i])) {
            *key = (int)i;
            return true;
        }
    }
    ts_buf known = {0};
    for (size_t i = 0; i < n; i++) {
        ts_buf_puts(&known, i ? ", " : "");
        ts_buf_puts(&known, names[i]);
    }
    ts_cli_error("%s: unknown sort key '%s' (%s)", cmd, arg, ts_buf_str(&known));
    ts_buf_free(&known);
    return false;
}

int ts_cli_catalog_open(const char *cmd, ts_cli_data *data, char **paths, size_t n_paths,
                        ts_cli_catalog_data *out)
{
    data->paths = paths;
    data->n_paths = n_paths;
    *out = (ts_cli_catalog_data){NULL, NULL, NULL};
    if (!ts_cli_endpoint_check(data, cmd)) {
        return TS_EXIT_USAGE;
    }
    if (!ts_cli_catalog(data, &out->store, &out->ds, &out->cat)) {
        ts_cli_catalog_close(out);
        return TS_EXIT_FAILURE;
    }
    return TS_EXIT_OK;
}

void ts_cli_catalog_close(ts_cli_catalog_data *c)
{
    ts_cli_catalog_free(c->store, c->ds, c->cat);
    *c = (ts_cli_catalog_data){NULL, NULL, NULL};
}

struct ts_cli_rows {
    ts_cli_format format;
    size_t n_columns;
    size_t n_rows;
    ts_text_table *table;
    json_t *array;
};

ts_cli_rows *ts_cli_rows_new(ts_cli_format format, const char *const *heads, size_t n)
{
    ts_cli_rows *rows = ts_calloc(1, sizeof *rows);
    rows->format = format;
    rows->n_columns = n;
    if (format == TS_CLI_TABLE) {
        rows->table = ts_text_table_new(heads, n);
    } else if (format == TS_CLI_JSON) {
        rows->array = json_array();
    } else {
        ts_csv_record(stdout, heads, n);
    }
    return rows;
}

ts_text_table *ts_cli_rows_table(ts_cli_rows *rows)
{
    return rows->table;
}

bool ts_cli_rows_json(const ts_cli_rows *rows)
{
    return rows->format == TS_CLI_JSON;
}

void ts_cli_rows_add(ts_cli_rows *rows, const char *const *cells)
{
    rows->n_rows++;
    if (rows->table) {
        ts_text_table_add(rows->table, cells);
    } else if (rows->format == TS_CLI_CSV) {
        ts_csv_record(stdout, cells, rows->n_columns);
    }
}

void ts_cli_rows_add_json(ts_cli_rows *rows, json_t *object)
{
    rows->n_rows++;
    json_array_append_new(rows->array, object);
}

void ts_cli_rows_finish(ts_cli_rows *rows, const char *noun, const char *nouns)
{
    if (rows->table) {
        ts_text_table_print(rows->table, stdout);
        printf("(%zu %s)\n", rows->n_rows, rows->n_rows == 1 ? noun : nouns);
        ts_text_table_free(rows->table);
    }
    if (rows->array) {
        ts_cli_json_print(rows->array);
        json_decref(rows->array);
    }
    free(rows);
}

bool ts_cli_listing_open(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                         const char *const *sort_names, size_t n_sort, int target,
                         ts_cli_listing *l, int *status)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"filter", required_argument, NULL, 'F'},
        {"sort", required_argument, NULL, 'S'},
        {"format", required_argument, NULL, 'f'},
        TS_CLI_DATA_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    *l = (ts_cli_listing){.cmd = cmd, .format = TS_CLI_TABLE, .direction = 1};
    ts_cli_data data = {0};
    const char *filter_text = "";
    *status = TS_EXIT_USAGE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            *status = TS_EXIT_OK;
            return false;
        case 'F': filter_text = optarg; break;
        case 'S':
            if (!ts_cli_sort_parse(cmd, optarg, sort_names, n_sort, &l->sort_key,
                                   &l->direction)) {
                return false;
            }
            break;
        case 'f':
            if (!ts_cli_format_parse(cmd, optarg, &l->format)) {
                return false;
            }
            break;
        default:
            if (ts_cli_data_option(&data, c, optarg)) {
                break;
            }
            usage(stderr);
            return false;
        }
    }
    *status = ts_cli_catalog_open(cmd, &data, argv + optind, (size_t)(argc - optind), &l->cd);
    if (*status != TS_EXIT_OK) {
        return false;
    }
    ts_error err;
    l->filter = ts_filter_compile(filter_text, (ts_filter_target)target, l->cd.cat, &err);
    if (!l->filter) {
        ts_cli_error("%s: --filter column %u: %s", cmd, err.col, err.message);
        ts_cli_catalog_close(&l->cd);
        *status = TS_EXIT_USAGE;
        return false;
    }
    return true;
}

void ts_cli_listing_check_filter(const ts_cli_listing *l)
{
    if (ts_filter_gave_up(l->filter)) {
        ts_cli_error("%s: --filter: a ~ pattern backtracks too much; the values it gave up "
                     "on count as not matching",
                     l->cmd);
    }
}

void ts_cli_listing_close(ts_cli_listing *l)
{
    ts_filter_free(l->filter);
    ts_cli_catalog_close(&l->cd);
}
