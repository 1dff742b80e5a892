#include "tinyscope/stats.h"

#include <stdlib.h>
#include <string.h>

#include "tinyscope/ptrmap.h"

static int by_count(const void *a, const void *b)
{
    const ts_stat_count *x = a, *y = b;
    if (x->count != y->count) {
        return x->count < y->count ? 1 : -1;
    }
    return strcmp((const char *)sord_node_get_string(x->node),
                  (const char *)sord_node_get_string(y->node));
}

static ts_stat_count *to_sorted_array(const ts_ptrmap *m, size_t *n)
{
    ts_stat_count *arr = ts_calloc(m->count, sizeof *arr);
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) {
            arr[k].node = m->slots[i].key;
            arr[k].count = m->slots[i].value;
            k++;
        }
    }
    qsort(arr, k, sizeof *arr, by_count);
    *n = k;
    return arr;
}

void ts_stats_compute(ts_store *store, const SordNode *graph, ts_stats *out)
{
    memset(out, 0, sizeof *out);
    SordModel *model = ts_store_model(store);
    SordNode *rdf_type = ts_store_iri(store, TS_NS_RDF "type");
    ts_ptrmap preds = {0}, classes = {0};
    const SordNode *last_subject = NULL;

    /* Both the G-first index (one graph) and the plain SPO index (union,
     * duplicates across graphs skipped by Sord) yield subjects in order. */
    SordIter *it = sord_search(model, NULL, NULL, NULL, graph);
    for (; !sord_iter_end(it); sord_iter_next(it)) {
        SordQuad q;
        sord_iter_get(it, q);
        out->triples++;
        if (q[SORD_SUBJECT] != last_subject) {
            out->subjects++;
            last_subject = q[SORD_SUBJECT];
        }
        (*ts_ptrmap_slot(&preds, q[SORD_PREDICATE]))++;
        if (q[SORD_PREDICATE] == rdf_type) {
            (*ts_ptrmap_slot(&classes, q[SORD_OBJECT]))++;
        }
    }
    sord_iter_free(it);
    out->predicates = to_sorted_array(&preds, &out->n_predicates);
    out->classes = to_sorted_array(&classes, &out->n_classes);
    ts_ptrmap_free(&preds);
    ts_ptrmap_free(&classes);
    sord_node_free(ts_store_world(store), rdf_type);
}

void ts_stats_free(ts_stats *stats)
{
    if (stats) {
        free(stats->predicates);
        free(stats->classes);
        memset(stats, 0, sizeof *stats);
    }
}
