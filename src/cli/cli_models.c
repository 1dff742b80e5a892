/* tinyscope models: the models, with what they need and how well they do. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_internal.h"
#include "tinyscope/filter.h"
#include "tinyscope/text_table.h"

static void models_usage(FILE *f)
{
    fputs("usage: tinyscope models [--filter EXPR] [--sort KEY] [--format table|csv|json]\n"
          "                        [--strict] [--base IRI] [FILE|DIR ...]\n"
          "\n"
          "List the models (nnet:NeuralNetwork) with category, MACs, the RAM and\n"
          "Flash they need in kB, the sensors feeding them, and their metric.\n"
          "\n"
          "  --filter EXPR   keep models matching the quick filter language, e.g.\n"
          "                  'ram<=128 sensor:microphone name~speech' (see tinyscope(1))\n"
          "  --sort KEY      name, ram, flash, macs, accuracy, category or creator;\n"
          "                  -KEY sorts descending\n"
          "  --format F      table (default), csv or json\n"
          TS_CLI_ENDPOINT_HELP,
          f);
}

/* In the order of sort_names. */
enum { SORT_NAME, SORT_RAM, SORT_FLASH, SORT_MACS, SORT_ACCURACY, SORT_CATEGORY, SORT_CREATOR };
static const char *const sort_names[] = {"name",     "ram",      "flash",  "macs",
                                         "accuracy", "category", "creator"};

static int key;
static int direction = 1;

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b) {
        return (!a) - (!b);
    }
    return direction * strcasecmp(a, b);
}

static int compare(const void *x, const void *y)
{
    const ts_model *a = *(ts_model *const *)x, *b = *(ts_model *const *)y;
    int c = 0;
    switch (key) {
    case SORT_RAM: c = ts_cli_cmp_num(a->ram_kb, b->ram_kb, direction); break;
    case SORT_FLASH: c = ts_cli_cmp_num(a->flash_kb, b->flash_kb, direction); break;
    case SORT_MACS: c = ts_cli_cmp_num(a->macs, b->macs, direction); break;
    case SORT_ACCURACY: c = ts_cli_cmp_num(a->metric_value, b->metric_value, direction); break;
    case SORT_CATEGORY: c = cmp_str(a->category, b->category); break;
    case SORT_CREATOR: c = cmp_str(a->creator, b->creator); break;
    case SORT_NAME: c = cmp_str(a->name, b->name); break;
    }
    return c ? c : strcmp(a->iri, b->iri);
}

static char *sensor_list(const ts_catalog *cat, const ts_model *m)
{
    ts_buf b = {0};
    for (size_t i = 0; i < m->n_sensors; i++) {
        if (i) {
            ts_buf_puts(&b, ", ");
        }
        ts_buf_puts(&b, ts_class_short_name(cat->classes[m->sensors[i]]));
    }
    return ts_buf_steal(&b);
}

static json_t *str_or_null(const char *s)
{
    return ts_cli_json_text(s);
}

static json_t *model_json(const ts_catalog *cat, const ts_model *m)
{
    json_t *sensors = json_array(), *classes = json_array();
    for (size_t i = 0; i < m->n_sensors; i++) {
        const char *iri = cat->classes[m->sensors[i]];
        json_array_append_new(sensors, ts_cli_json_text(ts_class_short_name(iri)));
        json_array_append_new(classes, ts_cli_json_text(iri));
    }
    json_t *o = json_object();
    json_object_set_new(o, "iri", ts_cli_json_text(m->iri));
    json_object_set_new(o, "name", ts_cli_json_text(m->name));
    json_object_set_new(o, "identifier", str_or_null(m->identifier));
    json_object_set_new(o, "description", str_or_null(m->description));
    json_object_set_new(o, "creator", str_or_null(m->creator));
    json_object_set_new(o, "category", str_or_null(m->category));
    json_object_set_new(o, "macs", ts_cli_json_num(m->macs));
    json_object_set_new(o, "ram_kb", ts_cli_json_num(m->ram_kb));
    json_object_set_new(o, "flash_kb", ts_cli_json_num(m->flash_kb));
    json_object_set_new(o, "runtime", str_or_null(m->runtime));
    json_object_set_new(o, "metric", str_or_null(m->metric));
    json_object_set_new(o, "metric_value", ts_cli_json_num(m->metric_value));
    json_object_set_new(o, "dataset", str_or_null(m->dataset));
    json_object_set_new(o, "citation", str_or_null(m->citation));
    json_object_set_new(o, "sensors", sensors);
    json_object_set_new(o, "sensor_classes", classes);
    json_object_set_new(o, "layers", json_integer((json_int_t)m->n_layers));
    return o;
}

int ts_cmd_models(int argc, char **argv)
{
    ts_cli_listing l;
    int status;
    const size_t n_sort = sizeof sort_names / sizeof *sort_names;
    if (!ts_cli_listing_open("models", argc, argv, models_usage, sort_names, n_sort,
                             TS_FILTER_MODELS, &l, &status)) {
        return status;
    }
    key = l.sort_key;
    direction = l.direction;
    ts_cli_format format = l.format;
    const ts_catalog *cat = l.cd.cat;
    ts_model **list = ts_calloc(cat->n_models + 1, sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < cat->n_models; i++) {
        if (ts_filter_match_model(l.filter, cat, cat->models[i])) {
            list[n++] = cat->models[i];
        }
    }
    ts_cli_listing_check_filter(&l);
    if (n) {
        qsort(list, n, sizeof *list, compare);
    }

    static const char *const heads[] = {"name",    "category", "macs",  "ram_kb",  "flash_kb",
                                        "sensors", "metric",   "value", "creator", "iri"};
    const size_t nh = sizeof heads / sizeof heads[0];
    ts_cli_rows *rows = ts_cli_rows_new(format, heads, nh);
    ts_text_table *table = ts_cli_rows_table(rows);
    if (table) {
        for (size_t col = 2; col <= 4; col++) {
            ts_text_table_align_right(table, col);
        }
        ts_text_table_align_right(table, 7);
    }
    for (size_t i = 0; i < n; i++) {
        const ts_model *m = list[i];
        if (ts_cli_rows_json(rows)) {
            ts_cli_rows_add_json(rows, model_json(cat, m));
            continue;
        }
        char macs[32], ram[32], flash[32], value[32];
        char *sensors = sensor_list(cat, m);
        /* Tables show short class names; CSV keeps the IRIs. */
        const char *category = m->category ? (table ? ts_class_short_name(m->category)
                                                    : m->category)
                                           : "";
        const char *metric = m->metric ? (table ? ts_class_short_name(m->metric) : m->metric)
                                       : "";
        const char *cells[] = {m->name,
                               category,
                               ts_cli_num(m->macs, macs, sizeof macs),
                               ts_cli_num(m->ram_kb, ram, sizeof ram),
                               ts_cli_num(m->flash_kb, flash, sizeof flash),
                               sensors,
                               metric,
                               ts_cli_num(m->metric_value, value, sizeof value),
                               m->creator,
                               m->iri};
        ts_cli_rows_add(rows, cells);
        free(sensors);
    }
    ts_cli_rows_finish(rows, "model", "models");
    free(list);
    ts_cli_listing_close(&l);
    return TS_EXIT_OK;
}
