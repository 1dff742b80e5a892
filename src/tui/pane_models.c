/*
 * The Models pane: neural networks with their memory needs, MACs, metric
 * and category, and a detail area (needs, sensors, dataset, the layer
 * table, the boards that fit). Rows come from the catalog
 * (ts_tui_set_catalog_source); without one the pane says so.
 *
 * Layers are fetched for the model under the cursor only, one query per
 * selection through the dataset interface (model_layers.c). Enter gives
 * the layer table the whole pane to scroll it; Enter or Backspace returns.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_panes.h"

typedef struct {
    ts_table_pane tp;     /* first: the generic table-pane operations use it */
    ts_catalog_filter qf; /* the quick filter, over the app's catalog */
    ts_dataset *ds;       /* over the app's store, when there are models */
    char *layers_of;      /* the model whose layers are in layers, or NULL */
    ts_table layers;      /* its layer table */
    char *layers_error;   /* why they could not be fetched, or NULL */
    bool layers_focus;    /* the layer table has the pane and the keys */
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

static const char *const layer_columns[] = {"#",        "Type",     "Activation", "Quantization",
                                            "Shape in", "Shape out"};
static const bool layer_numeric[] = {true, false, false, false, false, false};

static void drop_layers(models_pane *p)
{
    free(p->layers_of);
    free(p->layers_error);
    p->layers_of = NULL;
    p->layers_error = NULL;
    p->layers_focus = false;
    ts_table_set_columns(&p->layers, layer_columns, layer_numeric,
                         sizeof layer_columns / sizeof layer_columns[0]);
}

/* The layers of m into the layer table, unless they are there already. */
static void fetch_layers(models_pane *p, const ts_model *m)
{
    if (p->layers_of && !strcmp(p->layers_of, m->iri)) {
        return;
    }
    drop_layers(p);
    p->layers_of = ts_strdup(m->iri);
    ts_layer *layers = NULL;
    size_t n = 0;
    ts_error err;
    ts_error_clear(&err);
    ts_status st = p->ds ? ts_layers_fetch(p->ds, m->iri, &layers, &n, &err) : TS_OK;
    if (st != TS_OK && st != TS_ERR_LIMIT && !m->n_layers) {
        char msg[2600];
        p->layers_error = ts_strdup(ts_error_format(&err, msg, sizeof msg));
        return;
    }
    /* A catalog source that reads layers itself may know some the store does not. */
    const ts_layer *rows = n ? layers : m->layers;
    size_t n_rows = n ? n : m->n_layers;
    for (size_t i = 0; i < n_rows; i++) {
        const ts_layer *l = &rows[i];
        char index[24] = "";
        if (l->index >= 0) {
            snprintf(index, sizeof index, "%ld", l->index);
        }
        const char *cells[] = {index,
                               l->type ? l->type : "",
                               l->activation ? l->activation : "",
                               l->quantization ? l->quantization : "",
                               l->shape_in ? l->shape_in : "",
                               l->shape_out ? l->shape_out : ""};
        ts_table_add_row(&p->layers, cells, NULL);
    }
    ts_layers_free(layers, n);
    ts_table_refresh(&p->layers);
}

/* "Layers (12)" and as much of the layer table as h lines hold. */
static void draw_layers(models_pane *p, ts_detail *d, int h)
{
    int room = d->r.y + d->r.h - d->y - 1; /* below the title */
    if (h > room) {
        h = room;
    }
    bool cut = h < (int)p->layers.n_rows + 1;
    char *title = ts_asprintf("Layers (%zu)%s", p->layers.n_rows,
                              p->layers.n_rows && cut ? ", Enter to see all" : "");
    ts_detail_text(d, title, TS_EL_HEADER);
    free(title);
    if (p->layers_error) {
        ts_detail_text(d, p->layers_error, TS_EL_ERROR);
        return;
    }
    if (!p->layers.n_rows) {
        ts_detail_text(d, "none stated", TS_EL_DIM);
        return;
    }
    if (h >= 2) {
        /* Narrow: the start of each name, the whole row once Enter gives it the pane. */
        static const int narrow[] = {0, 13, 6, 7, 0, 0};
        for (size_t c = 0; c < p->layers.n_cols && c < 6; c++) {
            p->layers.cols[c].max_width = d->r.w < 60 ? narrow[c] : 0;
        }
        ts_table_draw(&p->layers, (ts_rect){d->y, d->r.x, h, d->r.w});
        d->y += h;
    }
}

static void models_detail(ts_view *v, size_t row, ts_rect r)
{
    models_pane *p = v->priv;
    const ts_catalog *cat = ts_app_catalog(v->app);
    if (!cat || row >= cat->n_models) {
        return;
    }
    const ts_model *m = cat->models[row];
    fetch_layers(p, m);
    ts_detail d = {r, r.y};
    ts_detail_head(&d, m->name, m->description);
    ts_detail_memory(&d, m->ram_kb, m->flash_kb);
    ts_buf b = {0};
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
    ts_detail_join_classes(&b, cat, m->sensors, m->n_sensors);
    ts_detail_field(&d, "Sensor", ts_buf_str(&b));
    ts_buf_free(&b);
    /* The layer table takes up to half of what is left; the boards that fit the rest. */
    d.y++;
    int left = r.y + r.h - d.y - 1;
    int want = (int)p->layers.n_rows + 1;
    int half = left / 2 > 3 ? left / 2 : 3;
    draw_layers(p, &d, want < half ? want : half);
    ts_detail_fits(&d, cat, m, NULL);
}

static void models_draw(ts_view *v, ts_rect r)
{
    models_pane *p = v->priv;
    if (!p->layers_focus) {
        ts_table_pane_draw(v, r);
        return;
    }
    char *title = ts_asprintf("Layers of %s", p->layers_of ? p->layers_of : "");
    const ts_catalog *cat = ts_app_catalog(v->app);
    size_t row = ts_table_current(&p->tp.table);
    if (cat && row < cat->n_models) {
        free(title);
        title = ts_asprintf("Layers of %s", cat->models[row]->name);
    }
    ts_draw_box(r, title, TS_EL_BORDER);
    free(title);
    ts_rect in = {r.y + 1, r.x + 1, r.h - 2, r.w - 2};
    if (p->layers_error) {
        ts_draw_text(in.y, in.x, in.w, p->layers_error, TS_EL_ERROR);
    } else if (!p->layers.n_rows) {
        ts_draw_text(in.y, in.x, in.w, "No layers stated for this model.", TS_EL_DIM);
    } else {
        for (size_t c = 0; c < p->layers.n_cols; c++) {
            p->layers.cols[c].max_width = 0;
        }
        ts_table_draw(&p->layers, in);
    }
}

static bool models_request(ts_view *v, ts_action act)
{
    models_pane *p = v->priv;
    if (!p->layers_focus) {
        const ts_catalog *cat = ts_app_catalog(v->app);
        size_t row = ts_table_current(&p->tp.table);
        if (act == TS_ACT_ENTER && cat && row < cat->n_models) {
            /* Without room for the detail area nothing was fetched yet. */
            fetch_layers(p, cat->models[row]);
            p->layers_focus = true;
            return true;
        }
        return ts_table_pane_request(v, act);
    }
    switch (act) {
    case TS_ACT_ENTER:
    case TS_ACT_BACK:
    case TS_ACT_CANCEL: p->layers_focus = false; return true;
    case TS_ACT_SORT:
    case TS_ACT_SORT_REVERSE: return true; /* layers stay in network order */
    default: return ts_table_request(&p->layers, act);
    }
}

static void models_status(ts_view *v, ts_buf *out)
{
    models_pane *p = v->priv;
    if (!p->layers_focus) {
        ts_table_pane_status(v, out);
        return;
    }
    ts_buf_puts(out, "Layers: ");
    ts_table_status(&p->layers, out);
    ts_buf_printf(out, "; %s or %s: back to the models", ts_app_key_for(v->app, TS_ACT_ENTER),
                  ts_app_key_for(v->app, TS_ACT_BACK));
}

static void models_click(ts_view *v, ts_rect r, int y, int x)
{
    models_pane *p = v->priv;
    if (p->layers_focus) {
        ts_table_click(&p->layers, (ts_rect){r.y + 1, r.x + 1, r.h - 2, r.w - 2}, y, x);
        return;
    }
    ts_table_pane_click(v, r, y, x);
}

static bool models_export(ts_view *v, FILE *f)
{
    models_pane *p = v->priv;
    if (p->layers_focus) {
        ts_table_write_csv(&p->layers, f);
        return true;
    }
    return ts_table_pane_export(v, f);
}

/* / takes the quick filter language (ram<=128 sensor:camera name~speech). */
static void models_search(ts_view *v, const char *text, int dir)
{
    models_pane *p = v->priv;
    p->layers_focus = false;
    ts_catalog_filter_search(&p->qf, v, &p->tp.table, text, dir);
}

static void models_open(ts_view *v)
{
    models_pane *p = v->priv;
    if (!p) {
        p = v->priv = ts_calloc(1, sizeof *p);
        ts_table_init(&p->tp.table);
        ts_table_init(&p->layers);
        p->tp.empty = models_empty;
        p->tp.detail = models_detail;
        p->qf.target = TS_FILTER_MODELS;
    }
    ts_table_set_columns(&p->tp.table, columns, numeric, sizeof columns / sizeof columns[0]);
    /* A reload makes a new store: the dataset over the old one goes. The
     * new one is made now, while the UI shows the loading, because its
     * index takes most of a second at 1M triples: not at the first key. */
    ts_dataset_free(p->ds);
    p->ds = NULL;
    drop_layers(p);
    const ts_catalog *cat = ts_app_catalog(v->app);
    ts_store *store = ts_app_store(v->app);
    if (cat && cat->n_models && store) {
        p->ds = ts_dataset_local(store);
    }
    ts_catalog_filter_reset(&p->qf, cat, &p->tp.table);
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
        ts_table_free(&p->layers);
        ts_catalog_filter_clear(&p->qf);
        ts_dataset_free(p->ds);
        free(p->layers_of);
        free(p->layers_error);
        free(p);
    }
}

const ts_view_ops ts_models_ops = {
    .name = "Models",
    .help = "Models (nnet:NeuralNetwork) with RAM and flash needs, MACs, accuracy "
            "and category; beside the list, the sensor the model needs, the "
            "metric, dataset, its layers (index, type, activation, quantization, "
            "shapes) and the boards it fits, with the share of each board's RAM "
            "it takes. Enter gives the layer table the whole pane to scroll it "
            "(Enter or Backspace returns). Sort with s, filter with /, inspect with i.",
    .open = models_open,
    .draw = models_draw,
    .request = models_request,
    .search = models_search,
    .click = models_click,
    .status = models_status,
    .selected = ts_table_pane_selected,
    .export_csv = models_export,
    .done = models_done,
};
