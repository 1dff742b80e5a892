/* Datasets behind one interface; the local one runs the engine on the store. */
#include "tinyscope/query.h"

#include <stdlib.h>
#include <string.h>

#include "sparql_internal.h"
#include "tinyscope/sparql.h"

struct ts_dataset {
    const ts_dataset_ops *ops;
    void *impl;
};

ts_dataset *ts_dataset_new(const ts_dataset_ops *ops, void *impl)
{
    ts_dataset *ds = ts_calloc(1, sizeof *ds);
    ds->ops = ops;
    ds->impl = impl;
    return ds;
}

void ts_dataset_free(ts_dataset *ds)
{
    if (!ds) {
        return;
    }
    if (ds->ops->free) {
        ds->ops->free(ds->impl);
    }
    free(ds);
}

ts_status ts_query_stream(ts_dataset *ds, const char *query, const ts_query_opts *opts,
                          const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                          ts_error *err)
{
    ts_query_timing dummy;
    ts_query_sink none = {0};
    return ds->ops->run(ds->impl, query, opts, sink ? sink : &none, ctx,
                        timing ? timing : &dummy, err);
}

/* ---- the local store ---- */

/* A borrowed view of a Sord node as a term (no copies). */
static ts_term view(const SordNode *n)
{
    ts_term t = {TS_TERM_NONE, NULL, NULL, NULL};
    if (!n) {
        return t;
    }
    t.value = (char *)sord_node_get_string(n);
    switch (sord_node_get_type(n)) {
    case SORD_URI: t.kind = TS_TERM_IRI; break;
    case SORD_BLANK: t.kind = TS_TERM_BLANK; break;
    default: {
        t.kind = TS_TERM_LITERAL;
        const SordNode *dt = sord_node_get_datatype(n);
        const char *lang = sord_node_get_language(n);
        t.lang = lang && *lang ? (char *)lang : NULL;
        t.datatype = dt && !t.lang ? (char *)sord_node_get_string(dt) : NULL;
        break;
    }
    }
    return t;
}

typedef struct {
    const ts_query_sink *sink;
    void *ctx;
    size_t n_vars;
    ts_term *cells;
} local_run;

static int local_row(void *data, const SordNode *const *row)
{
    local_run *lr = data;
    if (!lr->sink->row) {
        return 0;
    }
    for (size_t i = 0; i < lr->n_vars; i++) {
        lr->cells[i] = view(row[i]);
    }
    return lr->sink->row(lr->ctx, lr->cells);
}

static int local_triple(void *data, const SordNode *s, const SordNode *p, const SordNode *o)
{
    local_run *lr = data;
    if (!lr->sink->triple) {
        return 0;
    }
    ts_term ts = view(s), tp = view(p), to = view(o);
    return lr->sink->triple(lr->ctx, &ts, &tp, &to);
}

typedef struct {
    ts_store *store;
    ts_sparql_index *index; /* rebuilt when the store has changed */
} local_dataset;

static ts_status local_run_query(void *impl, const char *query, const ts_query_opts *opts,
                                 const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                                 ts_error *err)
{
    local_dataset *ld = impl;
    ts_store *store = ld->store;
    ts_query_opts none = {0};
    if (!opts) {
        opts = &none;
    }
    double t0 = sq_now_ms();
    ts_sparql_query *q;
    ts_status st = ts_sparql_parse(query, strlen(query), opts->base, &q, err);
    double t1 = sq_now_ms();
    timing->parse_ms = t1 - t0;
    timing->eval_ms = 0;
    if (st != TS_OK) {
        return st;
    }
    ts_sparql_form f = ts_sparql_query_form(q);
    ts_query_form form = f == TS_SPARQL_SELECT ? TS_QUERY_SELECT
                         : f == TS_SPARQL_ASK  ? TS_QUERY_ASK
                         : f == TS_SPARQL_CONSTRUCT ? TS_QUERY_CONSTRUCT
                                                    : TS_QUERY_DESCRIBE;
    local_run lr = {sink, ctx, ts_sparql_var_count(q), NULL};
    lr.cells = ts_calloc(lr.n_vars + 1, sizeof *lr.cells);
    const char **names = ts_calloc(lr.n_vars + 1, sizeof *names);
    for (size_t i = 0; i < lr.n_vars; i++) {
        names[i] = ts_sparql_var_name(q, i);
    }
    int stop = sink->begin ? sink->begin(ctx, form, names, lr.n_vars) : 0;
    free(names);
    if (!stop) {
        if (!ts_sparql_index_fresh(ld->index, store)) {
            ts_sparql_index_free(ld->index);
            ld->index = ts_sparql_index_new(store);
        }
        ts_sparql_opts so = {.cancel = opts->cancel,
                             .max_rows = opts->max_rows,
                             .time_limit_ms = opts->time_limit_ms,
                             .index = ld->index};
        bool answer = false;
        st = ts_sparql_eval(store, q, &so, local_row, local_triple, &lr, &answer, err);
        if (form == TS_QUERY_ASK && st == TS_OK && sink->boolean) {
            sink->boolean(ctx, answer);
        }
    }
    timing->eval_ms = sq_now_ms() - t1;
    free(lr.cells);
    ts_sparql_free(q);
    return st;
}

static void local_free(void *impl)
{
    local_dataset *ld = impl;
    ts_sparql_index_free(ld->index);
    free(ld);
}

static const ts_dataset_ops local_ops = {local_run_query, local_free};

ts_dataset *ts_dataset_local(ts_store *store)
{
    local_dataset *ld = ts_calloc(1, sizeof *ld);
    ld->store = store;
    /* built now, with the data just loaded, so the first query does not pay */
    ld->index = ts_sparql_index_new(store);
    return ts_dataset_new(&local_ops, ld);
}

/* ---- collecting a whole result ---- */

typedef struct {
    ts_query_result *res;
    size_t cap_rows, cap_triples;
} collector;

static int col_begin(void *ctx, ts_query_form form, const char *const *vars, size_t n)
{
    collector *c = ctx;
    c->res->form = form;
    c->res->n_vars = n;
    c->res->vars = ts_calloc(n + 1, sizeof *c->res->vars);
    for (size_t i = 0; i < n; i++) {
        c->res->vars[i] = ts_strdup(vars[i]);
    }
    return 0;
}

static int col_row(void *ctx, const ts_term *cells)
{
    collector *c = ctx;
    ts_query_result *r = c->res;
    if (r->n_rows == c->cap_rows) {
        c->cap_rows = c->cap_rows ? c->cap_rows * 2 : 16;
        r->cells = ts_reallocarray(r->cells, ts_mul_size(c->cap_rows, r->n_vars ? r->n_vars : 1),
                                   sizeof *r->cells);
    }
    for (size_t i = 0; i < r->n_vars; i++) {
        r->cells[r->n_rows * r->n_vars + i] = ts_term_copy(&cells[i]);
    }
    r->n_rows++;
    return 0;
}

static int col_triple(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o)
{
    collector *c = ctx;
    ts_query_result *r = c->res;
    if (r->n_triples == c->cap_triples) {
        c->cap_triples = c->cap_triples ? c->cap_triples * 2 : 16;
        r->triples = ts_reallocarray(r->triples, ts_mul_size(c->cap_triples, 3), sizeof *r->triples);
    }
    r->triples[r->n_triples * 3] = ts_term_copy(s);
    r->triples[r->n_triples * 3 + 1] = ts_term_copy(p);
    r->triples[r->n_triples * 3 + 2] = ts_term_copy(o);
    r->n_triples++;
    return 0;
}

static int col_bool(void *ctx, bool v)
{
    ((collector *)ctx)->res->boolean = v;
    return 0;
}

ts_status ts_query_run(ts_dataset *ds, const char *query, const ts_query_opts *opts,
                       ts_query_result *out, ts_error *err)
{
    memset(out, 0, sizeof *out);
    collector c = {out, 0, 0};
    ts_query_sink sink = {col_begin, col_row, col_triple, col_bool};
    ts_status st = ts_query_stream(ds, query, opts, &sink, &c, &out->timing, err);
    out->status = st;
    return st;
}

const ts_term *ts_query_cell(const ts_query_result *res, size_t r, size_t v)
{
    return &res->cells[r * res->n_vars + v];
}

long ts_query_var_index(const ts_query_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_vars; i++) {
        if (!strcmp(res->vars[i], name)) {
            return (long)i;
        }
    }
    return -1;
}

void ts_query_result_clear(ts_query_result *res)
{
    if (!res) {
        return;
    }
    for (size_t i = 0; i < res->n_vars; i++) {
        free(res->vars[i]);
    }
    free(res->vars);
    for (size_t i = 0; i < res->n_rows * res->n_vars; i++) {
        ts_term_clear(&res->cells[i]);
    }
    free(res->cells);
    for (size_t i = 0; i < res->n_triples * 3; i++) {
        ts_term_clear(&res->triples[i]);
    }
    free(res->triples);
    memset(res, 0, sizeof *res);
}

unsigned ts_query_prelude(const ts_store *store, const char *query, ts_buf *out)
{
    unsigned lines = 0;
    for (size_t i = 0; i < ts_store_prefix_count(store); i++) {
        const char *name, *ns;
        ts_store_prefix(store, i, &name, &ns);
        /* a binding that cannot be written as a PREFIX line is left out */
        if (!strpbrk(ns, "<>\"\\{}|^` \n") && !strpbrk(name, ": \n")) {
            ts_buf_printf(out, "PREFIX %s: <%s>\n", name, ns);
            lines++;
        }
    }
    ts_buf_puts(out, query);
    return lines;
}

void ts_query_prelude_fix(ts_error *err, unsigned prelude)
{
    if (!err) {
        return;
    }
    if (err->line > prelude) {
        err->line -= prelude;
    } else if (err->line) {
        /* inside the prelude: no place in the user's text */
        err->line = err->col = 0;
    }
}
