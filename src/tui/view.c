/* Generic pieces every pane shares: empty states and the line list. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

void ts_view_draw_empty(ts_rect r, const char *text)
{
    ts_draw_centered(r, text, TS_EL_DIM);
}

void ts_lines_add(ts_lines *l, int indent, ts_element el, const char *text, const char *note,
                  const char *target, bool selectable)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = ts_reallocarray(l->items, l->cap, sizeof *l->items);
    }
    bool first_selectable = selectable;
    for (size_t i = 0; i < l->count && first_selectable; i++) {
        first_selectable = !l->items[i].selectable;
    }
    if (first_selectable) {
        l->cursor = l->count;
    }
    l->items[l->count++] = (ts_line){
        .text = ts_strdup(text ? text : ""),
        .note = note ? ts_strdup(note) : NULL,
        .target = target ? ts_strdup(target) : NULL,
        .el = el,
        .indent = indent,
        .selectable = selectable,
    };
}

void ts_lines_clear(ts_lines *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].text);
        free(l->items[i].note);
        free(l->items[i].target);
    }
    free(l->items);
    free(l->highlight);
    memset(l, 0, sizeof *l);
}

static bool any_selectable(const ts_lines *l)
{
    return l->cursor < l->count && l->items[l->cursor].selectable;
}

const ts_line *ts_lines_current(const ts_lines *l)
{
    return any_selectable(l) ? &l->items[l->cursor] : NULL;
}

/* Move the cursor by n selectable lines (negative: up). */
static void step(ts_lines *l, long n)
{
    int dir = n < 0 ? -1 : 1;
    for (long k = 0; k < labs(n); k++) {
        size_t i = l->cursor;
        bool found = false;
        while (dir < 0 ? i > 0 : i + 1 < l->count) {
            i = (size_t)((long)i + dir);
            if (l->items[i].selectable) {
                found = true;
                break;
            }
        }
        if (!found) {
            break;
        }
        l->cursor = i;
    }
    if (dir < 0 && l->cursor <= l->top) {
        /* Keep headings above the first selectable line in view. */
        size_t i = l->cursor;
        while (i > 0 && !l->items[i - 1].selectable && l->cursor - (i - 1) < 3) {
            i--;
        }
        l->top = i;
    }
}

static void scroll_by(ts_lines *l, long n)
{
    long max = (long)l->count - (l->page > 0 ? l->page : 1);
    long t = (long)l->top + n;
    if (t > max) {
        t = max;
    }
    l->top = t < 0 ? 0 : (size_t)t;
}

bool ts_lines_request(ts_lines *l, ts_action act)
{
    long page = l->page > 1 ? l->page - 1 : 1;
    bool sel = any_selectable(l);
    switch (act) {
    case TS_ACT_MOVE_UP: sel ? step(l, -1) : scroll_by(l, -1); return true;
    case TS_ACT_MOVE_DOWN: sel ? step(l, 1) : scroll_by(l, 1); return true;
    case TS_ACT_PAGE_UP: sel ? step(l, -page) : scroll_by(l, -page); return true;
    case TS_ACT_PAGE_DOWN: sel ? step(l, page) : scroll_by(l, page); return true;
    case TS_ACT_MOVE_FIRST:
        sel ? step(l, -(long)l->count) : scroll_by(l, -(long)l->count);
        l->top = 0;
        return true;
    case TS_ACT_MOVE_LAST:
        sel ? step(l, (long)l->count) : scroll_by(l, (long)l->count);
        return true;
    default: return false;
    }
}

void ts_lines_draw(ts_lines *l, ts_rect r)
{
    l->page = r.h;
    bool sel = any_selectable(l);
    if (!sel && r.h > 0 && l->top + (size_t)r.h > l->count) {
        /* After a resize, do not leave the bottom of the screen empty. */
        l->top = l->count > (size_t)r.h ? l->count - (size_t)r.h : 0;
    }
    if (sel) {
        if (l->cursor < l->top) {
            l->top = l->cursor;
        }
        if (r.h > 0 && l->cursor >= l->top + (size_t)r.h) {
            l->top = l->cursor - (size_t)r.h + 1;
        }
    }
    for (int i = 0; i < r.h; i++) {
        size_t idx = l->top + (size_t)i;
        if (idx >= l->count) {
            break;
        }
        const ts_line *ln = &l->items[idx];
        bool cur = sel && idx == l->cursor;
        int y = r.y + i;
        if (cur) {
            ts_draw_fill(y, r.x, r.w, TS_EL_CURSOR);
        }
        int x = r.x + 1 + ln->indent;
        int avail = r.w - 1 - ln->indent;
        if (ln->target && avail > 2) {
            ts_draw_text(y, x, 1, ts_draw_glyphs()->arrow_right, cur ? TS_EL_CURSOR : TS_EL_DIM);
            x += 2;
            avail -= 2;
        }
        int used = ts_draw_text(y, x, avail, ln->text, cur ? TS_EL_CURSOR : ln->el);
        ts_draw_match(y, x, avail, ln->text, l->highlight);
        if (ln->note && avail - used > 4) {
            ts_draw_text(y, x + used + 2, avail - used - 2, ln->note,
                         cur ? TS_EL_CURSOR : TS_EL_DIM);
        }
    }
}

void ts_lines_click(ts_lines *l, ts_rect r, int y)
{
    size_t idx = l->top + (size_t)(y - r.y);
    if (y >= r.y && idx < l->count && l->items[idx].selectable) {
        l->cursor = idx;
    }
}

static bool line_matches(const ts_line *ln, const char *text)
{
    return ts_strcasestr(ln->text, text) || (ln->note && ts_strcasestr(ln->note, text));
}

bool ts_lines_find(ts_lines *l, const char *text, int dir)
{
    if (!text || !*text || !l->count) {
        return false;
    }
    free(l->highlight);
    l->highlight = ts_strdup(text);
    bool sel = any_selectable(l);
    size_t from = sel ? l->cursor : l->top;
    for (size_t k = dir == 0 ? 0 : 1; k <= l->count; k++) {
        size_t i = (from + (dir < 0 ? l->count - k % l->count : k)) % l->count;
        const ts_line *ln = &l->items[i];
        if (line_matches(ln, text) && (!sel || ln->selectable)) {
            if (sel) {
                l->cursor = i;
            } else {
                l->top = i;
                scroll_by(l, 0);
            }
            return true;
        }
    }
    return false;
}

/* ---- Table panes ------------------------------------------------------- */

/* Table on the left, detail on the right when there is room for both. */
static void split(ts_table_pane *tp, ts_rect r, ts_rect *table, ts_rect *detail)
{
    *table = r;
    *detail = (ts_rect){0, 0, 0, 0};
    if (tp->detail && r.w >= 60) {
        int dw = r.w * 2 / 5;
        table->w = r.w - dw;
        *detail = (ts_rect){r.y, r.x + table->w, r.h, dw};
    }
}

void ts_table_pane_draw(ts_view *v, ts_rect r)
{
    ts_table_pane *tp = v->priv;
    if (!tp->table.n_rows) {
        if (tp->empty) {
            tp->empty(v, r);
        }
        return;
    }
    ts_rect table, detail;
    split(tp, r, &table, &detail);
    ts_table_draw(&tp->table, table);
    size_t row = ts_table_current(&tp->table);
    if (detail.w && row != (size_t)-1) {
        ts_draw_box(detail, "Detail", TS_EL_BORDER);
        tp->detail(v, row, (ts_rect){detail.y + 1, detail.x + 1, detail.h - 2, detail.w - 2});
    }
}

bool ts_table_pane_request(ts_view *v, ts_action act)
{
    ts_table_pane *tp = v->priv;
    return ts_table_request(&tp->table, act);
}

void ts_table_pane_search(ts_view *v, const char *text, int dir)
{
    ts_table_pane *tp = v->priv;
    if (dir == 0) {
        ts_table_set_filter(&tp->table, text);
    } else if (text && !ts_table_find(&tp->table, text, dir)) {
        ts_app_message(v->app, true, "not found: %s", text);
    }
}

void ts_table_pane_click(ts_view *v, ts_rect r, int y, int x)
{
    ts_table_pane *tp = v->priv;
    ts_rect table, detail;
    split(tp, r, &table, &detail);
    if (x < table.x + table.w) {
        ts_table_click(&tp->table, table, y, x);
    }
}

void ts_table_pane_status(ts_view *v, ts_buf *out)
{
    ts_table_pane *tp = v->priv;
    ts_buf_printf(out, "%s: ", v->ops->name);
    ts_table_status(&tp->table, out);
}

char *ts_table_pane_selected(ts_view *v)
{
    ts_table_pane *tp = v->priv;
    size_t row = ts_table_current(&tp->table);
    return row != (size_t)-1 && tp->table.resources[row] ? ts_strdup(tp->table.resources[row])
                                                         : NULL;
}

bool ts_table_pane_export(ts_view *v, FILE *f)
{
    ts_table_pane *tp = v->priv;
    ts_table_write_csv(&tp->table, f);
    return true;
}

void ts_view_draw_no_catalog(ts_view *v, ts_rect r, const char *title, const char *what)
{
    ts_buf b = {0};
    ts_buf_printf(&b, "%s\n\n%s\nwhich could not be read:\n", title, what);
    ts_buf_puts(&b, ts_app_catalog_error(v->app));
    ts_buf_puts(&b, "\n\nLoaded: ");
    ts_app_summary(v->app, &b);
    ts_buf_printf(&b, "\n\n%s: browse every resource in the Inspector",
                  ts_app_key_for(v->app, TS_ACT_PANE_6));
    ts_buf_printf(&b, "\n%s: ask in SPARQL   %s: help", ts_app_key_for(v->app, TS_ACT_PANE_4),
                  ts_app_key_for(v->app, TS_ACT_HELP));
    ts_view_draw_empty(r, ts_buf_str(&b));
    ts_buf_free(&b);
}

/* ---- Detail areas ------------------------------------------------------ */

#define LABEL_WIDTH 9

void ts_detail_field(ts_detail *d, const char *label, const char *value)
{
    if (!value || !*value || d->y >= d->r.y + d->r.h) {
        return;
    }
    ts_draw_text(d->y, d->r.x, LABEL_WIDTH, label, TS_EL_DIM);
    ts_draw_text(d->y, d->r.x + LABEL_WIDTH + 1, d->r.w - LABEL_WIDTH - 1, value, TS_EL_NORMAL);
    d->y++;
}

void ts_detail_text(ts_detail *d, const char *text, ts_element el)
{
    if (d->y >= d->r.y + d->r.h) {
        return;
    }
    ts_draw_text(d->y, d->r.x, d->r.w, text, el);
    d->y++;
}

void ts_detail_bar(ts_detail *d, const char *label, double used, double total, const char *note)
{
    if (d->y >= d->r.y + d->r.h) {
        return;
    }
    int x = d->r.x;
    if (label) {
        ts_draw_text(d->y, x, LABEL_WIDTH, label, TS_EL_DIM);
        x += LABEL_WIDTH + 1;
    }
    int bw = d->r.x + d->r.w - x - 12;
    if (bw > 12) {
        bw = 12;
    }
    if (bw >= 4) {
        ts_buf fill = {0};
        const ts_glyphs *g = ts_draw_glyphs();
        ts_widget_bar(&fill, g, used, total, bw);
        /* The filled and the empty part in their own colours. */
        size_t flen = strlen(g->bar_full), n = 0;
        while (n + flen <= fill.len && !strncmp(fill.data + n, g->bar_full, flen)) {
            n += flen;
        }
        int fw = (int)(n / flen);
        ts_draw_text(d->y, x + fw, bw - fw, fill.data + n, TS_EL_BAR_EMPTY);
        ts_buf_truncate(&fill, n);
        ts_draw_text(d->y, x, fw, ts_buf_str(&fill), TS_EL_BAR_FILL);
        ts_buf_free(&fill);
        x += bw + 1;
    }
    if (note) {
        ts_draw_text(d->y, x, d->r.x + d->r.w - x, note, TS_EL_NORMAL);
    }
    d->y++;
}

void ts_fmt_number(ts_buf *out, double v)
{
    if (isnan(v)) {
        return;
    }
    if (fabs(v) >= 1e15 || (v != floor(v) && fabs(v) < 1e-3)) {
        ts_buf_printf(out, "%g", v);
    } else if (v == floor(v)) {
        ts_buf_printf(out, "%.0f", v);
    } else {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.3f", v);
        size_t n = strlen(tmp);
        while (n > 0 && tmp[n - 1] == '0') {
            tmp[--n] = '\0';
        }
        ts_buf_puts(out, tmp);
    }
}
