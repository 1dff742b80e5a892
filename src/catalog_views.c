#include "tinyscope/catalog_views.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/buf.h"
#include "tinyscope/datapath.h"

char *ts_view_text(const char *name, ts_error *err)
{
    ts_buf text = {0};
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char *user = NULL;
    if (xdg && *xdg) {
        user = ts_asprintf("%s/tinyscope/views/%s.rq", xdg, name);
    } else if (home && *home) {
        user = ts_asprintf("%s/.config/tinyscope/views/%s.rq", home, name);
    }
    if (user && ts_read_file(user, &text)) {
        free(user);
        return ts_buf_steal(&text);
    }
    free(user);
    ts_buf_free(&text);
    char *rel = ts_asprintf("ontology/views/%s.rq", name);
    char *path = ts_data_path(rel);
    free(rel);
    if (!ts_read_file(path, &text)) {
        ts_error_set(err, TS_ERR_NOT_FOUND, path, 0, 0, "cannot read the view query");
        ts_buf_free(&text);
        free(path);
        return NULL;
    }
    free(path);
    return ts_buf_steal(&text);
}

/* One view: its name, the columns it must have, and what a row does. */
typedef struct view_run view_run;
struct view_run {
    const char *name;
    const char *const *columns; /* NULL-terminated; columns[0] is required */
    void (*row)(view_run *v, const ts_term *const *cells);
    ts_catalog *cat;
    long index[16];
    size_t n_columns;
};

static const char *str_of(const ts_term *t)
{
    return (t && t->kind != TS_TERM_NONE) ? t->value : NULL;
}

static double num_of(const ts_term *t)
{
    double v;
    return (t && ts_term_number(t, &v) == TS_OK) ? v : NAN;
}

/* Keep the first value a view gives for a field: a board with two titles
 * gives two rows, and the catalog shows one. */
static void set_once(char **field, const ts_term *t)
{
    if (!*field && str_of(t)) {
        *field = ts_strdup(t->value);
    }
}

static void set_num_once(double *field, const ts_term *t)
{
    if (isnan(*field)) {
        *field = num_of(t);
    }
}

static void board_row(view_run *v, const ts_term *const *c)
{
    ts_device *d = ts_catalog_device(v->cat, c[0]->value);
    set_once(&d->name, c[1]);
    set_once(&d->description, c[2]);
    set_num_once(&d->ram_kb, c[3]);
    set_num_once(&d->flash_kb, c[4]);
    if (str_of(c[5])) {
        ts_device_add_runtime(d, c[5]->value);
    }
    set_once(&d->usb_vid, c[6]);
    set_once(&d->usb_pid, c[7]);
    set_once(&d->cpu, c[8]);
    set_num_once(&d->clock_mhz, c[9]);
}

static void board_sensor_row(view_run *v, const ts_term *const *c)
{
    if (str_of(c[1])) {
        ts_device_add_sensor(v->cat, ts_catalog_device(v->cat, c[0]->value), c[1]->value);
    }
}

static void model_row(view_run *v, const ts_term *const *c)
{
    ts_model *m = ts_catalog_model(v->cat, c[0]->value);
    set_once(&m->name, c[1]);
    set_once(&m->identifier, c[2]);
    set_once(&m->description, c[3]);
    set_once(&m->creator, c[4]);
    set_once(&m->category, c[5]);
    set_num_once(&m->macs, c[6]);
    set_num_once(&m->ram_kb, c[7]);
    set_num_once(&m->flash_kb, c[8]);
    set_once(&m->runtime, c[9]);
    set_once(&m->metric, c[10]);
    set_num_once(&m->metric_value, c[11]);
    set_once(&m->dataset, c[12]);
    set_once(&m->citation, c[13]);
}

static void model_sensor_row(view_run *v, const ts_term *const *c)
{
    if (str_of(c[1])) {
        ts_model_add_sensor(v->cat, ts_catalog_model(v->cat, c[0]->value), c[1]->value);
    }
}

static void sensor_class_row(view_run *v, const ts_term *const *c)
{
    if (str_of(c[1])) {
        ts_catalog_subclass(v->cat, c[0]->value, c[1]->value);
    }
}

static void layer_row(view_run *v, const ts_term *const *c)
{
    /* Layers only for models the models view knows. */
    ts_model *m = ts_catalog_get_model(v->cat, c[0]->value);
    if (!m) {
        return;
    }
    ts_layer *l = ts_model_add_layer(m);
    double index = num_of(c[3]);
    l->index = isnan(index) ? -1 : (long)index;
    set_once(&l->role, c[2]);
    const char *type = str_of(c[4]);
    if (type) {
        l->type = ts_strdup(c[4]->kind == TS_TERM_IRI ? ts_class_short_name(type) : type);
    }
    const char *act = str_of(c[5]);
    if (act) {
        l->activation = ts_strdup(c[5]->kind == TS_TERM_IRI ? ts_class_short_name(act) : act);
    }
    const char *q = str_of(c[6]);
    if (q) {
        l->quantization = ts_strdup(c[6]->kind == TS_TERM_IRI ? ts_class_short_name(q) : q);
    }
    set_once(&l->shape_in, c[7]);
    set_once(&l->shape_out, c[8]);
}

static int on_begin(void *ctx, ts_query_form form, const char *const *vars, size_t n_vars)
{
    view_run *v = ctx;
    (void)form;
    for (size_t i = 0; i < v->n_columns; i++) {
        v->index[i] = -1;
        for (size_t k = 0; k < n_vars; k++) {
            if (!strcmp(vars[k], v->columns[i])) {
                v->index[i] = (long)k;
            }
        }
    }
    return 0;
}

static int on_row(void *ctx, const ts_term *cells)
{
    view_run *v = ctx;
    static const ts_term none = {TS_TERM_NONE, NULL, NULL, NULL};
    const ts_term *c[16];
    for (size_t i = 0; i < v->n_columns; i++) {
        c[i] = v->index[i] >= 0 ? &cells[v->index[i]] : &none;
    }
    if (c[0]->kind == TS_TERM_IRI || c[0]->kind == TS_TERM_BLANK) {
        v->row(v, c);
    }
    return 0;
}

static ts_status run_view(ts_dataset *ds, view_run *v, ts_error *err)
{
    char *text = ts_view_text(v->name, err);
    if (!text) {
        return TS_ERR_NOT_FOUND;
    }
    for (v->n_columns = 0; v->columns[v->n_columns]; v->n_columns++) {
    }
    ts_query_sink sink = {.begin = on_begin, .row = on_row};
    ts_query_opts opts = {0};
    ts_status st = ts_query_stream(ds, text, &opts, &sink, v, NULL, err);
    free(text);
    if (st != TS_OK && err) {
        /* Name the view, keeping the position of a syntax error. */
        char *msg = ts_strdup(err->message);
        char *src = ts_asprintf("ontology/views/%s.rq", v->name);
        ts_error_set(err, st, src, err->line, err->col, "%s", msg);
        free(src);
        free(msg);
    }
    return st;
}

ts_status ts_catalog_load(ts_catalog *cat, ts_dataset *ds, ts_error *err)
{
    static const char *const board_cols[] = {"board", "title", "description", "ramKB",
                                             "flashKB", "runtime", "usbVendorId",
                                             "usbProductId", "cpu", "clockMHz", NULL};
    static const char *const board_sensor_cols[] = {"board", "sensorClass", NULL};
    static const char *const model_cols[] = {
        "model", "name", "identifier", "description", "creator", "category", "macs",
        "ramKB", "flashKB", "runtime", "metricType", "metricValue", "dataset", "citation",
        NULL};
    static const char *const model_sensor_cols[] = {"model", "sensorClass", NULL};
    static const char *const class_cols[] = {"class", "superclass", NULL};
    static const char *const layer_cols[] = {"model", "layer", "role", "index", "type",
                                             "activation", "quantization", "shapeIn",
                                             "shapeOut", NULL};
    view_run views[] = {
        {"sensor_classes", class_cols, sensor_class_row, cat, {0}, 0},
        {"boards", board_cols, board_row, cat, {0}, 0},
        {"board_sensors", board_sensor_cols, board_sensor_row, cat, {0}, 0},
        {"models", model_cols, model_row, cat, {0}, 0},
        {"model_sensors", model_sensor_cols, model_sensor_row, cat, {0}, 0},
        {"layers", layer_cols, layer_row, cat, {0}, 0},
    };
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        ts_status st = run_view(ds, &views[i], err);
        if (st != TS_OK) {
            return st;
        }
    }
    ts_catalog_finish(cat);
    return TS_OK;
}
