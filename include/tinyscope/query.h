/*
 * The one way the rest of tinyscope asks questions: "run this query on this
 * dataset, give me rows, triples or a boolean". A dataset is a table of
 * operations, so a remote SPARQL endpoint can answer the same call as the
 * local store.
 */
#ifndef TINYSCOPE_QUERY_H
#define TINYSCOPE_QUERY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tinyscope/buf.h"
#include "tinyscope/status.h"
#include "tinyscope/store.h"
#include "tinyscope/term.h"

typedef enum {
    TS_QUERY_SELECT,
    TS_QUERY_ASK,
    TS_QUERY_CONSTRUCT, /**< CONSTRUCT and DESCRIBE: triples */
    TS_QUERY_DESCRIBE,
} ts_query_form;

typedef struct {
    /** Set non-zero to cancel a running query (e.g. from a signal handler); may be NULL. */
    const volatile sig_atomic_t *cancel;
    size_t max_rows;        /**< 0: unlimited; more rows end the query with TS_ERR_LIMIT */
    unsigned time_limit_ms; /**< 0: unlimited; else TS_ERR_TIMEOUT when exceeded */
    const char *base;       /**< base IRI for relative IRIs in the query, or NULL */
} ts_query_opts;

/**
 * Receives results as they are produced. Each callback returns 0 to go on,
 * non-zero to stop (the query then ends with TS_OK). Terms are borrowed:
 * valid only during the call. Any callback may be NULL.
 */
typedef struct {
    /** Called once, first: the form and, for SELECT, the variable names. */
    int (*begin)(void *ctx, ts_query_form form, const char *const *vars, size_t n_vars);
    /** One SELECT row of n_vars terms; unbound is TS_TERM_NONE. */
    int (*row)(void *ctx, const ts_term *cells);
    /** One CONSTRUCT/DESCRIBE triple. */
    int (*triple)(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o);
    /** The ASK answer. */
    int (*boolean)(void *ctx, bool value);
} ts_query_sink;

/** Timings of the last run, in milliseconds. */
typedef struct {
    double parse_ms;
    double eval_ms;
} ts_query_timing;

/** What a dataset implementation provides. */
typedef struct {
    /** Run query text, streaming into sink. See ts_query_stream. */
    ts_status (*run)(void *impl, const char *query, const ts_query_opts *opts,
                     const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                     ts_error *err);
    /** Free impl (may be NULL). */
    void (*free)(void *impl);
} ts_dataset_ops;

typedef struct ts_dataset ts_dataset;

/** A dataset over ops and impl; the dataset owns impl (ops->free frees it). */
ts_dataset *ts_dataset_new(const ts_dataset_ops *ops, void *impl);
/**
 * The local store as a dataset. The store is borrowed and must outlive it.
 * An index of the store's default graph is built here (and again when a
 * query finds the store changed), so create it once the data is loaded.
 */
ts_dataset *ts_dataset_local(ts_store *store);
/** Free a dataset. NULL is allowed. */
void ts_dataset_free(ts_dataset *ds);

/**
 * Run query text on ds, streaming results to sink. A syntax error returns
 * TS_ERR_SYNTAX with err->line/col at the offending token (1-based,
 * columns in characters). TS_ERR_CANCELLED, TS_ERR_TIMEOUT and
 * TS_ERR_LIMIT keep the results already delivered. timing may be NULL.
 */
ts_status ts_query_stream(ts_dataset *ds, const char *query, const ts_query_opts *opts,
                          const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                          ts_error *err);

/** A whole result in memory. */
typedef struct {
    ts_query_form form;
    char **vars;      /**< SELECT variable names */
    size_t n_vars;
    ts_term *cells;   /**< n_rows * n_vars, row-major */
    size_t n_rows;
    bool boolean;     /**< ASK */
    ts_term *triples; /**< n_triples * 3: s, p, o */
    size_t n_triples;
    ts_status status; /**< TS_OK, or why it stopped early (limit, time, cancel) */
    ts_query_timing timing;
} ts_query_result;

/**
 * Run query text and collect everything into *out (owned by the caller:
 * ts_query_result_clear). Returns the same statuses as ts_query_stream;
 * on TS_ERR_LIMIT/TIMEOUT/CANCELLED *out holds the partial result.
 */
ts_status ts_query_run(ts_dataset *ds, const char *query, const ts_query_opts *opts,
                       ts_query_result *out, ts_error *err);

/** The cell of row r, variable v. */
const ts_term *ts_query_cell(const ts_query_result *res, size_t r, size_t v);
/** Index of variable name in res, or -1. */
long ts_query_var_index(const ts_query_result *res, const char *name);
/** Free everything res holds and zero it. NULL is allowed. */
void ts_query_result_clear(ts_query_result *res);

/* ---- writing results ---- */

typedef enum {
    TS_RESULTS_TABLE,    /**< aligned columns, IRIs shortened, sanitised for a terminal */
    TS_RESULTS_CSV,      /**< W3C SPARQL 1.1 Query Results CSV */
    TS_RESULTS_TSV,      /**< W3C SPARQL 1.1 Query Results TSV */
    TS_RESULTS_JSON,     /**< W3C SPARQL 1.1 Query Results JSON */
    TS_RESULTS_NTRIPLES, /**< triples of CONSTRUCT/DESCRIBE */
    TS_RESULTS_TURTLE,
} ts_results_format;

/** The format for a name ("table", "csv", "tsv", "json", "ntriples", "turtle"). */
bool ts_results_format_from_name(const char *name, ts_results_format *out);

typedef struct ts_results_writer ts_results_writer;

/**
 * A writer of results to out (borrowed) in fmt; prefixes (may be NULL)
 * shorten IRIs in tables and Turtle. Triples asked for as a table are
 * written as Turtle; triples in CSV/TSV/JSON as rows of ?subject
 * ?predicate ?object; SELECT rows in N-Triples/Turtle as TSV rows.
 */
ts_results_writer *ts_results_writer_new(FILE *out, ts_results_format fmt,
                                         const ts_store *prefixes);
/** The sink feeding w: pass it with w as ctx to ts_query_stream. */
const ts_query_sink *ts_results_writer_sink(void);
/** Rows (or triples) written so far. */
size_t ts_results_writer_count(const ts_results_writer *w);
/** Finish the document (tables are printed here) and flush; TS_ERR_IO on a write error. */
ts_status ts_results_writer_finish(ts_results_writer *w);
/** Free the writer. NULL is allowed. */
void ts_results_writer_free(ts_results_writer *w);

/**
 * Put query into out after one PREFIX line for each of the store's prefixes
 * (rdfs:, s3n:, nnet:, ...), so that a query typed by hand needs none; the
 * query's own PREFIX declarations win. Returns how many lines come before
 * the query: subtract it from an error's line (ts_query_prelude_fix).
 */
unsigned ts_query_prelude(const ts_store *store, const char *query, ts_buf *out);

/** Move an error's position from the text with the prelude onto the user's text. */
void ts_query_prelude_fix(ts_error *err, unsigned prelude);

#endif
