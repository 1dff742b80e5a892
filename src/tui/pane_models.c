/*
 * The Models pane: neural networks with their memory needs, MACs, metric
 * and category, and a detail area (needs, sensors, dataset, layers, the
 * boards that fit). Rows come from the catalog (ts_tui_set_catalog_source);
 * without one the pane says so.
 */
#include <math.h>
#include <stdlib.h>

#include "tinyscope/compat.h"
#include "tinyscope/filter.h"
#include "view.h"

typedef struct {
    ts_table_pane tp;      /* first: the generic table-pane operations use it */
    const ts_catalog *cat; /* the app's, as of the last open */
    ts_filter *filter;     /* the quick filter in force, or NULL */
} models_pane;

static const char *const columns[] = {"Model", "RAM kB",   "Flash kB",
                                      "MACs",  "Accuracy", "Category"};
static const bool numeric[] = {false, true, true, true, true, false};

static void models_empty(ts_view *v, ts_rect r)
{
    if (ts_app_catalog(v->app)) {
        ts_view_draw_empty(r, "No models\nNothing in the loaded graph is an nnet:NeuralNetwork.");
        return;
    }
    ts_view_draw_no_catalog(v, r, "No model catalog",
                            "Models are listed here by the catalog (ontology/views),");
}

static void fill(models_pane *p, const ts_catalog *cat)
{
    for (size_t i = 0; i < cat->n_models; i++) {
        const ts_model *m = cat->models[i];
        ts_buf ram = {0}, flash = {0}, macs = {0}, metric = {0};
        ts_fmt_number(&ram, m->ram_kb);
        ts_fmt_number(&flash, m->flash_kb);
        ts_fmt_number(&macs, m->macs);
        ts_fmt_number(&metric, m->metric_value);
        const char *cells[] = {m->name,
                               ts_buf_str(&ram),
                               ts_buf_str(&flash),
                               ts_buf_str(&macs),
                               ts_buf_str(&metric),
                               m->category ? ts_class_short_name(m->category) : ""};
        ts_table_add_row(&p->tp.table, cells, m->iri);
        ts_buf_free(&ram);
        ts_buf_free(&flash);
        ts_buf_free(&macs);
        ts_buf_free(&metric);
    }
}

static void models_detail(ts_view *v, size_t row, ts_rect r)
{
    const ts_catalog *cat = ts_app_catalog(v->app);
    if (!cat || row >= cat->n_models) {
        return;
    }
    const ts_model *m = cat->models[row];
    ts_detail d = {r, r.y};
    ts_detail_text(&d, m->name, TS_EL_TITLE);
    if (m->description) {
        ts_detail_text(&d, m->description, TS_EL_DIM);
    }
    d.y++;
    ts_buf b = {0};
    ts_fmt_number(&b, m->ram_kb);
    ts_detail_field(&d, "RAM", b.len ? ts_buf_str(&b) : "not stated");
    ts_buf_truncate(&b, 0);
    ts_fmt_number(&b, m->flash_kb);
    ts_detail_field(&d, "Flash", b.len ? ts_buf_str(&b) : "not stated");
    ts_buf_truncate(&b, 0);
    ts_fmt_number(&b, m->macs);
    ts_detail_field(&d, "MACs", ts_buf_str(&b));
    ts_buf_truncate(&b, 0);
    if (m->metric && !isnan(m->metric_value)) {
        ts_buf_printf(&b, "%s ", ts_class_short_name(m->metric));
        ts_fmt_number(&b, m->metric_value);
    }
    ts_detail_field(&d, "Metric", ts_buf_str(&b));
    ts_detail_field(&d, "Dataset", m->dataset ? ts_class_short_name(m->dataset) : NULL);
    ts_detail_field(&d, "Runtime", m->runtime);
    ts_buf_truncate(&b, 0);
    for (size_t i = 0; i < m->n_sensors; i++) {
        ts_buf_printf(&b, "%s%s", i ? ", " : "", ts_class_short_name(cat->classes[m->sensors[i]]));
    }
    ts_detail_field(&d, "Sensor", ts_buf_str(&b));
    ts_buf_truncate(&b, 0);
    if (m->n_layers) {
        ts_buf_printf(&b, "%zu:", m->n_layers);
        for (size_t i = 0; i < m->n_layers && i < 6; i++) {
            ts_buf_printf(&b, " %s", m->layers[i].type ? m->layers[i].type : "?");
        }
        if (m->n_layers > 6) {
            ts_buf_puts(&b, " ...");
        }
    }
    ts_detail_field(&d, "Layers", ts_buf_str(&b));
    ts_buf_free(&b);

    size_t fits = 0;
    for (size_t i = 0; i < cat->n_devices; i++) {
        fits += ts_compat_check(cat, m, cat->devices[i]).verdict == TS_FITS;
    }
    char *title = ts_asprintf("Boards that fit (%zu of %zu)", fits, cat->n_devices);
    d.y++;
    ts_detail_text(&d, title, TS_EL_HEADER);
    free(title);
    for (size_t i = 0; i < cat->n_devices; i++) {
        const ts_device *dev = cat->devices[i];
        ts_cell c = ts_compat_check(cat, m, dev);
        if (c.verdict != TS_FITS) {
            continue;
        }
        char *note = isnan(c.ram_pct) ? ts_strdup(dev->name)
                                      : ts_asprintf("%3.0f%% %s", c.ram_pct, dev->name);
        ts_detail_bar(&d, NULL, c.ram_pct, 100, note);
        free(note);
    }
}

static bool keep_row(const ts_table *t, size_t row, void *ctx)
{
    (void)t;
    models_pane *p = ctx;
    return !p->filter || !p->cat || ts_filter_match_model(p->filter, p->cat, p->cat->models[row]);
}

/* / takes the quick filter language (ram<=128 sensor:camera name~speech). */
static void models_search(ts_view *v, const char *text, int dir)
{
    models_pane *p = v->priv;
    if (dir != 0 || !p->cat) {
        ts_table_pane_search(v, text, dir);
        return;
    }
    ts_filter *f = NULL;
    if (text) {
        ts_error err;
        ts_error_clear(&err);
        f = ts_filter_compile(text, TS_FILTER_MODELS, p->cat, &err);
        if (!f) {
            char msg[2600];
            ts_app_message(v->app, true, "%s (fields: %s)", ts_error_format(&err, msg, sizeof msg),
                           ts_filter_fields(TS_FILTER_MODELS));
            return;
        }
    }
    ts_filter_free(p->filter);
    p->filter = f;
    ts_table_set_filter(&p->tp.table, text);
}

static void models_open(ts_view *v)
{
    models_pane *p = v->priv;
    if (!p) {
        p = v->priv = ts_calloc(1, sizeof *p);
        ts_table_init(&p->tp.table);
        p->tp.empty = models_empty;
        p->tp.detail = models_detail;
    }
    ts_table_set_columns(&p->tp.table, columns, numeric, sizeof columns / sizeof columns[0]);
    const ts_catalog *cat = ts_app_catalog(v->app);
    /* A reload makes a new catalog: the old filter's names are gone. */
    ts_filter_free(p->filter);
    p->filter = NULL;
    p->cat = cat;
    p->tp.table.keep = keep_row;
    p->tp.table.keep_ctx = p;
    ts_table_set_filter(&p->tp.table, NULL);
    if (cat) {
        fill(p, cat);
    }
    ts_table_refresh(&p->tp.table);
}

static void models_done(ts_view *v)
{
    models_pane *p = v->priv;
    if (p) {
        ts_table_free(&p->tp.table);
        ts_filter_free(p->filter);
        free(p);
    }
}

const ts_view_ops ts_models_ops = {
    .name = "Models",
    .help = "Models (nnet:NeuralNetwork) with RAM and flash needs, MACs, accuracy "
            "and category; beside the list, the sensor the model needs, the "
            "metric, dataset, layers and the boards it fits, with the share of "
            "each board's RAM it takes. Sort with s, filter with /, inspect with i.",
    .open = models_open,
    .draw = ts_table_pane_draw,
    .request = ts_table_pane_request,
    .search = models_search,
    .click = ts_table_pane_click,
    .status = ts_table_pane_status,
    .selected = ts_table_pane_selected,
    .export_csv = ts_table_pane_export,
    .done = models_done,
};
