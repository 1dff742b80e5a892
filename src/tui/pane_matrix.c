/*
 * The Matrix pane: models down, boards across, a verdict glyph per cell in
 * the ok/bad/unknown colours. The header row and the model column stay put
 * while the rest scrolls; the status line gives the cursor cell's verdict,
 * reasons and headroom. Cells come from the compatibility engine over the
 * catalog (ts_tui_set_catalog_source); without one the pane says so.
 *
 * A big graph has millions of cells (7558 models x 758 boards at 1M
 * triples), so nothing is computed at open: a cell's verdict is computed
 * the first time it is drawn and kept in a byte per cell. Only an export
 * walks them all (through the matrix writer, as `tinyscope matrix` does).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/compat.h"
#include "tinyscope/filter.h"
#include "tinyscope/matrix.h"
#include "view.h"

/* Board columns show the start of the name; the status line the rest. */
#define BOARD_WIDTH 9
#define NO_ROW ((size_t)-1)
/* Cells whose verdicts are kept (a byte each). */
#define MAX_CACHED ((size_t)1 << 28)

typedef struct {
    const ts_catalog *cat; /* the app's, as of the last open */
    uint8_t *verdicts;     /* n_models x n_boards: 0 not yet computed, else verdict + 1 */
    size_t n_models, n_boards;
    int *board_w;  /* per board: its column's width */
    int name_w;    /* the widest model name */
    size_t *order; /* the models shown (filtered), as catalog indices */
    size_t n_order;
    size_t row, top;   /* cursor and first shown, indices into order */
    size_t col, left;  /* cursor board and first board shown */
    int page;          /* rows shown at the last draw */
    ts_filter *filter; /* the quick filter on models, or NULL */
    char *filter_text;
    int col_x; /* where board columns start at the last draw */
} matrix_pane;

static ts_verdict verdict_at(matrix_pane *p, size_t m, size_t d)
{
    if (!p->verdicts) {
        return ts_compat_check(p->cat, p->cat->models[m], p->cat->devices[d]).verdict;
    }
    uint8_t *v = &p->verdicts[m * p->n_boards + d];
    if (!*v) {
        *v = (uint8_t)(ts_compat_check(p->cat, p->cat->models[m], p->cat->devices[d]).verdict + 1);
    }
    return (ts_verdict)(*v - 1);
}

static void release(matrix_pane *p)
{
    free(p->verdicts);
    free(p->board_w);
    free(p->order);
    ts_filter_free(p->filter);
    free(p->filter_text);
    p->verdicts = NULL;
    p->board_w = NULL;
    p->order = NULL;
    p->filter = NULL;
    p->filter_text = NULL;
    p->n_models = p->n_boards = p->n_order = 0;
}

/* The models the filter keeps, keeping the cursor on its model if it stays. */
static void refilter(matrix_pane *p)
{
    size_t keep = p->row < p->n_order ? p->order[p->row] : NO_ROW;
    p->n_order = 0;
    p->row = 0;
    for (size_t m = 0; m < p->n_models; m++) {
        if (!p->filter || ts_filter_match_model(p->filter, p->cat, p->cat->models[m])) {
            if (m == keep) {
                p->row = p->n_order;
            }
            p->order[p->n_order++] = m;
        }
    }
    if (p->top > p->row) {
        p->top = p->row;
    }
}

static void matrix_open(ts_view *v)
{
    matrix_pane *p = v->priv;
    if (!p) {
        p = v->priv = ts_calloc(1, sizeof *p);
    }
    /* A reload makes a new catalog: cells, widths and the filter's names go. */
    release(p);
    p->row = p->top = p->col = p->left = 0;
    p->cat = ts_app_catalog(v->app);
    if (!p->cat || !p->cat->n_models || !p->cat->n_devices) {
        return;
    }
    p->n_models = p->cat->n_models;
    p->n_boards = p->cat->n_devices;
    /* calloc'd pages are only touched once a cell is drawn. Beyond
     * MAX_CACHED cells nothing is kept: a screenful costs little anyway. */
    if (p->n_models <= MAX_CACHED / p->n_boards) {
        p->verdicts = ts_calloc(p->n_models * p->n_boards, 1);
    }
    p->board_w = ts_calloc(p->n_boards, sizeof *p->board_w);
    for (size_t d = 0; d < p->n_boards; d++) {
        int w = ts_text_width(p->cat->devices[d]->name);
        p->board_w[d] = w < 1 ? 1 : w > BOARD_WIDTH ? BOARD_WIDTH : w;
    }
    p->name_w = ts_text_width("Model");
    for (size_t m = 0; m < p->n_models; m++) {
        int w = ts_text_width(p->cat->models[m]->name);
        if (w > p->name_w) {
            p->name_w = w;
        }
    }
    p->order = ts_calloc(p->n_models, sizeof *p->order);
    refilter(p);
}

static void matrix_empty(ts_view *v, ts_rect r)
{
    if (ts_app_catalog(v->app)) {
        ts_view_draw_empty(r, "No matrix\nIt needs at least one model and one board.");
        return;
    }
    ts_view_draw_no_catalog(v, r, "No compatibility matrix",
                            "Models x boards come from the catalog (ontology/views),");
}

/* The model column's width in a body w cells wide. */
static int name_width(const matrix_pane *p, int w)
{
    int cap = w / 3 > 12 ? w / 3 : 12;
    return p->name_w < cap ? p->name_w : cap;
}

/* Scroll so that the cursor cell is on screen with columns from x0 to w. */
static void follow_cursor(matrix_pane *p, int x0, int w, int rows)
{
    if (p->left > p->col) {
        p->left = p->col;
    }
    for (;;) {
        int x = x0;
        for (size_t d = p->left; d < p->col; d++) {
            x += p->board_w[d] + 1;
        }
        if (x + p->board_w[p->col] <= w || p->left == p->col) {
            break;
        }
        p->left++;
    }
    if (p->top > p->row) {
        p->top = p->row;
    }
    if (rows > 0 && p->row >= p->top + (size_t)rows) {
        p->top = p->row - (size_t)rows + 1;
    }
}

static ts_element verdict_element(ts_verdict v)
{
    return v == TS_FITS ? TS_EL_OK : v == TS_NO ? TS_EL_BAD : TS_EL_UNKNOWN;
}

static void matrix_draw(ts_view *v, ts_rect r)
{
    matrix_pane *p = v->priv;
    if (!p->n_models) {
        matrix_empty(v, r);
        return;
    }
    if (r.h < 2 || r.w < 4) {
        return;
    }
    const ts_glyphs *g = ts_draw_glyphs();
    int nw = name_width(p, r.w);
    int rows = r.h - 1;
    p->page = rows;
    p->col_x = nw + 1;
    follow_cursor(p, p->col_x, r.w, rows);

    ts_draw_fill(r.y, r.x, r.w, TS_EL_HEADER);
    ts_draw_text(r.y, r.x, nw, "Model", TS_EL_HEADER);
    size_t last = p->left;
    for (int x = p->col_x; last < p->n_boards && x < r.w; last++) {
        ts_draw_text(r.y, r.x + x, r.w - x < p->board_w[last] ? r.w - x : p->board_w[last],
                     p->cat->devices[last]->name, TS_EL_HEADER);
        x += p->board_w[last] + 1;
    }
    /* Arrows say there are more boards beyond either edge. */
    if (p->left > 0) {
        ts_draw_text(r.y, r.x + p->col_x - 1, 1, g->arrow_left, TS_EL_HEADER);
    }
    if (last < p->n_boards) {
        ts_draw_text(r.y, r.x + r.w - 1, 1, g->arrow_right, TS_EL_HEADER);
    }

    for (int i = 0; i < rows && p->top + (size_t)i < p->n_order; i++) {
        size_t idx = p->top + (size_t)i;
        size_t m = p->order[idx];
        int y = r.y + 1 + i;
        bool cur = idx == p->row;
        const char *name = p->cat->models[m]->name;
        if (cur) {
            ts_draw_fill(y, r.x, nw, TS_EL_CURSOR);
        }
        ts_draw_text(y, r.x, nw, name, cur ? TS_EL_CURSOR : TS_EL_LINK);
        if (p->filter_text) {
            ts_draw_match(y, r.x, nw, name, p->filter_text);
        }
        int x = p->col_x;
        for (size_t d = p->left; d < p->n_boards && x < r.w; d++) {
            int w = r.w - x < p->board_w[d] ? r.w - x : p->board_w[d];
            ts_verdict vd = verdict_at(p, m, d);
            const char *glyph = vd == TS_FITS ? g->fits : vd == TS_NO ? g->no : g->unknown;
            bool here = cur && d == p->col;
            if (here) {
                ts_draw_fill(y, r.x + x, w, TS_EL_CURSOR);
            }
            /* The glyph in the middle of its column, under the board's name. */
            int gx = (p->board_w[d] - 1) / 2;
            if (gx < w) {
                ts_draw_text(y, r.x + x + gx, w - gx, glyph,
                             here ? TS_EL_CURSOR : verdict_element(vd));
            }
            x += p->board_w[d] + 1;
        }
    }
}

/* The cell under the cursor (catalog indices), or false. */
static bool current_pair(const matrix_pane *p, size_t *m, size_t *d)
{
    if (!p || p->row >= p->n_order || p->col >= p->n_boards) {
        return false;
    }
    *m = p->order[p->row];
    *d = p->col;
    return true;
}

static void matrix_status(ts_view *v, ts_buf *out)
{
    matrix_pane *p = v->priv;
    size_t mi, di;
    if (!current_pair(p, &mi, &di)) {
        ts_buf_puts(out, "Matrix: ");
        ts_buf_puts(out, p && p->n_models ? "no models match the filter" : "no cells");
        if (p && p->filter_text) {
            ts_buf_printf(out, ", filter: %s", p->filter_text);
        }
        return;
    }
    const ts_model *m = p->cat->models[mi];
    const ts_device *d = p->cat->devices[di];
    ts_cell c = ts_compat_check(p->cat, m, d);
    /* What the cell says first, so that 80 columns show it; the names are in the headers. */
    ts_buf_printf(out, "%s", ts_verdict_name(c.verdict));
    if (c.verdict != TS_FITS) {
        ts_buf_puts(out, ": ");
        ts_compat_reasons(p->cat, m, d, &c, out);
    }
    const char *sep = c.verdict == TS_FITS ? ": " : "; ";
    if (!isnan(c.ram_pct)) {
        ts_buf_printf(out, "%sRAM %.0f%%", sep, c.ram_pct);
        sep = ", ";
    }
    if (!isnan(c.flash_pct)) {
        ts_buf_printf(out, "%sflash %.0f%%", sep, c.flash_pct);
    }
    ts_buf_printf(out, " | %s on %s [%zu/%zu x %zu/%zu", m->name, d->name, p->row + 1, p->n_order,
                  di + 1, p->n_boards);
    if (p->filter_text) {
        ts_buf_printf(out, ", filter: %s", p->filter_text);
    }
    ts_buf_putc(out, ']');
}

static void move_row(matrix_pane *p, long delta)
{
    if (!p->n_order) {
        return;
    }
    long r = (long)p->row + delta;
    p->row = r < 0 ? 0 : r >= (long)p->n_order ? p->n_order - 1 : (size_t)r;
}

static bool matrix_request(ts_view *v, ts_action act)
{
    matrix_pane *p = v->priv;
    size_t m, d;
    long page = p->page > 1 ? p->page - 1 : 1;
    switch (act) {
    case TS_ACT_MOVE_UP: move_row(p, -1); return true;
    case TS_ACT_MOVE_DOWN: move_row(p, 1); return true;
    case TS_ACT_PAGE_UP: move_row(p, -page); return true;
    case TS_ACT_PAGE_DOWN: move_row(p, page); return true;
    case TS_ACT_MOVE_FIRST: p->row = 0; return true;
    case TS_ACT_MOVE_LAST: move_row(p, (long)p->n_order); return true;
    case TS_ACT_SCROLL_LEFT:
        if (p->col > 0) {
            p->col--;
        }
        return true;
    case TS_ACT_SCROLL_RIGHT:
        if (p->col + 1 < p->n_boards) {
            p->col++;
        }
        return true;
    case TS_ACT_ENTER:
        /* Enter inspects the board of the cell; i inspects the model (the row). */
        if (current_pair(p, &m, &d)) {
            ts_app_show_resource(v->app, p->cat->devices[d]->iri);
        }
        return true;
    default: return false;
    }
}

/* / takes the models' quick filter language; n/N go to the next model whose name has the text. */
static void matrix_search(ts_view *v, const char *text, int dir)
{
    matrix_pane *p = v->priv;
    if (!p->n_models) {
        return;
    }
    if (dir != 0) {
        for (size_t step = 1; text && step <= p->n_order; step++) {
            size_t idx = (p->row + (dir > 0 ? step : p->n_order - step)) % p->n_order;
            if (ts_strcasestr(p->cat->models[p->order[idx]]->name, text)) {
                p->row = idx;
                return;
            }
        }
        ts_app_message(v->app, true, "not found: %s", text ? text : "");
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
    free(p->filter_text);
    p->filter = f;
    p->filter_text = text ? ts_strdup(text) : NULL;
    refilter(p);
}

static void matrix_click(ts_view *v, ts_rect r, int y, int x)
{
    matrix_pane *p = v->priv;
    if (!p->n_order || y <= r.y) {
        return;
    }
    size_t idx = p->top + (size_t)(y - r.y - 1);
    if (idx >= p->n_order) {
        return;
    }
    p->row = idx;
    int cx = r.x + p->col_x;
    for (size_t d = p->left; d < p->n_boards && cx < r.x + r.w; d++) {
        if (x >= cx && x < cx + p->board_w[d]) {
            p->col = d;
        }
        cx += p->board_w[d] + 1;
    }
}

/* i inspects the model of the row. */
static char *matrix_selected(ts_view *v)
{
    matrix_pane *p = v->priv;
    size_t m, d;
    return current_pair(p, &m, &d) ? ts_strdup(p->cat->models[m]->iri) : NULL;
}

/* Every cell of the models shown, one record per pair as `tinyscope matrix --csv` writes them. */
static bool matrix_export(ts_view *v, FILE *f)
{
    matrix_pane *p = v->priv;
    if (!p->n_models) {
        ts_app_message(v->app, true, "the matrix is empty");
        return false;
    }
    ts_model **models = ts_calloc(p->n_order ? p->n_order : 1, sizeof *models);
    for (size_t i = 0; i < p->n_order; i++) {
        models[i] = p->cat->models[p->order[i]];
    }
    bool ok = ts_matrix_write(f, p->cat, models, p->n_order, p->cat->devices, p->n_boards, false);
    free(models);
    if (!ok) {
        ts_app_message(v->app, true, "the export failed: a write error");
    }
    return ok;
}

static void matrix_done(ts_view *v)
{
    matrix_pane *p = v->priv;
    if (p) {
        release(p);
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
            "i the model; / filters the models (as in the Models pane); e exports "
            "every cell shown, one record per pair. Cells are computed as they "
            "come into view.",
    .open = matrix_open,
    .draw = matrix_draw,
    .request = matrix_request,
    .search = matrix_search,
    .click = matrix_click,
    .status = matrix_status,
    .selected = matrix_selected,
    .export_csv = matrix_export,
    .done = matrix_done,
};
