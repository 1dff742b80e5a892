/*
 * The Devices pane: boards with their memory, CPU, sensors and runtime,
 * and a detail area (memory bars, sensors, models that fit). Its rows come
 * from the catalog; until the catalog is part of the build the pane shows
 * its frame and says so.
 */
#include <stdlib.h>

#include "view.h"

typedef struct {
    ts_table_pane tp; /* first: the generic table-pane operations use it */
} devices_pane;

static const char *const columns[] = {"Board", "RAM kB", "Flash kB", "CPU", "Sensors", "Runtime"};
static const bool numeric[] = {false, true, true, false, false, false};

static void devices_empty(ts_view *v, ts_rect r)
{
    ts_view_draw_no_catalog(v, r, "No device catalog yet",
                            "Boards are listed here by the catalog (ontology/views),");
}

static void devices_open(ts_view *v)
{
    devices_pane *d = v->priv;
    if (!d) {
        d = v->priv = ts_calloc(1, sizeof *d);
        ts_table_init(&d->tp.table);
        d->tp.empty = devices_empty;
    }
    ts_table_set_columns(&d->tp.table, columns, numeric, sizeof columns / sizeof columns[0]);
    ts_table_refresh(&d->tp.table);
}

static void devices_done(ts_view *v)
{
    devices_pane *d = v->priv;
    if (d) {
        ts_table_free(&d->tp.table);
        free(d);
    }
}

const ts_view_ops ts_devices_ops = {
    .name = "Devices",
    .help = "Boards (s3n:SmartSensor) with RAM, flash, CPU, sensors and runtime; "
            "beside the list, memory bars, the sensors and the models that fit the "
            "board under the cursor. Sort with s, filter with /, inspect with i.",
    .open = devices_open,
    .draw = ts_table_pane_draw,
    .request = ts_table_pane_request,
    .search = ts_table_pane_search,
    .click = ts_table_pane_click,
    .status = ts_table_pane_status,
    .selected = ts_table_pane_selected,
    .export_csv = ts_table_pane_export,
    .done = devices_done,
};
