#include "tinyscope/text_table.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tinyscope/buf.h"
#include "tinyscope/sanitize.h"

struct ts_text_table {
    size_t n_columns;
    char **headings;
    char **cells; /* sanitised, n_rows * n_columns */
    size_t n_rows;
    size_t cap_rows;
    bool *right;
    size_t *max_width;
};

ts_text_table *ts_text_table_new(const char *const *headings, size_t n_columns)
{
    ts_text_table *t = ts_calloc(1, sizeof *t);
    t->n_columns = n_columns;
    t->headings = ts_calloc(n_columns, sizeof *t->headings);
    t->right = ts_calloc(n_columns, sizeof *t->right);
    t->max_width = ts_calloc(n_columns, sizeof *t->max_width);
    for (size_t i = 0; i < n_columns; i++) {
        t->headings[i] = ts_sanitize(headings[i]);
    }
    return t;
}

void ts_text_table_free(ts_text_table *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_columns; i++) {
        free(t->headings[i]);
    }
    for (size_t i = 0; i < t->n_rows * t->n_columns; i++) {
        free(t->cells[i]);
    }
    free(t->headings);
    free(t->cells);
    free(t->right);
    free(t->max_width);
    free(t);
}

void ts_text_table_align_right(ts_text_table *t, size_t column)
{
    if (column < t->n_columns) {
        t->right[column] = true;
    }
}

void ts_text_table_max_width(ts_text_table *t, size_t column, size_t width)
{
    if (column < t->n_columns) {
        t->max_width[column] = width;
    }
}

void ts_text_table_add(ts_text_table *t, const char *const *cells)
{
    if (t->n_rows == t->cap_rows) {
        t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 64;
        t->cells = ts_reallocarray(t->cells, ts_mul_size(t->cap_rows, t->n_columns),
                                   sizeof *t->cells);
    }
    for (size_t i = 0; i < t->n_columns; i++) {
        t->cells[t->n_rows * t->n_columns + i] = ts_sanitize(cells[i] ? cells[i] : "");
    }
    t->n_rows++;
}

size_t ts_text_table_rows(const ts_text_table *t)
{
    return t->n_rows;
}

size_t ts_display_width(const char *s)
{
    size_t width = 0;
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t len = ts_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len == 0) {
            width++;
            i++;
            continue;
        }
        int w = wcwidth((wchar_t)cp);
        width += w < 0 ? 1 : (size_t)w;
        i += len;
    }
    return width;
}

/* Print s in exactly `width` columns (cut with "…" when longer). */
static void print_cell(FILE *out, const char *s, size_t width, bool right, bool last)
{
    size_t w = ts_display_width(s);
    if (w > width) {
        /* Cut at a character boundary leaving room for the ellipsis. */
        size_t n = strlen(s), i = 0, used = 0;
        while (i < n) {
            unsigned cp;
            size_t len = ts_utf8_decode((const unsigned char *)s + i, n - i, &cp);
            int cw = len ? wcwidth((wchar_t)cp) : 1;
            size_t step = cw < 0 ? 1 : (size_t)cw;
            if (used + step + 1 > width) {
                break;
            }
            used += step;
            i += len ? len : 1;
        }
        fwrite(s, 1, i, out);
        fputs("\xe2\x80\xa6", out);
        for (size_t k = used + 1; k < width && !last; k++) {
            fputc(' ', out);
        }
        return;
    }
    if (right) {
        for (size_t k = w; k < width; k++) {
            fputc(' ', out);
        }
    }
    fputs(s, out);
    if (!right && !last) {
        for (size_t k = w; k < width; k++) {
            fputc(' ', out);
        }
    }
}

void ts_text_table_print(const ts_text_table *t, FILE *out)
{
    size_t *width = ts_calloc(t->n_columns, sizeof *width);
    for (size_t c = 0; c < t->n_columns; c++) {
        width[c] = ts_display_width(t->headings[c]);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t w = ts_display_width(t->cells[r * t->n_columns + c]);
            if (w > width[c]) {
                width[c] = w;
            }
        }
        if (t->max_width[c] && width[c] > t->max_width[c]) {
            width[c] = t->max_width[c];
        }
    }
    for (size_t c = 0; c < t->n_columns; c++) {
        print_cell(out, t->headings[c], width[c], t->right[c], c + 1 == t->n_columns);
        fputs(c + 1 == t->n_columns ? "\n" : "  ", out);
    }
    for (size_t c = 0; c < t->n_columns; c++) {
        for (size_t k = 0; k < width[c]; k++) {
            fputc('-', out);
        }
        fputs(c + 1 == t->n_columns ? "\n" : "  ", out);
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_columns; c++) {
            print_cell(out, t->cells[r * t->n_columns + c], width[c], t->right[c],
                       c + 1 == t->n_columns);
            fputs(c + 1 == t->n_columns ? "\n" : "  ", out);
        }
    }
    free(width);
}

void ts_csv_field(FILE *out, const char *s)
{
    if (!s) {
        return;
    }
    ts_buf b = {0};
    ts_csv_append(&b, s);
    ts_sanitize_fwrite(out, b.data ? b.data : "", b.len, ts_sanitize_is_tty(out));
    ts_buf_free(&b);
}

void ts_csv_record(FILE *out, const char *const *fields, size_t n)
{
    ts_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i) {
            ts_buf_putc(&b, ',');
        }
        ts_csv_append(&b, fields[i]);
    }
    ts_buf_putc(&b, '\n');
    ts_sanitize_fwrite(out, b.data, b.len, ts_sanitize_is_tty(out));
    ts_buf_free(&b);
}

/*
 * Besides what JSON requires, DEL, C1 controls, bidirectional controls and
 * line/paragraph separators are written as \u escapes, so the JSON means the
 * same text but shows nothing a terminal would act on; bytes that are not
 * UTF-8 (file names, serial lines) become U+FFFD so the output stays JSON.
 */
void ts_json_string(ts_buf *out, const char *s)
{
    ts_buf_putc(out, '"');
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t run = 0, i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            i++;
            continue;
        }
        unsigned cp = c;
        size_t len = c < 0x80 ? 1 : ts_utf8_decode(p + i, n - i, &cp);
        if (len > 1 && ts_is_terminal_safe(s + i, len)) {
            i += len;
            continue;
        }
        ts_buf_append(out, s + run, i - run);
        switch (c) {
        case '"': ts_buf_puts(out, "\\\""); break;
        case '\\': ts_buf_puts(out, "\\\\"); break;
        case '\n': ts_buf_puts(out, "\\n"); break;
        case '\r': ts_buf_puts(out, "\\r"); break;
        case '\t': ts_buf_puts(out, "\\t"); break;
        default: ts_buf_printf(out, "\\u%04x", len ? cp : 0xFFFDu); break;
        }
        i += len ? len : 1;
        run = i;
    }
    ts_buf_append(out, s + run, i - run);
    ts_buf_putc(out, '"');
}

void ts_csv_append(ts_buf *out, const char *s)
{
    if (!s) {
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) {
        ts_buf_puts(out, s);
        return;
    }
    ts_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"') {
            ts_buf_putc(out, '"');
        }
        ts_buf_putc(out, *s);
    }
    ts_buf_putc(out, '"');
}
