#include "tinyscope/sanitize.h"

#include <string.h>
#include <unistd.h>

size_t ts_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (n == 0) {
        return 0;
    }
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        min = 0x80;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        min = 0x800;
        c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        return 0;
    }
    *cp = c;
    return len;
}

/* Code points that reorder or hide text when a terminal renders them. */
static bool is_bidi_control(unsigned cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

static bool needs_escape(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
           is_bidi_control(cp) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0xFEFF;
}

/*
 * keep_layout leaves line breaks and tabs as they are (a CR only right before
 * a LF): they move the cursor only the way the text means to.
 */
static void sanitize(ts_buf *out, const char *str, size_t n, bool keep_layout)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* Copy the longest run of plain ASCII in one go. */
        size_t run = i;
        while (run < n && s[run] >= 0x20 && s[run] < 0x7F) {
            run++;
        }
        if (run > i) {
            ts_buf_append(out, s + i, run - i);
            i = run;
            continue;
        }
        unsigned cp;
        size_t len = ts_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            ts_buf_printf(out, "\\x%02X", s[i]);
            i++;
            continue;
        }
        bool layout = cp == '\n' || cp == '\t' || (cp == '\r' && i + 1 < n && s[i + 1] == '\n');
        if (!needs_escape(cp) || (keep_layout && layout)) {
            ts_buf_append(out, s + i, len);
        } else if (cp == '\n') {
            ts_buf_puts(out, "\\n");
        } else if (cp == '\t') {
            ts_buf_puts(out, "\\t");
        } else if (cp == '\r') {
            ts_buf_puts(out, "\\r");
        } else if (cp == 0x1B) {
            ts_buf_puts(out, "\\e");
        } else if (cp < 0x80) {
            ts_buf_printf(out, "\\x%02X", cp);
        } else {
            ts_buf_printf(out, "\\u%04X", cp);
        }
        i += len;
    }
    if (!out->data) {
        ts_buf_reserve(out, 0);
        out->data[0] = '\0';
    }
}

void ts_sanitize_append(ts_buf *out, const char *s, size_t n)
{
    sanitize(out, s, n, false);
}

void ts_sanitize_lines_append(ts_buf *out, const char *s, size_t n)
{
    sanitize(out, s, n, true);
}

bool ts_sanitize_is_tty(FILE *f)
{
    int fd = fileno(f);
    return fd >= 0 && isatty(fd);
}

bool ts_sanitize_fwrite(FILE *f, const char *s, size_t n, bool tty)
{
    if (!tty) {
        return fwrite(s, 1, n, f) == n;
    }
    ts_buf b = {0};
    sanitize(&b, s, n, true);
    bool ok = fwrite(b.data, 1, b.len, f) == b.len;
    ts_buf_free(&b);
    return ok;
}

char *ts_utf8_valid(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    ts_buf b = {0};
    ts_buf_reserve(&b, n);
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t len = ts_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            ts_buf_puts(&b, "\xef\xbf\xbd");
            i++;
        } else {
            ts_buf_append(&b, s + i, len);
            i += len;
        }
    }
    b.data[b.len] = '\0';
    return ts_buf_steal(&b);
}

char *ts_sanitize(const char *s)
{
    ts_buf b = {0};
    ts_sanitize_append(&b, s, strlen(s));
    return ts_buf_steal(&b);
}

bool ts_is_terminal_safe(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        if (s[i] >= 0x20 && s[i] < 0x7F) {
            i++;
            continue;
        }
        unsigned cp;
        size_t len = ts_utf8_decode(s + i, n - i, &cp);
        if (len == 0 || needs_escape(cp)) {
            return false;
        }
        i += len;
    }
    return true;
}
