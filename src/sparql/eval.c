/*
 * Evaluation on Sord. Patterns run in push style: each solution is handed
 * to a continuation while the row (one slot per variable) is bound in
 * place, so joins are index nested loops where every bound variable is an
 * index lookup. Patterns whose filters would see outer variables run alone
 * and are joined afterwards (SPARQL's bottom-up semantics).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sparql_internal.h"
#include "tinyscope/ptrmap.h"

/* ---- small helpers ---- */

double sq_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool sq_should_stop(sq_ctx *cx)
{
    if (cx->stop != TS_OK) {
        return true;
    }
    if ((++cx->ticks & 1023) == 0) {
        if (cx->cancel && *cx->cancel) {
            cx->stop = TS_ERR_CANCELLED;
            return true;
        }
        if (cx->deadline_ms > 0 && sq_now_ms() > cx->deadline_ms) {
            cx->stop = TS_ERR_TIMEOUT;
            return true;
        }
    }
    return false;
}

void sq_rows_push(sq_rows *r, const sq_node *row)
{
    if (r->n_rows == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->data = ts_reallocarray(r->data, ts_mul_size(r->cap, r->width ? r->width : 1),
                                  sizeof *r->data);
    }
    if (r->width) {
        memcpy(r->data + r->n_rows * r->width, row, r->width * sizeof *row);
    }
    r->n_rows++;
}

void sq_rows_free(sq_rows *r)
{
    free(r->data);
    r->data = NULL;
    r->n_rows = r->cap = 0;
}

static sq_node *row_at(const sq_rows *r, size_t i)
{
    return r->data + i * r->width;
}

/* A set of node tuples (hashing the pointers: nodes are interned). */
typedef struct {
    sq_rows rows;
    size_t *table; /* index + 1, 0 = empty */
    size_t cap;
} sq_tset;

static size_t hash_tuple(const sq_node *t, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint64_t)(uintptr_t)t[i];
        h *= 1099511628211ULL;
        h ^= h >> 29;
    }
    return (size_t)h;
}

static void tset_init(sq_tset *s, size_t width)
{
    memset(s, 0, sizeof *s);
    s->rows.width = width;
}

static void tset_free(sq_tset *s)
{
    sq_rows_free(&s->rows);
    free(s->table);
    s->table = NULL;
}

/* Index of tuple in s; inserted when absent (*added says so). */
static size_t tset_insert(sq_tset *s, const sq_node *t, bool *added)
{
    size_t w = s->rows.width;
    if ((s->rows.n_rows + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        size_t *nt = ts_calloc(ncap, sizeof *nt);
        for (size_t i = 0; i < s->rows.n_rows; i++) {
            size_t h = hash_tuple(row_at(&s->rows, i), w) & (ncap - 1);
            while (nt[h]) {
                h = (h + 1) & (ncap - 1);
            }
            nt[h] = i + 1;
        }
        free(s->table);
        s->table = nt;
        s->cap = ncap;
    }
    size_t h = hash_tuple(t, w) & (s->cap - 1);
    while (s->table[h]) {
        size_t idx = s->table[h] - 1;
        if (!memcmp(row_at(&s->rows, idx), t, w * sizeof *t)) {
            if (added) {
                *added = false;
            }
            return idx;
        }
        h = (h + 1) & (s->cap - 1);
    }
    sq_rows_push(&s->rows, t);
    s->table[h] = s->rows.n_rows;
    if (added) {
        *added = true;
    }
    return s->rows.n_rows - 1;
}

typedef struct sq_memo {
    sq_tset keys;
    bool *results;
    size_t cap;
} sq_memo;

/* ---- bit sets over a select's variables ---- */

static uint64_t *vset_new(ts_sparql_query *q, size_t words)
{
    return sq_alloc(q, (words ? words : 1) * sizeof(uint64_t));
}

static void vset_add(uint64_t *s, int v)
{
    if (v >= 0) {
        s[v / 64] |= 1ULL << (v % 64);
    }
}

static bool vset_has(const uint64_t *s, int v)
{
    return v >= 0 && (s[v / 64] >> (v % 64)) & 1;
}

static void vset_union(uint64_t *a, const uint64_t *b, size_t words)
{
    for (size_t i = 0; i < words; i++) {
        a[i] |= b[i];
    }
}

static bool vset_subset(const uint64_t *a, const uint64_t *b, size_t words)
{
    for (size_t i = 0; i < words; i++) {
        if (a[i] & ~b[i]) {
            return false;
        }
    }
    return true;
}

/* ---- analysis ---- */

/* An arena array with room for one more pointer (capacities are powers of two). */
static void *grow_ptr(ts_sparql_query *q, void *arr, size_t n)
{
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = n ? n * 2 : 4;
        void **na = sq_alloc(q, cap * sizeof(void *));
        if (n) {
            memcpy(na, arr, n * sizeof(void *));
        }
        return na;
    }
    return arr;
}

typedef struct {
    ts_sparql_query *q;
    size_t words;
} an_ctx;

static void analyze_pattern(an_ctx *a, sq_pattern *p);
static void analyze_select(ts_sparql_query *q, sq_select *s);

static void expr_vars(an_ctx *a, sq_expr *e, uint64_t *out)
{
    if (!e) {
        return;
    }
    if ((e->op == E_TERM || e->op == E_AGG) && e->term.kind == SQ_T_VAR) {
        vset_add(out, e->term.var);
    }
    if (e->op == E_EXISTS || e->op == E_NOTEXISTS) {
        analyze_pattern(a, e->pattern);
        vset_union(out, e->pattern->mentioned, a->words);
    }
    for (size_t i = 0; i < e->n_args; i++) {
        expr_vars(a, e->args[i], out);
    }
}

static bool expr_has_exists(const sq_expr *e)
{
    if (!e) {
        return false;
    }
    if (e->op == E_EXISTS || e->op == E_NOTEXISTS) {
        return true;
    }
    for (size_t i = 0; i < e->n_args; i++) {
        if (expr_has_exists(e->args[i])) {
            return true;
        }
    }
    return false;
}

static void term_var(const sq_term *t, uint64_t *s)
{
    if (t->kind == SQ_T_VAR) {
        vset_add(s, t->var);
    }
}

static void analyze_pattern(an_ctx *a, sq_pattern *p)
{
    if (!p || p->scope) {
        return;
    }
    size_t W = a->words;
    p->scope = vset_new(a->q, W);
    p->certain = vset_new(a->q, W);
    p->mentioned = vset_new(a->q, W);
    p->maybe = vset_new(a->q, W);
    switch (p->kind) {
    case P_BGP: {
        for (size_t i = 0; i < p->n_triples; i++) {
            sq_triple *t = &p->triples[i];
            term_var(&t->s, p->scope);
            if (!t->path) {
                term_var(&t->p, p->scope);
            }
            term_var(&t->o, p->scope);
        }
        memcpy(p->certain, p->scope, W * sizeof(uint64_t));
        memcpy(p->mentioned, p->scope, W * sizeof(uint64_t));
        size_t n = 0;
        for (size_t v = 0; v < W * 64; v++) {
            n += vset_has(p->scope, (int)v);
        }
        p->bvars = sq_alloc(a->q, (n + 1) * sizeof(int));
        for (size_t v = 0; v < W * 64; v++) {
            if (vset_has(p->scope, (int)v)) {
                p->bvars[p->n_bvars++] = (int)v;
            }
        }
        break;
    }
    case P_GROUP: {
        size_t n_filters = 0;
        for (size_t i = 0; i < p->n_steps; i++) {
            sq_pattern *s = p->steps[i];
            analyze_pattern(a, s);
            vset_union(p->scope, s->scope, W);
            vset_union(p->mentioned, s->mentioned, W);
            if (s->kind == P_FILTER) {
                n_filters++;
            }
        }
        p->seq = sq_alloc(a->q, (p->n_steps + 1) * sizeof *p->seq);
        uint64_t **prefix = sq_alloc(a->q, (p->n_steps + 1) * sizeof *prefix);
        uint64_t *scope_before = vset_new(a->q, W);
        for (size_t i = 0; i < p->n_steps; i++) {
            sq_pattern *s = p->steps[i];
            if (s->kind == P_FILTER) {
                continue;
            }
            if (s->kind == P_BIND) {
                /* BIND sees only what comes before it */
                uint64_t *ev = vset_new(a->q, W);
                expr_vars(a, s->expr, ev);
                if (!vset_subset(ev, scope_before, W)) {
                    p->unsafe_body = true;
                }
            }
            if (s->unsafe && s->kind != P_GROUP && s->kind != P_OPTIONAL) {
                p->unsafe_body = p->unsafe_body || false;
            }
            vset_union(scope_before, s->scope, W);
            vset_union(p->certain, s->certain, W);
            prefix[p->n_seq] = vset_new(a->q, W);
            memcpy(prefix[p->n_seq], p->certain, W * sizeof(uint64_t));
            p->seq[p->n_seq++] = s;
        }
        p->post = sq_alloc(a->q, (p->n_seq + 1) * sizeof *p->post);
        p->n_post = sq_alloc(a->q, (p->n_seq + 1) * sizeof *p->n_post);
        for (size_t i = 0; i <= p->n_seq; i++) {
            p->post[i] = sq_alloc(a->q, (n_filters + 1) * sizeof **p->post);
        }
        for (size_t i = 0; i < p->n_steps; i++) {
            sq_pattern *f = p->steps[i];
            if (f->kind != P_FILTER) {
                continue;
            }
            uint64_t *fv = vset_new(a->q, W);
            expr_vars(a, f->expr, fv);
            if (!vset_subset(fv, p->scope, W)) {
                p->unsafe = true;
            }
            size_t slot = p->n_seq; /* default: after everything */
            if (!expr_has_exists(f->expr)) {
                bool empty = true;
                for (size_t w = 0; w < W; w++) {
                    empty = empty && fv[w] == 0;
                }
                if (empty) {
                    slot = 0;
                } else {
                    for (size_t j = 0; j < p->n_seq; j++) {
                        if (vset_subset(fv, prefix[j], W)) {
                            sq_pattern *s = p->seq[j];
                            bool before = j > 0 && vset_subset(fv, prefix[j - 1], W);
                            if (s->kind == P_BGP && !before) {
                                sq_pattern *b = s;
                                b->bfilters = grow_ptr(a->q, b->bfilters, b->n_bfilters);
                                b->bfilter_vars = grow_ptr(a->q, b->bfilter_vars, b->n_bfilters);
                                b->bfilters[b->n_bfilters] = f->expr;
                                b->bfilter_vars[b->n_bfilters] = fv;
                                b->n_bfilters++;
                                slot = (size_t)-1;
                            } else {
                                slot = j + 1;
                            }
                            break;
                        }
                    }
                }
            }
            if (slot != (size_t)-1) {
                p->post[slot][p->n_post[slot]++] = f->expr;
            }
        }
        /* a variable used inside but bound nowhere in the group is unbound
           there, whatever the outside binds */
        if (!vset_subset(p->mentioned, p->scope, W)) {
            bool only_filters = true;
            uint64_t *inner = vset_new(a->q, W);
            for (size_t i = 0; i < p->n_steps; i++) {
                if (p->steps[i]->kind != P_FILTER) {
                    vset_union(inner, p->steps[i]->mentioned, W);
                }
            }
            only_filters = vset_subset(inner, p->scope, W);
            if (!only_filters) {
                p->unsafe_body = true;
            }
        }
        p->unsafe = p->unsafe || p->unsafe_body;
        break;
    }
    case P_OPTIONAL:
        analyze_pattern(a, p->a);
        vset_union(p->scope, p->a->scope, W);
        vset_union(p->mentioned, p->a->mentioned, W);
        break;
    case P_MINUS:
        analyze_pattern(a, p->a);
        vset_union(p->mentioned, p->a->mentioned, W);
        break;
    case P_UNION: {
        analyze_pattern(a, p->a);
        analyze_pattern(a, p->b);
        vset_union(p->scope, p->a->scope, W);
        vset_union(p->scope, p->b->scope, W);
        vset_union(p->mentioned, p->a->mentioned, W);
        vset_union(p->mentioned, p->b->mentioned, W);
        for (size_t w = 0; w < W; w++) {
            p->certain[w] = p->a->certain[w] & p->b->certain[w];
        }
        break;
    }
    case P_FILTER: expr_vars(a, p->expr, p->mentioned); break;
    case P_BIND:
        vset_add(p->scope, p->var);
        vset_add(p->mentioned, p->var);
        expr_vars(a, p->expr, p->mentioned);
        break;
    case P_VALUES:
        for (size_t i = 0; i < p->n_vars; i++) {
            vset_add(p->scope, p->vars[i]);
            bool always = p->n_rows > 0;
            for (size_t r = 0; r < p->n_rows; r++) {
                if (p->rows[r][i].kind == SQ_T_VAR) {
                    always = false;
                }
            }
            if (always) {
                vset_add(p->certain, p->vars[i]);
            }
        }
        memcpy(p->mentioned, p->scope, W * sizeof(uint64_t));
        break;
    case P_GRAPH:
    case P_SERVICE:
        analyze_pattern(a, p->a);
        vset_union(p->scope, p->a->scope, W);
        vset_union(p->certain, p->a->certain, W);
        vset_union(p->mentioned, p->a->mentioned, W);
        if (p->graph.kind == SQ_T_VAR) {
            vset_add(p->scope, p->graph.var);
            vset_add(p->certain, p->graph.var);
            vset_add(p->mentioned, p->graph.var);
        }
        break;
    case P_SUBQUERY:
        analyze_select(a->q, p->sub);
        for (size_t i = 0; i < p->sub->n_proj; i++) {
            vset_add(p->scope, p->sub_map[i]);
            vset_add(p->mentioned, p->sub_map[i]);
        }
        break;
    }
    for (size_t w = 0; w < W; w++) {
        p->maybe[w] = p->scope[w] & ~p->certain[w];
    }
}

static void analyze_select(ts_sparql_query *q, sq_select *s)
{
    an_ctx a = {.q = q, .words = (s->n_vars + 63) / 64};
    if (a.words == 0) {
        a.words = 1;
    }
    s->n_words = a.words;
    analyze_pattern(&a, s->where);
    if (s->values) {
        analyze_pattern(&a, s->values);
    }
    uint64_t *tmp = vset_new(q, a.words);
    for (size_t i = 0; i < s->n_proj; i++) {
        expr_vars(&a, s->proj[i].expr, tmp);
    }
    for (size_t i = 0; i < s->n_having; i++) {
        expr_vars(&a, s->having[i], tmp);
    }
    for (size_t i = 0; i < s->n_order; i++) {
        expr_vars(&a, s->order[i].expr, tmp);
    }
    for (size_t i = 0; i < s->n_group; i++) {
        expr_vars(&a, s->group_by[i], tmp);
    }
    for (size_t i = 0; i < s->n_aggs; i++) {
        expr_vars(&a, s->aggs[i].arg, tmp);
    }
}

/* ---- nodes made during evaluation ---- */

sq_node sq_keep(sq_ctx *cx, SordNode *n)
{
    if (!n) {
        return NULL;
    }
    if (cx->n_made == cx->cap_made) {
        cx->cap_made = cx->cap_made ? cx->cap_made * 2 : 256;
        cx->made = ts_reallocarray(cx->made, cx->cap_made, sizeof *cx->made);
    }
    cx->made[cx->n_made++] = n;
    return n;
}

sq_node sq_literal(sq_ctx *cx, const char *lex, const SordNode *dt, const char *lang)
{
    if (dt == cx->xsd_string) {
        dt = NULL;
    }
    if (lang && !*lang) {
        lang = NULL;
    }
    return sq_keep(cx, sord_new_literal(cx->world, lang ? NULL : (SordNode *)dt,
                                        (const uint8_t *)lex, lang));
}

sq_node sq_typed(sq_ctx *cx, const char *lex, const char *dt_iri)
{
    sq_node dt = sq_iri(cx, dt_iri);
    return sq_literal(cx, lex, dt, NULL);
}

sq_node sq_iri(sq_ctx *cx, const char *iri)
{
    return sq_keep(cx, sord_new_uri(cx->world, (const uint8_t *)iri));
}

sq_node sq_fresh_blank(sq_ctx *cx)
{
    char label[48];
    snprintf(label, sizeof label, "qb%lx_%lu", (unsigned long)(uintptr_t)cx->query & 0xffff,
             ++cx->bnode_counter);
    return sq_keep(cx, sord_new_blank(cx->world, (const uint8_t *)label));
}

sq_node sq_bnode_for(sq_ctx *cx, sq_node str)
{
    sq_tset *map = cx->bnode_map;
    if (!map) {
        map = ts_calloc(1, sizeof *map);
        tset_init(map, 2);
        cx->bnode_map = map;
    }
    sq_node key[2] = {str, (sq_node)(uintptr_t)cx->solution};
    bool added;
    size_t idx = tset_insert(map, key, &added);
    if (added) {
        cx->bnode_nodes = ts_reallocarray(cx->bnode_nodes, idx + 1, sizeof *cx->bnode_nodes);
        cx->bnode_nodes[idx] = (SordNode *)sq_fresh_blank(cx);
        cx->n_bnode_nodes = idx + 1;
    }
    return cx->bnode_nodes[idx];
}

/* Terms of the query interned for this evaluation. */
typedef struct {
    sq_term **terms;
    size_t n, cap;
} term_list;

static void prep_term(sq_ctx *cx, term_list *tl, sq_term *t)
{
    if (t->kind == SQ_T_VAR || t->node) {
        return;
    }
    if (t->kind == SQ_T_IRI) {
        t->node = sord_new_uri(cx->world, (const uint8_t *)t->value);
    } else if (t->kind == SQ_T_LITERAL) {
        SordNode *dt = NULL;
        if (t->dt && strcmp(t->dt, TS_NS_XSD "string")) {
            dt = sord_new_uri(cx->world, (const uint8_t *)t->dt);
        }
        t->node = sord_new_literal(cx->world, dt, (const uint8_t *)t->value, t->lang);
        if (dt) {
            sord_node_free(cx->world, dt);
        }
    }
    if (tl->n == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 64;
        tl->terms = ts_reallocarray(tl->terms, tl->cap, sizeof *tl->terms);
    }
    tl->terms[tl->n++] = t;
}

static void prep_pattern(sq_ctx *cx, term_list *tl, sq_pattern *p);
static void prep_select(sq_ctx *cx, term_list *tl, sq_select *s);

static void prep_path(sq_ctx *cx, term_list *tl, sq_path *p)
{
    if (!p) {
        return;
    }
    prep_term(cx, tl, &p->iri);
    for (size_t i = 0; i < p->n_neg; i++) {
        prep_term(cx, tl, &p->neg[i]);
    }
    for (size_t i = 0; i < p->n_neg_inv; i++) {
        prep_term(cx, tl, &p->neg_inv[i]);
    }
    prep_path(cx, tl, p->a);
    prep_path(cx, tl, p->b);
}

static void prep_expr(sq_ctx *cx, term_list *tl, sq_expr *e)
{
    if (!e) {
        return;
    }
    prep_term(cx, tl, &e->term);
    for (size_t i = 0; i < e->n_args; i++) {
        prep_expr(cx, tl, e->args[i]);
    }
    prep_pattern(cx, tl, e->pattern);
}

static void prep_triples(sq_ctx *cx, term_list *tl, sq_triple *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        prep_term(cx, tl, &t[i].s);
        prep_term(cx, tl, &t[i].p);
        prep_term(cx, tl, &t[i].o);
        prep_path(cx, tl, t[i].path);
    }
}

static void prep_pattern(sq_ctx *cx, term_list *tl, sq_pattern *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n_steps; i++) {
        prep_pattern(cx, tl, p->steps[i]);
    }
    prep_triples(cx, tl, p->triples, p->n_triples);
    prep_pattern(cx, tl, p->a);
    prep_pattern(cx, tl, p->b);
    prep_expr(cx, tl, p->expr);
    prep_term(cx, tl, &p->graph);
    for (size_t r = 0; r < p->n_rows; r++) {
        for (size_t i = 0; i < p->n_vars; i++) {
            prep_term(cx, tl, &p->rows[r][i]);
        }
    }
    if (p->sub) {
        prep_select(cx, tl, p->sub);
    }
}

static void prep_select(sq_ctx *cx, term_list *tl, sq_select *s)
{
    prep_pattern(cx, tl, s->where);
    prep_pattern(cx, tl, s->values);
    for (size_t i = 0; i < s->n_proj; i++) {
        prep_expr(cx, tl, s->proj[i].expr);
    }
    for (size_t i = 0; i < s->n_group; i++) {
        prep_expr(cx, tl, s->group_by[i]);
    }
    for (size_t i = 0; i < s->n_having; i++) {
        prep_expr(cx, tl, s->having[i]);
    }
    for (size_t i = 0; i < s->n_order; i++) {
        prep_expr(cx, tl, s->order[i].expr);
    }
    for (size_t i = 0; i < s->n_aggs; i++) {
        prep_expr(cx, tl, s->aggs[i].arg);
    }
}

/* ---- caches to clear at the end ---- */

static void note_cached(sq_ctx *cx, sq_pattern *p);

typedef struct sq_plan {
    struct sq_plan *next;
    uint64_t mask; /* which of the BGP's variables were bound on entry */
    size_t *order;
    size_t **filters_at; /* filter indices to check after order[i] */
    bool **filter_local; /* ...and whether it needs only its component's variables */
    size_t *n_filters_at;
    /* Independent components (no shared variable): the first drives the
       nested loops; each later one is evaluated once and its rows reused. */
    size_t n_comps;
    size_t *comp_start, *comp_end; /* depth range in order */
    bool *comp_cacheable;
    int **comp_vars;
    size_t *comp_nvars;
    sq_rows *comp_cache;
    bool *comp_ready;
    const SordNode **comp_graph;
} sq_plan;

static void plan_free(sq_plan *pl, size_t n);

static void note_cached(sq_ctx *cx, sq_pattern *p)
{
    if (!p->listed) {
        p->listed = true;
        p->next_cached = cx->cached;
        cx->cached = p;
    }
}

static void clear_caches(sq_ctx *cx)
{
    sq_pattern *p = cx->cached;
    while (p) {
        sq_pattern *n = p->next_cached;
        if (p->cache) {
            sq_rows_free(p->cache);
            free(p->cache);
            p->cache = NULL;
        }
        sq_plan *pl = p->plans;
        while (pl) {
            sq_plan *pn = pl->next;
            plan_free(pl, p->n_triples);
            pl = pn;
        }
        p->plans = NULL;
        if (p->memo) {
            tset_free(&p->memo->keys);
            free(p->memo->results);
            free(p->memo);
            p->memo = NULL;
        }
        p->listed = false;
        p->next_cached = NULL;
        p = n;
    }
    cx->cached = NULL;
}

/* ---- matching triples in the active graph ---- */

typedef int (*match_fn)(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                        const SordNode *o);

static int match_in(sq_ctx *cx, const SordNode *g, sq_node s, sq_node p, sq_node o,
                    size_t dedupe_before, match_fn fn, void *data)
{
    if ((s && sord_node_get_type(s) == SORD_LITERAL) || (p && sord_node_get_type(p) != SORD_URI)) {
        return 0;
    }
    SordQuad pat = {s, p, o, g};
    SordIter *it = sord_find(cx->model, pat);
    int r = 0;
    for (; it && !sord_iter_end(it); sord_iter_next(it)) {
        if (sq_should_stop(cx)) {
            r = 1;
            break;
        }
        SordQuad q;
        sord_iter_get(it, q);
        if (dedupe_before) {
            bool dup = false;
            for (size_t i = 0; i < dedupe_before && !dup; i++) {
                SordQuad d = {q[0], q[1], q[2], cx->defaults[i]};
                dup = sord_contains(cx->model, d);
            }
            if (dup) {
                continue;
            }
        }
        if ((r = fn(cx, data, q[0], q[1], q[2])) != 0) {
            break;
        }
    }
    sord_iter_free(it);
    return r;
}

static int match_index(sq_ctx *cx, sq_node s, sq_node p, sq_node o, match_fn fn, void *data)
{
    sq_range r = sq_index_find(cx->index, s, p, o);
    /* which position of an entry holds s, p and o */
    static const int pos[3][3] = {{0, 1, 2}, {2, 0, 1}, {1, 2, 0}};
    const int *at = pos[r.order];
    for (size_t i = 0; i < r.count; i++) {
        const SordNode *const *t = r.begin[i].t;
        /* every bound position is part of the looked-up prefix */
        if (sq_should_stop(cx)) {
            return 1;
        }
        int rc = fn(cx, data, t[at[0]], t[at[1]], t[at[2]]);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static int match(sq_ctx *cx, sq_node s, sq_node p, sq_node o, match_fn fn, void *data)
{
    if (cx->index && !cx->active_graph && cx->n_defaults == 0 && !cx->default_empty) {
        return match_index(cx, s, p, o, fn, data);
    }
    if (cx->active_graph) {
        return match_in(cx, cx->active_graph, s, p, o, 0, fn, data);
    }
    if (cx->default_empty) {
        return 0;
    }
    if (cx->n_defaults == 0) {
        return match_in(cx, NULL, s, p, o, 0, fn, data);
    }
    for (size_t i = 0; i < cx->n_defaults; i++) {
        int r = match_in(cx, cx->defaults[i], s, p, o, i, fn, data);
        if (r) {
            return r;
        }
    }
    return 0;
}

typedef struct {
    size_t n, cap;
} count_state;

static int count_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                    const SordNode *o)
{
    (void)cx;
    (void)s;
    (void)p;
    (void)o;
    count_state *c = data;
    return ++c->n >= c->cap;
}

/* How many triples match, counting no further than cap. */
static size_t capped_count(sq_ctx *cx, sq_node s, sq_node p, sq_node o, size_t cap)
{
    count_state c = {0, cap};
    ts_status saved = cx->stop;
    match(cx, s, p, o, count_cb, &c);
    if (cx->stop == TS_OK) {
        cx->stop = saved;
    }
    return c.n;
}

/* ---- property paths ---- */

typedef int (*pair_fn)(sq_ctx *cx, void *data, sq_node s, sq_node o);

static int eval_path(sq_ctx *cx, sq_path *p, sq_node s, sq_node o, pair_fn fn, void *data,
                     int depth);

typedef struct {
    pair_fn fn;
    void *data;
    bool swap;
    sq_path *path;
    sq_node end;
    int depth;
} path_k;

static int link_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                   const SordNode *o)
{
    (void)p;
    path_k *k = data;
    return k->swap ? k->fn(cx, k->data, o, s) : k->fn(cx, k->data, s, o);
}

static int swap_cb(sq_ctx *cx, void *data, sq_node s, sq_node o)
{
    path_k *k = data;
    return k->fn(cx, k->data, o, s);
}

typedef struct {
    path_k *outer;
    sq_node start;
} seq2_k;

static int seq2_cb(sq_ctx *cx, void *data, sq_node m, sq_node o)
{
    (void)m;
    seq2_k *k = data;
    return k->outer->fn(cx, k->outer->data, k->start, o);
}

static int seq1_cb(sq_ctx *cx, void *data, sq_node s, sq_node m)
{
    path_k *k = data;
    seq2_k k2 = {k, s};
    return eval_path(cx, k->path, m, k->end, seq2_cb, &k2, k->depth);
}

static bool in_terms(const sq_term *t, size_t n, const SordNode *p)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].node == p) {
            return true;
        }
    }
    return false;
}

typedef struct {
    path_k k;
    sq_path *neg;
} neg_k;

static int neg_fwd_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                      const SordNode *o)
{
    neg_k *k = data;
    if (in_terms(k->neg->neg, k->neg->n_neg, p)) {
        return 0;
    }
    return k->k.fn(cx, k->k.data, s, o);
}

static int neg_inv_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                      const SordNode *o)
{
    neg_k *k = data;
    if (in_terms(k->neg->neg_inv, k->neg->n_neg_inv, p)) {
        return 0;
    }
    return k->k.fn(cx, k->k.data, o, s);
}

/* Breadth-first closure for * and +: every node reachable from start. */
typedef struct {
    ts_ptrmap seen;
    const SordNode **queue;
    size_t n, cap;
} reach_state;

static int reach_cb(sq_ctx *cx, void *data, sq_node s, sq_node o)
{
    (void)cx;
    (void)s;
    reach_state *r = data;
    size_t *slot = ts_ptrmap_get(&r->seen, o);
    if (slot) {
        return 0;
    }
    *ts_ptrmap_slot(&r->seen, o) = 1;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->queue = ts_reallocarray(r->queue, r->cap, sizeof *r->queue);
    }
    r->queue[r->n++] = o;
    return 0;
}

/* Nodes reachable from start by path a: zero_or_more includes start. */
static void closure(sq_ctx *cx, sq_path *a, sq_node start, bool include_start, bool inverse,
                    reach_state *r, int depth)
{
    memset(r, 0, sizeof *r);
    size_t head = 0;
    if (include_start) {
        reach_cb(cx, r, start, start);
    } else {
        /* seed with one step */
        if (inverse) {
            path_k k = {.fn = reach_cb, .data = r};
            eval_path(cx, a, NULL, start, swap_cb, &k, depth);
        } else {
            eval_path(cx, a, start, NULL, reach_cb, r, depth);
        }
    }
    while (head < r->n && cx->stop == TS_OK) {
        sq_node x = r->queue[head++];
        if (inverse) {
            path_k k = {.fn = reach_cb, .data = r};
            eval_path(cx, a, NULL, x, swap_cb, &k, depth);
        } else {
            eval_path(cx, a, x, NULL, reach_cb, r, depth);
        }
    }
}

static void reach_free(reach_state *r)
{
    ts_ptrmap_free(&r->seen);
    free(r->queue);
}

typedef struct {
    ts_ptrmap seen;
    const SordNode **nodes;
    size_t n, cap;
} node_set;

static void node_set_add(node_set *ns, const SordNode *n)
{
    if (ts_ptrmap_get(&ns->seen, n)) {
        return;
    }
    *ts_ptrmap_slot(&ns->seen, n) = 1;
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 64;
        ns->nodes = ts_reallocarray(ns->nodes, ns->cap, sizeof *ns->nodes);
    }
    ns->nodes[ns->n++] = n;
}

static int all_nodes_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                        const SordNode *o)
{
    (void)cx;
    (void)p;
    node_set_add(data, s);
    node_set_add(data, o);
    return 0;
}

static int closure_eval(sq_ctx *cx, sq_path *p, sq_node s, sq_node o, pair_fn fn, void *data,
                        int depth)
{
    bool zero = p->op != PATH_PLUS;
    if (!s && !o) {
        node_set all = {0};
        match(cx, NULL, NULL, NULL, all_nodes_cb, &all);
        int r = 0;
        for (size_t i = 0; i < all.n && !r; i++) {
            r = closure_eval(cx, p, all.nodes[i], NULL, fn, data, depth);
        }
        ts_ptrmap_free(&all.seen);
        free(all.nodes);
        return r;
    }
    int r = 0;
    if (p->op == PATH_OPT) {
        /* zero or one: distinct */
        node_set found = {0};
        if (s) {
            node_set_add(&found, s);
            reach_state one;
            memset(&one, 0, sizeof one);
            eval_path(cx, p->a, s, o, reach_cb, &one, depth);
            for (size_t i = 0; i < one.n; i++) {
                node_set_add(&found, one.queue[i]);
            }
            reach_free(&one);
            for (size_t i = 0; i < found.n && !r; i++) {
                if (!o || found.nodes[i] == o) {
                    r = fn(cx, data, s, found.nodes[i]);
                }
            }
        } else {
            node_set_add(&found, o);
            reach_state one;
            memset(&one, 0, sizeof one);
            path_k k = {.fn = reach_cb, .data = &one};
            eval_path(cx, p->a, NULL, o, swap_cb, &k, depth);
            for (size_t i = 0; i < one.n; i++) {
                node_set_add(&found, one.queue[i]);
            }
            reach_free(&one);
            for (size_t i = 0; i < found.n && !r; i++) {
                r = fn(cx, data, found.nodes[i], o);
            }
        }
        ts_ptrmap_free(&found.seen);
        free(found.nodes);
        return r;
    }
    reach_state rs;
    if (s) {
        closure(cx, p->a, s, zero, false, &rs, depth);
        for (size_t i = 0; i < rs.n && !r; i++) {
            if (!o || rs.queue[i] == o) {
                r = fn(cx, data, s, rs.queue[i]);
            }
        }
    } else {
        closure(cx, p->a, o, zero, true, &rs, depth);
        for (size_t i = 0; i < rs.n && !r; i++) {
            r = fn(cx, data, rs.queue[i], o);
        }
    }
    reach_free(&rs);
    return r;
}

static int eval_path(sq_ctx *cx, sq_path *p, sq_node s, sq_node o, pair_fn fn, void *data,
                     int depth)
{
    if (depth > SQ_MAX_DEPTH || cx->stop != TS_OK) {
        return 1;
    }
    switch (p->op) {
    case PATH_LINK: {
        path_k k = {.fn = fn, .data = data};
        return match(cx, s, p->iri.node, o, link_cb, &k);
    }
    case PATH_INV: {
        path_k k = {.fn = fn, .data = data};
        return eval_path(cx, p->a, o, s, swap_cb, &k, depth + 1);
    }
    case PATH_SEQ: {
        path_k k = {.fn = fn, .data = data, .path = p->b, .end = o, .depth = depth + 1};
        return eval_path(cx, p->a, s, NULL, seq1_cb, &k, depth + 1);
    }
    case PATH_ALT: {
        int r = eval_path(cx, p->a, s, o, fn, data, depth + 1);
        return r ? r : eval_path(cx, p->b, s, o, fn, data, depth + 1);
    }
    case PATH_NEG: {
        neg_k k = {.k = {.fn = fn, .data = data}, .neg = p};
        int r = 0;
        if (p->n_neg > 0 || p->n_neg_inv == 0) {
            r = match(cx, s, NULL, o, neg_fwd_cb, &k);
        }
        if (!r && p->n_neg_inv > 0) {
            r = match(cx, o, NULL, s, neg_inv_cb, &k);
        }
        return r;
    }
    case PATH_STAR:
    case PATH_PLUS:
    case PATH_OPT: return closure_eval(cx, p, s, o, fn, data, depth + 1);
    }
    return 0;
}

/* ---- patterns ---- */

static int eval_pattern(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd);

static bool filter_ok(sq_ctx *cx, sq_expr *e, sq_node *row)
{
    sq_node v = sq_eval_expr(cx, e, row);
    return v && sq_ebv(cx, v) == 1;
}

/* Is any variable of set bound in row? */
static bool any_bound(sq_ctx *cx, const uint64_t *set, const sq_node *row)
{
    size_t W = cx->sel->n_words;
    for (size_t w = 0; w < W; w++) {
        uint64_t bits = set[w];
        while (bits) {
            int b = __builtin_ctzll(bits);
            bits &= bits - 1;
            if (row[w * 64 + (size_t)b]) {
                return true;
            }
        }
    }
    return false;
}

static sq_node term_value(const sq_term *t, const sq_node *row)
{
    return t->kind == SQ_T_VAR ? row[t->var] : t->node;
}

/* -- BGP -- */

#define EST_CAP 500

static size_t uf_find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static double triple_estimate(const sq_triple *t, const bool *bound, double base, bool any_bound_yet)
{
    bool sb = t->s.kind != SQ_T_VAR || bound[t->s.var];
    bool ob = t->o.kind != SQ_T_VAR || bound[t->o.var];
    bool pb = t->path || t->p.kind != SQ_T_VAR || bound[t->p.var];
    bool svar_b = t->s.kind == SQ_T_VAR && bound[t->s.var];
    bool ovar_b = t->o.kind == SQ_T_VAR && bound[t->o.var];
    double est = base;
    if (t->path) {
        est = (sb || ob) ? 100 : 1e7;
    } else if (sb && pb && ob) {
        est = 0.5;
    } else {
        if (svar_b) {
            est = est < (pb ? 3 : 20) ? est : (pb ? 3 : 20);
        }
        if (ovar_b) {
            est = est < (pb ? 10 : 50) ? est : (pb ? 10 : 50);
        }
    }
    bool connected = svar_b || ovar_b || (!t->path && t->p.kind == SQ_T_VAR && bound[t->p.var]);
    if (any_bound_yet && !connected) {
        est = est * 1000 + 1e6;
    }
    return est;
}

static void mark_bound(const sq_triple *t, bool *bound)
{
    if (t->s.kind == SQ_T_VAR) {
        bound[t->s.var] = true;
    }
    if (!t->path && t->p.kind == SQ_T_VAR) {
        bound[t->p.var] = true;
    }
    if (t->o.kind == SQ_T_VAR) {
        bound[t->o.var] = true;
    }
}

static void triple_vars(const sq_triple *t, int out[3], size_t *n)
{
    *n = 0;
    if (t->s.kind == SQ_T_VAR) {
        out[(*n)++] = t->s.var;
    }
    if (!t->path && t->p.kind == SQ_T_VAR) {
        out[(*n)++] = t->p.var;
    }
    if (t->o.kind == SQ_T_VAR) {
        out[(*n)++] = t->o.var;
    }
}

static sq_plan *make_plan(sq_ctx *cx, sq_pattern *b, const sq_node *row, uint64_t mask)
{
    size_t n = b->n_triples;
    size_t W = cx->sel->n_vars;
    bool *entry = ts_calloc(W + 1, 1);
    for (size_t i = 0; i < W; i++) {
        entry[i] = row[i] != NULL;
    }
    double *base = ts_calloc(n + 1, sizeof *base);
    for (size_t i = 0; i < n; i++) {
        sq_triple *t = &b->triples[i];
        if (t->path) {
            base[i] = 1e7;
            continue;
        }
        sq_node s = t->s.kind == SQ_T_VAR ? NULL : t->s.node;
        sq_node p = t->p.kind == SQ_T_VAR ? NULL : t->p.node;
        sq_node o = t->o.kind == SQ_T_VAR ? NULL : t->o.node;
        if (cx->index && !cx->active_graph && cx->n_defaults == 0 && !cx->default_empty) {
            /* the index knows the exact count at the cost of a lookup */
            base[i] = (double)sq_index_find(cx->index, s, p, o).count;
        } else {
            base[i] = (double)capped_count(cx, s, p, o, EST_CAP);
        }
    }
    /* components: triples joined by variables not bound on entry */
    size_t *parent = ts_calloc(n + 1, sizeof *parent);
    for (size_t i = 0; i < n; i++) {
        parent[i] = i;
    }
    for (size_t i = 0; i < n; i++) {
        int vi[3];
        size_t ni;
        triple_vars(&b->triples[i], vi, &ni);
        for (size_t j = i + 1; j < n; j++) {
            int vj[3];
            size_t nj;
            triple_vars(&b->triples[j], vj, &nj);
            for (size_t a = 0; a < ni; a++) {
                for (size_t c = 0; c < nj; c++) {
                    if (vi[a] == vj[c] && !entry[vi[a]]) {
                        parent[uf_find(parent, i)] = uf_find(parent, j);
                    }
                }
            }
        }
    }
    sq_plan *pl = ts_calloc(1, sizeof *pl);
    pl->mask = mask;
    pl->order = ts_calloc(n + 1, sizeof *pl->order);
    pl->filters_at = ts_calloc(n + 1, sizeof *pl->filters_at);
    pl->filter_local = ts_calloc(n + 1, sizeof *pl->filter_local);
    pl->n_filters_at = ts_calloc(n + 1, sizeof *pl->n_filters_at);
    pl->comp_start = ts_calloc(n + 1, sizeof *pl->comp_start);
    pl->comp_end = ts_calloc(n + 1, sizeof *pl->comp_end);
    pl->comp_cacheable = ts_calloc(n + 1, sizeof *pl->comp_cacheable);
    pl->comp_vars = ts_calloc(n + 1, sizeof *pl->comp_vars);
    pl->comp_nvars = ts_calloc(n + 1, sizeof *pl->comp_nvars);
    pl->comp_cache = ts_calloc(n + 1, sizeof *pl->comp_cache);
    pl->comp_ready = ts_calloc(n + 1, sizeof *pl->comp_ready);
    pl->comp_graph = ts_calloc(n + 1, sizeof *pl->comp_graph);
    /* order each component greedily, then the components by their first estimate */
    size_t *root_of = ts_calloc(n + 1, sizeof *root_of);
    size_t *roots = ts_calloc(n + 1, sizeof *roots);
    double *first_est = ts_calloc(n + 1, sizeof *first_est);
    size_t n_roots = 0;
    for (size_t i = 0; i < n; i++) {
        root_of[i] = uf_find(parent, i);
        bool seen = false;
        for (size_t r = 0; r < n_roots && !seen; r++) {
            seen = roots[r] == root_of[i];
        }
        if (!seen) {
            roots[n_roots++] = root_of[i];
        }
    }
    size_t **comp_order = ts_calloc(n_roots + 1, sizeof *comp_order);
    size_t *comp_len = ts_calloc(n_roots + 1, sizeof *comp_len);
    bool *used = ts_calloc(n + 1, 1);
    bool *bound = ts_calloc(W + 1, 1);
    for (size_t r = 0; r < n_roots; r++) {
        memcpy(bound, entry, W);
        bool any = false;
        for (size_t i = 0; i < W && !any; i++) {
            any = bound[i];
        }
        comp_order[r] = ts_calloc(n + 1, sizeof **comp_order);
        for (;;) {
            size_t best = n;
            double best_est = 0;
            for (size_t i = 0; i < n; i++) {
                if (used[i] || root_of[i] != roots[r]) {
                    continue;
                }
                double est = triple_estimate(&b->triples[i], bound, base[i], any);
                if (best == n || est < best_est) {
                    best = i;
                    best_est = est;
                }
            }
            if (best == n) {
                break;
            }
            if (comp_len[r] == 0) {
                first_est[r] = best_est;
            }
            used[best] = true;
            comp_order[r][comp_len[r]++] = best;
            mark_bound(&b->triples[best], bound);
            any = true;
        }
    }
    /* smallest component first */
    for (size_t a = 0; a < n_roots; a++) {
        for (size_t c = a + 1; c < n_roots; c++) {
            if (first_est[c] < first_est[a]) {
                double te = first_est[a];
                first_est[a] = first_est[c];
                first_est[c] = te;
                size_t *to = comp_order[a];
                comp_order[a] = comp_order[c];
                comp_order[c] = to;
                size_t tl = comp_len[a];
                comp_len[a] = comp_len[c];
                comp_len[c] = tl;
            }
        }
    }
    size_t depth = 0;
    pl->n_comps = n_roots;
    for (size_t r = 0; r < n_roots; r++) {
        pl->comp_start[r] = depth;
        bool cacheable = r > 0;
        bool *cv = ts_calloc(W + 1, 1);
        for (size_t k = 0; k < comp_len[r]; k++) {
            int v[3];
            size_t nv;
            triple_vars(&b->triples[comp_order[r][k]], v, &nv);
            for (size_t x = 0; x < nv; x++) {
                if (entry[v[x]]) {
                    cacheable = false;
                } else {
                    cv[v[x]] = true;
                }
            }
            pl->order[depth++] = comp_order[r][k];
        }
        pl->comp_end[r] = depth;
        pl->comp_cacheable[r] = cacheable;
        pl->comp_vars[r] = ts_calloc(W + 1, sizeof(int));
        for (size_t v = 0; v < W; v++) {
            if (cv[v]) {
                pl->comp_vars[r][pl->comp_nvars[r]++] = (int)v;
            }
        }
        pl->comp_cache[r].width = pl->comp_nvars[r];
        free(cv);
        free(comp_order[r]);
    }
    /* filters: after the triple that binds their last variable */
    memcpy(bound, entry, W);
    bool *fdone = ts_calloc(b->n_bfilters + 1, 1);
    size_t comp = 0;
    for (size_t step = 0; step < n; step++) {
        while (comp + 1 < pl->n_comps && step >= pl->comp_end[comp]) {
            comp++;
        }
        mark_bound(&b->triples[pl->order[step]], bound);
        for (size_t f = 0; f < b->n_bfilters; f++) {
            if (fdone[f]) {
                continue;
            }
            bool ready = true, local = true;
            for (size_t v = 0; v < W && ready; v++) {
                if (vset_has(b->bfilter_vars[f], (int)v)) {
                    ready = bound[v];
                    if (!entry[v]) {
                        bool mine = false;
                        for (size_t x = 0; x < pl->comp_nvars[comp] && !mine; x++) {
                            mine = pl->comp_vars[comp][x] == (int)v;
                        }
                        local = local && mine;
                    }
                }
            }
            if (ready) {
                fdone[f] = true;
                size_t k = pl->n_filters_at[step]++;
                pl->filters_at[step] = ts_reallocarray(pl->filters_at[step], k + 1, sizeof(size_t));
                pl->filter_local[step] = ts_reallocarray(pl->filter_local[step], k + 1, sizeof(bool));
                pl->filters_at[step][k] = f;
                pl->filter_local[step][k] = local;
            }
        }
    }
    /* any filter not placed (cannot happen for certain variables) goes last */
    for (size_t f = 0; f < b->n_bfilters; f++) {
        if (!fdone[f] && n > 0) {
            size_t last = n - 1, k = pl->n_filters_at[last]++;
            pl->filters_at[last] = ts_reallocarray(pl->filters_at[last], k + 1, sizeof(size_t));
            pl->filter_local[last] = ts_reallocarray(pl->filter_local[last], k + 1, sizeof(bool));
            pl->filters_at[last][k] = f;
            pl->filter_local[last][k] = false;
        }
    }
    if (getenv("TS_SPARQL_TRACE")) {
        fprintf(stderr, "plan (mask %llx, %zu components):", (unsigned long long)mask, pl->n_comps);
        for (size_t i = 0; i < n; i++) {
            sq_triple *t = &b->triples[pl->order[i]];
            fprintf(stderr, " [%zu] %s %s %s est=%g f=%zu;", pl->order[i],
                    t->s.kind == SQ_T_VAR ? cx->sel->var_names[t->s.var] : "c",
                    t->path ? "path" : t->p.kind == SQ_T_VAR ? cx->sel->var_names[t->p.var] : "c",
                    t->o.kind == SQ_T_VAR ? cx->sel->var_names[t->o.var] : "c", base[pl->order[i]],
                    pl->n_filters_at[i]);
        }
        fputc('\n', stderr);
    }
    free(comp_order);
    free(comp_len);
    free(first_est);
    free(roots);
    free(root_of);
    free(parent);
    free(entry);
    free(bound);
    free(base);
    free(used);
    free(fdone);
    return pl;
}

static sq_plan *get_plan(sq_ctx *cx, sq_pattern *b, const sq_node *row, bool *owned)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < b->n_bvars && i < 64; i++) {
        if (row[b->bvars[i]]) {
            mask |= 1ULL << i;
        }
    }
    *owned = false;
    if (b->n_bvars > 64) {
        *owned = true;
        return make_plan(cx, b, row, mask);
    }
    for (sq_plan *p = b->plans; p; p = p->next) {
        if (p->mask == mask) {
            return p;
        }
    }
    sq_plan *p = make_plan(cx, b, row, mask);
    p->next = b->plans;
    b->plans = p;
    note_cached(cx, b);
    return p;
}

static void plan_free(sq_plan *pl, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(pl->filters_at[i]);
        free(pl->filter_local[i]);
    }
    for (size_t c = 0; c < pl->n_comps; c++) {
        free(pl->comp_vars[c]);
        sq_rows_free(&pl->comp_cache[c]);
    }
    free(pl->filters_at);
    free(pl->filter_local);
    free(pl->n_filters_at);
    free(pl->order);
    free(pl->comp_start);
    free(pl->comp_end);
    free(pl->comp_cacheable);
    free(pl->comp_vars);
    free(pl->comp_nvars);
    free(pl->comp_cache);
    free(pl->comp_ready);
    free(pl->comp_graph);
    free(pl);
}

typedef struct {
    sq_pattern *b;
    sq_plan *plan;
    sq_emit_fn k;
    void *kd;
    sq_node *row;
    size_t end_depth;     /* emit when reaching it */
    bool materializing;   /* filling a component's cache: local filters only */
} bgp_state;

typedef struct {
    bgp_state *st;
    size_t depth;
    sq_triple *t;
} bgp_level;

static int bgp_rec(sq_ctx *cx, bgp_state *st, size_t depth);

static int any_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p, const SordNode *o)
{
    (void)cx;
    (void)s;
    (void)p;
    (void)o;
    *(bool *)data = true;
    return 1;
}

static bool node_in_graph(sq_ctx *cx, sq_node n)
{
    bool found = false;
    ts_status saved = cx->stop;
    match(cx, n, NULL, NULL, any_cb, &found);
    if (!found) {
        match(cx, NULL, NULL, n, any_cb, &found);
    }
    cx->stop = saved;
    return found;
}

/* Bind var to val in row; false when it clashes. *set says whether it was set. */
static bool bind_slot(sq_node *row, const sq_term *t, sq_node val, bool *set)
{
    *set = false;
    if (t->kind != SQ_T_VAR) {
        return true;
    }
    if (row[t->var]) {
        return row[t->var] == val;
    }
    row[t->var] = val;
    *set = true;
    return true;
}

static int bgp_bound(sq_ctx *cx, bgp_level *lv, sq_node s, sq_node p, sq_node o)
{
    sq_node *row = lv->st->row;
    sq_triple *t = lv->t;
    bool ss = false, ps = false, os = false;
    int r = 0;
    if (bind_slot(row, &t->s, s, &ss) && (t->path || bind_slot(row, &t->p, p, &ps)) &&
        bind_slot(row, &t->o, o, &os)) {
        bool pass = true;
        sq_plan *pl = lv->st->plan;
        for (size_t i = 0; i < pl->n_filters_at[lv->depth] && pass; i++) {
            if (lv->st->materializing && !pl->filter_local[lv->depth][i]) {
                continue;
            }
            pass = filter_ok(cx, lv->st->b->bfilters[pl->filters_at[lv->depth][i]], row);
        }
        if (pass) {
            r = bgp_rec(cx, lv->st, lv->depth + 1);
        }
    }
    if (ss) {
        row[t->s.var] = NULL;
    }
    if (ps) {
        row[t->p.var] = NULL;
    }
    if (os) {
        row[t->o.var] = NULL;
    }
    return r;
}

static int bgp_match_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                        const SordNode *o)
{
    return bgp_bound(cx, data, s, p, o);
}

static int bgp_path_cb(sq_ctx *cx, void *data, sq_node s, sq_node o)
{
    return bgp_bound(cx, data, s, NULL, o);
}

typedef struct {
    sq_plan *pl;
    size_t comp;
} comp_collect;

static int comp_collect_cb(sq_ctx *cx, void *data, sq_node *row)
{
    (void)cx;
    comp_collect *cc = data;
    sq_rows *r = &cc->pl->comp_cache[cc->comp];
    sq_node vals[64] = {0};
    sq_node *v = r->width <= 64 ? vals : ts_malloc(r->width * sizeof *v);
    for (size_t i = 0; i < r->width; i++) {
        v[i] = row[cc->pl->comp_vars[cc->comp][i]];
    }
    sq_rows_push(r, v);
    if (v != vals) {
        free(v);
    }
    return 0;
}

/* A later, independent component: its solutions once, then reused for
   every solution of the components before it. */
static int bgp_cached(sq_ctx *cx, bgp_state *st, size_t c)
{
    sq_plan *pl = st->plan;
    if (!pl->comp_ready[c] || pl->comp_graph[c] != cx->active_graph) {
        pl->comp_cache[c].n_rows = 0;
        comp_collect cc = {pl, c};
        bgp_state sub = {st->b, pl, comp_collect_cb, &cc, st->row, pl->comp_end[c], true};
        bgp_rec(cx, &sub, pl->comp_start[c]);
        if (cx->stop != TS_OK) {
            return 1;
        }
        pl->comp_ready[c] = true;
        pl->comp_graph[c] = cx->active_graph;
    }
    sq_rows *rows = &pl->comp_cache[c];
    const int *vars = pl->comp_vars[c];
    size_t nv = rows->width;
    int r = 0;
    for (size_t i = 0; i < rows->n_rows && !r; i++) {
        const sq_node *vals = rows->data + i * nv;
        for (size_t k = 0; k < nv; k++) {
            st->row[vars[k]] = vals[k];
        }
        bool pass = true;
        for (size_t d = pl->comp_start[c]; d < pl->comp_end[c] && pass; d++) {
            for (size_t f = 0; f < pl->n_filters_at[d] && pass; f++) {
                if (!pl->filter_local[d][f]) {
                    pass = filter_ok(cx, st->b->bfilters[pl->filters_at[d][f]], st->row);
                }
            }
        }
        if (pass) {
            r = bgp_rec(cx, st, pl->comp_end[c]);
        }
        if (!r && sq_should_stop(cx)) {
            r = 1;
        }
    }
    for (size_t k = 0; k < nv; k++) {
        st->row[vars[k]] = NULL;
    }
    return r;
}

static int bgp_rec(sq_ctx *cx, bgp_state *st, size_t depth)
{
    if (cx->stop != TS_OK) {
        return 1;
    }
    if (depth == st->end_depth) {
        return st->k(cx, st->kd, st->row);
    }
    if (!st->materializing) {
        for (size_t c = 1; c < st->plan->n_comps; c++) {
            if (st->plan->comp_start[c] == depth && st->plan->comp_cacheable[c]) {
                return bgp_cached(cx, st, c);
            }
        }
    }
    sq_triple *t = &st->b->triples[st->plan->order[depth]];
    bgp_level lv = {st, depth, t};
    sq_node s = term_value(&t->s, st->row);
    sq_node o = term_value(&t->o, st->row);
    if (t->path) {
        /* a variable bound elsewhere reaches itself by a zero-length path
           only if it is a node of the graph (bottom-up, the path pattern
           alone yields the graph's nodes) */
        if ((t->path->op == PATH_STAR || t->path->op == PATH_OPT) && s && s == o &&
            (t->s.kind == SQ_T_VAR || t->o.kind == SQ_T_VAR) && !node_in_graph(cx, s)) {
            return 0;
        }
        return eval_path(cx, t->path, s, o, bgp_path_cb, &lv, 0);
    }
    sq_node p = term_value(&t->p, st->row);
    /* a literal subject or a non-IRI predicate matches nothing (Sord may
       not be asked about them; the index simply has no such entries) */
    if (!cx->index && ((s && sord_node_get_type(s) == SORD_LITERAL) ||
                       (p && sord_node_get_type(p) != SORD_URI))) {
        return 0;
    }
    return match(cx, s, p, o, bgp_match_cb, &lv);
}

static int eval_bgp(sq_ctx *cx, sq_pattern *b, sq_node *row, sq_emit_fn k, void *kd)
{
    if (b->n_triples == 0) {
        return k(cx, kd, row);
    }
    bool owned;
    sq_plan *pl = get_plan(cx, b, row, &owned);
    bgp_state st = {b, pl, k, kd, row, b->n_triples, false};
    int r = bgp_rec(cx, &st, 0);
    if (owned) {
        plan_free(pl, b->n_triples);
    }
    return r;
}

/* -- materialised evaluation -- */

static int collect_cb(sq_ctx *cx, void *data, sq_node *row)
{
    (void)cx;
    sq_rows_push(data, row);
    return 0;
}

static int group_run_from(sq_ctx *cx, sq_pattern *g, sq_node *row, size_t i, bool skip_filters,
                          sq_emit_fn k, void *kd);

/* The solutions of p alone (no outer bindings), cached per active graph. */
static sq_rows *materialize(sq_ctx *cx, sq_pattern *p, bool skip_filters)
{
    if (p->cache && p->cache_graph == cx->active_graph) {
        return p->cache;
    }
    if (p->cache) {
        sq_rows_free(p->cache);
    } else {
        p->cache = ts_calloc(1, sizeof *p->cache);
    }
    p->cache->width = cx->sel->n_vars;
    p->cache_graph = cx->active_graph;
    note_cached(cx, p);
    sq_node *row = ts_calloc(cx->sel->n_vars + 1, sizeof *row);
    sq_rows tmp = {.width = cx->sel->n_vars};
    if (p->kind == P_GROUP) {
        group_run_from(cx, p, row, 0, skip_filters, collect_cb, &tmp);
    } else {
        eval_pattern(cx, p, row, collect_cb, &tmp);
    }
    free(row);
    /* p->cache may have been replaced while evaluating (nested use): refresh */
    sq_rows_free(p->cache);
    *p->cache = tmp;
    return p->cache;
}

/* Merge r into row where compatible; records set slots. */
static bool merge_row(sq_node *row, const sq_node *r, size_t W, int *set, size_t *n_set)
{
    *n_set = 0;
    for (size_t v = 0; v < W; v++) {
        if (!r[v]) {
            continue;
        }
        if (row[v]) {
            if (row[v] != r[v]) {
                for (size_t i = 0; i < *n_set; i++) {
                    row[set[i]] = NULL;
                }
                *n_set = 0;
                return false;
            }
        } else {
            row[v] = r[v];
            set[(*n_set)++] = (int)v;
        }
    }
    return true;
}

static void unmerge(sq_node *row, const int *set, size_t n_set)
{
    for (size_t i = 0; i < n_set; i++) {
        row[set[i]] = NULL;
    }
}

static int join_rows(sq_ctx *cx, sq_rows *rows, sq_node *row, sq_emit_fn k, void *kd)
{
    size_t W = cx->sel->n_vars;
    int *set = ts_malloc((W + 1) * sizeof *set);
    int r = 0;
    for (size_t i = 0; i < rows->n_rows && !r; i++) {
        size_t n_set;
        if (sq_should_stop(cx)) {
            r = 1;
            break;
        }
        if (merge_row(row, row_at(rows, i), W, set, &n_set)) {
            r = k(cx, kd, row);
            unmerge(row, set, n_set);
        }
    }
    free(set);
    return r;
}

/* -- groups -- */

typedef struct {
    sq_pattern *g;
    size_t i;
    bool skip_filters;
    sq_emit_fn k;
    void *kd;
} group_k;

static int group_next_cb(sq_ctx *cx, void *data, sq_node *row)
{
    group_k *gk = data;
    return group_run_from(cx, gk->g, row, gk->i, gk->skip_filters, gk->k, gk->kd);
}

static int group_run_from(sq_ctx *cx, sq_pattern *g, sq_node *row, size_t i, bool skip_filters,
                          sq_emit_fn k, void *kd)
{
    if (cx->stop != TS_OK) {
        return 1;
    }
    if (!skip_filters) {
        for (size_t f = 0; f < g->n_post[i]; f++) {
            if (!filter_ok(cx, g->post[i][f], row)) {
                return 0;
            }
        }
    }
    if (i == g->n_seq) {
        return k(cx, kd, row);
    }
    group_k next = {g, i + 1, skip_filters, k, kd};
    return eval_pattern(cx, g->seq[i], row, group_next_cb, &next);
}

/* -- OPTIONAL -- */

typedef struct {
    bool found;
    sq_emit_fn k;
    void *kd;
} opt_k;

static int opt_cb(sq_ctx *cx, void *data, sq_node *row)
{
    opt_k *ok = data;
    ok->found = true;
    return ok->k(cx, ok->kd, row);
}

static bool group_filters_ok(sq_ctx *cx, sq_pattern *g, sq_node *row)
{
    for (size_t i = 0; i <= g->n_seq; i++) {
        for (size_t f = 0; f < g->n_post[i]; f++) {
            if (!filter_ok(cx, g->post[i][f], row)) {
                return false;
            }
        }
    }
    return true;
}

static int eval_optional(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd)
{
    sq_pattern *a = p->a;
    if (!cx->exists_depth && (a->unsafe_body || any_bound(cx, a->maybe, row))) {
        sq_rows *rows = materialize(cx, a, true);
        size_t W = cx->sel->n_vars;
        int *set = ts_malloc((W + 1) * sizeof *set);
        bool found = false;
        int r = 0;
        for (size_t i = 0; i < rows->n_rows && !r; i++) {
            size_t n_set;
            if (merge_row(row, row_at(rows, i), W, set, &n_set)) {
                if (group_filters_ok(cx, a, row)) {
                    found = true;
                    r = k(cx, kd, row);
                }
                unmerge(row, set, n_set);
            }
        }
        free(set);
        if (!found && !r) {
            r = k(cx, kd, row);
        }
        return r;
    }
    opt_k ok = {false, k, kd};
    int r = group_run_from(cx, a, row, 0, false, opt_cb, &ok);
    if (r) {
        return r;
    }
    if (!ok.found) {
        return k(cx, kd, row);
    }
    return 0;
}

/* -- MINUS -- */

static int eval_minus(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd)
{
    if (!any_bound(cx, p->a->scope, row)) {
        return k(cx, kd, row);
    }
    sq_rows *rows = materialize(cx, p->a, false);
    size_t W = cx->sel->n_vars;
    for (size_t i = 0; i < rows->n_rows; i++) {
        const sq_node *m = row_at(rows, i);
        bool compatible = true, shared = false;
        for (size_t v = 0; v < W && compatible; v++) {
            if (m[v] && row[v]) {
                shared = true;
                compatible = m[v] == row[v];
            }
        }
        if (compatible && shared) {
            return 0;
        }
    }
    return k(cx, kd, row);
}

/* -- BIND, VALUES -- */

static int eval_bind(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd)
{
    cx->solution++;
    sq_node v = sq_eval_expr(cx, p->expr, row);
    if (row[p->var]) {
        if (!v || v == row[p->var]) {
            return k(cx, kd, row);
        }
        return 0;
    }
    row[p->var] = v;
    int r = k(cx, kd, row);
    row[p->var] = NULL;
    return r;
}

static int eval_values(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd)
{
    int r = 0;
    bool *set = ts_calloc(p->n_vars + 1, 1);
    for (size_t i = 0; i < p->n_rows && !r; i++) {
        bool ok = true;
        for (size_t c = 0; c < p->n_vars; c++) {
            set[c] = false;
        }
        for (size_t c = 0; c < p->n_vars && ok; c++) {
            sq_node val = p->rows[i][c].kind == SQ_T_VAR ? NULL : p->rows[i][c].node;
            int var = p->vars[c];
            if (!val) {
                continue;
            }
            if (row[var]) {
                ok = row[var] == val;
            } else {
                row[var] = val;
                set[c] = true;
            }
        }
        if (ok) {
            r = k(cx, kd, row);
        }
        for (size_t c = 0; c < p->n_vars; c++) {
            if (set[c]) {
                row[p->vars[c]] = NULL;
            }
        }
    }
    free(set);
    return r;
}

/* -- GRAPH -- */

static bool is_named_graph(sq_ctx *cx, const SordNode *g)
{
    if (cx->named_restricted) {
        for (size_t i = 0; i < cx->n_named; i++) {
            if (cx->named[i] == g) {
                return true;
            }
        }
        return false;
    }
    return ts_store_source_of_graph(cx->store, g) != NULL;
}

/* What follows a GRAPH pattern runs in the graph around it. */
typedef struct {
    sq_emit_fn k;
    void *kd;
    const SordNode *outer;
} graph_k;

static int graph_exit_cb(sq_ctx *cx, void *data, sq_node *row)
{
    graph_k *gk = data;
    const SordNode *inner = cx->active_graph;
    cx->active_graph = gk->outer;
    int r = gk->k(cx, gk->kd, row);
    cx->active_graph = inner;
    return r;
}

static int eval_graph(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd)
{
    const SordNode *saved = cx->active_graph;
    graph_k gk = {k, kd, saved};
    k = graph_exit_cb;
    kd = &gk;
    sq_node g = term_value(&p->graph, row);
    int r = 0;
    if (g) {
        if (!is_named_graph(cx, g)) {
            return 0;
        }
        cx->active_graph = g;
        r = eval_pattern(cx, p->a, row, k, kd);
        cx->active_graph = saved;
        return r;
    }
    /* every named graph in turn */
    size_t n = 0;
    const SordNode **graphs = NULL;
    if (cx->named_restricted) {
        n = cx->n_named;
        graphs = ts_calloc(n + 1, sizeof *graphs);
        memcpy(graphs, cx->named, n * sizeof *graphs);
    } else {
        size_t cap = 0;
        for (size_t i = 0; i < ts_store_source_count(cx->store); i++) {
            ts_source *src = ts_store_source(cx->store, i);
            for (size_t j = 0; j < src->n_graphs; j++) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    graphs = ts_reallocarray(graphs, cap, sizeof *graphs);
                }
                graphs[n++] = src->graphs[j];
            }
        }
    }
    for (size_t i = 0; i < n && !r; i++) {
        cx->active_graph = graphs[i];
        row[p->graph.var] = graphs[i];
        r = eval_pattern(cx, p->a, row, k, kd);
        row[p->graph.var] = NULL;
    }
    cx->active_graph = saved;
    free(graphs);
    return r;
}

/* -- sub-queries -- */

typedef int (*sel_out_fn)(sq_ctx *cx, void *data, sq_node *row);
static int run_select(sq_ctx *cx, sq_select *sel, sel_out_fn out, void *od);

typedef struct {
    sq_pattern *p;
    sq_rows *rows;
    size_t outer_width;
} sub_collect;

static int sub_collect_cb(sq_ctx *cx, void *data, sq_node *row)
{
    (void)cx;
    sub_collect *sc = data;
    sq_node *outer = ts_calloc(sc->outer_width + 1, sizeof *outer);
    for (size_t i = 0; i < sc->p->sub->n_proj; i++) {
        outer[sc->p->sub_map[i]] = row[sc->p->sub->proj[i].var];
    }
    sq_rows_push(sc->rows, outer);
    free(outer);
    return 0;
}

static int eval_subquery(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd)
{
    if (!(p->cache && p->cache_graph == cx->active_graph)) {
        if (!p->cache) {
            p->cache = ts_calloc(1, sizeof *p->cache);
        }
        sq_rows_free(p->cache);
        p->cache->width = cx->sel->n_vars;
        p->cache_graph = cx->active_graph;
        note_cached(cx, p);
        sub_collect sc = {p, p->cache, cx->sel->n_vars};
        sq_select *outer = cx->sel;
        run_select(cx, p->sub, sub_collect_cb, &sc);
        cx->sel = outer;
    }
    return join_rows(cx, p->cache, row, k, kd);
}

static int eval_pattern(sq_ctx *cx, sq_pattern *p, sq_node *row, sq_emit_fn k, void *kd)
{
    if (cx->stop != TS_OK) {
        return 1;
    }
    switch (p->kind) {
    case P_GROUP:
        if (!cx->exists_depth && (p->unsafe ? any_bound(cx, p->mentioned, row)
                                            : any_bound(cx, p->maybe, row))) {
            return join_rows(cx, materialize(cx, p, false), row, k, kd);
        }
        return group_run_from(cx, p, row, 0, false, k, kd);
    case P_BGP: return eval_bgp(cx, p, row, k, kd);
    case P_OPTIONAL: return eval_optional(cx, p, row, k, kd);
    case P_MINUS: return eval_minus(cx, p, row, k, kd);
    case P_UNION: {
        int r = eval_pattern(cx, p->a, row, k, kd);
        return r ? r : eval_pattern(cx, p->b, row, k, kd);
    }
    case P_FILTER: return filter_ok(cx, p->expr, row) ? k(cx, kd, row) : 0;
    case P_BIND: return eval_bind(cx, p, row, k, kd);
    case P_VALUES: return eval_values(cx, p, row, k, kd);
    case P_GRAPH: return eval_graph(cx, p, row, k, kd);
    case P_SUBQUERY: return eval_subquery(cx, p, row, k, kd);
    case P_SERVICE:
        ts_error_set(cx->err, TS_ERR_UNSUPPORTED, "<query>", 0, 0, "SERVICE is not supported");
        cx->stop = TS_ERR_UNSUPPORTED;
        return 1;
    }
    return 0;
}

/* -- EXISTS, memoised on the values of the variables it mentions -- */

static int exists_cb(sq_ctx *cx, void *data, sq_node *row)
{
    (void)cx;
    (void)row;
    *(bool *)data = true;
    return 1;
}

bool sq_exists(sq_ctx *cx, sq_pattern *p, sq_node *row)
{
    size_t W = cx->sel->n_vars;
    if (!p->bvars) {
        size_t n = 0;
        for (size_t v = 0; v < W; v++) {
            n += vset_has(p->mentioned, (int)v);
        }
        p->bvars = sq_alloc(cx->query, (n + 1) * sizeof(int));
        for (size_t v = 0; v < W; v++) {
            if (vset_has(p->mentioned, (int)v)) {
                p->bvars[p->n_bvars++] = (int)v;
            }
        }
    }
    if (!p->memo) {
        p->memo = ts_calloc(1, sizeof *p->memo);
        tset_init(&p->memo->keys, p->n_bvars + 1);
        note_cached(cx, p);
    }
    sq_node key[65];
    sq_node *kp = p->n_bvars + 1 <= 65 ? key : ts_malloc((p->n_bvars + 1) * sizeof *kp);
    for (size_t i = 0; i < p->n_bvars; i++) {
        kp[i] = row[p->bvars[i]];
    }
    kp[p->n_bvars] = cx->active_graph;
    bool added;
    size_t idx = tset_insert(&p->memo->keys, kp, &added);
    if (kp != key) {
        free(kp);
    }
    sq_memo *m = p->memo;
    if (!added) {
        return m->results[idx];
    }
    if (idx >= m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->results = ts_reallocarray(m->results, m->cap, sizeof *m->results);
    }
    /* evaluate on a copy: the pattern's own variables are substituted */
    sq_node *copy = ts_malloc((W + 1) * sizeof *copy);
    memcpy(copy, row, W * sizeof *copy);
    bool found = false;
    cx->exists_depth++;
    ts_status saved = cx->stop;
    eval_pattern(cx, p, copy, exists_cb, &found);
    cx->exists_depth--;
    (void)saved;
    free(copy);
    p->memo->results[idx] = found;
    return found;
}

/* ---- solution modifiers ---- */

typedef struct {
    sq_select *sel;
    sq_tset seen; /* DISTINCT */
    long long skip;
    long long left; /* -1: no limit */
    sel_out_fn out;
    void *od;
    sq_node *proj_buf;
} tail_state;

/* Projection, DISTINCT, OFFSET and LIMIT, then out. */
static int tail_final(sq_ctx *cx, tail_state *ts, sq_node *row)
{
    sq_select *sel = ts->sel;
    if (sel->distinct) {
        for (size_t i = 0; i < sel->n_proj; i++) {
            sq_node v = row[sel->proj[i].var];
            /* "a"^^xsd:string and "a" are one term */
            if (v && sord_node_get_datatype(v) == cx->xsd_string) {
                v = sq_literal(cx, (const char *)sord_node_get_string(v), NULL, NULL);
            }
            ts->proj_buf[i] = v;
        }
        bool added;
        tset_insert(&ts->seen, ts->proj_buf, &added);
        if (!added) {
            return 0;
        }
    }
    if (ts->skip > 0) {
        ts->skip--;
        return 0;
    }
    if (ts->left == 0) {
        return 1;
    }
    int r = ts->out(cx, ts->od, row);
    if (ts->left > 0 && --ts->left == 0) {
        return 1;
    }
    return r;
}

/* SELECT expressions (AS), in order; restores row afterwards via saved. */
static void extend(sq_ctx *cx, sq_select *sel, sq_node *row, sq_node *saved)
{
    cx->solution++;
    for (size_t i = 0; i < sel->n_proj; i++) {
        sq_projection *pr = &sel->proj[i];
        if (pr->expr) {
            saved[i] = row[pr->var];
            row[pr->var] = sq_eval_expr(cx, pr->expr, row);
        }
    }
}

static void unextend(sq_select *sel, sq_node *row, const sq_node *saved)
{
    for (size_t i = sel->n_proj; i-- > 0;) {
        if (sel->proj[i].expr) {
            row[sel->proj[i].var] = saved[i];
        }
    }
}

typedef struct {
    tail_state *ts;
    sq_node *saved;
} stream_k;

static int stream_cb(sq_ctx *cx, void *data, sq_node *row)
{
    stream_k *sk = data;
    extend(cx, sk->ts->sel, row, sk->saved);
    int r = tail_final(cx, sk->ts, row);
    unextend(sk->ts->sel, row, sk->saved);
    return r;
}

typedef struct {
    sq_emit_fn k;
    void *kd;
    sq_pattern *values;
} values_k;

static int values_cb(sq_ctx *cx, void *data, sq_node *row)
{
    values_k *vk = data;
    return eval_pattern(cx, vk->values, row, vk->k, vk->kd);
}

/* Run WHERE (joined with a trailing VALUES) into k. */
static int run_where(sq_ctx *cx, sq_select *sel, sq_node *row, sq_emit_fn k, void *kd)
{
    if (sel->values) {
        values_k vk = {k, kd, sel->values};
        return eval_pattern(cx, sel->where, row, values_cb, &vk);
    }
    return eval_pattern(cx, sel->where, row, k, kd);
}

/* -- aggregates -- */

static sq_node agg_value(sq_ctx *cx, sq_aggregate *a, sq_rows *rows, const size_t *members,
                         size_t n)
{
    sq_tset distinct;
    tset_init(&distinct, 1);
    sq_node result = NULL;
    bool error = false;
    size_t count = 0;
    sq_num sum = {NUM_INTEGER, 0, 0};
    sq_node best = NULL;
    ts_buf concat = {0};
    const char *sep = a->separator ? a->separator : " ";
    for (size_t i = 0; i < n && !error; i++) {
        sq_node *row = row_at(rows, members[i]);
        sq_node v = NULL;
        if (a->star) {
            if (a->distinct) {
                sq_tset *full = &distinct;
                if (full->rows.width != rows->width) {
                    tset_free(full);
                    tset_init(full, rows->width);
                }
                bool added;
                tset_insert(full, row, &added);
                if (!added) {
                    continue;
                }
            }
            count++;
            continue;
        }
        v = sq_eval_expr(cx, a->arg, row);
        if (!v) {
            if (a->kind == AGG_COUNT || a->kind == AGG_SAMPLE || a->kind == AGG_MIN ||
                a->kind == AGG_MAX) {
                continue;
            }
            error = true;
            break;
        }
        if (a->distinct) {
            bool added;
            tset_insert(&distinct, &v, &added);
            if (!added) {
                continue;
            }
        }
        count++;
        switch (a->kind) {
        case AGG_COUNT: break;
        case AGG_SUM:
        case AGG_AVG: {
            sq_num x;
            if (!sq_node_num(cx, v, &x)) {
                error = true;
                break;
            }
            sq_numtype t = x.type > sum.type ? x.type : sum.type;
            if (t == NUM_INTEGER) {
                if (__builtin_add_overflow(sum.i, x.i, &sum.i)) {
                    sum.d = (double)sum.i + (double)x.i;
                    sum.type = NUM_DECIMAL;
                }
            } else {
                double a1 = sum.type == NUM_INTEGER ? (double)sum.i : sum.d;
                double b1 = x.type == NUM_INTEGER ? (double)x.i : x.d;
                sum.d = a1 + b1;
                sum.type = t;
            }
            break;
        }
        case AGG_MIN:
            if (!best || sq_order_cmp(cx, v, best) < 0) {
                best = v;
            }
            break;
        case AGG_MAX:
            if (!best || sq_order_cmp(cx, v, best) > 0) {
                best = v;
            }
            break;
        case AGG_SAMPLE:
            if (!best) {
                best = v;
            }
            break;
        case AGG_GROUP_CONCAT:
            if (sord_node_get_type(v) == SORD_BLANK) {
                error = true;
                break;
            }
            if (count > 1) {
                ts_buf_puts(&concat, sep);
            }
            ts_buf_puts(&concat, (const char *)sord_node_get_string(v));
            break;
        }
    }
    if (!error) {
        switch (a->kind) {
        case AGG_COUNT: {
            char buf[32];
            snprintf(buf, sizeof buf, "%zu", count);
            result = sq_literal(cx, buf, cx->xsd_integer, NULL);
            break;
        }
        case AGG_SUM: result = sq_num_node(cx, sum); break;
        case AGG_AVG:
            if (count == 0) {
                sq_num z = {NUM_INTEGER, 0, 0};
                result = sq_num_node(cx, z);
            } else {
                sq_num avg;
                double total = sum.type == NUM_INTEGER ? (double)sum.i : sum.d;
                avg.type = sum.type == NUM_INTEGER ? NUM_DECIMAL : sum.type;
                avg.d = total / (double)count;
                avg.i = 0;
                result = sq_num_node(cx, avg);
            }
            break;
        case AGG_MIN:
        case AGG_MAX:
        case AGG_SAMPLE: result = best; break;
        case AGG_GROUP_CONCAT: result = sq_literal(cx, ts_buf_str(&concat), NULL, NULL); break;
        }
    }
    ts_buf_free(&concat);
    tset_free(&distinct);
    return result;
}

/* Group the rows; replaces rows with one row per group. */
static void aggregate(sq_ctx *cx, sq_select *sel, sq_rows *rows)
{
    size_t W = sel->n_vars;
    sq_tset keys;
    tset_init(&keys, sel->n_group);
    size_t *group_of = ts_calloc(rows->n_rows + 1, sizeof *group_of);
    sq_node *key = ts_calloc(sel->n_group + 1, sizeof *key);
    for (size_t i = 0; i < rows->n_rows; i++) {
        sq_node *row = row_at(rows, i);
        for (size_t g = 0; g < sel->n_group; g++) {
            key[g] = sq_eval_expr(cx, sel->group_by[g], row);
        }
        group_of[i] = tset_insert(&keys, key, NULL);
    }
    size_t n_groups = keys.rows.n_rows;
    if (n_groups == 0 && sel->n_group == 0) {
        tset_insert(&keys, key, NULL);
        n_groups = 1;
    }
    /* members of each group, contiguous */
    size_t *start = ts_calloc(n_groups + 2, sizeof *start);
    for (size_t i = 0; i < rows->n_rows; i++) {
        start[group_of[i] + 1]++;
    }
    for (size_t g = 0; g < n_groups; g++) {
        start[g + 1] += start[g];
    }
    size_t *fill = ts_calloc(n_groups + 1, sizeof *fill);
    size_t *members = ts_calloc(rows->n_rows + 1, sizeof *members);
    for (size_t i = 0; i < rows->n_rows; i++) {
        size_t g = group_of[i];
        members[start[g] + fill[g]++] = i;
    }
    sq_rows out = {.width = W};
    sq_node *grow_row = ts_calloc(W + 1, sizeof *grow_row);
    for (size_t g = 0; g < n_groups; g++) {
        memset(grow_row, 0, W * sizeof *grow_row);
        sq_node *k = row_at(&keys.rows, g);
        for (size_t j = 0; j < sel->n_group; j++) {
            grow_row[sel->group_vars[j]] = k[j];
        }
        for (size_t a = 0; a < sel->n_aggs; a++) {
            grow_row[sel->aggs[a].var] =
                agg_value(cx, &sel->aggs[a], rows, members + start[g], start[g + 1] - start[g]);
        }
        bool keep = true;
        for (size_t h = 0; h < sel->n_having && keep; h++) {
            keep = filter_ok(cx, sel->having[h], grow_row);
        }
        if (keep) {
            sq_rows_push(&out, grow_row);
        }
    }
    free(grow_row);
    free(members);
    free(fill);
    free(start);
    free(key);
    free(group_of);
    tset_free(&keys);
    sq_rows_free(rows);
    *rows = out;
}

/* -- ORDER BY -- */

typedef struct {
    sq_ctx *cx;
    sq_select *sel;
    sq_node *keys; /* n_order per row */
} sort_ctx;

static sort_ctx *current_sort;

static int sort_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    sort_ctx *sc = current_sort;
    size_t n = sc->sel->n_order;
    for (size_t i = 0; i < n; i++) {
        int c = sq_order_cmp(sc->cx, sc->keys[a * n + i], sc->keys[b * n + i]);
        if (c) {
            return sc->sel->order[i].desc ? -c : c;
        }
    }
    return a < b ? -1 : a > b;
}

static int collect_where_cb(sq_ctx *cx, void *data, sq_node *row)
{
    (void)cx;
    sq_rows_push(data, row);
    return 0;
}

static int run_select(sq_ctx *cx, sq_select *sel, sel_out_fn out, void *od)
{
    sq_select *saved_sel = cx->sel;
    cx->sel = sel;
    size_t W = sel->n_vars;
    sq_node *row = ts_calloc(W + 1, sizeof *row);
    sq_node *saved = ts_calloc(sel->n_proj + 1, sizeof *saved);
    tail_state ts = {.sel = sel, .skip = sel->offset, .left = sel->limit, .out = out, .od = od};
    tset_init(&ts.seen, sel->n_proj);
    ts.proj_buf = ts_calloc(sel->n_proj + 1, sizeof *ts.proj_buf);
    int r = 0;
    if (sel->limit == 0) {
        /* nothing to do */
    } else if (!sel->has_aggregates && sel->n_order == 0) {
        stream_k sk = {&ts, saved};
        r = run_where(cx, sel, row, stream_cb, &sk);
    } else {
        sq_rows rows = {.width = W};
        run_where(cx, sel, row, collect_where_cb, &rows);
        if (cx->stop == TS_OK && sel->has_aggregates) {
            aggregate(cx, sel, &rows);
        }
        size_t n = rows.n_rows;
        /* SELECT expressions go before ORDER BY, which may use them */
        sq_node *ext = ts_calloc(ts_mul_size(sel->n_proj + 1, 1), sizeof *ext);
        for (size_t i = 0; i < n && cx->stop == TS_OK; i++) {
            extend(cx, sel, row_at(&rows, i), ext);
        }
        free(ext);
        size_t *idx = ts_calloc(n + 1, sizeof *idx);
        for (size_t i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (sel->n_order && cx->stop == TS_OK) {
            sort_ctx sc = {cx, sel, ts_calloc(ts_mul_size(n, sel->n_order) + 1, sizeof(sq_node))};
            for (size_t i = 0; i < n; i++) {
                for (size_t o = 0; o < sel->n_order; o++) {
                    sc.keys[i * sel->n_order + o] =
                        sq_eval_expr(cx, sel->order[o].expr, row_at(&rows, i));
                }
            }
            sort_ctx *prev = current_sort;
            current_sort = &sc;
            qsort(idx, n, sizeof *idx, sort_cmp);
            current_sort = prev;
            free(sc.keys);
        }
        for (size_t i = 0; i < n && !r && cx->stop == TS_OK; i++) {
            r = tail_final(cx, &ts, row_at(&rows, idx[i]));
        }
        free(idx);
        sq_rows_free(&rows);
    }
    tset_free(&ts.seen);
    free(ts.proj_buf);
    free(saved);
    free(row);
    cx->sel = saved_sel;
    return r;
}

/* ---- query forms ---- */

typedef struct {
    ts_sparql_query *q;
    ts_sparql_row_fn on_row;
    ts_sparql_triple_fn on_triple;
    void *ctx;
    size_t max_rows;
    size_t n_rows;
    bool answer;
    sq_tset triples;
    sq_node *bnodes; /* template blank nodes of the current solution */
    ts_ptrmap described;
    const SordNode **to_describe;
    size_t n_describe, cap_describe;
} form_state;

static int select_out(sq_ctx *cx, void *data, sq_node *row)
{
    form_state *fs = data;
    sq_select *sel = fs->q->sel;
    if (fs->max_rows && fs->n_rows >= fs->max_rows) {
        cx->stop = TS_ERR_LIMIT;
        return 1;
    }
    const SordNode *out[64];
    const SordNode **vals = sel->n_proj <= 64 ? out : ts_malloc(sel->n_proj * sizeof *vals);
    for (size_t i = 0; i < sel->n_proj; i++) {
        vals[i] = row[sel->proj[i].var];
    }
    fs->n_rows++;
    int r = fs->on_row ? fs->on_row(fs->ctx, vals) : 0;
    if (vals != out) {
        free(vals);
    }
    return r;
}

static int ask_out(sq_ctx *cx, void *data, sq_node *row)
{
    (void)cx;
    (void)row;
    ((form_state *)data)->answer = true;
    return 1;
}

static int emit_triple(sq_ctx *cx, form_state *fs, sq_node s, sq_node p, sq_node o)
{
    sq_node t[3] = {s, p, o};
    bool added;
    tset_insert(&fs->triples, t, &added);
    if (!added) {
        return 0;
    }
    if (fs->max_rows && fs->n_rows >= fs->max_rows) {
        cx->stop = TS_ERR_LIMIT;
        return 1;
    }
    fs->n_rows++;
    return fs->on_triple ? fs->on_triple(fs->ctx, s, p, o) : 0;
}

static sq_node template_value(sq_ctx *cx, form_state *fs, const sq_term *t, sq_node *row)
{
    if (t->kind != SQ_T_VAR) {
        return t->node;
    }
    if (row[t->var]) {
        return row[t->var];
    }
    if (cx->sel->var_names[t->var][0] == '.') {
        if (!fs->bnodes[t->var]) {
            fs->bnodes[t->var] = sq_fresh_blank(cx);
        }
        return fs->bnodes[t->var];
    }
    return NULL;
}

static int construct_out(sq_ctx *cx, void *data, sq_node *row)
{
    form_state *fs = data;
    ts_sparql_query *q = fs->q;
    memset(fs->bnodes, 0, q->sel->n_vars * sizeof *fs->bnodes);
    for (size_t i = 0; i < q->n_tmpl; i++) {
        sq_triple *t = &q->tmpl[i];
        sq_node s = template_value(cx, fs, &t->s, row);
        sq_node p = template_value(cx, fs, &t->p, row);
        sq_node o = template_value(cx, fs, &t->o, row);
        if (!s || !p || !o || sord_node_get_type(s) == SORD_LITERAL ||
            sord_node_get_type(p) != SORD_URI) {
            continue;
        }
        if (emit_triple(cx, fs, s, p, o)) {
            return 1;
        }
    }
    return 0;
}

static void describe_add(form_state *fs, const SordNode *n)
{
    if (!n || sord_node_get_type(n) == SORD_LITERAL || ts_ptrmap_get(&fs->described, n)) {
        return;
    }
    *ts_ptrmap_slot(&fs->described, n) = 1;
    if (fs->n_describe == fs->cap_describe) {
        fs->cap_describe = fs->cap_describe ? fs->cap_describe * 2 : 16;
        fs->to_describe = ts_reallocarray(fs->to_describe, fs->cap_describe, sizeof *fs->to_describe);
    }
    fs->to_describe[fs->n_describe++] = n;
}

static int describe_out(sq_ctx *cx, void *data, sq_node *row)
{
    form_state *fs = data;
    ts_sparql_query *q = fs->q;
    if (q->describe_star) {
        for (size_t i = 0; i < cx->sel->n_vars; i++) {
            if (cx->sel->var_names[i][0] != '.') {
                describe_add(fs, row[i]);
            }
        }
    }
    for (size_t i = 0; i < q->n_describe; i++) {
        describe_add(fs, term_value(&q->describe[i], row));
    }
    return 0;
}

typedef struct {
    form_state *fs;
} cbd_k;

static int cbd_cb(sq_ctx *cx, void *data, const SordNode *s, const SordNode *p,
                  const SordNode *o)
{
    form_state *fs = data;
    if (sord_node_get_type(o) == SORD_BLANK) {
        describe_add(fs, o);
    }
    return emit_triple(cx, fs, s, p, o);
}

/* ---- entry point ---- */

static const SordNode **graph_nodes(sq_ctx *cx, char **iris, size_t n, const char *const *opt,
                                    size_t n_opt)
{
    size_t total = n ? n : n_opt;
    const SordNode **out = ts_calloc(total + 1, sizeof *out);
    for (size_t i = 0; i < total; i++) {
        out[i] = sq_iri(cx, n ? iris[i] : opt[i]);
    }
    return out;
}

ts_status ts_sparql_eval(ts_store *store, ts_sparql_query *q, const ts_sparql_opts *opts,
                         ts_sparql_row_fn on_row, ts_sparql_triple_fn on_triple, void *ctx,
                         bool *answer, ts_error *err)
{
    ts_sparql_opts none = {0};
    if (!opts) {
        opts = &none;
    }
    ts_error_clear(err);
    sq_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.query = q;
    cx.store = store;
    cx.world = ts_store_world(store);
    cx.model = ts_store_model(store);
    cx.sel = q->sel;
    cx.cancel = opts->cancel;
    cx.err = err;
    cx.index = opts->index;
    if (opts->time_limit_ms) {
        cx.deadline_ms = sq_now_ms() + opts->time_limit_ms;
    }
#define WK(field, iri) cx.field = (SordNode *)sq_iri(&cx, iri)
    WK(xsd_string, TS_NS_XSD "string");
    WK(xsd_integer, TS_NS_XSD "integer");
    WK(xsd_decimal, TS_NS_XSD "decimal");
    WK(xsd_double, TS_NS_XSD "double");
    WK(xsd_float, TS_NS_XSD "float");
    WK(xsd_boolean, TS_NS_XSD "boolean");
    WK(xsd_datetime, TS_NS_XSD "dateTime");
    WK(rdf_langstring, TS_NS_RDF "langString");
    WK(rdf_type, TS_NS_RDF "type");
    WK(rdf_first, TS_NS_RDF "first");
    WK(rdf_rest, TS_NS_RDF "rest");
    WK(rdf_nil, TS_NS_RDF "nil");
#undef WK
    cx.true_node = (SordNode *)sq_literal(&cx, "true", cx.xsd_boolean, NULL);
    cx.false_node = (SordNode *)sq_literal(&cx, "false", cx.xsd_boolean, NULL);

    /* the dataset: FROM / FROM NAMED, else the caller's, else everything */
    if (q->n_from || q->n_from_named) {
        cx.defaults = graph_nodes(&cx, q->from, q->n_from, NULL, 0);
        cx.n_defaults = q->n_from;
        cx.default_empty = q->n_from == 0;
        cx.named = graph_nodes(&cx, q->from_named, q->n_from_named, NULL, 0);
        cx.n_named = q->n_from_named;
        cx.named_restricted = true;
    } else {
        if (opts->n_default_graphs || opts->default_given) {
            cx.default_empty = opts->n_default_graphs == 0;
            cx.defaults = graph_nodes(&cx, NULL, 0, opts->default_graphs, opts->n_default_graphs);
            cx.n_defaults = opts->n_default_graphs;
        }
        if (opts->named_given || opts->n_named_graphs) {
            cx.named = graph_nodes(&cx, NULL, 0, opts->named_graphs, opts->n_named_graphs);
            cx.n_named = opts->n_named_graphs;
            cx.named_restricted = true;
        }
    }

    if (!q->sel->where->scope) {
        analyze_select(q, q->sel);
    }
    term_list tl = {0};
    prep_select(&cx, &tl, q->sel);
    for (size_t i = 0; i < q->n_tmpl; i++) {
        prep_triples(&cx, &tl, &q->tmpl[i], 1);
    }
    for (size_t i = 0; i < q->n_describe; i++) {
        prep_term(&cx, &tl, &q->describe[i]);
    }

    form_state fs = {.q = q, .on_row = on_row, .on_triple = on_triple, .ctx = ctx,
                     .max_rows = opts->max_rows};
    tset_init(&fs.triples, 3);
    switch (q->form) {
    case TS_SPARQL_SELECT: run_select(&cx, q->sel, select_out, &fs); break;
    case TS_SPARQL_ASK: run_select(&cx, q->sel, ask_out, &fs); break;
    case TS_SPARQL_CONSTRUCT:
        fs.bnodes = ts_calloc(q->sel->n_vars + 1, sizeof *fs.bnodes);
        run_select(&cx, q->sel, construct_out, &fs);
        break;
    case TS_SPARQL_DESCRIBE:
        for (size_t i = 0; i < q->n_describe; i++) {
            if (q->describe[i].kind != SQ_T_VAR) {
                describe_add(&fs, q->describe[i].node);
            }
        }
        if (q->sel->where->n_steps || q->describe_star ||
            q->n_describe > 0) {
            run_select(&cx, q->sel, describe_out, &fs);
        }
        for (size_t i = 0; i < fs.n_describe && cx.stop == TS_OK; i++) {
            if (match(&cx, fs.to_describe[i], NULL, NULL, cbd_cb, &fs)) {
                break;
            }
        }
        break;
    }
    if (answer) {
        *answer = fs.answer;
    }
    free(fs.bnodes);
    free(fs.to_describe);
    ts_ptrmap_free(&fs.described);
    tset_free(&fs.triples);
    clear_caches(&cx);
    for (size_t i = 0; i < tl.n; i++) {
        sord_node_free(cx.world, tl.terms[i]->node);
        tl.terms[i]->node = NULL;
    }
    free(tl.terms);
    free((void *)cx.defaults);
    free((void *)cx.named);
    for (size_t i = cx.n_made; i-- > 0;) {
        sord_node_free(cx.world, cx.made[i]);
    }
    free(cx.made);
    if (cx.bnode_map) {
        tset_free(cx.bnode_map);
        free(cx.bnode_map);
    }
    free(cx.bnode_nodes);
    ts_ptrmap_free(&cx.num_cache);
    free(cx.nums);
    ts_status st = cx.stop;
    if (st == TS_ERR_LIMIT && err && err->status == TS_OK) {
        ts_error_set(err, st, "<query>", 0, 0, "stopped at the row limit (%zu rows)",
                     opts->max_rows);
    } else if (st == TS_ERR_TIMEOUT && err && err->status == TS_OK) {
        ts_error_set(err, st, "<query>", 0, 0, "stopped at the time limit (%u ms)",
                     opts->time_limit_ms);
    } else if (st != TS_OK && err && err->status == TS_OK) {
        ts_error_set(err, st, "<query>", 0, 0, "%s", ts_strerror(st));
    }
    return st;
}
