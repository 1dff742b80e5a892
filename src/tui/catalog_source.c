/*
 * The default catalog source of the Devices, Models and Matrix panes: the
 * view queries (ontology/views, or the user's own) over the local store,
 * the same way the CLI's devices/models/matrix commands read it.
 */
#include "tinyscope/catalog_views.h"
#include "tinyscope/tui.h"

ts_catalog *ts_tui_views_catalog(ts_store *store, ts_diags *diags)
{
    ts_dataset *ds = ts_dataset_local(store);
    ts_catalog *cat = ts_catalog_new();
    ts_error err;
    ts_error_clear(&err);
    ts_status st = ts_catalog_load(cat, ds, &err);
    ts_dataset_free(ds);
    if (st != TS_OK) {
        ts_diags_add(diags, TS_DIAG_ERROR, &err);
        ts_catalog_free(cat);
        return NULL;
    }
    return cat;
}
