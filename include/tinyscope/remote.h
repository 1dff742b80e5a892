/*
 * A remote SPARQL endpoint: queries over the SPARQL 1.1 Protocol, answered
 * through the same ts_dataset interface as the local store, and updates
 * (SPARQL 1.1 Update) for publishing local graphs.
 *
 * Credentials never come from the command line: libcurl reads ~/.netrc
 * (the machine of the endpoint URL), or TINYSCOPE_ENDPOINT_USER and
 * TINYSCOPE_ENDPOINT_PASSWORD in the environment. Basic and digest
 * authentication are negotiated. An endpoint URL with a user or password
 * in it is refused, and no message ever shows a credential.
 */
#ifndef TINYSCOPE_REMOTE_H
#define TINYSCOPE_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "tinyscope/query.h"
#include "tinyscope/status.h"

typedef struct ts_remote ts_remote;

/** Queries up to this many bytes of URL go as GET; longer ones as a form POST. */
#define TS_REMOTE_GET_MAX 2048
/** Responses larger than this end the request with TS_ERR_LIMIT. */
#define TS_REMOTE_MAX_BODY ((size_t)512 << 20)
/** Connection timeout when the query sets no shorter time limit. */
#define TS_REMOTE_CONNECT_MS 10000u

/**
 * A client of the endpoint at url (copied), an http:// or https:// URL.
 * Returns NULL and fills err when the URL is not usable (another scheme,
 * credentials in it). Free with ts_remote_free.
 */
ts_remote *ts_remote_new(const char *url, ts_error *err);
/** Free the client. NULL is allowed. */
void ts_remote_free(ts_remote *r);

/** Send graph_iri (copied; NULL: none) as default-graph-uri with every query. */
void ts_remote_set_graph(ts_remote *r, const char *graph_iri);
/** The endpoint URL (borrowed). */
const char *ts_remote_url(const ts_remote *r);
/** HTTP requests sent so far (retries and auth round trips count once). */
size_t ts_remote_requests(const ts_remote *r);

/**
 * Called while a request waits for the endpoint, about every 50 ms, with
 * the time since it was sent; returning true cancels it (TS_ERR_CANCELLED).
 */
typedef bool (*ts_remote_wait_fn)(void *ctx, double elapsed_ms);
/**
 * Run fn (with ctx, borrowed) while requests wait, so an interactive caller
 * stays responsive and can cancel; NULL: requests block until done.
 */
void ts_remote_set_wait(ts_remote *r, ts_remote_wait_fn fn, void *ctx);

/**
 * Run query text on the endpoint, streaming results into sink as
 * ts_query_stream does. SELECT and ASK ask for SPARQL JSON results;
 * CONSTRUCT and DESCRIBE for N-Triples (Turtle is read too). opts (may be
 * NULL): time_limit_ms bounds the whole request (TS_ERR_TIMEOUT), cancel
 * aborts it (TS_ERR_CANCELLED), max_rows stops with TS_ERR_LIMIT. HTTP
 * errors give TS_ERR_PERMISSION (401, 403), TS_ERR_NOT_FOUND (404),
 * TS_ERR_BAD_ARG (other 4xx) or TS_ERR_IO, with the status line and the
 * start of the endpoint's error text in err->message (sanitised). timing
 * (may be NULL): parse_ms is 0, eval_ms the round trip and parsing.
 */
ts_status ts_remote_query(ts_remote *r, const char *query, const ts_query_opts *opts,
                          const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                          ts_error *err);

/**
 * Send a SPARQL 1.1 Update request (POST application/sparql-update) to the
 * endpoint. opts as for ts_remote_query (max_rows is ignored).
 */
ts_status ts_remote_update(ts_remote *r, const char *update, const ts_query_opts *opts,
                           ts_error *err);

/** The endpoint as a dataset; the dataset owns r from now on. */
ts_dataset *ts_remote_dataset(ts_remote *r);

/**
 * The form of query text (the first SELECT, ASK, CONSTRUCT or DESCRIBE
 * keyword outside comments, IRIs and strings). False when none is found.
 */
bool ts_remote_query_form(const char *query, ts_query_form *out);

/**
 * Parse a SPARQL 1.1 Query Results JSON document (len bytes) into sink.
 * max_rows as in ts_query_opts. source names the document in errors.
 */
ts_status ts_remote_parse_json(const char *doc, size_t len, const char *source, size_t max_rows,
                               const ts_query_sink *sink, void *ctx, ts_error *err);

/**
 * Parse N-Triples or Turtle text (len bytes, base IRI base) into the
 * triple callback of sink. max_rows bounds the triples.
 */
ts_status ts_remote_parse_triples(const char *doc, size_t len, const char *base, const char *source,
                                  size_t max_rows, const ts_query_sink *sink, void *ctx,
                                  ts_error *err);

#endif
