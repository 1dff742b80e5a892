/*
 * The Query pane's default engine: tinyscope's SPARQL over the local store,
 * through the query interface (query.h); with --endpoint the same code runs
 * on the remote dataset (ts_tui_dataset_run). Terms become display text
 * (IRIs shortened with the store's prefixes) and the resource to inspect.
 */
#include <stdlib.h>
#include <string.h>

#include "tinyscope/query.h"
#include "view.h"

typedef struct {
    ts_store *store;
    ts_tui_sink *sink;
    const ts_tui_cancel *cancel;
    size_t n_vars;
    bool cancelled;
    bool full; /* the sink's row limit */
    unsigned polls;
} run_ctx;

static char *term_text(const ts_store *store, const ts_term *t)
{
    switch (t->kind) {
    case TS_TERM_IRI: return ts_store_shorten_iri(store, t->value);
    case TS_TERM_BLANK: return ts_asprintf("_:%s", t->value);
    case TS_TERM_LITERAL:
        if (t->lang) {
            return ts_asprintf("%s@%s", t->value, t->lang);
        }
        return ts_strdup(t->value);
    default: return ts_strdup("");
    }
}

static char *term_resource(const ts_term *t)
{
    if (t->kind == TS_TERM_IRI) {
        return ts_strdup(t->value);
    }
    return t->kind == TS_TERM_BLANK ? ts_asprintf("_:%s", t->value) : NULL;
}

/* Between rows, also ask the keyboard now and then (the flag covers the rest). */
static bool stop_now(run_ctx *c)
{
    if ((++c->polls & 255) == 0 && c->cancel->poll && c->cancel->poll(c->cancel->ui)) {
        c->cancelled = true;
    }
    if (c->cancel->flag && *c->cancel->flag) {
        c->cancelled = true;
    }
    return c->cancelled;
}

static int add_row(run_ctx *c, const ts_term *const *terms, size_t n)
{
    ts_tui_cell *cells = ts_calloc(n ? n : 1, sizeof *cells);
    char **texts = ts_calloc(n ? n : 1, sizeof *texts);
    char **res = ts_calloc(n ? n : 1, sizeof *res);
    for (size_t i = 0; i < n; i++) {
        texts[i] = term_text(c->store, terms[i]);
        res[i] = term_resource(terms[i]);
        cells[i] = (ts_tui_cell){texts[i], res[i]};
    }
    bool more = ts_tui_sink_row(c->sink, cells, n);
    for (size_t i = 0; i < n; i++) {
        free(texts[i]);
        free(res[i]);
    }
    free(texts);
    free(res);
    free(cells);
    if (!more) {
        c->full = true;
        return 1;
    }
    return stop_now(c) ? 1 : 0;
}

static int on_begin(void *ctx, ts_query_form form, const char *const *vars, size_t n_vars)
{
    run_ctx *c = ctx;
    static const char *const spo[] = {"subject", "predicate", "object"};
    if (form == TS_QUERY_SELECT) {
        ts_tui_sink_columns(c->sink, vars, n_vars);
        c->n_vars = n_vars;
    } else if (form != TS_QUERY_ASK) {
        ts_tui_sink_columns(c->sink, spo, 3);
    }
    return 0;
}

static int on_row(void *ctx, const ts_term *cells)
{
    run_ctx *c = ctx;
    const ts_term **terms = ts_calloc(c->n_vars ? c->n_vars : 1, sizeof *terms);
    for (size_t i = 0; i < c->n_vars; i++) {
        terms[i] = &cells[i];
    }
    int r = add_row(c, terms, c->n_vars);
    free(terms);
    return r;
}

static int on_triple(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o)
{
    const ts_term *terms[] = {s, p, o};
    return add_row(ctx, terms, 3);
}

static int on_boolean(void *ctx, bool value)
{
    run_ctx *c = ctx;
    ts_tui_sink_note(c->sink, value ? "ASK: true" : "ASK: false");
    return 0;
}

ts_status ts_tui_dataset_run(ts_dataset *ds, ts_store *store, const char *query, ts_tui_sink *sink,
                             const ts_tui_cancel *cancel, ts_error *err)
{
    /* The store's prefixes need no PREFIX lines (query.h). */
    ts_buf text = {0};
    unsigned prelude = ts_query_prelude(store, query, &text);
    run_ctx c = {.store = store, .sink = sink, .cancel = cancel};
    static const ts_query_sink qsink = {on_begin, on_row, on_triple, on_boolean};
    ts_query_opts opts = {.cancel = cancel->flag};
    ts_status st = ts_query_stream(ds, ts_buf_str(&text), &opts, &qsink, &c, NULL, err);
    ts_buf_free(&text);
    ts_query_prelude_fix(err, prelude);
    if (c.cancelled || st == TS_ERR_CANCELLED) {
        return TS_ERR_CANCELLED;
    }
    return st;
}

static ts_status sparql_run(void *ctx, ts_store *store, const char *query, ts_tui_sink *sink,
                            const ts_tui_cancel *cancel, ts_error *err)
{
    (void)ctx;
    ts_dataset *ds = ts_dataset_local(store);
    ts_status st = ts_tui_dataset_run(ds, store, query, sink, cancel, err);
    ts_dataset_free(ds);
    return st;
}

const ts_tui_query_engine ts_tui_sparql_engine = {"sparql", NULL, sparql_run};
