/*
 * The Models pane: neural networks with their memory needs, MACs, metric
 * and dataset, and a detail area (layers, sensors, boards that fit). Its
 * rows come from the catalog; until the catalog is part of the build the pane shows
 * its frame and says so.
 */
#include <stdlib.h>

#include "view.h"

typedef struct {
    ts_table_pane tp; /* first: the generic table-pane operations use it */
} models_pane;

static const char *const columns[] = {"Model", "RAM kB",   "Flash kB",
                                      "MACs",  "Accuracy", "Category"};
static const bool numeric[] = {false, true, true, true, true, false};

static void models_empty(ts_view *v, ts_rect r)
{
    ts_view_draw_no_catalog(v, r, "No model catalog yet",
                            "Models are listed here by the catalog (ontology/views),");
}

static void models_open(ts_view *v)
{
    models_pane *d = v->priv;
    if (!d) {
        d = v->priv = ts_calloc(1, sizeof *d);
        ts_table_init(&d->tp.table);
        d->tp.empty = models_empty;
    }
    ts_table_set_columns(&d->tp.table, columns, numeric, sizeof columns / sizeof columns[0]);
    ts_table_refresh(&d->tp.table);
}

static void models_done(ts_view *v)
{
    models_pane *d = v->priv;
    if (d) {
        ts_table_free(&d->tp.table);
        free(d);
    }
}

const ts_view_ops ts_models_ops = {
    .name = "Models",
    .help = "Models (nnet:NeuralNetwork) with RAM and flash needs, MACs, accuracy "
            "and category; beside the list, the layers, the sensor the model needs, "
            "the dataset and the boards it fits. Sort with s, filter with /, inspect with i.",
    .open = models_open,
    .draw = ts_table_pane_draw,
    .request = ts_table_pane_request,
    .search = ts_table_pane_search,
    .click = ts_table_pane_click,
    .status = ts_table_pane_status,
    .selected = ts_table_pane_selected,
    .export_csv = ts_table_pane_export,
    .done = models_done,
};
