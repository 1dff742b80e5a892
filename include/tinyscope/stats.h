/* Counting what a graph (or the whole store) holds. */
#ifndef TINYSCOPE_STATS_H
#define TINYSCOPE_STATS_H

#include <stddef.h>

#include "tinyscope/store.h"

typedef struct {
    const SordNode *node; /**< predicate or class (borrowed from the store) */
    size_t count;
} ts_stat_count;

typedef struct {
    size_t triples;
    size_t subjects;
    ts_stat_count *predicates; /**< by count, descending, then by IRI */
    size_t n_predicates;
    ts_stat_count *classes;    /**< rdf:type objects, by instance count */
    size_t n_classes;
} ts_stats;

/**
 * Count the triples of graph, or of the union of all graphs when graph is
 * NULL (a triple in two graphs counts once). Free with ts_stats_free().
 */
void ts_stats_compute(ts_store *store, const SordNode *graph, ts_stats *out);
void ts_stats_free(ts_stats *stats);

#endif
