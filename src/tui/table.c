/*
 * The table widget: string cells, a frozen header row and first column,
 * sorting by any column (numbers by value), a substring filter, a cursor.
 * Panes fill it; movement, sorting, drawing and CSV export are generic.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinyscope/store.h"
#include "view.h"

#define NO_ROW ((size_t)-1)

const char *ts_strcasestr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n) {
        return hay;
    }
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) {
            i++;
        }
        if (i == n) {
            return hay;
        }
    }
    return NULL;
}

void ts_table_init(ts_table *t)
{
    memset(t, 0, sizeof *t);
    t->sort_col = -1;
}

void ts_table_clear_rows(ts_table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++) {
        free(t->cells[i]);
    }
    for (size_t i = 0; i < t->n_rows; i++) {
        free(t->resources[i]);
    }
    t->n_rows = 0;
    t->n_order = 0;
    t->cursor = t->top = 0;
}

void ts_table_free(ts_table *t)
{
    ts_table_clear_rows(t);
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->cols[i].title);
    }
    free(t->cols);
    free(t->cells);
    free(t->resources);
    free(t->order);
    free(t->filter);
    free(t->widths);
    ts_table_init(t);
}

void ts_table_set_columns(ts_table *t, const char *const *titles, const bool *numeric, size_t n)
{
    char *filter = t->filter;
    t->filter = NULL;
    ts_table_free(t);
    t->filter = filter;
    t->cols = ts_calloc(n ? n : 1, sizeof *t->cols);
    t->widths = ts_calloc(n ? n : 1, sizeof *t->widths);
    t->n_cols = n;
    for (size_t i = 0; i < n; i++) {
        t->cols[i].title = ts_strdup(titles[i]);
        t->cols[i].numeric = numeric ? numeric[i] : false;
    }
}

void ts_table_add_row(ts_table *t, const char *const *cells, const char *resource)
{
    if (t->n_rows == t->cap_rows) {
        t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 64;
        t->cells = ts_reallocarray(t->cells, ts_mul_size(t->cap_rows, t->n_cols ? t->n_cols : 1),
                                   sizeof *t->cells);
        t->resources = ts_reallocarray(t->resources, t->cap_rows, sizeof *t->resources);
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        t->cells[t->n_rows * t->n_cols + c] = ts_strdup(cells[c] ? cells[c] : "");
    }
    t->resources[t->n_rows] = resource ? ts_strdup(resource) : NULL;
    t->n_rows++;
}

const char *ts_table_cell(const ts_table *t, size_t row, size_t col)
{
    return (row < t->n_rows && col < t->n_cols) ? t->cells[row * t->n_cols + col] : "";
}

static bool row_matches(const ts_table *t, size_t row)
{
    if (!t->filter || !*t->filter) {
        return true;
    }
    if (t->keep) {
        return t->keep(t, row, t->keep_ctx);
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        if (ts_strcasestr(ts_table_cell(t, row, c), t->filter)) {
            return true;
        }
    }
    return false;
}

/* qsort has no context argument in C11; sorting runs on one thread. */
static const ts_table *sort_table;
static const double *sort_keys;

static int compare_rows(const void *a, const void *b)
{
    size_t ra = *(const size_t *)a, rb = *(const size_t *)b;
    const ts_table *t = sort_table;
    int c = 0;
    if (sort_keys) {
        double x = sort_keys[ra], y = sort_keys[rb];
        /* Rows without a number go last whichever the direction. */
        if (isnan(x) || isnan(y)) {
            c = isnan(x) - isnan(y);
            return c ? c : (ra > rb) - (ra < rb);
        }
        c = (x > y) - (x < y);
    } else {
        c = strcasecmp(ts_table_cell(t, ra, (size_t)t->sort_col),
                       ts_table_cell(t, rb, (size_t)t->sort_col));
    }
    if (t->sort_desc) {
        c = -c;
    }
    return c ? c : (ra > rb) - (ra < rb);
}

void ts_table_refresh(ts_table *t)
{
    size_t keep = ts_table_current(t);
    free(t->order);
    t->order = ts_malloc(ts_mul_size(t->n_rows ? t->n_rows : 1, sizeof *t->order));
    t->n_order = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (row_matches(t, r)) {
            t->order[t->n_order++] = r;
        }
    }
    if (t->sort_col >= 0 && (size_t)t->sort_col < t->n_cols && t->n_order > 1) {
        double *keys = NULL;
        if (t->cols[t->sort_col].numeric) {
            keys = ts_malloc(ts_mul_size(t->n_rows, sizeof *keys));
            for (size_t r = 0; r < t->n_rows; r++) {
                if (!ts_parse_number(ts_table_cell(t, r, (size_t)t->sort_col), &keys[r])) {
                    keys[r] = NAN;
                }
            }
        }
        sort_table = t;
        sort_keys = keys;
        qsort(t->order, t->n_order, sizeof *t->order, compare_rows);
        sort_table = NULL;
        sort_keys = NULL;
        free(keys);
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        int w = ts_text_width(t->cols[c].title) + 1;
        /* Enough rows to size the columns without scanning millions. */
        for (size_t i = 0; i < t->n_order && i < 5000; i++) {
            int cw = ts_text_width(ts_table_cell(t, t->order[i], c));
            if (cw > w) {
                w = cw;
            }
        }
        t->widths[c] = w;
    }
    t->cursor = 0;
    for (size_t i = 0; keep != NO_ROW && i < t->n_order; i++) {
        if (t->order[i] == keep) {
            t->cursor = i;
        }
    }
    if (t->top > t->cursor) {
        t->top = t->cursor;
    }
}

void ts_table_set_filter(ts_table *t, const char *filter)
{
    free(t->filter);
    t->filter = filter && *filter ? ts_strdup(filter) : NULL;
    ts_table_refresh(t);
}

void ts_table_sort(ts_table *t, int col, bool desc)
{
    t->sort_col = col;
    t->sort_desc = desc;
    ts_table_refresh(t);
}

size_t ts_table_current(const ts_table *t)
{
    return (t->order && t->cursor < t->n_order) ? t->order[t->cursor] : NO_ROW;
}

static void move_cursor(ts_table *t, long delta)
{
    if (!t->n_order) {
        return;
    }
    long c = (long)t->cursor + delta;
    if (c < 0) {
        c = 0;
    }
    if (c >= (long)t->n_order) {
        c = (long)t->n_order - 1;
    }
    t->cursor = (size_t)c;
}

bool ts_table_request(ts_table *t, ts_action act)
{
    long page = t->page > 1 ? t->page - 1 : 1;
    switch (act) {
    case TS_ACT_MOVE_UP: move_cursor(t, -1); return true;
    case TS_ACT_MOVE_DOWN: move_cursor(t, 1); return true;
    case TS_ACT_PAGE_UP: move_cursor(t, -page); return true;
    case TS_ACT_PAGE_DOWN: move_cursor(t, page); return true;
    case TS_ACT_MOVE_FIRST: t->cursor = 0; return true;
    case TS_ACT_MOVE_LAST: move_cursor(t, (long)t->n_order); return true;
    case TS_ACT_SCROLL_LEFT:
        if (t->cell_cursor) {
            if (t->col_cursor > 1) {
                t->col_cursor--;
            }
        } else if (t->hscroll > 0) {
            t->hscroll--;
        }
        return true;
    case TS_ACT_SCROLL_RIGHT:
        if (t->cell_cursor) {
            if (t->col_cursor + 1 < t->n_cols) {
                t->col_cursor++;
            }
        } else if (t->hscroll + 2 < t->n_cols) {
            t->hscroll++;
        }
        return true;
    case TS_ACT_SORT:
        if (t->n_cols) {
            int next = t->sort_col + 1;
            ts_table_sort(t, next >= (int)t->n_cols ? -1 : next, false);
        }
        return true;
    case TS_ACT_SORT_REVERSE:
        ts_table_sort(t, t->sort_col < 0 ? 0 : t->sort_col, !t->sort_desc);
        return true;
    default: return false;
    }
}

/* Column widths capped so one long column cannot hide the others. */
static int col_width(const ts_table *t, size_t c, int avail)
{
    int cap = avail / 3 > 12 ? avail / 3 : 12;
    if (t->n_cols == 1 || (c + 1 == t->n_cols && !t->cell_cursor)) {
        cap = avail;
    }
    if (t->cols[c].max_width > 0 && t->cols[c].max_width < cap) {
        cap = t->cols[c].max_width;
    }
    int w = t->widths[c];
    return w > cap ? cap : w;
}

/* The columns shown, left to right: the frozen first, then from hscroll+1. */
static size_t visible_cols(const ts_table *t, int avail, size_t *cols, int *xs, int *ws)
{
    size_t n = 0;
    int x = 0;
    for (size_t c = 0; c < t->n_cols && x < avail; c++) {
        if (c > 0 && c <= t->hscroll) {
            continue;
        }
        int w = col_width(t, c, avail);
        if (x + w > avail) {
            w = avail - x;
        }
        cols[n] = c;
        xs[n] = x;
        ws[n] = w;
        n++;
        x += w + 1;
    }
    return n;
}

void ts_table_draw(ts_table *t, ts_rect r)
{
    if (r.h < 1 || r.w < 1) {
        return;
    }
    size_t *cols = ts_malloc((t->n_cols + 1) * sizeof *cols);
    int *xs = ts_malloc((t->n_cols + 1) * sizeof *xs);
    int *ws = ts_malloc((t->n_cols + 1) * sizeof *ws);
    t->last_w = r.w;
    if (t->cell_cursor && t->n_cols > 1) {
        /* Scroll so that the cursor's column is on the screen. */
        if (t->col_cursor < 1) {
            t->col_cursor = 1;
        }
        if (t->hscroll >= t->col_cursor) {
            t->hscroll = t->col_cursor - 1;
        }
        for (;;) {
            size_t n = visible_cols(t, r.w, cols, xs, ws);
            bool seen = false;
            for (size_t i = 0; i < n; i++) {
                seen |= cols[i] == t->col_cursor && xs[i] + ws[i] <= r.w;
            }
            if (seen || t->hscroll + 1 >= t->col_cursor) {
                break;
            }
            t->hscroll++;
        }
    }
    size_t n = visible_cols(t, r.w, cols, xs, ws);
    const ts_glyphs *g = ts_draw_glyphs();

    ts_draw_fill(r.y, r.x, r.w, TS_EL_HEADER);
    for (size_t i = 0; i < n; i++) {
        size_t c = cols[i];
        ts_buf title = {0};
        ts_buf_puts(&title, t->cols[c].title);
        if ((int)c == t->sort_col) {
            ts_buf_puts(&title, t->sort_desc ? g->sort_down : g->sort_up);
        }
        int tw = ts_text_width(ts_buf_str(&title));
        int x = r.x + xs[i] + ((t->cols[c].numeric && tw < ws[i]) ? ws[i] - tw : 0);
        ts_draw_text(r.y, x, ws[i], ts_buf_str(&title), TS_EL_HEADER);
        ts_buf_free(&title);
    }
    if (t->hscroll > 0 && n > 1) {
        ts_draw_text(r.y, r.x + xs[1] - 1, 1, g->arrow_left, TS_EL_HEADER);
    }
    if (n && cols[n - 1] + 1 < t->n_cols) {
        ts_draw_text(r.y, r.x + r.w - 1, 1, g->arrow_right, TS_EL_HEADER);
    }

    int rows = r.h - 1;
    t->page = rows;
    if (t->cursor < t->top) {
        t->top = t->cursor;
    }
    if (rows > 0 && t->cursor >= t->top + (size_t)rows) {
        t->top = t->cursor - (size_t)rows + 1;
    }
    for (int i = 0; i < rows; i++) {
        size_t idx = t->top + (size_t)i;
        if (idx >= t->n_order) {
            break;
        }
        size_t row = t->order[idx];
        bool cur = idx == t->cursor;
        ts_element el = cur ? TS_EL_CURSOR : TS_EL_NORMAL;
        if (cur && !t->cell_cursor) {
            ts_draw_fill(r.y + 1 + i, r.x, r.w, TS_EL_CURSOR);
        }
        for (size_t k = 0; k < n; k++) {
            const char *cell = ts_table_cell(t, row, cols[k]);
            int x = r.x + xs[k];
            if (t->cols[cols[k]].numeric) {
                int cw = ts_text_width(cell);
                if (cw < ws[k]) {
                    x += ws[k] - cw;
                }
            }
            ts_element cel = el;
            if (t->cell_cursor && cur && k > 0 && cols[k] != t->col_cursor) {
                cel = TS_EL_NORMAL;
            }
            if (cel == TS_EL_NORMAL && k > 0 && t->cell_style) {
                cel = t->cell_style(cell, t->style_ctx);
            }
            if (!cur && k == 0 && t->resources[row]) {
                cel = TS_EL_LINK;
            }
            if (t->cell_cursor && cur && (k == 0 || cols[k] == t->col_cursor)) {
                ts_draw_fill(r.y + 1 + i, r.x + xs[k], ws[k], TS_EL_CURSOR);
            }
            int w = ws[k] - (x - r.x - xs[k]);
            ts_draw_text(r.y + 1 + i, x, w, cell, cel);
            ts_draw_match(r.y + 1 + i, x, w, cell, t->filter);
        }
    }
    free(cols);
    free(xs);
    free(ws);
}

void ts_table_click(ts_table *t, ts_rect r, int y, int x)
{
    if (y == r.y) {
        size_t *cols = ts_malloc((t->n_cols + 1) * sizeof *cols);
        int *xs = ts_malloc((t->n_cols + 1) * sizeof *xs);
        int *ws = ts_malloc((t->n_cols + 1) * sizeof *ws);
        size_t n = visible_cols(t, r.w, cols, xs, ws);
        for (size_t i = 0; i < n; i++) {
            if (x >= r.x + xs[i] && x < r.x + xs[i] + ws[i]) {
                int c = (int)cols[i];
                ts_table_sort(t, c, c == t->sort_col ? !t->sort_desc : false);
            }
        }
        free(cols);
        free(xs);
        free(ws);
        return;
    }
    size_t idx = t->top + (size_t)(y - r.y - 1);
    if (y > r.y && idx < t->n_order) {
        t->cursor = idx;
        if (t->cell_cursor) {
            size_t *cols = ts_malloc((t->n_cols + 1) * sizeof *cols);
            int *xs = ts_malloc((t->n_cols + 1) * sizeof *xs);
            int *ws = ts_malloc((t->n_cols + 1) * sizeof *ws);
            size_t n = visible_cols(t, r.w, cols, xs, ws);
            for (size_t i = 1; i < n; i++) {
                if (x >= r.x + xs[i] && x < r.x + xs[i] + ws[i]) {
                    t->col_cursor = cols[i];
                }
            }
            free(cols);
            free(xs);
            free(ws);
        }
    }
}

void ts_table_status(const ts_table *t, ts_buf *out)
{
    if (!t->n_order) {
        ts_buf_printf(out, "no rows");
    } else {
        ts_buf_printf(out, "row %zu of %zu", t->cursor + 1, t->n_order);
    }
    if (t->n_order != t->n_rows) {
        ts_buf_printf(out, " (of %zu)", t->n_rows);
    }
    if (t->sort_col >= 0 && (size_t)t->sort_col < t->n_cols) {
        ts_buf_printf(out, ", sorted by %s%s", t->cols[t->sort_col].title,
                      t->sort_desc ? " (descending)" : "");
    }
    if (t->filter) {
        ts_buf_puts(out, ", filter: ");
        ts_buf_puts(out, t->filter);
    }
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

void ts_table_write_csv(const ts_table *t, FILE *f)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c) {
            fputc(',', f);
        }
        csv_field(f, t->cols[c].title);
    }
    fputs("\r\n", f);
    for (size_t i = 0; i < t->n_order; i++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c) {
                fputc(',', f);
            }
            csv_field(f, ts_table_cell(t, t->order[i], c));
        }
        fputs("\r\n", f);
    }
}

bool ts_table_find(ts_table *t, const char *text, int dir)
{
    if (!t->n_order || !text || !*text) {
        return false;
    }
    for (size_t step = 1; step <= t->n_order; step++) {
        size_t idx = (t->cursor + (dir >= 0 ? step : t->n_order - step)) % t->n_order;
        for (size_t c = 0; c < t->n_cols; c++) {
            if (ts_strcasestr(ts_table_cell(t, t->order[idx], c), text)) {
                t->cursor = idx;
                return true;
            }
        }
    }
    return false;
}
