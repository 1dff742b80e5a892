/*
 * The Devices pane: boards with their memory, CPU, sensors and runtime,
 * and a detail area (memory, sensors, the models that fit). Rows come from
 * the catalog (ts_tui_set_catalog_source); without one the pane says so.
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
} devices_pane;

static const char *const columns[] = {"Board", "RAM kB", "Flash kB", "CPU", "Sensors", "Runtime"};
static const bool numeric[] = {false, true, true, false, false, false};

static void devices_empty(ts_view *v, ts_rect r)
{
    if (ts_app_catalog(v->app)) {
        ts_view_draw_empty(r, "No boards\nNothing in the loaded graph is an s3n:SmartSensor.");
        return;
    }
    ts_view_draw_no_catalog(v, r, "No device catalog",
                            "Boards are listed here by the catalog (ontology/views),");
}

static void join_sensors(ts_buf *out, const ts_catalog *cat, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ts_buf_printf(out, "%s%s", i ? ", " : "", ts_class_short_name(cat->classes[idx[i]]));
    }
}

static void fill(devices_pane *d, const ts_catalog *cat)
{
    for (size_t i = 0; i < cat->n_devices; i++) {
        const ts_device *dev = cat->devices[i];
        ts_buf ram = {0}, flash = {0}, sensors = {0}, runtimes = {0};
        ts_fmt_number(&ram, dev->ram_kb);
        ts_fmt_number(&flash, dev->flash_kb);
        join_sensors(&sensors, cat, dev->sensors, dev->n_sensors);
        for (size_t k = 0; k < dev->n_runtimes; k++) {
            ts_buf_printf(&runtimes, "%s%s", k ? ", " : "", dev->runtimes[k]);
        }
        const char *cells[] = {dev->name,
                               ts_buf_str(&ram),
                               ts_buf_str(&flash),
                               dev->cpu ? dev->cpu : "",
                               ts_buf_str(&sensors),
                               ts_buf_str(&runtimes)};
        ts_table_add_row(&d->tp.table, cells, dev->iri);
        ts_buf_free(&ram);
        ts_buf_free(&flash);
        ts_buf_free(&sensors);
        ts_buf_free(&runtimes);
    }
}

static void devices_detail(ts_view *v, size_t row, ts_rect r)
{
    const ts_catalog *cat = ts_app_catalog(v->app);
    if (!cat || row >= cat->n_devices) {
        return;
    }
    const ts_device *dev = cat->devices[row];
    ts_detail d = {r, r.y};
    ts_detail_text(&d, dev->name, TS_EL_TITLE);
    if (dev->description) {
        ts_detail_text(&d, dev->description, TS_EL_DIM);
    }
    d.y++;
    ts_buf b = {0};
    ts_fmt_number(&b, dev->ram_kb);
    ts_detail_field(&d, "RAM", b.len ? ts_buf_str(&b) : "not stated");
    ts_buf_truncate(&b, 0);
    ts_fmt_number(&b, dev->flash_kb);
    ts_detail_field(&d, "Flash", b.len ? ts_buf_str(&b) : "not stated");
    ts_detail_field(&d, "CPU", dev->cpu);
    ts_buf_truncate(&b, 0);
    if (!isnan(dev->clock_mhz)) {
        ts_fmt_number(&b, dev->clock_mhz);
        ts_buf_puts(&b, " MHz");
    }
    ts_detail_field(&d, "Clock", ts_buf_str(&b));
    ts_buf_truncate(&b, 0);
    if (dev->usb_vid && dev->usb_pid) {
        ts_buf_printf(&b, "%s:%s", dev->usb_vid, dev->usb_pid);
    }
    ts_detail_field(&d, "USB", ts_buf_str(&b));
    ts_buf_truncate(&b, 0);
    join_sensors(&b, cat, dev->sensors, dev->n_sensors);
    ts_detail_field(&d, "Sensors", b.len ? ts_buf_str(&b) : "none stated");
    ts_buf_free(&b);

    size_t fits = 0;
    for (size_t i = 0; i < cat->n_models; i++) {
        fits += ts_compat_check(cat, cat->models[i], dev).verdict == TS_FITS;
    }
    char *title = ts_asprintf("Models that fit (%zu of %zu)", fits, cat->n_models);
    d.y++;
    ts_detail_text(&d, title, TS_EL_HEADER);
    free(title);
    for (size_t i = 0; i < cat->n_models; i++) {
        const ts_model *m = cat->models[i];
        ts_cell c = ts_compat_check(cat, m, dev);
        if (c.verdict != TS_FITS) {
            continue;
        }
        char *note =
            isnan(c.ram_pct) ? ts_strdup(m->name) : ts_asprintf("%3.0f%% %s", c.ram_pct, m->name);
        ts_detail_bar(&d, NULL, c.ram_pct, 100, note);
        free(note);
    }
}

static bool keep_row(const ts_table *t, size_t row, void *ctx)
{
    (void)t;
    devices_pane *p = ctx;
    return !p->filter || !p->cat || ts_filter_match_device(p->filter, p->cat, p->cat->devices[row]);
}

/* / takes the quick filter language (ram<=128 sensor:camera name~speech). */
static void devices_search(ts_view *v, const char *text, int dir)
{
    devices_pane *p = v->priv;
    if (dir != 0 || !p->cat) {
        ts_table_pane_search(v, text, dir);
        return;
    }
    ts_filter *f = NULL;
    if (text) {
        ts_error err;
        ts_error_clear(&err);
        f = ts_filter_compile(text, TS_FILTER_DEVICES, p->cat, &err);
        if (!f) {
            char msg[2600];
            ts_app_message(v->app, true, "%s (fields: %s)", ts_error_format(&err, msg, sizeof msg),
                           ts_filter_fields(TS_FILTER_DEVICES));
            return;
        }
    }
    ts_filter_free(p->filter);
    p->filter = f;
    ts_table_set_filter(&p->tp.table, text);
}

static void devices_open(ts_view *v)
{
    devices_pane *d = v->priv;
    if (!d) {
        d = v->priv = ts_calloc(1, sizeof *d);
        ts_table_init(&d->tp.table);
        d->tp.empty = devices_empty;
        d->tp.detail = devices_detail;
    }
    ts_table_set_columns(&d->tp.table, columns, numeric, sizeof columns / sizeof columns[0]);
    const ts_catalog *cat = ts_app_catalog(v->app);
    /* A reload makes a new catalog: the old filter's names are gone. */
    ts_filter_free(d->filter);
    d->filter = NULL;
    d->cat = cat;
    d->tp.table.keep = keep_row;
    d->tp.table.keep_ctx = d;
    ts_table_set_filter(&d->tp.table, NULL);
    if (cat) {
        fill(d, cat);
    }
    ts_table_refresh(&d->tp.table);
}

static void devices_done(ts_view *v)
{
    devices_pane *d = v->priv;
    if (d) {
        ts_table_free(&d->tp.table);
        ts_filter_free(d->filter);
        free(d);
    }
}

const ts_view_ops ts_devices_ops = {
    .name = "Devices",
    .help = "Boards (s3n:SmartSensor) with RAM, flash, CPU, sensors and runtime; "
            "beside the list, memory, the sensors and the models that fit the "
            "board under the cursor, with the share of its RAM each one needs. "
            "Sort with s, filter with /, inspect with i.",
    .open = devices_open,
    .draw = ts_table_pane_draw,
    .request = ts_table_pane_request,
    .search = devices_search,
    .click = ts_table_pane_click,
    .status = ts_table_pane_status,
    .selected = ts_table_pane_selected,
    .export_csv = ts_table_pane_export,
    .done = devices_done,
};
