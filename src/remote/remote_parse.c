/*
 * Reading what an endpoint answers: SPARQL 1.1 Query Results JSON (with
 * jansson) and N-Triples or Turtle (with Serd), into a ts_query_sink.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <serd/serd.h>

#include "tinyscope/buf.h"
#include "tinyscope/remote.h"

#define XSD_STRING "http://www.w3.org/2001/XMLSchema#string"

bool ts_remote_query_form(const char *query, ts_query_form *out)
{
    static const struct {
        const char *word;
        ts_query_form form;
    } forms[] = {
        {"select", TS_QUERY_SELECT},
        {"ask", TS_QUERY_ASK},
        {"construct", TS_QUERY_CONSTRUCT},
        {"describe", TS_QUERY_DESCRIBE},
    };
    const char *p = query;
    while (*p) {
        if (*p == '#') {
            p += strcspn(p, "\n");
        } else if (*p == '<') {
            /* an IRI, or a "<" comparison that cannot come before the form */
            const char *end = strpbrk(p + 1, "> \t\n");
            p = end && *end == '>' ? end + 1 : p + 1;
        } else if (*p == '"' || *p == '\'') {
            char q = *p++;
            while (*p && *p != q && *p != '\n') {
                p += (*p == '\\' && p[1]) ? 2 : 1;
            }
            if (*p == q) {
                p++;
            }
        } else if (isalpha((unsigned char)*p)) {
            const char *w = p;
            while (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == ':' || *p == '.') {
                p++;
            }
            size_t n = (size_t)(p - w);
            for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
                if (strlen(forms[i].word) == n && !strncasecmp(w, forms[i].word, n)) {
                    *out = forms[i].form;
                    return true;
                }
            }
        } else {
            p++;
        }
    }
    return false;
}

/* ---- SPARQL JSON results ---- */

static ts_status json_term(json_t *cell, ts_term *out, const char *source, const char *var,
                           size_t row, ts_error *err)
{
    const char *type = json_string_value(json_object_get(cell, "type"));
    const char *value = json_string_value(json_object_get(cell, "value"));
    if (!json_is_object(cell) || !type || !value) {
        return ts_error_set(err, TS_ERR_BAD_DATA, source, 0, 0,
                            "results.bindings[%zu].%s: want an object with type and value", row,
                            var);
    }
    if (!strcmp(type, "uri")) {
        *out = ts_term_iri(value);
    } else if (!strcmp(type, "bnode")) {
        *out = ts_term_blank(value);
    } else if (!strcmp(type, "literal") || !strcmp(type, "typed-literal")) {
        /* "typed-literal" is what older servers (Virtuoso 6/7) still send */
        const char *lang = json_string_value(json_object_get(cell, "xml:lang"));
        const char *dt = json_string_value(json_object_get(cell, "datatype"));
        if (lang && !*lang) {
            lang = NULL;
        }
        if (dt && (lang || !strcmp(dt, XSD_STRING) ||
                   !strcmp(dt, "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))) {
            dt = NULL;
        }
        *out = ts_term_literal(value, dt, lang);
    } else {
        return ts_error_set(err, TS_ERR_BAD_DATA, source, 0, 0,
                            "results.bindings[%zu].%s: unknown term type '%.40s'", row, var, type);
    }
    return TS_OK;
}

ts_status ts_remote_parse_json(const char *doc, size_t len, const char *source, size_t max_rows,
                               const ts_query_sink *sink, void *ctx, ts_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        return ts_error_set(err, TS_ERR_SYNTAX, source, (unsigned)jerr.line, (unsigned)jerr.column,
                            "SPARQL JSON results: %s", jerr.text);
    }
    ts_status st = TS_OK;
    json_t *boolean = json_object_get(root, "boolean");
    if (json_is_boolean(boolean)) {
        if (!sink->begin || !sink->begin(ctx, TS_QUERY_ASK, NULL, 0)) {
            if (sink->boolean) {
                sink->boolean(ctx, json_is_true(boolean));
            }
        }
        json_decref(root);
        return TS_OK;
    }
    json_t *jvars = json_object_get(json_object_get(root, "head"), "vars");
    json_t *bindings = json_object_get(json_object_get(root, "results"), "bindings");
    if (!json_is_array(jvars) || !json_is_array(bindings)) {
        json_decref(root);
        return ts_error_set(err, TS_ERR_BAD_DATA, source, 0, 0,
                            "not SPARQL JSON results: no head.vars and results.bindings "
                            "arrays, nor a boolean");
    }
    size_t n_vars = json_array_size(jvars);
    const char **vars = ts_calloc(n_vars + 1, sizeof *vars);
    for (size_t i = 0; i < n_vars; i++) {
        vars[i] = json_string_value(json_array_get(jvars, i));
        if (!vars[i]) {
            st = ts_error_set(err, TS_ERR_BAD_DATA, source, 0, 0, "head.vars[%zu] is not a string",
                              i);
            goto done;
        }
    }
    if (sink->begin && sink->begin(ctx, TS_QUERY_SELECT, vars, n_vars)) {
        goto done;
    }
    ts_term *cells = ts_calloc(n_vars + 1, sizeof *cells);
    size_t n_rows = json_array_size(bindings);
    for (size_t r = 0; r < n_rows && st == TS_OK; r++) {
        if (max_rows && r == max_rows) {
            st = ts_error_set(err, TS_ERR_LIMIT, source, 0, 0,
                              "more than %zu rows: the rest are not shown", max_rows);
            break;
        }
        json_t *b = json_array_get(bindings, r);
        if (!json_is_object(b)) {
            st = ts_error_set(err, TS_ERR_BAD_DATA, source, 0, 0,
                              "results.bindings[%zu] is not an object", r);
            break;
        }
        for (size_t v = 0; v < n_vars && st == TS_OK; v++) {
            json_t *cell = json_object_get(b, vars[v]);
            if (cell) {
                st = json_term(cell, &cells[v], source, vars[v], r, err);
            }
        }
        int stop = st == TS_OK && sink->row ? sink->row(ctx, cells) : 0;
        for (size_t v = 0; v < n_vars; v++) {
            ts_term_clear(&cells[v]);
        }
        if (stop) {
            break;
        }
    }
    free(cells);
done:
    free(vars);
    json_decref(root);
    return st;
}

/* ---- N-Triples and Turtle ---- */

typedef struct {
    SerdEnv *env;
    const ts_query_sink *sink;
    void *ctx;
    size_t max_rows;
    size_t count;
    ts_status status; /* TS_OK, TS_ERR_LIMIT, or TS_OK with stopped set */
    bool stopped;
    const char *source;
    ts_error *err;
} triples_run;

static SerdStatus on_base(void *handle, const SerdNode *uri)
{
    triples_run *t = handle;
    return serd_env_set_base_uri(t->env, uri);
}

static SerdStatus on_prefix(void *handle, const SerdNode *name, const SerdNode *uri)
{
    triples_run *t = handle;
    return serd_env_set_prefix(t->env, name, uri);
}

/* A term for node, expanding CURIEs and relative IRIs against the env. */
static ts_term serd_term(SerdEnv *env, const SerdNode *node, const SerdNode *dt,
                         const SerdNode *lang)
{
    switch (node->type) {
    case SERD_URI:
    case SERD_CURIE: {
        SerdNode full = serd_env_expand_node(env, node);
        ts_term t = ts_term_iri(full.buf ? (const char *)full.buf : (const char *)node->buf);
        serd_node_free(&full);
        return t;
    }
    case SERD_BLANK: return ts_term_blank((const char *)node->buf);
    case SERD_LITERAL: {
        char *dts = NULL;
        if (dt && dt->buf) {
            SerdNode full = serd_env_expand_node(env, dt);
            dts = ts_strdup(full.buf ? (const char *)full.buf : (const char *)dt->buf);
            serd_node_free(&full);
        }
        ts_term t =
            ts_term_literal((const char *)node->buf, dts && strcmp(dts, XSD_STRING) ? dts : NULL,
                            lang && lang->buf ? (const char *)lang->buf : NULL);
        free(dts);
        return t;
    }
    case SERD_NOTHING: break;
    }
    return (ts_term){0};
}

static SerdStatus on_statement(void *handle, SerdStatementFlags flags, const SerdNode *graph,
                               const SerdNode *subject, const SerdNode *predicate,
                               const SerdNode *object, const SerdNode *object_datatype,
                               const SerdNode *object_lang)
{
    (void)flags;
    (void)graph;
    triples_run *t = handle;
    if (t->max_rows && t->count == t->max_rows) {
        t->status = ts_error_set(t->err, TS_ERR_LIMIT, t->source, 0, 0,
                                 "more than %zu triples: the rest are not shown", t->max_rows);
        return SERD_FAILURE;
    }
    t->count++;
    ts_term s = serd_term(t->env, subject, NULL, NULL);
    ts_term p = serd_term(t->env, predicate, NULL, NULL);
    ts_term o = serd_term(t->env, object, object_datatype, object_lang);
    int stop = t->sink->triple ? t->sink->triple(t->ctx, &s, &p, &o) : 0;
    ts_term_clear(&s);
    ts_term_clear(&p);
    ts_term_clear(&o);
    if (stop) {
        t->stopped = true;
        return SERD_FAILURE;
    }
    return SERD_SUCCESS;
}

static SerdStatus on_error(void *handle, const SerdError *e)
{
    triples_run *t = handle;
    if (t->status == TS_OK) {
        char msg[512];
        vsnprintf(msg, sizeof msg, e->fmt, *e->args);
        msg[strcspn(msg, "\n")] = '\0';
        t->status = ts_error_set(t->err, TS_ERR_SYNTAX, t->source, e->line, e->col, "%s", msg);
    }
    return SERD_SUCCESS;
}

ts_status ts_remote_parse_triples(const char *doc, size_t len, const char *base, const char *source,
                                  size_t max_rows, const ts_query_sink *sink, void *ctx,
                                  ts_error *err)
{
    if (sink->begin && sink->begin(ctx, TS_QUERY_CONSTRUCT, NULL, 0)) {
        return TS_OK;
    }
    SerdNode base_node = serd_node_from_string(SERD_URI, (const uint8_t *)(base ? base : ""));
    triples_run t = {
        .env = serd_env_new(base ? &base_node : NULL),
        .sink = sink,
        .ctx = ctx,
        .max_rows = max_rows,
        .source = source,
        .err = err,
    };
    /* Turtle is a superset of N-Triples, so one reader takes both. */
    SerdReader *reader =
        serd_reader_new(SERD_TURTLE, &t, NULL, on_base, on_prefix, on_statement, NULL);
    serd_reader_set_error_sink(reader, on_error, &t);
    serd_reader_set_strict(reader, true);
    char *text = ts_strndup(doc, len);
    SerdStatus sst = serd_reader_read_string(reader, (const uint8_t *)text);
    free(text);
    serd_reader_free(reader);
    serd_env_free(t.env);
    if (t.status != TS_OK || t.stopped) {
        return t.status;
    }
    if (sst != SERD_SUCCESS) {
        return ts_error_set(err, TS_ERR_SYNTAX, source, 0, 0, "unreadable triples (%s)",
                            (const char *)serd_strerror(sst));
    }
    return TS_OK;
}
