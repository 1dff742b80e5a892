/*
 * The Matrix pane: models down, boards across, a verdict glyph per cell;
 * the header row and the model column stay put while the rest scrolls, and
 * the status line gives the cursor cell's reasons and headroom. Cells come
 * from the compatibility engine over the catalog; until those are part of
 * the build the pane shows its frame and says so.
 */
#include <stdlib.h>

#include "view.h"

typedef struct {
    ts_table_pane tp; /* first: the generic table-pane operations use it */
} matrix_pane;

static void matrix_empty(ts_view *v, ts_rect r)
{
    ts_view_draw_no_catalog(v, r, "No compatibility matrix yet",
                            "Models x boards come from the compatibility engine,");
}

static void matrix_open(ts_view *v)
{
    matrix_pane *m = v->priv;
    if (!m) {
        m = v->priv = ts_calloc(1, sizeof *m);
        ts_table_init(&m->tp.table);
        m->tp.empty = matrix_empty;
    }
    static const char *const first[] = {"Model"};
    ts_table_set_columns(&m->tp.table, first, NULL, 1);
    ts_table_refresh(&m->tp.table);
}

static void matrix_done(ts_view *v)
{
    matrix_pane *m = v->priv;
    if (m) {
        ts_table_free(&m->tp.table);
        free(m);
    }
}

const ts_view_ops ts_matrix_ops = {
    .name = "Matrix",
    .help = "Every model against every board: a verdict per cell (fits, does not "
            "fit, unknown when a fact is missing). The header row and the model "
            "column stay in place while h/j/k/l scroll; the status line gives the "
            "failing constraints and the RAM and flash headroom of the cell under "
            "the cursor; i inspects the model.",
    .open = matrix_open,
    .draw = ts_table_pane_draw,
    .request = ts_table_pane_request,
    .search = ts_table_pane_search,
    .click = ts_table_pane_click,
    .status = ts_table_pane_status,
    .selected = ts_table_pane_selected,
    .export_csv = ts_table_pane_export,
    .done = matrix_done,
};
