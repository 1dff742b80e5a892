/*
 * What the listing commands (devices, models, matrix, fits, query, push)
 * share: the data options, sort keys, and rows written as a table, CSV or
 * JSON.
 */
#include <stdlib.h>
#include <strings.h>

#include "cli_internal.h"
#include "tinyscope/buf.h"
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
