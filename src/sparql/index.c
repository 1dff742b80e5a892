/*
 * A snapshot of the default graph (the union of all graphs) sorted three
 * ways by node address: SPO, POS and OSP. Sord compares nodes by their
 * strings on every lookup; nodes are interned, so comparing addresses finds
 * the same ranges without touching a string.
 */
#include <stdlib.h>
#include <string.h>

#include "sparql_internal.h"

struct ts_sparql_index {
    sq_triple3 *by[3]; /* SQ_SPO, SQ_POS, SQ_OSP: (a, b, c) in that order */
    size_t n;
    size_t quads;   /* sord_num_quads when built */
    size_t sources; /* sources when built */
};

static int cmp3(const void *x, const void *y)
{
    const sq_triple3 *a = x, *b = y;
    for (int i = 0; i < 3; i++) {
        uintptr_t p = (uintptr_t)a->t[i], q = (uintptr_t)b->t[i];
        if (p != q) {
            return p < q ? -1 : 1;
        }
    }
    return 0;
}

ts_sparql_index *ts_sparql_index_new(ts_store *store)
{
    ts_sparql_index *ix = ts_calloc(1, sizeof *ix);
    SordModel *model = ts_store_model(store);
    ix->quads = sord_num_quads(model);
    ix->sources = ts_store_source_count(store);
    size_t cap = ix->quads ? ix->quads : 1;
    sq_triple3 *spo = ts_calloc(cap, sizeof *spo);
    /* the triple-only indices skip a triple repeated in several graphs */
    SordIter *it = sord_begin(model);
    const SordNode *prev[3] = {NULL, NULL, NULL};
    for (; it && !sord_iter_end(it); sord_iter_next(it)) {
        SordQuad q;
        sord_iter_get(it, q);
        if (q[0] == prev[0] && q[1] == prev[1] && q[2] == prev[2]) {
            continue;
        }
        prev[0] = q[0];
        prev[1] = q[1];
        prev[2] = q[2];
        if (ix->n == cap) {
            cap *= 2;
            spo = ts_reallocarray(spo, cap, sizeof *spo);
        }
        spo[ix->n].t[0] = q[0];
        spo[ix->n].t[1] = q[1];
        spo[ix->n].t[2] = q[2];
        ix->n++;
    }
    sord_iter_free(it);
    qsort(spo, ix->n, sizeof *spo, cmp3);
    /* drop duplicates the iteration order did not put side by side */
    size_t w = 0;
    for (size_t i = 0; i < ix->n; i++) {
        if (w == 0 || cmp3(&spo[w - 1], &spo[i]) != 0) {
            spo[w++] = spo[i];
        }
    }
    ix->n = w;
    ix->by[SQ_SPO] = spo;
    for (int k = SQ_POS; k <= SQ_OSP; k++) {
        sq_triple3 *arr = ts_calloc(ix->n + 1, sizeof *arr);
        for (size_t i = 0; i < ix->n; i++) {
            /* POS: (p, o, s); OSP: (o, s, p) */
            arr[i].t[0] = spo[i].t[k];
            arr[i].t[1] = spo[i].t[(k + 1) % 3];
            arr[i].t[2] = spo[i].t[(k + 2) % 3];
        }
        qsort(arr, ix->n, sizeof *arr, cmp3);
        ix->by[k] = arr;
    }
    return ix;
}

bool ts_sparql_index_fresh(const ts_sparql_index *ix, const ts_store *store)
{
    return ix && ix->quads == sord_num_quads(ts_store_model(store)) &&
           ix->sources == ts_store_source_count(store);
}

void ts_sparql_index_free(ts_sparql_index *ix)
{
    if (!ix) {
        return;
    }
    for (int k = 0; k < 3; k++) {
        free(ix->by[k]);
    }
    free(ix);
}

/* First position in arr[0..n) whose first `len` keys are >= key. */
static size_t lower(const sq_triple3 *arr, size_t n, const SordNode *const *key, int len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = 0;
        for (int i = 0; i < len && !c; i++) {
            uintptr_t p = (uintptr_t)arr[mid].t[i], q = (uintptr_t)key[i];
            c = p < q ? -1 : p > q;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static size_t upper(const sq_triple3 *arr, size_t n, const SordNode *const *key, int len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = 0;
        for (int i = 0; i < len && !c; i++) {
            uintptr_t p = (uintptr_t)arr[mid].t[i], q = (uintptr_t)key[i];
            c = p < q ? -1 : p > q;
        }
        if (c <= 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

sq_range sq_index_find(const ts_sparql_index *ix, const SordNode *s, const SordNode *p,
                       const SordNode *o)
{
    sq_range r = {NULL, 0, SQ_SPO, NULL};
    const SordNode *key[3];
    int len = 0;
    /* the order whose leading positions are the bound ones */
    if (s) {
        r.order = SQ_SPO;
        key[len++] = s;
        if (p) {
            key[len++] = p;
            if (o) {
                key[len++] = o;
            }
        } else if (o) {
            /* (s, ?, o): OSP gives (o, s) as a prefix */
            r.order = SQ_OSP;
            key[0] = o;
            key[1] = s;
            len = 2;
        }
    } else if (p) {
        r.order = SQ_POS;
        key[len++] = p;
        if (o) {
            key[len++] = o;
        }
    } else if (o) {
        r.order = SQ_OSP;
        key[len++] = o;
    }
    const sq_triple3 *arr = ix->by[r.order];
    size_t b = len ? lower(arr, ix->n, key, len) : 0;
    size_t e = len ? upper(arr, ix->n, key, len) : ix->n;
    r.begin = arr + b;
    r.count = e > b ? e - b : 0;
    return r;
}

size_t sq_index_size(const ts_sparql_index *ix)
{
    return ix->n;
}
