/*
 * The Matrix pane: models down, boards across, a verdict glyph per cell in
 * the ok/bad/unknown colours. The header row and the model column stay put
 * while the rest scrolls; the status line gives the cursor cell's verdict,
 * reasons and headroom. Cells come from the compatibility engine over the
 * catalog (ts_tui_set_catalog_source); without one the pane says so.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/compat.h"
#include "view.h"

typedef struct {
    ts_table_pane tp; /* first: the generic table-pane operations use it */
} matrix_pane;

static void matrix_empty(ts_view *v, ts_rect r)
{
    const ts_catalog *cat = ts_app_catalog(v->app);
    if (cat) {
        ts_view_draw_empty(r, "No matrix\nIt needs at least one model and one board.");
        return;
    }
    ts_view_draw_no_catalog(v, r, "No compatibility matrix",
                            "Models x boards come from the catalog (ontology/views),");
}

static ts_element verdict_style(const char *cell, void *ctx)
{
    (void)ctx;
    const ts_glyphs *g = ts_draw_glyphs();
    if (!strcmp(cell, g->fits)) {
        return TS_EL_OK;
    }
    return !strcmp(cell, g->no) ? TS_EL_BAD : TS_EL_UNKNOWN;
}

static void fill(matrix_pane *p, const ts_catalog *cat)
{
    size_t n = cat->n_devices + 1;
    const char **titles = ts_calloc(n, sizeof *titles);
    titles[0] = "Model";
    for (size_t i = 0; i < cat->n_devices; i++) {
        titles[i + 1] = cat->devices[i]->name;
    }
    ts_table_set_columns(&p->tp.table, titles, NULL, n);
    free(titles);
    for (size_t i = 1; i < n; i++) {
        /* Board names are long: a column shows their start, the status line the rest. */
        p->tp.table.cols[i].max_width = 9;
    }
    const ts_glyphs *g = ts_draw_glyphs();
    const char **cells = ts_calloc(n, sizeof *cells);
    for (size_t m = 0; m < cat->n_models; m++) {
        cells[0] = cat->models[m]->name;
        for (size_t d = 0; d < cat->n_devices; d++) {
            ts_cell c = ts_compat_check(cat, cat->models[m], cat->devices[d]);
            cells[d + 1] = c.verdict == TS_FITS ? g->fits : c.verdict == TS_NO ? g->no : g->unknown;
        }
        ts_table_add_row(&p->tp.table, cells, cat->models[m]->iri);
    }
    free(cells);
}

static void matrix_open(ts_view *v)
{
    matrix_pane *p = v->priv;
    if (!p) {
        p = v->priv = ts_calloc(1, sizeof *p);
        ts_table_init(&p->tp.table);
        p->tp.empty = matrix_empty;
    }
    static const char *const first[] = {"Model"};
    ts_table_set_columns(&p->tp.table, first, NULL, 1);
    const ts_catalog *cat = ts_app_catalog(v->app);
    if (cat && cat->n_models && cat->n_devices) {
        fill(p, cat);
    }
    p->tp.table.cell_cursor = true;
    p->tp.table.col_cursor = 1;
    p->tp.table.cell_style = verdict_style;
    ts_table_refresh(&p->tp.table);
}

/* The cell under the cursor, or false. */
static bool current_pair(ts_view *v, const ts_model **m, const ts_device **d)
{
    matrix_pane *p = v->priv;
    const ts_catalog *cat = ts_app_catalog(v->app);
    size_t row = ts_table_current(&p->tp.table);
    size_t col = p->tp.table.col_cursor;
    if (!cat || row == (size_t)-1 || row >= cat->n_models || col < 1 || col > cat->n_devices) {
        return false;
    }
    *m = cat->models[row];
    *d = cat->devices[col - 1];
    return true;
}

static void matrix_status(ts_view *v, ts_buf *out)
{
    const ts_model *m;
    const ts_device *d;
    const ts_catalog *cat = ts_app_catalog(v->app);
    if (!current_pair(v, &m, &d)) {
        ts_table_pane_status(v, out);
        return;
    }
    ts_cell c = ts_compat_check(cat, m, d);
    ts_buf_printf(out, "%s on %s: %s", m->name, d->name, ts_verdict_name(c.verdict));
    if (!isnan(c.ram_pct)) {
        ts_buf_printf(out, ", RAM %.0f%%", c.ram_pct);
    }
    if (!isnan(c.flash_pct)) {
        ts_buf_printf(out, ", flash %.0f%%", c.flash_pct);
    }
    if (c.verdict != TS_FITS) {
        ts_buf_puts(out, "; ");
        ts_compat_reasons(cat, m, d, &c, out);
    }
}

static bool matrix_request(ts_view *v, ts_action act)
{
    const ts_model *m;
    const ts_device *d;
    if (act == TS_ACT_ENTER && current_pair(v, &m, &d)) {
        /* Enter inspects the board of the cell; i inspects the model (the row). */
        ts_app_show_resource(v->app, d->iri);
        return true;
    }
    return ts_table_pane_request(v, act);
}

static void matrix_done(ts_view *v)
{
    matrix_pane *p = v->priv;
    if (p) {
        ts_table_free(&p->tp.table);
        free(p);
    }
}

const ts_view_ops ts_matrix_ops = {
    .name = "Matrix",
    .help = "Every model against every board: a verdict per cell (fits, does not "
            "fit, unknown when a fact is missing). The header row and the model "
            "column stay in place while h/j/k/l move the cell cursor; the status "
            "line gives the verdict, the RAM and flash headroom and the failing "
            "constraints of the cell under the cursor. Enter inspects the board, "
            "i the model.",
    .open = matrix_open,
    .draw = ts_table_pane_draw,
    .request = matrix_request,
    .search = ts_table_pane_search,
    .click = ts_table_pane_click,
    .status = matrix_status,
    .selected = ts_table_pane_selected,
    .export_csv = ts_table_pane_export,
    .done = matrix_done,
};
