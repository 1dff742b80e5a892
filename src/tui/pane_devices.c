/*
 * The Devices pane: boards with their memory, CPU, sensors and runtime,
 * and a detail area (memory, sensors, the models that fit). Rows come from
 * the catalog (ts_tui_set_catalog_source); without one the pane says so.
 */
#include <math.h>
#include <stdlib.h>

#include "catalog_panes.h"

typedef struct {
    ts_table_pane tp;     /* first: the generic table-pane operations use it */
    ts_catalog_filter qf; /* the quick filter, over the app's catalog */
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

static void fill(devices_pane *d, const ts_catalog *cat)
{
    for (size_t i = 0; i < cat->n_devices; i++) {
        const ts_device *dev = cat->devices[i];
        ts_buf ram = {0}, flash = {0}, sensors = {0}, runtimes = {0};
        ts_fmt_number(&ram, dev->ram_kb);
        ts_fmt_number(&flash, dev->flash_kb);
        ts_detail_join_classes(&sensors, cat, dev->sensors, dev->n_sensors);
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
    ts_detail_head(&d, dev->name, dev->description);
    ts_detail_memory(&d, dev->ram_kb, dev->flash_kb);
    ts_detail_field(&d, "CPU", dev->cpu);
    ts_buf b = {0};
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
    ts_detail_join_classes(&b, cat, dev->sensors, dev->n_sensors);
    ts_detail_field(&d, "Sensors", b.len ? ts_buf_str(&b) : "none stated");
    ts_buf_free(&b);
    ts_detail_fits(&d, cat, NULL, dev);
}

/* / takes the quick filter language (ram<=128 sensor:camera name~speech). */
static void devices_search(ts_view *v, const char *text, int dir)
{
    devices_pane *p = v->priv;
    ts_catalog_filter_search(&p->qf, v, &p->tp.table, text, dir);
}

static void devices_open(ts_view *v)
{
    devices_pane *d = v->priv;
    if (!d) {
        d = v->priv = ts_calloc(1, sizeof *d);
        ts_table_init(&d->tp.table);
        d->tp.empty = devices_empty;
        d->tp.detail = devices_detail;
        d->qf.target = TS_FILTER_DEVICES;
    }
    ts_table_set_columns(&d->tp.table, columns, numeric, sizeof columns / sizeof columns[0]);
    const ts_catalog *cat = ts_app_catalog(v->app);
    ts_catalog_filter_reset(&d->qf, cat, &d->tp.table);
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
        ts_catalog_filter_clear(&d->qf);
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
