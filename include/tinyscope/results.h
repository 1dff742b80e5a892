/*
 * Benchmark results: one run of a model on a board, written as N-Triples in
 * the tiny: vocabulary to an append-only results file that survives a
 * killed process, and read back into the store as its own graph.
 *
 * File layout: one run is one block of N-Triples lines about one run IRI
 * (urn:uuid:..., no blank nodes), appended with a single write() and made
 * durable with fdatasync() before anyone is told about it. A torn last line
 * (power loss, kill -9 during the write) is reported and skipped when the
 * file is read, and cut off before the next run is appended; every complete
 * line before it is kept.
 */
#ifndef TINYSCOPE_RESULTS_H
#define TINYSCOPE_RESULTS_H

#include <stdbool.h>

#include "tinyscope/buf.h"
#include "tinyscope/status.h"
#include "tinyscope/store.h"

/**
 * One benchmark run. Strings are owned by the struct (free with
 * ts_bench_result_clear); numbers are NAN when unknown.
 */
typedef struct {
    char *iri;           /**< the run's IRI (urn:uuid:...) */
    char *port;          /**< the port it was measured on */
    char *protocol;      /**< "mlperf" or "jsonl" */
    char *device_iri;    /**< the board in the knowledge graph, or NULL */
    char *device_name;   /**< the name the board reported, or NULL; without
                              device_iri, recorded as ts_results_board_iri() */
    char *model_iri;     /**< the model in the knowledge graph, or NULL */
    char *model_name;    /**< the model's name or id, or NULL */
    char started_at[32]; /**< xsd:dateTime, UTC */
    long long inferences;
    double latency_min_us;
    double latency_median_us;
    double latency_max_us;
    double inferences_per_second;
    double macs_per_second;
    double accuracy;  /**< 0..1 */
    double energy_uj; /**< per inference, microjoules */
    bool complete;    /**< false for a run cut short */
} ts_bench_result;

/** A result with a fresh IRI, the current time and every number unknown. */
void ts_bench_result_init(ts_bench_result *r);
/** Free the strings of r and zero it. NULL is allowed. */
void ts_bench_result_clear(ts_bench_result *r);
/** A deep copy of src into dst (dst need not be initialised). */
void ts_bench_result_copy(ts_bench_result *dst, const ts_bench_result *src);

/** Write a new urn:uuid IRI (random, version 4) into out (>= 46 bytes). */
void ts_results_new_iri(char *out);

/**
 * The default results file, $XDG_DATA_HOME/tinyscope/bench.nt or
 * ~/.local/share/tinyscope/bench.nt; NULL when neither variable is set.
 * Caller frees.
 */
char *ts_results_default_path(void);

/**
 * The IRI recorded as tiny:device for a board the knowledge graph does not
 * know: "urn:tinyscope:board:" and the name it reports, percent-encoded.
 * Caller frees.
 */
char *ts_results_board_iri(const char *name);

/** Append r to out as N-Triples lines (one block, no blank nodes). */
void ts_bench_result_ntriples(const ts_bench_result *r, ts_buf *out);

/**
 * Append r to the results file at path: the directory is created if
 * needed, the file is locked (flock) against other writers, a torn last
 * line left by an earlier crash is cut off, the run's lines are written
 * with one write() and flushed to disk with fdatasync(). Only then is it
 * safe to show r. *torn (may be NULL) receives the number of bytes cut off.
 */
ts_status ts_results_append(const char *path, const ts_bench_result *r, size_t *torn,
                            ts_error *err);

/**
 * Load the results file at path into the store as its own graph (the
 * file's URI), in lax mode. A torn last line is reported as a warning
 * "path:LINE:1: ..." in diags and skipped. A missing file is
 * TS_ERR_NOT_FOUND without a diagnostic. *out (may be NULL) receives the
 * source.
 */
ts_status ts_results_load(ts_store *store, const char *path, ts_diags *diags, ts_source **out);

/**
 * Add r to the store as the results file at path would hold it, in the
 * graph of that file's source (created when no source has this path): how
 * a result recorded while the program runs reaches the catalog and SPARQL
 * without reloading. Call after ts_results_append succeeded.
 */
void ts_results_add(ts_store *store, const char *path, const ts_bench_result *r);

/** True when the store holds the run iri (a tiny:BenchmarkRun). */
bool ts_results_in_store(const ts_store *store, const char *iri);

/**
 * Every tiny:BenchmarkRun in the store (any graph) read back into results,
 * oldest first (by tiny:startedAt, then IRI): the history the Bench pane
 * starts from. tiny:device and tiny:model IRIs go to device_iri/model_iri
 * with their labels as names. A direct look-up in the Sord indices that a
 * SPARQL view can later replace. *out is a new array of *n results (NULL
 * when none); free with ts_results_list_free.
 */
void ts_results_from_store(const ts_store *store, ts_bench_result **out, size_t *n);
void ts_results_list_free(ts_bench_result *list, size_t n);

/**
 * The run iri read from the store into out (as ts_results_from_store reads
 * each run; free with ts_bench_result_clear). False when the store does not
 * hold it.
 */
bool ts_results_get(const ts_store *store, const char *iri, ts_bench_result *out);

/** Results of one model on one board, summed up (a row of the Bench pane). */
typedef struct {
    const char *device_iri;  ///< borrowed from the results summarised
    const char *device_name; ///< borrowed
    const char *model_iri;   ///< borrowed
    const char *model_name;  ///< borrowed
    size_t runs;
    size_t complete_runs;
    long long inferences;         ///< over all runs
    double latency_min_us;        ///< fastest of the runs' minimums
    double latency_median_us;     ///< median of the runs' medians
    double latency_max_us;        ///< slowest of the runs' maximums
    double inferences_per_second; ///< median over the runs
    double macs_per_second;       ///< median over the runs that have it
    double accuracy;              ///< of the latest run that reports it
    double energy_uj;             ///< median over the runs that report it
    const char *last_started_at;  ///< borrowed
    double *recent;               ///< the latest runs' median latencies, oldest first (owned)
    size_t n_recent;              ///< at most TS_RESULTS_RECENT
} ts_results_row;

#define TS_RESULTS_RECENT 32

/**
 * Group results (oldest first, as ts_results_from_store gives them) by
 * board and model, in order of first appearance. The rows borrow strings
 * from list, which must outlive them; free with ts_results_rows_free.
 */
void ts_results_summarize(const ts_bench_result *list, size_t n, ts_results_row **rows,
                          size_t *n_rows);
void ts_results_rows_free(ts_results_row *rows, size_t n);

/**
 * The one place that loads benchmark results at start-up, for the CLI and
 * the UI alike: path, or the default results file when path is NULL. A
 * missing file is not an error. Returns TS_OK unless the file exists and
 * cannot be read.
 */
ts_status ts_results_load_default(ts_store *store, const char *path, ts_diags *diags);

#endif
