/* Entry points of the JSON-LD processor: parsing, errors, expansion, toRdf. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jl_internal.h"

/* ---- the JSON path of the value being processed ---- */

void jl_push_key(jl_proc *p, const char *key)
{
    if (p->depth == p->path_cap) {
        p->path_cap = p->path_cap ? p->path_cap * 2 : 32;
        p->path = ts_reallocarray(p->path, p->path_cap, sizeof *p->path);
    }
    p->path[p->depth].key = key;
    p->path[p->depth].index = 0;
    p->depth++;
}

void jl_push_index(jl_proc *p, size_t i)
{
    jl_push_key(p, NULL);
    p->path[p->depth - 1].index = i;
}

void jl_pop(jl_proc *p)
{
    if (p->depth) {
        p->depth--;
    }
}

/* The path as a JSON Pointer (RFC 6901), "/" for the document itself. */
static void format_path(const jl_proc *p, ts_buf *out)
{
    if (!p->depth) {
        ts_buf_putc(out, '/');
        return;
    }
    for (size_t i = 0; i < p->depth; i++) {
        if (p->depth > 24 && i == 8) {
            /* Keep messages readable for very deep documents. */
            ts_buf_puts(out, "/...");
            i = p->depth - 12;
        }
        ts_buf_putc(out, '/');
        if (!p->path[i].key) {
            ts_buf_printf(out, "%zu", p->path[i].index);
            continue;
        }
        for (const char *q = p->path[i].key; *q; q++) {
            if (*q == '~') {
                ts_buf_puts(out, "~0");
            } else if (*q == '/') {
                ts_buf_puts(out, "~1");
            } else {
                ts_buf_putc(out, *q);
            }
        }
    }
}

static const char *source_name(const jl_proc *p)
{
    return (p->opts && p->opts->source) ? p->opts->source : "<json-ld>";
}

ts_status jl_fail(jl_proc *p, const char *code, const char *fmt, ...)
{
    if (p->err_code) {
        /* Keep the first (innermost) error. */
        return TS_ERR_BAD_DATA;
    }
    p->err_code = code;
    ts_buf msg = {0};
    format_path(p, &msg);
    ts_buf_printf(&msg, ": %s", code);
    if (fmt && *fmt) {
        ts_buf_puts(&msg, " (");
        va_list ap;
        va_start(ap, fmt);
        ts_buf_vprintf(&msg, fmt, ap);
        va_end(ap);
        ts_buf_putc(&msg, ')');
    }
    ts_status st = !strcmp(code, "limit exceeded") || !strcmp(code, "context overflow")
                       ? TS_ERR_LIMIT
                   : !strcmp(code, "loading remote context failed") ? TS_ERR_NOT_FOUND
                                                                    : TS_ERR_BAD_DATA;
    ts_error_set(p->err, st, source_name(p), 0, 0, "%s", ts_buf_str(&msg));
    ts_buf_free(&msg);
    return st;
}

void jl_recode(jl_proc *p, const char *code)
{
    if (!p->err) {
        p->err_code = code;
        return;
    }
    char *old = ts_strdup(p->err->message);
    ts_buf msg = {0};
    format_path(p, &msg);
    ts_buf_printf(&msg, ": %s (%s)", code, old);
    ts_error_set(p->err, p->err->status, p->err->source, 0, 0, "%s", ts_buf_str(&msg));
    ts_buf_free(&msg);
    free(old);
    p->err_code = code;
}

void jl_warn(jl_proc *p, const char *fmt, ...)
{
    if (!p->opts || !p->opts->diags) {
        return;
    }
    ts_buf msg = {0};
    format_path(p, &msg);
    ts_buf_puts(&msg, ": ");
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    ts_diags_addf(p->opts->diags, TS_DIAG_WARNING, TS_OK, source_name(p), 0, 0, "%s",
                  ts_buf_str(&msg));
    ts_buf_free(&msg);
}

/* ---- parsing ---- */

/*
 * Duplicate keys. jansson keeps the last value of a repeated key, as most
 * JSON parsers do, but says nothing; one pass over the text finds them so
 * that each can be reported with its position. Keys are compared as
 * written (an escaped and an unescaped spelling of one key differ).
 */
typedef struct {
    const char *key;
    size_t len;
    size_t object; /* which object the key belongs to */
} dup_slot;

typedef struct {
    dup_slot *slots;
    size_t cap, count;
} dup_set;

static uint64_t hash_bytes(const char *s, size_t n, size_t object)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)object;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Insert; false when the key was already in that object. */
static bool dup_insert(dup_set *d, const char *key, size_t len, size_t object)
{
    if ((d->count + 1) * 2 > d->cap) {
        size_t old_cap = d->cap;
        dup_slot *old = d->slots;
        d->cap = old_cap ? old_cap * 2 : 64;
        d->slots = ts_calloc(d->cap, sizeof *d->slots);
        for (size_t i = 0; i < old_cap; i++) {
            if (old[i].key) {
                size_t h = (size_t)hash_bytes(old[i].key, old[i].len, old[i].object);
                while (d->slots[h & (d->cap - 1)].key) {
                    h++;
                }
                d->slots[h & (d->cap - 1)] = old[i];
            }
        }
        free(old);
    }
    size_t h = (size_t)hash_bytes(key, len, object);
    for (;; h++) {
        dup_slot *s = &d->slots[h & (d->cap - 1)];
        if (!s->key) {
            s->key = key;
            s->len = len;
            s->object = object;
            d->count++;
            return true;
        }
        if (s->object == object && s->len == len && !memcmp(s->key, key, len)) {
            return false;
        }
    }
}

static void warn_duplicates(const char *text, size_t len, const char *source, ts_diags *diags)
{
    enum { MAX_REPORTED = 20 };
    dup_set set = {0};
    size_t *stack = NULL; /* object number, or 0 for an array */
    size_t depth = 0, cap = 0, objects = 0, reported = 0;
    bool expect_key = false;
    unsigned line = 1;
    size_t line_start = 0;
    /* Bytes that matter outside strings; the rest are skipped at once. */
    static const bool special[256] = {
        ['\n'] = true, ['{'] = true, ['}'] = true, ['['] = true,
        [']'] = true,  [','] = true, ['"'] = true,
    };
    for (size_t i = 0; i < len; i++) {
        while (i < len && !special[(unsigned char)text[i]]) {
            i++;
        }
        if (i >= len) {
            break;
        }
        char c = text[i];
        if (c == '\n') {
            line++;
            line_start = i + 1;
        } else if (c == '{' || c == '[') {
            if (depth == cap) {
                cap = cap ? cap * 2 : 32;
                stack = ts_reallocarray(stack, cap, sizeof *stack);
            }
            stack[depth++] = c == '{' ? ++objects : 0;
            expect_key = c == '{';
        } else if (c == '}' || c == ']') {
            if (depth) {
                depth--;
            }
            expect_key = false;
        } else if (c == ',') {
            expect_key = depth && stack[depth - 1];
        } else if (c == '"') {
            size_t start = i + 1;
            /* The closing quote: the next one not escaped by an odd run of
             * backslashes. Strings hold no raw newlines in valid JSON. */
            i = start;
            for (;;) {
                const char *q = memchr(text + i, '"', len - i);
                if (!q) {
                    i = len;
                    break;
                }
                size_t at = (size_t)(q - text), bs = 0;
                while (at - bs > start && text[at - bs - 1] == '\\') {
                    bs++;
                }
                i = at;
                if (bs % 2 == 0) {
                    break;
                }
                i++;
            }
            if (expect_key && depth && i <= len &&
                !dup_insert(&set, text + start, i - start, stack[depth - 1])) {
                if (diags && reported++ < MAX_REPORTED) {
                    ts_diags_addf(diags, TS_DIAG_WARNING, TS_OK, source, line,
                                  (unsigned)(start - line_start),
                                  "duplicate key \"%.*s\" in an object; the last value is used",
                                  (int)(i - start < 200 ? i - start : 200), text + start);
                }
            }
            expect_key = false;
        }
    }
    free(stack);
    free(set.slots);
}

ts_status ts_jsonld_parse(const char *text, size_t len, const ts_jsonld_opts *opts, json_t **out,
                          ts_error *err)
{
    const char *source = (opts && opts->source) ? opts->source : "<json-ld>";
    size_t flags = JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL;
    json_error_t je;
    *out = jl_json_read(text, len, source, opts ? opts->diags : NULL);
    if (!*out) {
        /* Not JSON, or JSON our reader leaves to jansson: its message. */
        *out = json_loadb(text, len, flags, &je);
        if (*out && opts && opts->diags) {
            warn_duplicates(text, len, source, opts->diags);
        }
    }
    if (!*out) {
        return ts_error_set(err, TS_ERR_SYNTAX, source, je.line > 0 ? (unsigned)je.line : 0,
                            je.column > 0 ? (unsigned)je.column : 0, "%s", je.text);
    }
    return TS_OK;
}

/* ---- processing ---- */

static void proc_init(jl_proc *p, const ts_jsonld_opts *opts, ts_error *err)
{
    memset(p, 0, sizeof *p);
    p->opts = opts;
    p->store = opts ? opts->contexts : NULL;
    p->doc_base = opts ? opts->base : NULL;
    p->mode10 = opts && opts->json_ld_10;
    p->err = err;
    ts_error_clear(err);
}

static void proc_free(jl_proc *p)
{
    free(p->path);
    for (size_t i = 0; i < p->cap_blanks; i++) {
        free(p->blanks[i].from);
        free(p->blanks[i].to);
    }
    free(p->blanks);
    ts_buf_free(&p->scratch);
}

static ts_status expand_doc(jl_proc *p, json_t *doc, json_t **out)
{
    jl_ctx *initial = p->store ? jl_ctx_ref(jl_store_initial(p->store)) : jl_ctx_new_initial();
    ts_status st = TS_OK;
    if (p->opts && p->opts->expand_context) {
        json_t *ref = json_string(p->opts->expand_context);
        jl_ctx *next = NULL;
        st = jl_process_context(p, initial, ref, NULL, p->doc_base, NULL, false, true, true, &next);
        json_decref(ref);
        if (st == TS_OK) {
            jl_ctx_unref(initial);
            initial = next;
        }
    }
    if (st == TS_OK) {
        st = jl_expand(p, doc, initial, out);
    }
    jl_ctx_unref(initial);
    return st;
}

ts_status ts_jsonld_expand(json_t *doc, const ts_jsonld_opts *opts, json_t **out, ts_error *err)
{
    jl_proc p;
    proc_init(&p, opts, err);
    *out = NULL;
    ts_status st = expand_doc(&p, doc, out);
    proc_free(&p);
    return st;
}

ts_status ts_jsonld_to_rdf(json_t *doc, const ts_jsonld_opts *opts, ts_jsonld_quad_fn emit,
                           void *ctx, ts_error *err)
{
    jl_proc p;
    proc_init(&p, opts, err);
    json_t *expanded = NULL;
    p.plain_values = true;
    ts_status st = expand_doc(&p, doc, &expanded);
    if (st == TS_OK) {
        p.emit = emit;
        p.emit_ctx = ctx;
        st = jl_to_rdf(&p, expanded);
    }
    json_decref(expanded);
    proc_free(&p);
    return st;
}

ts_status ts_jsonld_text_to_rdf(const char *text, size_t len, const ts_jsonld_opts *opts,
                                ts_jsonld_quad_fn emit, void *ctx, ts_error *err)
{
    json_t *doc = NULL;
    ts_status st = ts_jsonld_parse(text, len, opts, &doc, err);
    if (st != TS_OK) {
        return st;
    }
    st = ts_jsonld_to_rdf(doc, opts, emit, ctx, err);
    json_decref(doc);
    return st;
}

/* ---- options ---- */

static const char *const direction_names[] = {
    [TS_JSONLD_DIR_DROP] = "none",
    [TS_JSONLD_DIR_I18N] = "i18n-datatype",
    [TS_JSONLD_DIR_COMPOUND] = "compound-literal",
};

bool ts_jsonld_direction_parse(const char *name, ts_jsonld_direction *out)
{
    for (size_t i = 0; name && i < sizeof direction_names / sizeof direction_names[0]; i++) {
        if (!strcmp(name, direction_names[i])) {
            *out = (ts_jsonld_direction)i;
            return true;
        }
    }
    return false;
}

const char *ts_jsonld_direction_name(ts_jsonld_direction d)
{
    return (unsigned)d < sizeof direction_names / sizeof direction_names[0] ? direction_names[d]
                                                                            : "none";
}
