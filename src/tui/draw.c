/*
 * Drawing primitives. Every string that reaches curses goes through
 * ts_draw_text/ts_draw_str, which sanitise it (tinyscope/sanitize.h): what a
 * terminal would interpret is drawn as a visible escape in its own style.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tinyscope/sanitize.h"
#include "view.h"

static const ts_glyphs utf8_glyphs = {
    .hline = "\u2500",
    .vline = "\u2502",
    .tl = "\u250c",
    .tr = "\u2510",
    .bl = "\u2514",
    .br = "\u2518",
    .ltee = "\u251c",
    .rtee = "\u2524",
    .bar_full = "\u2588",
    .bar_empty = "\u2591",
    .ellipsis = "\u2026",
    .arrow_right = "\u2192",
    .arrow_left = "\u2190",
    .sort_up = "\u25b2",
    .sort_down = "\u25bc",
    .spark = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"},
    .fits = "\u2713",
    .no = "\u2717",
    .unknown = "?",
};

static const ts_glyphs ascii_glyphs = {
    .hline = "-",
    .vline = "|",
    .tl = "+",
    .tr = "+",
    .bl = "+",
    .br = "+",
    .ltee = "+",
    .rtee = "+",
    .bar_full = "#",
    .bar_empty = ".",
    .ellipsis = "~",
    .arrow_right = ">",
    .arrow_left = "<",
    .sort_up = "^",
    .sort_down = "v",
    .spark = {"_", ".", "-", ":", "=", "+", "*", "#"},
    .fits = "y",
    .no = "x",
    .unknown = "?",
};

const ts_glyphs *ts_glyphs_get(bool ascii)
{
    return ascii ? &ascii_glyphs : &utf8_glyphs;
}

static bool utf8_mode = true;
static const ts_glyphs *glyphs = &utf8_glyphs;
static attr_t element_attrs[TS_EL_COUNT];

void ts_draw_set_mode(bool utf8_text, const ts_glyphs *g)
{
    utf8_mode = utf8_text;
    glyphs = g;
}

const ts_glyphs *ts_draw_glyphs(void)
{
    return glyphs;
}

attr_t ts_attr(ts_element el)
{
    return el < TS_EL_COUNT ? element_attrs[el] : A_NORMAL;
}

static attr_t curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & TS_ATTR_BOLD)
        r |= A_BOLD;
    if (a & TS_ATTR_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & TS_ATTR_REVERSE)
        r |= A_REVERSE;
    if (a & TS_ATTR_DIM)
        r |= A_DIM;
#ifdef A_ITALIC
    if (a & TS_ATTR_ITALIC)
        r |= A_ITALIC;
#endif
    return r;
}

void ts_draw_apply_theme(const ts_theme *theme, bool colour)
{
    for (int i = 0; i < TS_EL_COUNT; i++) {
        const ts_style *s = &theme->styles[i];
        attr_t a = curses_attrs(s->attrs);
        if (colour && COLORS > 0) {
            short fg = s->fg < COLORS ? s->fg : (short)(s->fg % 8);
            short bg = s->bg < COLORS ? s->bg : (short)(s->bg % 8);
            init_pair((short)(i + 1), fg, bg);
            a |= COLOR_PAIR(i + 1);
        } else if (s->bg >= 0) {
            /* Without colour, a background is what set the element apart
             * (cursor, status line): reverse video keeps it visible. */
            a |= A_REVERSE;
        }
        element_attrs[i] = a;
    }
}

/* One code point's cell width in the current mode; -1: show it escaped. */
static int cp_width(unsigned cp)
{
    if (cp < 0x80) {
        return 1;
    }
    if (!utf8_mode) {
        return -1;
    }
    int w = wcwidth((wchar_t)cp);
    return w;
}

/* Walk s: calls emit(ctx, text, len, width, escaped) per piece. */
typedef bool (*piece_fn)(void *ctx, const char *text, size_t len, int width, bool escaped);

static void walk(const char *s, piece_fn emit, void *ctx)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;
    char esc[16];
    while (i < n) {
        unsigned cp;
        size_t len = ts_utf8_decode(u + i, n - i, &cp);
        bool safe = len && ts_is_terminal_safe((const char *)u + i, len);
        int w = safe ? cp_width(cp) : -1;
        if (w >= 0) {
            if (!emit(ctx, (const char *)u + i, len, w, false)) {
                return;
            }
            i += len;
            continue;
        }
        ts_buf b = {0};
        if (len) {
            if (safe) {
                snprintf(esc, sizeof esc, "\\u%04X", cp);
                ts_buf_puts(&b, esc);
            } else {
                ts_sanitize_append(&b, (const char *)u + i, len);
            }
        } else {
            snprintf(esc, sizeof esc, "\\x%02X", u[i]);
            ts_buf_puts(&b, esc);
            len = 1;
        }
        bool go = emit(ctx, b.data, b.len, (int)b.len, true);
        ts_buf_free(&b);
        if (!go) {
            return;
        }
        i += len;
    }
}

static bool count_piece(void *ctx, const char *text, size_t len, int width, bool escaped)
{
    (void)text;
    (void)len;
    (void)escaped;
    *(int *)ctx += width;
    return true;
}

int ts_text_width(const char *s)
{
    int w = 0;
    walk(s, count_piece, &w);
    return w;
}

typedef struct {
    int y, x, limit, used;
    attr_t attr, esc_attr;
} draw_ctx;

static void put_utf8(const char *text, size_t len)
{
    unsigned cp;
    size_t i = 0;
    while (i < len) {
        size_t l = ts_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (!l) {
            l = 1;
            cp = '?';
        }
        wchar_t w[2] = {(wchar_t)cp, 0};
        addnwstr(w, 1);
        i += l;
    }
}

static bool draw_piece(void *ctxp, const char *text, size_t len, int width, bool escaped)
{
    draw_ctx *c = ctxp;
    if (c->used + width > c->limit) {
        return false;
    }
    attrset(escaped ? c->esc_attr : c->attr);
    move(c->y, c->x + c->used);
    put_utf8(text, len);
    c->used += width;
    return true;
}

int ts_draw_text(int y, int x, int width, const char *s, ts_element el)
{
    if (width <= 0 || !s) {
        return 0;
    }
    int total = ts_text_width(s);
    draw_ctx c = {
        y, x,           width,
        0, ts_attr(el), el == TS_EL_CURSOR ? (ts_attr(el) | A_UNDERLINE) : ts_attr(TS_EL_ESCAPED)};
    if (total > width) {
        c.limit = width - 1;
    }
    walk(s, draw_piece, &c);
    if (total > width) {
        attrset(ts_attr(el));
        /* Pad a wide character that did not fit, then the ellipsis. */
        while (c.used < width - 1) {
            mvaddch(y, x + c.used++, ' ');
        }
        move(y, x + c.used);
        put_utf8(glyphs->ellipsis, strlen(glyphs->ellipsis));
        c.used++;
    }
    attrset(A_NORMAL);
    return c.used;
}

void ts_draw_match(int y, int x, int width, const char *s, const char *needle)
{
    const char *hit = needle && *needle ? ts_strcasestr(s, needle) : NULL;
    if (!hit) {
        return;
    }
    char *before = ts_strndup(s, (size_t)(hit - s));
    char *match = ts_strndup(hit, strlen(needle));
    int off = ts_text_width(before);
    if (off < width) {
        ts_draw_text(y, x + off, width - off, match, TS_EL_MATCH);
    }
    free(before);
    free(match);
}

void ts_draw_fill(int y, int x, int width, ts_element el)
{
    if (width <= 0) {
        return;
    }
    attrset(ts_attr(el));
    mvhline(y, x, ' ', width);
    attrset(A_NORMAL);
}

static void put_glyph(int y, int x, const char *g, ts_element el)
{
    attrset(ts_attr(el));
    move(y, x);
    put_utf8(g, strlen(g));
    attrset(A_NORMAL);
}

void ts_draw_hline(int y, int x, int width, ts_element el)
{
    for (int i = 0; i < width; i++) {
        put_glyph(y, x + i, glyphs->hline, el);
    }
}

void ts_draw_box(ts_rect r, const char *title, ts_element el)
{
    if (r.h < 2 || r.w < 2) {
        return;
    }
    put_glyph(r.y, r.x, glyphs->tl, el);
    put_glyph(r.y, r.x + r.w - 1, glyphs->tr, el);
    put_glyph(r.y + r.h - 1, r.x, glyphs->bl, el);
    put_glyph(r.y + r.h - 1, r.x + r.w - 1, glyphs->br, el);
    ts_draw_hline(r.y, r.x + 1, r.w - 2, el);
    ts_draw_hline(r.y + r.h - 1, r.x + 1, r.w - 2, el);
    for (int i = 1; i < r.h - 1; i++) {
        put_glyph(r.y + i, r.x, glyphs->vline, el);
        put_glyph(r.y + i, r.x + r.w - 1, glyphs->vline, el);
    }
    if (title && r.w > 6) {
        int used = ts_draw_text(r.y, r.x + 2, 1, " ", el);
        used += ts_draw_text(r.y, r.x + 2 + used, r.w - 6, title, TS_EL_TITLE);
        ts_draw_text(r.y, r.x + 2 + used, 1, " ", el);
    }
}

void ts_draw_centered(ts_rect r, const char *text, ts_element el)
{
    int lines = 1;
    for (const char *p = text; *p; p++) {
        lines += *p == '\n';
    }
    int y = r.y + (r.h - lines) / 2;
    if (y < r.y) {
        y = r.y;
    }
    const char *p = text;
    for (int i = 0; i < lines && y + i < r.y + r.h; i++) {
        const char *nl = strchr(p, '\n');
        char *line = nl ? ts_strndup(p, (size_t)(nl - p)) : ts_strdup(p);
        int w = ts_text_width(line);
        int x = r.x + (w < r.w ? (r.w - w) / 2 : 0);
        ts_draw_text(y + i, x, r.w, line, i == 0 ? TS_EL_TITLE : el);
        free(line);
        if (!nl) {
            break;
        }
        p = nl + 1;
    }
}

void ts_widget_bar(ts_buf *out, const ts_glyphs *g, double used, double total, int width)
{
    double f = (total > 0 && used > 0) ? used / total : 0;
    if (f > 1 || isnan(f)) {
        f = isnan(f) ? 0 : 1;
    }
    int full = (int)lround(f * width);
    if (full == 0 && used > 0 && total > 0) {
        full = 1; /* something used never looks like nothing */
    }
    for (int i = 0; i < width; i++) {
        ts_buf_puts(out, i < full ? g->bar_full : g->bar_empty);
    }
}

void ts_widget_sparkline(ts_buf *out, const ts_glyphs *g, const double *values, size_t n, int width)
{
    size_t start = n > (size_t)width ? n - (size_t)width : 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = start; i < n; i++) {
        if (!isnan(values[i])) {
            lo = fmin(lo, values[i]);
            hi = fmax(hi, values[i]);
        }
    }
    for (size_t i = start; i < n; i++) {
        if (isnan(values[i])) {
            ts_buf_putc(out, ' ');
            continue;
        }
        int level = hi > lo ? (int)((values[i] - lo) / (hi - lo) * 7.0 + 0.5) : 3;
        ts_buf_puts(out, g->spark[level < 0 ? 0 : level > 7 ? 7 : level]);
    }
}
