/*
 * The layers of one model, fetched when the model is selected: the layers
 * view restricted to that model, sent through the dataset interface, so a
 * remote endpoint answers it the same way as the local store, and the UI
 * needs no layer records in the catalog (a graph of thousands of models
 * has hundreds of thousands of layers, and one model is looked at).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog_panes.h"
#include "tinyscope/catalog_views.h"

/* Characters an IRI written as <...> may not hold (SPARQL's IRIREF). */
static bool iri_writable(const char *iri)
{
    if (!*iri || !strchr(iri, ':')) {
        return false; /* a blank node's label, or nothing */
    }
    for (const unsigned char *s = (const unsigned char *)iri; *s; s++) {
        if (*s <= 0x20 || strchr("<>\"{}|^`\\", *s)) {
            return false;
        }
    }
    return true;
}

/* Past a comment, string or <IRI> starting at s; s itself otherwise. */
static const char *skip_token(const char *s)
{
    if (*s == '#') {
        while (*s && *s != '\n') {
            s++;
        }
        return s;
    }
    if (*s == '"' || *s == '\'') {
        char q = *s;
        bool long_string = s[1] == q && s[2] == q;
        s += long_string ? 3 : 1;
        while (*s) {
            if (*s == '\\' && s[1]) {
                s += 2;
            } else if (*s == q && (!long_string || (s[1] == q && s[2] == q))) {
                return s + (long_string ? 3 : 1);
            } else {
                s++;
            }
        }
        return s;
    }
    if (*s == '<') {
        const char *e = s + 1;
        while (*e && *e != '>' && *e != ' ' && *e != '\n') {
            e++;
        }
        return *e == '>' ? e + 1 : s + 1;
    }
    return s + 1;
}

char *ts_layers_query(const char *view, const char *iri, ts_error *err)
{
    if (!iri_writable(iri)) {
        ts_error_set(err, TS_ERR_BAD_ARG, NULL, 0, 0,
                     "the model is a blank node or its IRI cannot be written in a query");
        return NULL;
    }
    /* The first brace of a SELECT query opens its WHERE group. */
    const char *s = view;
    while (*s && *s != '{') {
        s = skip_token(s);
    }
    ts_buf q = {0};
    if (*s == '{') {
        ts_buf_append(&q, view, (size_t)(s - view) + 1);
        ts_buf_printf(&q, " VALUES ?model { <%s> }", iri);
        ts_buf_puts(&q, s + 1);
    } else {
        ts_buf_printf(&q, "%s\nVALUES ?model { <%s> }\n", view, iri);
    }
    return ts_buf_steal(&q);
}

void ts_layers_free(ts_layer *layers, size_t n)
{
    for (size_t i = 0; layers && i < n; i++) {
        free(layers[i].role);
        free(layers[i].type);
        free(layers[i].activation);
        free(layers[i].quantization);
        free(layers[i].shape_in);
        free(layers[i].shape_out);
    }
    free(layers);
}

enum { C_LAYER, C_ROLE, C_INDEX, C_TYPE, C_ACT, C_QUANT, C_IN, C_OUT, N_COLS };

typedef struct {
    long col[N_COLS];
    ts_layer *layers;
    size_t n, cap;
    char *last; /* the previous row's ?layer: a layer with two values gives two rows */
} fetch_ctx;

static int on_begin(void *ctx, ts_query_form form, const char *const *vars, size_t n_vars)
{
    static const char *const names[N_COLS] = {"layer",      "role",         "index",   "type",
                                              "activation", "quantization", "shapeIn", "shapeOut"};
    fetch_ctx *f = ctx;
    (void)form;
    for (size_t i = 0; i < N_COLS; i++) {
        f->col[i] = -1;
        for (size_t k = 0; k < n_vars; k++) {
            if (!strcmp(vars[k], names[i])) {
                f->col[i] = (long)k;
            }
        }
    }
    return 0;
}

static const ts_term *cell(const fetch_ctx *f, const ts_term *cells, int c)
{
    const ts_term *t = f->col[c] >= 0 ? &cells[f->col[c]] : NULL;
    return t && t->kind != TS_TERM_NONE ? t : NULL;
}

/* Types, activations and data types are IRIs such as nnet:Conv2D: shown by their short name. */
static void set_name(char **field, const ts_term *t)
{
    if (!*field && t) {
        *field = ts_strdup(t->kind == TS_TERM_IRI ? ts_class_short_name(t->value) : t->value);
    }
}

static int on_row(void *ctx, const ts_term *cells)
{
    fetch_ctx *f = ctx;
    const ts_term *id = cell(f, cells, C_LAYER);
    ts_layer *l;
    if (id && f->last && f->n && !strcmp(f->last, id->value)) {
        l = &f->layers[f->n - 1];
    } else {
        if (f->n == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 16;
            f->layers = ts_reallocarray(f->layers, f->cap, sizeof *f->layers);
        }
        l = &f->layers[f->n++];
        memset(l, 0, sizeof *l);
        l->index = -1;
        free(f->last);
        f->last = id ? ts_strdup(id->value) : NULL;
    }
    double index;
    const ts_term *it = cell(f, cells, C_INDEX);
    if (l->index < 0 && it && ts_term_number(it, &index) == TS_OK && index >= 0 && index <= 1e9) {
        l->index = (long)index;
    }
    set_name(&l->role, cell(f, cells, C_ROLE));
    set_name(&l->type, cell(f, cells, C_TYPE));
    set_name(&l->activation, cell(f, cells, C_ACT));
    set_name(&l->quantization, cell(f, cells, C_QUANT));
    set_name(&l->shape_in, cell(f, cells, C_IN));
    set_name(&l->shape_out, cell(f, cells, C_OUT));
    return 0;
}

ts_status ts_layers_fetch(ts_dataset *ds, const char *iri, ts_layer **layers, size_t *n,
                          ts_error *err)
{
    ts_error local;
    if (!err) {
        err = &local;
    }
    *layers = NULL;
    *n = 0;
    char *path = NULL;
    char *view = ts_view_text("layers", &path, err);
    if (!view) {
        return TS_ERR_NOT_FOUND;
    }
    char *query = ts_layers_query(view, iri, err);
    free(view);
    if (!query) {
        free(path);
        return TS_ERR_BAD_ARG;
    }
    fetch_ctx f = {0};
    ts_query_sink sink = {.begin = on_begin, .row = on_row};
    /* A slow endpoint must not hold the UI for long. */
    ts_query_opts opts = {.max_rows = TS_LAYERS_MAX, .time_limit_ms = 5000};
    ts_status st = ts_query_stream(ds, query, &opts, &sink, &f, NULL, err);
    free(query);
    free(f.last);
    if (st != TS_OK && st != TS_ERR_LIMIT) {
        /* Name the view; a position would be in the rewritten text, so none. */
        char *msg = ts_strdup(err->message);
        ts_error_set(err, st, path, 0, 0, "%s", msg);
        free(msg);
        ts_layers_free(f.layers, f.n);
        free(path);
        return st;
    }
    free(path);
    *layers = f.layers;
    *n = f.n;
    return st;
}
