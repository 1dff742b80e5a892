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

/** Options every data-reading command takes. */
typedef struct {
    bool strict;
    const char *base;
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

/** Print diagnostics to stderr, sanitised. */
void ts_cli_print_diags(const ts_diags *diags);

/** Print "tinyscope: <message>" to stderr. */
void ts_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Write s to f through the terminal sanitiser. */
void ts_cli_put(FILE *f, const char *s);

int ts_cmd_stats(int argc, char **argv);
int ts_cmd_query(int argc, char **argv);

#endif
