/* Shared by the subcommand implementations. */
#ifndef TINYSCOPE_CLI_INTERNAL_H
#define TINYSCOPE_CLI_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "tinyscope/catalog.h"
#include "tinyscope/compat.h"
#include "tinyscope/loader.h"
#include "tinyscope/query.h"
#include "tinyscope/session.h"
#include "tinyscope/store.h"
#include "tinyscope/tflite.h"

/* Exit statuses. */
enum {
    TS_EXIT_OK = 0,
    TS_EXIT_FAILURE = 1, /**< the command ran and failed (bad data, errors) */
    TS_EXIT_USAGE = 2,   /**< the command line was wrong */
};

/* --context URL=FILE is taken from the command line by ts_cli_main for
 * every command; ts_cli_load uses those mappings with data->contexts. */
enum { TS_CLI_MAX_CONTEXTS = 64 };

/** Options every data-reading command takes. */
typedef struct {
    bool strict;
    const char *base;
    const char *contexts[TS_CLI_MAX_CONTEXTS]; /**< "URL=FILE" (borrowed from argv) */
    size_t n_contexts;
    char **paths;  /**< files and directories; none: the sample graphs */
    size_t n_paths;
    bool with_ontology; /**< also load the bundled ontology (its class hierarchy) */
    const char *results; /**< benchmark results file; NULL: the default one */
    const char *endpoint; /**< --endpoint URL: query it instead of loading files */
    const char *graph;    /**< --graph IRI: its default graph (with --endpoint) */
} ts_cli_data;

/* --endpoint URL and --graph IRI, taken by every command that reads data
 * through a dataset: put TS_CLI_ENDPOINT_OPTIONS in the getopt_long table
 * and pass both codes to ts_cli_endpoint_option(). */
enum { TS_CLI_OPT_ENDPOINT = 0x1c1, TS_CLI_OPT_GRAPH = 0x1c2 };
#define TS_CLI_ENDPOINT_OPTIONS                                        \
    {"endpoint", required_argument, NULL, TS_CLI_OPT_ENDPOINT},        \
        {"graph", required_argument, NULL, TS_CLI_OPT_GRAPH}
/** The help lines of --endpoint and --graph. */
#define TS_CLI_ENDPOINT_HELP                                                          \
    "      --endpoint URL  query the SPARQL endpoint at URL instead of files\n"        \
    "                      (credentials from ~/.netrc or TINYSCOPE_ENDPOINT_USER and\n" \
    "                      TINYSCOPE_ENDPOINT_PASSWORD)\n"                             \
    "      --graph IRI     with --endpoint: the graph to query (default-graph-uri)\n"

/** Record --endpoint or --graph (opt is the getopt code); false for another code. */
bool ts_cli_endpoint_option(ts_cli_data *data, int opt, const char *arg);

/**
 * Check the data options of cmd: --graph needs --endpoint, and files do not
 * go with --endpoint. Prints the error; false means a usage error.
 */
bool ts_cli_endpoint_check(const ts_cli_data *data, const char *cmd);

/**
 * The dataset of data->endpoint (with data->graph), or NULL after printing
 * why the URL cannot be used. Free with ts_dataset_free().
 */
ts_dataset *ts_cli_remote(const ts_cli_data *data);

/**
 * Load the data named on the command line (or the bundled sample graphs)
 * and the benchmark results file (see results.h)
 * into store, printing diagnostics to stderr as "file:line:col: message".
 * Returns false when the command must stop: a file could not be read at
 * all, or any error in strict mode.
 */
bool ts_cli_load(ts_store *store, const ts_cli_data *data, ts_diags *diags);

/** The session options of data, with the command line's --context mappings. */
typedef struct {
    ts_session_opts opts;
    const char *contexts[2 * TS_CLI_MAX_CONTEXTS];
} ts_cli_session;
/** Fill out from data (borrowed: out points into data and argv). */
void ts_cli_session_opts(const ts_cli_data *data, ts_cli_session *out);

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

/**
 * Load the data (or, with --endpoint, connect to it: *store then only
 * holds the well-known prefixes) and build the catalog from the views,
 * which costs one request per view over an endpoint: *store, *ds and *cat
 * are the caller's to free (ts_cli_catalog_free). Prints errors; false when
 * the command must stop.
 */
bool ts_cli_catalog(const ts_cli_data *data, ts_store **store, ts_dataset **ds,
                    ts_catalog **cat);
void ts_cli_catalog_free(ts_store *store, ts_dataset *ds, ts_catalog *cat);

/** Output formats of the catalog commands. */
typedef enum { TS_CLI_TABLE, TS_CLI_CSV, TS_CLI_JSON } ts_cli_format;

/* --strict, --base IRI, --endpoint URL and --graph IRI: the options of every
 * command that reads data. Put TS_CLI_DATA_OPTIONS in the getopt_long table
 * and hand every code the switch does not know to ts_cli_data_option(). */
enum { TS_CLI_OPT_STRICT = 0x1c3, TS_CLI_OPT_BASE = 0x1c4 };
#define TS_CLI_DATA_OPTIONS                                            \
    {"strict", no_argument, NULL, TS_CLI_OPT_STRICT},                  \
        {"base", required_argument, NULL, TS_CLI_OPT_BASE},            \
        TS_CLI_ENDPOINT_OPTIONS
/** Record one of the data options; false for another code. */
bool ts_cli_data_option(ts_cli_data *data, int opt, const char *arg);

/**
 * Parse a --sort argument: one of names, "-NAME" for descending order.
 * Sets *key to its index and *direction to 1 or -1; prints an error naming
 * cmd and the known keys and returns false for an unknown one.
 */
bool ts_cli_sort_parse(const char *cmd, const char *arg, const char *const *names, size_t n,
                       int *key, int *direction);

/** What a catalog command reads: the store, the dataset and the catalog. */
typedef struct {
    ts_store *store;
    ts_dataset *ds;
    ts_catalog *cat;
} ts_cli_catalog_data;

/**
 * Take the command's FILE arguments into data, check them against the data
 * options, and load the catalog (ts_cli_catalog) into *out. Returns
 * TS_EXIT_OK, or the exit status after printing why; either way close *out
 * with ts_cli_catalog_close (done already when it fails).
 */
int ts_cli_catalog_open(const char *cmd, ts_cli_data *data, char **paths, size_t n_paths,
                        ts_cli_catalog_data *out);
void ts_cli_catalog_close(ts_cli_catalog_data *c);

/**
 * A listing command (devices, models): --filter EXPR, --sort KEY (one of
 * sort_names, -KEY descending), --format and the data options, the catalog
 * and the compiled filter.
 */
typedef struct {
    const char *cmd;
    ts_cli_format format;
    int sort_key, direction;
    ts_cli_catalog_data cd;
    struct ts_filter *filter;
} ts_cli_listing;

/**
 * Parse argv for the listing command cmd, load the catalog and compile the
 * filter for target. True when l is ready (close it with
 * ts_cli_listing_close); false after --help or an error, with the exit
 * status in *status.
 */
bool ts_cli_listing_open(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                         const char *const *sort_names, size_t n_sort, int target,
                         ts_cli_listing *l, int *status);
/** Warn on stderr when the filter gave up on a pattern while matching. */
void ts_cli_listing_check_filter(const ts_cli_listing *l);
void ts_cli_listing_close(ts_cli_listing *l);

/**
 * Rows of a listing written to stdout as a table (printed at the end with
 * a count), CSV (streamed, after a header line) or a JSON array (printed at
 * the end). Add rows as cells with ts_cli_rows_add, or, when
 * ts_cli_rows_json() is true, as objects with ts_cli_rows_add_json.
 */
typedef struct ts_cli_rows ts_cli_rows;
ts_cli_rows *ts_cli_rows_new(ts_cli_format format, const char *const *heads, size_t n);
/** The table, to set alignments and widths; NULL unless the format is a table. */
struct ts_text_table *ts_cli_rows_table(ts_cli_rows *rows);
bool ts_cli_rows_json(const ts_cli_rows *rows);
/** One row of the n cells given at ts_cli_rows_new (copied). */
void ts_cli_rows_add(ts_cli_rows *rows, const char *const *cells);
/** One JSON row; takes ownership of object. */
void ts_cli_rows_add_json(ts_cli_rows *rows, json_t *object);
/** Print what is pending ("(N noun|nouns)" under a table) and free rows. */
void ts_cli_rows_finish(ts_cli_rows *rows, const char *noun, const char *nouns);
/** Parse "table", "csv" or "json"; prints an error naming cmd when unknown. */
bool ts_cli_format_parse(const char *cmd, const char *name, ts_cli_format *out);

/**
 * Compare two numbers for sorting, dir 1 ascending or -1 descending;
 * unknown values (NAN) sort last either way.
 */
int ts_cli_cmp_num(double a, double b, int dir);

/** A number for a table or CSV cell: "" when unknown (NAN), else %g. */
const char *ts_cli_num(double v, char *buf, size_t n);
/** A number for JSON: null when unknown. */
json_t *ts_cli_json_num(double v);
/**
 * A JSON string for text from the data (NULL gives null). Bytes that are not
 * UTF-8 (file names, serial lines) become U+FFFD instead of losing the value.
 */
json_t *ts_cli_json_text(const char *s);
/** Print a JSON document to stdout with a final newline. */
void ts_cli_json_print(json_t *doc);

/** The verdict glyph: check mark, cross and question mark, or y/n/? without UTF-8. */
const char *ts_cli_verdict_glyph(ts_verdict v);

int ts_cmd_stats(int argc, char **argv);
/** Load a .tflite model, printing the error on failure (then NULL). Free with ts_tflite_free. */
ts_tflite *ts_cli_load_tflite(const char *path);

/** Parse an --abi argument, printing the error when it is neither mcu32 nor host64. */
bool ts_cli_parse_abi(const char *arg, ts_tflite_abi *abi);

int ts_cmd_devices(int argc, char **argv);
int ts_cmd_models(int argc, char **argv);
int ts_cmd_matrix(int argc, char **argv);
int ts_cmd_fits(int argc, char **argv);
int ts_cmd_query(int argc, char **argv);
int ts_cmd_import(int argc, char **argv);
int ts_cmd_inspect(int argc, char **argv);
int ts_cmd_bench(int argc, char **argv);
int ts_cmd_boards(int argc, char **argv);
int ts_cmd_sim(int argc, char **argv);
int ts_cmd_convert(int argc, char **argv);
int ts_cmd_push(int argc, char **argv);

#endif
