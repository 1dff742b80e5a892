/* Shared by the subcommand implementations. */
#ifndef TINYSCOPE_CLI_INTERNAL_H
#define TINYSCOPE_CLI_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "tinyscope/loader.h"
#include "tinyscope/store.h"

/* Exit statuses. */
enum {
    TS_EXIT_OK = 0,
    TS_EXIT_FAILURE = 1, /**< the command ran and failed (bad data, errors) */
    TS_EXIT_USAGE = 2,   /**< the command line was wrong */
};

/* --context URL=FILE, taken by every data-reading command: put
 * TS_CLI_CONTEXT_OPTION in the getopt_long table and pass the argument of
 * TS_CLI_OPT_CONTEXT to ts_cli_add_context(). */
enum { TS_CLI_OPT_CONTEXT = 0x1c0, TS_CLI_MAX_CONTEXTS = 64 };
#define TS_CLI_CONTEXT_OPTION {"context", required_argument, NULL, TS_CLI_OPT_CONTEXT}

/** Options every data-reading command takes. */
typedef struct {
    bool strict;
    const char *base;
    const char *contexts[TS_CLI_MAX_CONTEXTS]; /**< "URL=FILE" (borrowed from argv) */
    size_t n_contexts;
    char **paths;  /**< files and directories; none: the sample graphs */
    size_t n_paths;
} ts_cli_data;

/**
 * Load the data named on the command line (or the bundled sample graphs)
 * into store, printing diagnostics to stderr as "file:line:col: message".
 * Returns false when the command must stop: a file could not be read at
 * all, or any error in strict mode.
 */
bool ts_cli_load(ts_store *store, const ts_cli_data *data, ts_diags *diags);

/**
 * Record a --context URL=FILE argument (borrowed). Prints a message and
 * returns false when it is not of that form or there are too many.
 */
bool ts_cli_add_context(ts_cli_data *data, const char *arg);

/**
 * The JSON-LD context store for data: the bundled and user contexts plus
 * every --context mapping. Returns NULL after printing the error when a
 * mapped file cannot be read. Free with ts_jsonld_ctxstore_free().
 */
ts_jsonld_ctxstore *ts_cli_contexts(const ts_cli_data *data);

/** Print diagnostics to stderr, sanitised. */
void ts_cli_print_diags(const ts_diags *diags);

/** Print "tinyscope: <message>" to stderr. */
void ts_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Write s to f through the terminal sanitiser. */
void ts_cli_put(FILE *f, const char *s);

int ts_cmd_stats(int argc, char **argv);
int ts_cmd_convert(int argc, char **argv);

#endif
