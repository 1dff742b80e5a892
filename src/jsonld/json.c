/*
 * A JSON reader that builds jansson values, for the documents the
 * processor reads one after another. jansson's own reader lexes one
 * character at a time through a stream and copies every string twice;
 * this one takes strings without escapes straight from the text, which
 * makes reading a Thing Description about three times faster.
 *
 * It accepts exactly what json_loadb accepts with JSON_DECODE_ANY,
 * JSON_DECODE_INT_AS_REAL and JSON_ALLOW_NUL, and builds the same values
 * (a repeated key keeps its first place and its last value). On anything
 * it does not accept it gives up, and the caller reads the text again with
 * jansson, whose message (with line and column) is the one reported.
 */
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jl_internal.h"

enum { MAX_NESTING = 2048 }; /* jansson's JSON_PARSER_MAX_DEPTH */

typedef struct {
    const char *text, *p, *end;
    ts_buf buf; /* decoded strings with escapes */
    unsigned depth;
    const char *source; /* for the duplicate key warnings */
    ts_diags *diags;
    size_t duplicates;
} reader;

enum { MAX_DUPLICATES_REPORTED = 20 };

/* A key seen twice in one object: jansson keeps the last value; say so,
 * with the key's line and column (of its first character). */
static void warn_duplicate(reader *r, const char *key_start, const char *key, size_t n)
{
    if (!r->diags || r->duplicates++ >= MAX_DUPLICATES_REPORTED) {
        return;
    }
    unsigned line = 1;
    const char *line_start = r->text;
    for (const char *q = r->text; q < key_start; q++) {
        if (*q == '\n') {
            line++;
            line_start = q + 1;
        }
    }
    ts_diags_addf(r->diags, TS_DIAG_WARNING, TS_OK, r->source, line,
                  (unsigned)(key_start - line_start),
                  "duplicate key \"%.*s\" in an object; the last value is used",
                  (int)(n < 200 ? n : 200), key);
}

static json_t *read_value(reader *r);

static void skip_space(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t')) {
        r->p++;
    }
}

/* Length of the UTF-8 sequence at s (n bytes left), or 0 when it is not
 * one jansson accepts (overlong forms, surrogates, above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}


/*
 * A string at r->p (just after its opening quote). *s and *n give its
 * value: in the text when it has no escapes, else in r->buf. False when
 * the string is not valid.
 */
static bool read_string(reader *r, const char **s, size_t *n)
{
    /* ASCII bytes that end a run of plain characters: the quote, the
     * backslash and control characters (and, below, any byte >= 0x80). */
    static const unsigned char stop[128] = {
        [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
        [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
        [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
        [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
        [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1,  ['\\'] = 1,
    };
    const char *start = r->p;
    const char *q = start;
    /* The common case: no escapes, printable ASCII or valid UTF-8. */
    while (q < r->end) {
        while (q < r->end && (unsigned char)*q < 0x80 && !stop[(unsigned char)*q]) {
            q++;
        }
        if (q >= r->end) {
            break;
        }
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            *s = start;
            *n = (size_t)(q - start);
            r->p = q + 1;
            return true;
        }
        if (c == '\\') {
            break;
        }
        if (c < 0x20) {
            return false;
        }
        if (c < 0x80) {
            q++;
        } else {
            size_t len = utf8_len((const unsigned char *)q, (size_t)(r->end - q));
            if (!len) {
                return false;
            }
            q += len;
        }
    }
    if (q >= r->end) {
        return false;
    }
    ts_buf *b = &r->buf;
    ts_buf_truncate(b, 0);
    ts_buf_append(b, start, (size_t)(q - start));
    while (q < r->end) {
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            *s = b->data;
            *n = b->len;
            r->p = q + 1;
            return true;
        }
        if (c < 0x20) {
            return false;
        }
        if (c >= 0x80) {
            size_t len = utf8_len((const unsigned char *)q, (size_t)(r->end - q));
            if (!len) {
                return false;
            }
            ts_buf_append(b, q, len);
            q += len;
            continue;
        }
        if (c != '\\') {
            ts_buf_putc(b, (char)c);
            q++;
            continue;
        }
        if (q + 1 >= r->end) {
            return false;
        }
        char e = q[1];
        q += 2;
        switch (e) {
        case '"': ts_buf_putc(b, '"'); break;
        case '\\': ts_buf_putc(b, '\\'); break;
        case '/': ts_buf_putc(b, '/'); break;
        case 'b': ts_buf_putc(b, '\b'); break;
        case 'f': ts_buf_putc(b, '\f'); break;
        case 'n': ts_buf_putc(b, '\n'); break;
        case 'r': ts_buf_putc(b, '\r'); break;
        case 't': ts_buf_putc(b, '\t'); break;
        case 'u': {
            if (r->end - q < 4) {
                return false;
            }
            int v = hex4(q);
            if (v < 0) {
                return false;
            }
            q += 4;
            unsigned cp = (unsigned)v;
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return false; /* a low surrogate alone */
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (r->end - q < 6 || q[0] != '\\' || q[1] != 'u') {
                    return false;
                }
                int lo = hex4(q + 2);
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    return false;
                }
                q += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
            }
            ts_buf_put_utf8(b, cp);
            break;
        }
        default: return false;
        }
    }
    return false;
}

static const double powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod in the C locale, whatever the program's locale is. */
static double c_strtod(const char *s, size_t n)
{
    static locale_t c_locale;
    if (!c_locale) {
        c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    }
    char stackbuf[64];
    char *copy = n < sizeof stackbuf ? stackbuf : ts_malloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    locale_t saved = c_locale ? uselocale(c_locale) : (locale_t)0;
    double d = strtod(copy, NULL);
    if (saved) {
        uselocale(saved);
    }
    if (copy != stackbuf) {
        free(copy);
    }
    return d;
}

/* A number, as a real (JSON_DECODE_INT_AS_REAL). NULL when not valid or
 * out of range, as jansson has it. */
static json_t *read_number(reader *r)
{
    const char *s = r->p, *q = s;
    bool neg = false;
    if (q < r->end && *q == '-') {
        neg = true;
        q++;
    }
    if (q >= r->end || *q < '0' || *q > '9') {
        return NULL;
    }
    uint64_t mant = 0;
    int digits = 0, exp10 = 0;
    if (*q == '0') {
        q++;
        if (q < r->end && *q >= '0' && *q <= '9') {
            return NULL; /* leading zero */
        }
    } else {
        while (q < r->end && *q >= '0' && *q <= '9') {
            if (digits < 19) {
                mant = mant * 10 + (uint64_t)(*q - '0');
                if (mant) {
                    digits++;
                }
            } else {
                exp10++;
            }
            q++;
        }
    }
    if (q < r->end && *q == '.') {
        q++;
        if (q >= r->end || *q < '0' || *q > '9') {
            return NULL;
        }
        while (q < r->end && *q >= '0' && *q <= '9') {
            if (digits < 19) {
                mant = mant * 10 + (uint64_t)(*q - '0');
                if (mant) {
                    digits++;
                }
                exp10--;
            }
            q++;
        }
    }
    bool has_exp = false;
    if (q < r->end && (*q == 'e' || *q == 'E')) {
        has_exp = true;
        q++;
        if (q < r->end && (*q == '+' || *q == '-')) {
            q++;
        }
        if (q >= r->end || *q < '0' || *q > '9') {
            return NULL;
        }
        while (q < r->end && *q >= '0' && *q <= '9') {
            q++;
        }
    }
    r->p = q;
    double d;
    /* Exact when the digits fit a double's mantissa and the power of ten
     * is exact too: one correctly rounded operation. */
    if (!has_exp && mant < (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
        d = (double)mant;
        d = exp10 < 0 ? d / powers_of_ten[-exp10] : d * powers_of_ten[exp10];
        if (neg) {
            d = -d;
        }
    } else {
        d = c_strtod(s, (size_t)(q - s));
        if (isinf(d)) {
            return NULL; /* jansson: real number overflow */
        }
    }
    return json_real(d);
}

static bool literal(reader *r, const char *word, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n)) {
        return false;
    }
    r->p += n;
    return true;
}

static json_t *read_object(reader *r)
{
    json_t *obj = json_object();
    skip_space(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return obj;
    }
    for (;;) {
        skip_space(r);
        if (r->p >= r->end || *r->p != '"') {
            break;
        }
        r->p++;
        const char *key_start = r->p;
        const char *k;
        size_t kn;
        if (!read_string(r, &k, &kn) || memchr(k, '\0', kn)) {
            break;
        }
        /* The key may live in r->buf, which the value reuses. */
        char stackbuf[128];
        char *key = kn < sizeof stackbuf ? stackbuf : ts_malloc(kn + 1);
        memcpy(key, k, kn);
        key[kn] = '\0';
        skip_space(r);
        json_t *v = NULL;
        if (r->p < r->end && *r->p == ':') {
            r->p++;
            skip_space(r);
            v = read_value(r);
        }
        if (v) {
            size_t before = json_object_size(obj);
            json_object_setn_new_nocheck(obj, key, kn, v);
            if (json_object_size(obj) == before) {
                warn_duplicate(r, key_start, key, kn);
            }
        }
        if (key != stackbuf) {
            free(key);
        }
        if (!v) {
            break;
        }
        skip_space(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '}') {
            r->p++;
            return obj;
        }
        break;
    }
    json_decref(obj);
    return NULL;
}

static json_t *read_array(reader *r)
{
    json_t *arr = json_array();
    skip_space(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return arr;
    }
    for (;;) {
        skip_space(r);
        json_t *v = read_value(r);
        if (!v) {
            break;
        }
        json_array_append_new(arr, v);
        skip_space(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return arr;
        }
        break;
    }
    json_decref(arr);
    return NULL;
}

static json_t *read_value(reader *r)
{
    if (r->p >= r->end) {
        return NULL;
    }
    switch (*r->p) {
    case '{':
    case '[': {
        if (r->depth >= MAX_NESTING) {
            return NULL;
        }
        r->depth++;
        bool obj = *r->p++ == '{';
        json_t *v = obj ? read_object(r) : read_array(r);
        r->depth--;
        return v;
    }
    case '"': {
        r->p++;
        const char *s;
        size_t n;
        return read_string(r, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
    }
    case 't': return literal(r, "true", 4) ? json_true() : NULL;
    case 'f': return literal(r, "false", 5) ? json_false() : NULL;
    case 'n': return literal(r, "null", 4) ? json_null() : NULL;
    default: return read_number(r);
    }
}

json_t *jl_json_read(const char *text, size_t len, const char *source, ts_diags *diags)
{
    reader r = {.text = text, .p = text, .end = text + len, .source = source};
    /* Warnings wait until the text proves valid: jansson reads it again
     * otherwise, and the scan of ts_jsonld_parse reports them. */
    ts_diags found = {.max_kept = diags ? diags->max_kept : 0};
    r.diags = diags ? &found : NULL;
    skip_space(&r);
    json_t *v = read_value(&r);
    skip_space(&r);
    if (v && r.p != r.end) {
        json_decref(v);
        v = NULL;
    }
    if (v && diags) {
        for (size_t i = 0; i < found.count; i++) {
            ts_diags_add(diags, found.items[i].level, &found.items[i].err);
        }
    }
    ts_diags_clear(&found);
    ts_buf_free(&r.buf);
    return v;
}
