/*
 * What a run of tinyscope reads, loaded one way for every command and for
 * the UI: files and directories (or the bundled sample graphs), the bundled
 * vocabulary, the benchmark results file and JSON-LD context mappings into
 * a store; or, with an endpoint, a remote dataset in place of the store.
 * The session keeps the options so the UI reloads exactly as it loaded.
 */
#ifndef TINYSCOPE_SESSION_H
#define TINYSCOPE_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "tinyscope/jsonld.h"
#include "tinyscope/loader.h"
#include "tinyscope/query.h"
#include "tinyscope/remote.h"
#include "tinyscope/status.h"
#include "tinyscope/store.h"

/** How to load. Every pointer is borrowed and must outlive the session. */
typedef struct {
    bool strict;                 /**< any input error is fatal */
    const char *base;            /**< base IRI instead of each file's URI, or NULL */
    const char *const *contexts; /**< "URL=FILE" mappings of JSON-LD contexts */
    size_t n_contexts;
    char *const *paths; /**< files and directories; none: the sample graphs */
    size_t n_paths;
    /** Also load the bundled ontology (its class hierarchy) with paths; the
     *  sample graphs always come with it. */
    bool with_ontology;
    const char *results;  /**< benchmark results file; NULL: the default one */
    const char *endpoint; /**< query this SPARQL endpoint instead of loading files */
    const char *graph;    /**< with endpoint: its default graph, or NULL */
    /** JSON-LD @direction as RDF, as ts_load_opts.rdf_direction (NULL: the
     *  loader's default). */
    const char *rdf_direction;
} ts_session_opts;

/**
 * The JSON-LD context store for opts: the bundled and user contexts plus
 * every mapping of opts->contexts. NULL with err filled (source "--context")
 * when a mapping is malformed or its file cannot be read. Free with
 * ts_jsonld_ctxstore_free().
 */
ts_jsonld_ctxstore *ts_session_contexts(const ts_session_opts *opts, ts_error *err);

/**
 * Load what opts names (not the endpoint) into store, which the caller
 * owns: the paths or sample graphs, the vocabulary, then the results file.
 * Reader problems go to diags ("file:line:col: message"). A problem that
 * stops loading before any file is read (a --context mapping) fills err;
 * err is left clear otherwise. Returns TS_OK, or the status that must stop
 * the caller: a source that could not be read at all, any error in strict
 * mode. progress (may be NULL) is called as each source is read.
 */
ts_status ts_session_load_into(const ts_session_opts *opts, ts_store *store, ts_diags *diags,
                               ts_progress_fn progress, void *progress_ctx, ts_error *err);

/**
 * The client of opts->endpoint with opts->graph, or NULL with err filled
 * when the URL cannot be used. Free with ts_remote_free().
 */
ts_remote *ts_session_connect(const ts_session_opts *opts, ts_error *err);

typedef struct ts_session ts_session;

/** A session over opts (copied; the strings it points to are borrowed). Nothing is loaded yet. */
ts_session *ts_session_new(const ts_session_opts *opts);
/** Free the session, its store, dataset and diagnostics. NULL is allowed. */
void ts_session_free(ts_session *s);

/**
 * (Re)load: a fresh store and diagnostics, then the files as
 * ts_session_load_into reads them; with an endpoint, the store only holds
 * the well-known prefixes and the endpoint's client is made once and kept
 * across reloads (with its request count). Returns as ts_session_load_into;
 * setup problems (a context mapping, an unusable endpoint URL) fill err and
 * are also recorded in the diagnostics.
 */
ts_status ts_session_load(ts_session *s, ts_progress_fn progress, void *progress_ctx,
                          ts_error *err);

/** The options (borrowed). */
const ts_session_opts *ts_session_options(const ts_session *s);
/** The store of the last load (borrowed; prefixes only with an endpoint), or NULL before one. */
ts_store *ts_session_store(const ts_session *s);
/** Diagnostics of the last load (borrowed). */
ts_diags *ts_session_diags(ts_session *s);
/**
 * The dataset every query goes to: the endpoint, or the store of the last
 * load (indexed on first use). Borrowed; valid until the next load.
 */
ts_dataset *ts_session_dataset(ts_session *s);
/** The endpoint's client (borrowed), or NULL for local data. */
ts_remote *ts_session_remote(const ts_session *s);

/* Bounds of one resource's description (ts_session_describe). */
#define TS_DESCRIBE_MAX_IN 2000       /**< resources pointing at it */
#define TS_DESCRIBE_MAX_TRIPLES 50000 /**< triples in the answer */

/**
 * Fetch what the Inspector shows of one resource (an IRI) from ds in one
 * CONSTRUCT query: its triples, the triples of the blank nodes it points
 * at, up to TS_DESCRIBE_MAX_IN triples pointing at it, the types and
 * labels of every resource on those triples and the labels of their
 * predicates (store.c's label predicates). The triples are added to
 * store (the caller's) as one source named source. opts as for
 * ts_query_stream (cancel, time limit). Returns the query's status;
 * *n_triples (may be NULL) receives the number of triples received.
 */
ts_status ts_session_describe(ts_dataset *ds, const char *iri, ts_store *store, const char *source,
                              const ts_query_opts *opts, size_t *n_triples, ts_error *err);

#endif
