/*
 * Deserialization of expanded JSON-LD to RDF (JSON-LD 1.1 API, 8.1 and
 * 8.2). Quads are produced straight from the expanded tree: a node met
 * twice gives its statements twice, which a store or a set of quads makes
 * the same as the node map of the specification would.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jl_internal.h"

#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD_NS "http://www.w3.org/2001/XMLSchema#"

static const char rdf_type[] = RDF_NS "type";
static const char rdf_first[] = RDF_NS "first";
static const char rdf_rest[] = RDF_NS "rest";
static const char rdf_nil[] = RDF_NS "nil";
static const char rdf_json[] = RDF_NS "JSON";
static const char rdf_value[] = RDF_NS "value";
static const char rdf_language[] = RDF_NS "language";
static const char rdf_direction[] = RDF_NS "direction";
static const char rdf_lang_string[] = RDF_NS "langString";
static const char xsd_boolean[] = XSD_NS "boolean";
static const char xsd_double[] = XSD_NS "double";
static const char xsd_integer[] = XSD_NS "integer";
static const char xsd_string[] = XSD_NS "string";

/* A term whose strings this module owns (or that are static). */
typedef struct {
    ts_term t;
    bool own_value, own_datatype, own_lang;
} owned_term;

static void ot_clear(owned_term *o)
{
    if (o->own_value) {
        free(o->t.value);
    }
    if (o->own_datatype) {
        free(o->t.datatype);
    }
    if (o->own_lang) {
        free(o->t.lang);
    }
    memset(o, 0, sizeof *o);
}

/* ---- canonical forms ---- */

void jl_double_canonical(char *out, size_t n, double d)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15E", d);
    char *e = strchr(buf, 'E');
    if (!e) {
        snprintf(out, n, "%s", buf);
        return;
    }
    int exp = atoi(e + 1);
    *e = '\0';
    size_t len = strlen(buf);
    char *dot = strchr(buf, '.');
    if (dot) {
        while (len > (size_t)(dot - buf) + 2 && buf[len - 1] == '0') {
            buf[--len] = '\0';
        }
    }
    snprintf(out, n, "%sE%d", buf, exp);
}

/* ECMAScript Number::toString, as JSON canonicalization (RFC 8785) needs. */
static void es_number(ts_buf *out, double d)
{
    if (d == 0) {
        ts_buf_putc(out, '0');
        return;
    }
    if (!isfinite(d)) {
        ts_buf_puts(out, "null");
        return;
    }
    if (d < 0) {
        ts_buf_putc(out, '-');
        d = -d;
    }
    char buf[64];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d) {
            break;
        }
    }
    /* buf is "D.DDDe+XX": collect the digits and the exponent. */
    char digits[32];
    size_t k = 0;
    char *q = buf;
    for (; *q && *q != 'e'; q++) {
        if (*q >= '0' && *q <= '9' && k < sizeof digits - 1) {
            digits[k++] = *q;
        }
    }
    digits[k] = '\0';
    while (k > 1 && digits[k - 1] == '0') {
        digits[--k] = '\0';
    }
    int nexp = atoi(q + 1) + 1;
    int kk = (int)k;
    if (kk <= nexp && nexp <= 21) {
        ts_buf_puts(out, digits);
        for (int i = 0; i < nexp - kk; i++) {
            ts_buf_putc(out, '0');
        }
    } else if (0 < nexp && nexp <= 21) {
        ts_buf_append(out, digits, (size_t)nexp);
        ts_buf_putc(out, '.');
        ts_buf_puts(out, digits + nexp);
    } else if (-6 < nexp && nexp <= 0) {
        ts_buf_puts(out, "0.");
        for (int i = 0; i < -nexp; i++) {
            ts_buf_putc(out, '0');
        }
        ts_buf_puts(out, digits);
    } else {
        ts_buf_putc(out, digits[0]);
        if (kk > 1) {
            ts_buf_putc(out, '.');
            ts_buf_puts(out, digits + 1);
        }
        ts_buf_printf(out, "e%c%d", nexp - 1 < 0 ? '-' : '+', abs(nexp - 1));
    }
}

static void jcs_string(ts_buf *out, const char *s, size_t n)
{
    ts_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': ts_buf_puts(out, "\\\""); break;
        case '\\': ts_buf_puts(out, "\\\\"); break;
        case '\b': ts_buf_puts(out, "\\b"); break;
        case '\f': ts_buf_puts(out, "\\f"); break;
        case '\n': ts_buf_puts(out, "\\n"); break;
        case '\r': ts_buf_puts(out, "\\r"); break;
        case '\t': ts_buf_puts(out, "\\t"); break;
        default:
            if (c < 0x20) {
                ts_buf_printf(out, "\\u%04x", c);
            } else {
                ts_buf_putc(out, (char)c);
            }
        }
    }
    ts_buf_putc(out, '"');
}

/* Keys in UTF-16 code unit order: UTF-8 byte order, except that code
 * points above U+FFFF (surrogate pairs) sort before U+E000..U+FFFF. */
static int utf16_cmp(const void *a, const void *b)
{
    const unsigned char *x = *(const unsigned char *const *)a;
    const unsigned char *y = *(const unsigned char *const *)b;
    while (*x && *x == *y) {
        x++;
        y++;
    }
    if (*x >= 0xEE && *y >= 0xEE && (*x == 0xF0 || *y == 0xF0) && *x != *y) {
        bool xs = *x >= 0xF0, ys = *y >= 0xF0;
        if (xs != ys) {
            return xs ? -1 : 1;
        }
    }
    return (int)*x - (int)*y;
}

void jl_jcs(ts_buf *out, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL: ts_buf_puts(out, "null"); break;
    case JSON_TRUE: ts_buf_puts(out, "true"); break;
    case JSON_FALSE: ts_buf_puts(out, "false"); break;
    case JSON_INTEGER: es_number(out, (double)json_integer_value(v)); break;
    case JSON_REAL: es_number(out, json_real_value(v)); break;
    case JSON_STRING: jcs_string(out, json_string_value(v), json_string_length(v)); break;
    case JSON_ARRAY: {
        ts_buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) {
                ts_buf_putc(out, ',');
            }
            jl_jcs(out, json_array_get(v, i));
        }
        ts_buf_putc(out, ']');
        break;
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(v);
        const char **keys = ts_malloc(ts_mul_size(n ? n : 1, sizeof *keys));
        size_t i = 0;
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            keys[i++] = k;
        }
        qsort(keys, n, sizeof *keys, utf16_cmp);
        ts_buf_putc(out, '{');
        for (i = 0; i < n; i++) {
            if (i) {
                ts_buf_putc(out, ',');
            }
            jcs_string(out, keys[i], strlen(keys[i]));
            ts_buf_putc(out, ':');
            jl_jcs(out, json_object_get(v, keys[i]));
        }
        ts_buf_putc(out, '}');
        free(keys);
        break;
    }
    }
}

/* ---- blank nodes ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static char *fresh_blank(jl_proc *p)
{
    const char *prefix = (p->opts && p->opts->blank_prefix) ? p->opts->blank_prefix : "b";
    char digits[24];
    size_t nd = 0;
    unsigned long v = p->blank_seq++;
    do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t np = strlen(prefix);
    char *s = ts_malloc(np + nd + 1);
    memcpy(s, prefix, np);
    for (size_t i = 0; i < nd; i++) {
        s[np + i] = digits[nd - 1 - i];
    }
    s[np + nd] = '\0';
    return s;
}

/* The label for a document's "_:x" (borrowed from the map). */
static const char *map_blank(jl_proc *p, const char *label)
{
    if ((p->n_blanks + 1) * 2 > p->cap_blanks) {
        size_t old_cap = p->cap_blanks;
        struct jl_blank *old = p->blanks;
        p->cap_blanks = old_cap ? old_cap * 2 : 16;
        p->blanks = ts_calloc(p->cap_blanks, sizeof *p->blanks);
        for (size_t i = 0; i < old_cap; i++) {
            if (old[i].from) {
                size_t h = (size_t)hash_str(old[i].from) & (p->cap_blanks - 1);
                while (p->blanks[h].from) {
                    h = (h + 1) & (p->cap_blanks - 1);
                }
                p->blanks[h] = old[i];
            }
        }
        free(old);
    }
    size_t mask = p->cap_blanks - 1;
    size_t h = (size_t)hash_str(label) & mask;
    while (p->blanks[h].from && strcmp(p->blanks[h].from, label)) {
        h = (h + 1) & mask;
    }
    if (!p->blanks[h].from) {
        p->blanks[h].from = ts_strdup(label);
        p->blanks[h].to = fresh_blank(p);
        p->n_blanks++;
    }
    return p->blanks[h].to;
}

/* ---- terms ---- */

#define well_formed_iri jl_is_well_formed_iri

/* An @id, @type or property value as an IRI or blank node term. */
static void resource_term(jl_proc *p, const char *id, owned_term *o)
{
    memset(o, 0, sizeof *o);
    if (id[0] == '_' && id[1] == ':') {
        o->t.kind = TS_TERM_BLANK;
        o->t.value = (char *)map_blank(p, id);
    } else if (well_formed_iri(id)) {
        o->t.kind = TS_TERM_IRI;
        o->t.value = (char *)id;
    }
}

static void emit(jl_proc *p, const ts_term *s, const ts_term *pr, const ts_term *o,
                 const ts_term *g)
{
    if (!g || s->kind == TS_TERM_NONE || pr->kind == TS_TERM_NONE || o->kind == TS_TERM_NONE) {
        return;
    }
    if (pr->kind == TS_TERM_BLANK && !(p->opts && p->opts->generalized_rdf)) {
        return;
    }
    p->quads++;
    if (p->emit) {
        p->emit(p->emit_ctx, s, pr, o, g);
    }
}

static ts_term iri_term(const char *iri)
{
    ts_term t = {TS_TERM_IRI, (char *)iri, NULL, NULL};
    return t;
}

static ts_status object_to_rdf(jl_proc *p, json_t *item, const ts_term *g, owned_term *out);
static ts_status node_to_rdf(jl_proc *p, json_t *node, const ts_term *g, owned_term *subj);

static ts_status value_to_rdf(jl_proc *p, json_t *item, const ts_term *g, owned_term *out)
{
    memset(out, 0, sizeof *out);
    /* A bare scalar is a plain value object (see jl_proc.plain_values). */
    bool bare = !json_is_object(item);
    json_t *v = bare ? item : NULL, *tj = NULL, *lj = NULL, *dj = NULL;
    if (!bare) {
        /* One pass over the few entries instead of a lookup for each. */
        const char *k;
        json_t *x;
        json_object_foreach(item, k, x)
        {
            if (!strcmp(k, "@value")) {
                v = x;
            } else if (!strcmp(k, "@type")) {
                tj = x;
            } else if (!strcmp(k, "@language")) {
                lj = x;
            } else if (!strcmp(k, "@direction")) {
                dj = x;
            }
        }
    }
    const char *type = json_is_string(tj) ? json_string_value(tj) : NULL;
    const char *lang = json_is_string(lj) ? json_string_value(lj) : NULL;
    const char *dir = json_is_string(dj) ? json_string_value(dj) : NULL;
    bool is_json = type && !strcmp(type, "@json");
    if (type && !is_json && !well_formed_iri(type)) {
        return TS_OK;
    }
    if (lang && !jl_is_lang_tag(lang)) {
        return TS_OK;
    }
    char *value = NULL;
    bool borrowed = false; /* value points into the document */
    const char *datatype = type;
    if (is_json) {
        ts_buf b = {0};
        jl_jcs(&b, v);
        value = ts_buf_steal(&b);
        datatype = rdf_json;
    } else if (json_is_boolean(v)) {
        value = ts_strdup(json_is_true(v) ? "true" : "false");
        if (!datatype) {
            datatype = xsd_boolean;
        }
    } else if (json_is_number(v)) {
        double d = json_number_value(v);
        bool dbl = json_is_real(v) && (fmod(d, 1.0) != 0 || fabs(d) >= 1e21 || !isfinite(d));
        if (dbl || (datatype && !strcmp(datatype, xsd_double))) {
            char buf[64];
            jl_double_canonical(buf, sizeof buf, d);
            value = ts_strdup(buf);
            if (!datatype) {
                datatype = xsd_double;
            }
        } else {
            if (json_is_integer(v)) {
                value = ts_asprintf("%lld", (long long)json_integer_value(v));
            } else {
                value = ts_asprintf("%.0f", d == 0 ? 0.0 : d);
            }
            if (!datatype) {
                datatype = xsd_integer;
            }
        }
    } else if (json_is_string(v)) {
        value = (char *)json_string_value(v);
        borrowed = true;
        if (!datatype) {
            datatype = lang ? rdf_lang_string : xsd_string;
        }
    } else {
        return TS_OK;
    }
    ts_jsonld_direction mode = p->opts ? p->opts->rdf_direction : TS_JSONLD_DIR_DROP;
    if (dir && json_is_string(v) && mode == TS_JSONLD_DIR_I18N) {
        ts_buf dt = {0};
        ts_buf_puts(&dt, "https://www.w3.org/ns/i18n#");
        for (const char *q = lang ? lang : ""; *q; q++) {
            ts_buf_putc(&dt, (char)((*q >= 'A' && *q <= 'Z') ? *q + 32 : *q));
        }
        ts_buf_printf(&dt, "_%s", dir);
        out->t.kind = TS_TERM_LITERAL;
        out->t.value = value;
        out->own_value = !borrowed;
        out->t.datatype = ts_buf_steal(&dt);
        out->own_datatype = true;
        return TS_OK;
    }
    if (dir && json_is_string(v) && mode == TS_JSONLD_DIR_COMPOUND) {
        out->t.kind = TS_TERM_BLANK;
        out->t.value = fresh_blank(p);
        out->own_value = true;
        ts_term pv = iri_term(rdf_value), pl = iri_term(rdf_language), pd = iri_term(rdf_direction);
        ts_term lit = {TS_TERM_LITERAL, value, NULL, NULL};
        emit(p, &out->t, &pv, &lit, g);
        if (lang) {
            char *lower = ts_strdup(lang);
            for (char *q = lower; *q; q++) {
                *q = (char)((*q >= 'A' && *q <= 'Z') ? *q + 32 : *q);
            }
            ts_term l = {TS_TERM_LITERAL, lower, NULL, NULL};
            emit(p, &out->t, &pl, &l, g);
            free(lower);
        }
        ts_term d = {TS_TERM_LITERAL, (char *)dir, NULL, NULL};
        emit(p, &out->t, &pd, &d, g);
        if (!borrowed) {
            free(value);
        }
        return TS_OK;
    }
    out->t.kind = TS_TERM_LITERAL;
    out->t.value = value;
    out->own_value = !borrowed;
    if (datatype == rdf_lang_string) {
        out->t.lang = (char *)lang;
    } else if (strcmp(datatype, xsd_string)) {
        /* "x"^^xsd:string is "x": one term, as Turtle readers give it. */
        out->t.datatype = (char *)datatype;
    }
    return TS_OK;
}

static ts_status list_to_rdf(jl_proc *p, json_t *list, const ts_term *g, owned_term *out)
{
    memset(out, 0, sizeof *out);
    size_t n = json_array_size(list);
    if (n == 0) {
        out->t = iri_term(rdf_nil);
        return TS_OK;
    }
    ts_term first = iri_term(rdf_first), rest = iri_term(rdf_rest), nil = iri_term(rdf_nil);
    owned_term cur = {0};
    cur.t.kind = TS_TERM_BLANK;
    cur.t.value = fresh_blank(p);
    cur.own_value = true;
    *out = cur;
    out->own_value = false; /* the head's label stays owned by cur until handed over */
    char *head = cur.t.value;
    ts_status st = TS_OK;
    for (size_t i = 0; i < n && st == TS_OK; i++) {
        owned_term obj;
        st = object_to_rdf(p, json_array_get(list, i), g, &obj);
        if (st == TS_OK && obj.t.kind != TS_TERM_NONE) {
            emit(p, &cur.t, &first, &obj.t, g);
        }
        ot_clear(&obj);
        if (i + 1 < n) {
            owned_term next = {0};
            next.t.kind = TS_TERM_BLANK;
            next.t.value = fresh_blank(p);
            next.own_value = true;
            emit(p, &cur.t, &rest, &next.t, g);
            if (cur.t.value != head) {
                ot_clear(&cur);
            }
            cur = next;
        } else {
            emit(p, &cur.t, &rest, &nil, g);
        }
    }
    if (cur.t.value != head) {
        ot_clear(&cur);
    }
    out->t.value = head;
    out->own_value = true;
    return st;
}

static ts_status object_to_rdf(jl_proc *p, json_t *item, const ts_term *g, owned_term *out)
{
    memset(out, 0, sizeof *out);
    if (json_is_string(item) || json_is_number(item) || json_is_boolean(item)) {
        return value_to_rdf(p, item, g, out);
    }
    if (!json_is_object(item)) {
        return TS_OK;
    }
    json_t *l = NULL;
    const char *k;
    json_t *x;
    json_object_foreach(item, k, x)
    {
        if (k[0] != '@') {
            continue;
        }
        if (!strcmp(k, "@value")) {
            return value_to_rdf(p, item, g, out);
        }
        if (!strcmp(k, "@list")) {
            l = x;
        }
    }
    if (l) {
        if (p->rdepth >= JL_MAX_DEPTH) {
            return jl_fail(p, "limit exceeded", "lists nested too deeply");
        }
        p->rdepth++;
        ts_status st = list_to_rdf(p, l, g, out);
        p->rdepth--;
        return st;
    }
    return node_to_rdf(p, item, g, out);
}

static ts_status node_body(jl_proc *p, json_t *node, const ts_term *g, owned_term *subj)
{
    ts_status st = TS_OK;
    json_t *idj = NULL, *types = NULL, *rev = NULL, *graph = NULL, *inc = NULL;
    const char *key;
    json_t *values;
    /* The keywords in one pass rather than a lookup for each. */
    json_object_foreach(node, key, values)
    {
        if (key[0] != '@') {
            continue;
        }
        if (!strcmp(key, "@id")) {
            idj = values;
        } else if (!strcmp(key, "@type")) {
            types = values;
        } else if (!strcmp(key, "@reverse")) {
            rev = values;
        } else if (!strcmp(key, "@graph")) {
            graph = values;
        } else if (!strcmp(key, "@included")) {
            inc = values;
        }
    }
    memset(subj, 0, sizeof *subj);
    if (json_is_string(idj)) {
        resource_term(p, json_string_value(idj), subj);
    } else if (json_is_null(idj)) {
        /* an @id that expanded to null */
    } else {
        subj->t.kind = TS_TERM_BLANK;
        subj->t.value = fresh_blank(p);
        subj->own_value = true;
    }
    const ts_term *s = &subj->t;
    if (types) {
        ts_term pt = iri_term(rdf_type);
        size_t i;
        json_t *t;
        json_t *arr = json_is_array(types) ? types : NULL;
        for (i = 0; i < (arr ? json_array_size(arr) : 1); i++) {
            t = arr ? json_array_get(arr, i) : types;
            if (!json_is_string(t)) {
                continue;
            }
            owned_term ot;
            resource_term(p, json_string_value(t), &ot);
            emit(p, s, &pt, &ot.t, g);
        }
    }
    json_object_foreach(node, key, values)
    {
        if (key[0] == '@') {
            continue;
        }
        owned_term pred;
        resource_term(p, key, &pred);
        size_t i;
        json_t *item;
        json_array_foreach(values, i, item)
        {
            owned_term obj;
            st = object_to_rdf(p, item, g, &obj);
            if (st == TS_OK) {
                emit(p, s, &pred.t, &obj.t, g);
            }
            ot_clear(&obj);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    if (json_is_object(rev)) {
        json_object_foreach(rev, key, values)
        {
            owned_term pred;
            resource_term(p, key, &pred);
            size_t i;
            json_t *item;
            json_array_foreach(values, i, item)
            {
                owned_term r;
                st = node_to_rdf(p, item, g, &r);
                if (st == TS_OK) {
                    emit(p, &r.t, &pred.t, s, g);
                }
                ot_clear(&r);
                if (st != TS_OK) {
                    return st;
                }
            }
        }
    }
    if (graph) {
        /* The node names a graph; an invalid name drops its statements. */
        const ts_term *ng = (s->kind == TS_TERM_NONE || !g) ? NULL : s;
        size_t i;
        json_t *item;
        json_array_foreach(graph, i, item)
        {
            owned_term r;
            st = object_to_rdf(p, item, ng, &r);
            ot_clear(&r);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    if (inc) {
        size_t i;
        json_t *item;
        json_array_foreach(inc, i, item)
        {
            owned_term r;
            st = node_to_rdf(p, item, g, &r);
            ot_clear(&r);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return TS_OK;
}

static ts_status node_to_rdf(jl_proc *p, json_t *node, const ts_term *g, owned_term *subj)
{
    memset(subj, 0, sizeof *subj);
    if (!json_is_object(node)) {
        return TS_OK;
    }
    if (p->rdepth >= JL_MAX_DEPTH) {
        return jl_fail(p, "limit exceeded", "nodes nested too deeply");
    }
    p->rdepth++;
    ts_status st = node_body(p, node, g, subj);
    p->rdepth--;
    return st;
}

ts_status jl_to_rdf(jl_proc *p, json_t *expanded)
{
    ts_term dflt = {TS_TERM_NONE, NULL, NULL, NULL};
    size_t i;
    json_t *item;
    json_array_foreach(expanded, i, item)
    {
        owned_term r;
        ts_status st = object_to_rdf(p, item, &dflt, &r);
        ot_clear(&r);
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}
