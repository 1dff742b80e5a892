/*
 * Loading sources into the store: files, several files, or directories
 * (recursively), each into its own named graph. One code path for the CLI
 * and the UI. Readers for each format plug into one table.
 */
#ifndef TINYSCOPE_LOADER_H
#define TINYSCOPE_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "tinyscope/jsonld.h"
#include "tinyscope/status.h"
#include "tinyscope/store.h"

/** Called as a source is read: bytes read so far of total (0 if unknown). */
typedef void (*ts_progress_fn)(void *ctx, const char *path, size_t done, size_t total);

typedef struct {
    bool strict;            /**< any error aborts the load with that error */
    const char *base;       /**< base IRI instead of the file's URI, or NULL */
    ts_diags *diags;        /**< where errors and warnings go (may be NULL) */
    ts_progress_fn progress;
    void *progress_ctx;
    /** Remote JSON-LD contexts; NULL: a shared store with the bundled and
     *  user contexts (ts_jsonld_ctxstore_add_defaults). */
    ts_jsonld_ctxstore *contexts;
    /** How JSON-LD @direction reaches RDF: "none", "i18n-datatype" or
     *  "compound-literal" (ts_jsonld_direction_parse); NULL or another
     *  name: TS_LOAD_RDF_DIRECTION. */
    const char *rdf_direction;
} ts_load_opts;

/** The rdfDirection files are loaded with unless told otherwise. */
#define TS_LOAD_RDF_DIRECTION "i18n-datatype"

/**
 * Read one source file into a new named graph, dispatching on the format.
 * On a syntax error in lax mode the readable part is kept, the error is
 * recorded in opts->diags and the source is flagged (src->errors > 0);
 * the return value is then TS_OK. In strict mode the first error is
 * returned. A missing or unreadable file is TS_ERR_IO / TS_ERR_NOT_FOUND
 * in both modes. *out (may be NULL) receives the source.
 */
ts_status ts_load_file(ts_store *store, const char *path, ts_format fmt,
                       const ts_load_opts *opts, ts_source **out);

/**
 * Load a file or a directory. A directory is walked recursively in name
 * order, loading every file whose extension a reader knows (hidden files and
 * directories are skipped). A file is loaded whatever its extension when
 * its format can be told (ts_format_for_path).
 */
ts_status ts_load_path(ts_store *store, const char *path, const ts_load_opts *opts);

/** ts_load_path for each path; stops early only in strict mode. */
ts_status ts_load_paths(ts_store *store, char *const *paths, size_t n,
                        const ts_load_opts *opts);

/**
 * Read RDF text held in memory (fmt must be an RDF syntax) into a new
 * source named name. Used for stdin and by tests.
 */
ts_status ts_load_string(ts_store *store, const char *name, ts_format fmt,
                         const char *text, const ts_load_opts *opts,
                         ts_source **out);

/** The format a file name's extension says, or TS_FMT_UNKNOWN. */
ts_format ts_format_for_path(const char *path);

/** The format named by a user ("turtle", "ttl", "nt", ...), or TS_FMT_UNKNOWN. */
ts_format ts_format_from_name(const char *name);

#endif
