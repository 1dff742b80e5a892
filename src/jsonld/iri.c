/* IRI tests and RFC 3986 reference resolution for the JSON-LD processor. */
#include <string.h>

#include "jl_internal.h"

static bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

bool jl_is_absolute_iri(const char *s)
{
    if (!is_alpha((unsigned char)s[0])) {
        return false;
    }
    for (const char *q = s + 1; *q; q++) {
        if (*q == ':') {
            return true;
        }
        if (!is_alpha((unsigned char)*q) && !is_digit((unsigned char)*q) && *q != '+' &&
            *q != '-' && *q != '.') {
            return false;
        }
    }
    return false;
}

static const char *const keywords[] = {
    "@base",   "@container", "@context", "@direction", "@graph",     "@id",
    "@import", "@included",  "@index",   "@json",      "@language",  "@list",
    "@nest",   "@none",      "@prefix",  "@propagate", "@protected", "@reverse",
    "@set",    "@type",      "@value",   "@version",   "@vocab",
};

/* Characters an IRI cannot hold (1), and '#' (2), which it holds once. */
static const unsigned char iri_class[256] = {
    [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
    [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1,
    [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1,
    [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1,
    [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [' '] = 1,  ['<'] = 1,  ['>'] = 1,  ['"'] = 1,
    ['{'] = 1,  ['}'] = 1,  ['|'] = 1,  ['^'] = 1,  ['`'] = 1,  ['\\'] = 1, ['#'] = 2,
};

bool jl_is_well_formed_iri(const char *s)
{
    if (!jl_is_absolute_iri(s)) {
        return false;
    }
    bool fragment = false;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        unsigned char c = iri_class[*q];
        if (c == 1 || (c == 2 && fragment)) {
            return false;
        }
        fragment = fragment || c == 2;
    }
    return true;
}

bool jl_is_keyword(const char *s)
{
    if (!s || s[0] != '@' || !s[1]) {
        return false;
    }
    /* The list is sorted: skip to the keywords with the same first letter. */
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (keywords[i][1] < s[1]) {
            continue;
        }
        if (keywords[i][1] > s[1]) {
            return false;
        }
        if (!strcmp(s, keywords[i])) {
            return true;
        }
    }
    return false;
}

bool jl_has_keyword_form(const char *s)
{
    if (s[0] != '@' || !s[1]) {
        return false;
    }
    for (const char *q = s + 1; *q; q++) {
        if (!is_alpha((unsigned char)*q)) {
            return false;
        }
    }
    return true;
}

bool jl_is_lang_tag(const char *s)
{
    size_t run = 0;
    bool first = true;
    for (const char *q = s;; q++) {
        if (*q == '-' || !*q) {
            if (run == 0 || run > 8) {
                return false;
            }
            if (!*q) {
                return true;
            }
            first = false;
            run = 0;
        } else if (is_alpha((unsigned char)*q) || (!first && is_digit((unsigned char)*q))) {
            run++;
        } else {
            return false;
        }
    }
}

typedef struct {
    const char *scheme;
    size_t scheme_len;
    const char *auth;
    size_t auth_len;
    bool has_auth;
    const char *path;
    size_t path_len;
    const char *query;
    size_t query_len;
    bool has_query;
    const char *frag;
    size_t frag_len;
    bool has_frag;
} uri_parts;

static void parse_uri(const char *s, uri_parts *u)
{
    memset(u, 0, sizeof *u);
    const char *p = s;
    if (jl_is_absolute_iri(s)) {
        const char *colon = strchr(s, ':');
        u->scheme = s;
        u->scheme_len = (size_t)(colon - s);
        p = colon + 1;
    }
    if (p[0] == '/' && p[1] == '/') {
        p += 2;
        u->has_auth = true;
        u->auth = p;
        while (*p && *p != '/' && *p != '?' && *p != '#') {
            p++;
        }
        u->auth_len = (size_t)(p - u->auth);
    }
    u->path = p;
    while (*p && *p != '?' && *p != '#') {
        p++;
    }
    u->path_len = (size_t)(p - u->path);
    if (*p == '?') {
        u->has_query = true;
        u->query = ++p;
        while (*p && *p != '#') {
            p++;
        }
        u->query_len = (size_t)(p - u->query);
    }
    if (*p == '#') {
        u->has_frag = true;
        u->frag = p + 1;
        u->frag_len = strlen(p + 1);
    }
}

/* RFC 3986 5.2.4, appending the result to out. */
static void remove_dots(ts_buf *out, const char *in, size_t n)
{
    size_t start = out->len;
    size_t i = 0;
    while (i < n) {
        const char *r = in + i;
        size_t left = n - i;
        if (left >= 3 && !strncmp(r, "../", 3)) {
            i += 3;
        } else if (left >= 2 && !strncmp(r, "./", 2)) {
            i += 2;
        } else if (left >= 3 && !strncmp(r, "/./", 3)) {
            i += 2;
        } else if (left == 2 && !strncmp(r, "/.", 2)) {
            i += 1;
            /* becomes "/" */
            ts_buf_putc(out, '/');
            i += 1;
        } else if ((left >= 4 && !strncmp(r, "/../", 4)) || (left == 3 && !strncmp(r, "/..", 3))) {
            /* Drop the last segment of the output. */
            size_t k = out->len;
            while (k > start && out->data[k - 1] != '/') {
                k--;
            }
            if (k > start) {
                k--;
            }
            ts_buf_truncate(out, k);
            if (left == 3) {
                ts_buf_putc(out, '/');
                i += 3;
            } else {
                i += 3;
            }
        } else if ((left == 1 && r[0] == '.') || (left == 2 && !strncmp(r, "..", 2))) {
            i = n;
        } else {
            size_t k = (r[0] == '/') ? 1 : 0;
            while (k < left && r[k] != '/') {
                k++;
            }
            ts_buf_append(out, r, k);
            i += k;
        }
    }
}

char *jl_resolve(const char *base, const char *ref)
{
    if (!base) {
        return ts_strdup(ref);
    }
    uri_parts b, r;
    parse_uri(base, &b);
    parse_uri(ref, &r);
    ts_buf out = {0};
    if (r.scheme) {
        ts_buf_append(&out, r.scheme, r.scheme_len + 1);
        if (r.has_auth) {
            ts_buf_puts(&out, "//");
            ts_buf_append(&out, r.auth, r.auth_len);
        }
        remove_dots(&out, r.path, r.path_len);
        if (r.has_query) {
            ts_buf_putc(&out, '?');
            ts_buf_append(&out, r.query, r.query_len);
        }
    } else {
        if (b.scheme) {
            ts_buf_append(&out, b.scheme, b.scheme_len + 1);
        }
        if (r.has_auth) {
            ts_buf_puts(&out, "//");
            ts_buf_append(&out, r.auth, r.auth_len);
            remove_dots(&out, r.path, r.path_len);
            if (r.has_query) {
                ts_buf_putc(&out, '?');
                ts_buf_append(&out, r.query, r.query_len);
            }
        } else {
            if (b.has_auth) {
                ts_buf_puts(&out, "//");
                ts_buf_append(&out, b.auth, b.auth_len);
            }
            if (r.path_len == 0) {
                ts_buf_append(&out, b.path, b.path_len);
                if (r.has_query) {
                    ts_buf_putc(&out, '?');
                    ts_buf_append(&out, r.query, r.query_len);
                } else if (b.has_query) {
                    ts_buf_putc(&out, '?');
                    ts_buf_append(&out, b.query, b.query_len);
                }
            } else {
                ts_buf merged = {0};
                if (r.path[0] == '/') {
                    ts_buf_append(&merged, r.path, r.path_len);
                } else {
                    if (b.has_auth && b.path_len == 0) {
                        ts_buf_putc(&merged, '/');
                    } else {
                        size_t k = b.path_len;
                        while (k > 0 && b.path[k - 1] != '/') {
                            k--;
                        }
                        ts_buf_append(&merged, b.path, k);
                    }
                    ts_buf_append(&merged, r.path, r.path_len);
                }
                remove_dots(&out, merged.data, merged.len);
                ts_buf_free(&merged);
                if (r.has_query) {
                    ts_buf_putc(&out, '?');
                    ts_buf_append(&out, r.query, r.query_len);
                }
            }
        }
    }
    if (r.has_frag) {
        ts_buf_putc(&out, '#');
        ts_buf_append(&out, r.frag, r.frag_len);
    }
    return ts_buf_steal(&out);
}
