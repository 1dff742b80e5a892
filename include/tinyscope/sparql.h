/*
 * The SPARQL 1.1 query engine: parse a query into algebra, evaluate it on
 * the store's Sord indices. Most callers use query.h instead, which hides
 * whether a dataset is local or remote.
 */
#ifndef TINYSCOPE_SPARQL_H
#define TINYSCOPE_SPARQL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <sord/sord.h>

#include "tinyscope/status.h"
#include "tinyscope/store.h"

typedef enum {
    TS_SPARQL_SELECT,
    TS_SPARQL_ASK,
    TS_SPARQL_CONSTRUCT,
    TS_SPARQL_DESCRIBE,
} ts_sparql_form;

typedef struct ts_sparql_query ts_sparql_query;

/**
 * A snapshot of the store's default graph (the union of all graphs) that
 * answers triple lookups without comparing strings. Valid only while the
 * store is unchanged: check ts_sparql_index_fresh before each use.
 */
typedef struct ts_sparql_index ts_sparql_index;

/** Build the index of store's default graph. Free with ts_sparql_index_free. */
ts_sparql_index *ts_sparql_index_new(ts_store *store);
/** True when ix was built from store as it is now (same quads and sources). */
bool ts_sparql_index_fresh(const ts_sparql_index *ix, const ts_store *store);
/** Free an index. NULL is allowed. */
void ts_sparql_index_free(ts_sparql_index *ix);

/**
 * Parse query text (len bytes; NUL not required). base resolves relative
 * IRIs (NULL: none; BASE in the query overrides it). On a syntax error
 * returns TS_ERR_SYNTAX with err's line and col at the offending token.
 * *out is owned by the caller (ts_sparql_free).
 */
ts_status ts_sparql_parse(const char *text, size_t len, const char *base,
                          ts_sparql_query **out, ts_error *err);
/** Free a parsed query. NULL is allowed. */
void ts_sparql_free(ts_sparql_query *q);

ts_sparql_form ts_sparql_query_form(const ts_sparql_query *q);
/** Result variables of a SELECT (borrowed names, valid while q lives). */
size_t ts_sparql_var_count(const ts_sparql_query *q);
const char *ts_sparql_var_name(const ts_sparql_query *q, size_t i);
/** FROM (named == false) or FROM NAMED IRIs, borrowed. */
size_t ts_sparql_from_count(const ts_sparql_query *q, bool named);
const char *ts_sparql_from(const ts_sparql_query *q, bool named, size_t i);
/** PREFIX declarations of the query, borrowed. */
size_t ts_sparql_prefix_count(const ts_sparql_query *q);
void ts_sparql_prefix(const ts_sparql_query *q, size_t i, const char **name, const char **iri);
/** The algebra as an S-expression (for tests and debugging). Caller frees. */
char *ts_sparql_algebra(const ts_sparql_query *q);

/** Receives each SELECT row (n_vars nodes, NULL = unbound); non-zero stops. */
typedef int (*ts_sparql_row_fn)(void *ctx, const SordNode *const *row);
/** Receives each CONSTRUCT/DESCRIBE triple; non-zero stops. */
typedef int (*ts_sparql_triple_fn)(void *ctx, const SordNode *s, const SordNode *p,
                                   const SordNode *o);

typedef struct {
    /** Set non-zero (e.g. from a signal handler or a UI) to cancel; may be NULL. */
    const volatile sig_atomic_t *cancel;
    size_t max_rows;        /**< 0: unlimited; reaching it stops with TS_ERR_LIMIT */
    unsigned time_limit_ms; /**< 0: unlimited; exceeding it gives TS_ERR_TIMEOUT */
    /** Default graph IRIs replacing the union of all graphs (FROM overrides). */
    const char *const *default_graphs;
    size_t n_default_graphs;
    bool default_given; /**< default_graphs applies even when empty */
    /** Named graph IRIs replacing all graphs (FROM NAMED overrides). */
    const char *const *named_graphs;
    size_t n_named_graphs;
    bool named_given; /**< named_graphs applies even when empty */
    /** Lookups in the default graph go through this index (borrowed; may be NULL).
        It must be fresh for the store. */
    const ts_sparql_index *index;
} ts_sparql_opts;

/**
 * Evaluate q on store. SELECT rows go to on_row, ASK sets *answer (may be
 * NULL for other forms), CONSTRUCT/DESCRIBE triples go to on_triple. Nodes
 * passed to callbacks are valid only during the call. Returns TS_OK, or
 * TS_ERR_CANCELLED / TS_ERR_TIMEOUT / TS_ERR_LIMIT (rows delivered so far
 * stand), or another error with err filled.
 */
ts_status ts_sparql_eval(ts_store *store, ts_sparql_query *q, const ts_sparql_opts *opts,
                         ts_sparql_row_fn on_row, ts_sparql_triple_fn on_triple,
                         void *ctx, bool *answer, ts_error *err);

#endif
