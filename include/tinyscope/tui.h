/*
 * The terminal user interface: panes over the store (Devices, Models, Matrix,
 * Query, Bench, Inspector), driven by named actions bound to keys, themed
 * from themes/NAME.theme files.
 */
#ifndef TINYSCOPE_TUI_H
#define TINYSCOPE_TUI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tinyscope/catalog.h"
#include "tinyscope/status.h"
#include "tinyscope/store.h"

/** What `tinyscope [FILES]` hands to the UI. */
typedef struct {
    char *const *paths; /**< files and directories; none: the sample graphs */
    size_t n_paths;
    bool strict;                 /**< any input error is fatal */
    const char *base;            /**< base IRI, or NULL */
    const char *const *contexts; /**< --context "URL=FILE" mappings */
    size_t n_contexts;
    const char *rdf_direction; /**< --rdf-direction MODE, or NULL: the loader's default */
    const char *results;  /**< --results FILE; NULL: the default results file */
    const char *endpoint; /**< --endpoint URL: panes ask this SPARQL endpoint */
    const char *graph;    /**< --graph IRI with endpoint, or NULL */
    const char *theme;    /**< --theme NAME or a path; NULL: the config file's, else "default" */
    bool ascii;           /**< --ascii: no UTF-8 box drawing or glyphs */
    /**
     * Keys come from this script file instead of the terminal, and curses
     * draws into a virtual screen sized by $COLUMNS x $LINES (80x24 by
     * default); see ts_tui_run. NULL: interactive.
     */
    const char *script;
    const char *trace; /**< per-frame timing log (TINYSCOPE_TRACE), or NULL */
    uint64_t start_ns; /**< CLOCK_MONOTONIC at process start, 0: unknown */
    /**
     * The Bench pane: ports it lists besides the USB serial ports it
     * discovers (pseudo-terminals, tcp:HOST:PORT), whether it starts a run
     * on each of them at once, and the results file (NULL: the default one).
     */
    const char *const *bench_ports;
    size_t n_bench_ports;
    bool bench_autostart;
    const char *bench_results;
    bool start_on_bench; /**< open on the Bench pane instead of Devices */
} ts_tui_opts;

/**
 * Open the UI on a terminal (or headless on a script), load the sources
 * with progress shown (as every command loads them: session.h; with an
 * endpoint, the panes send their queries there instead), and run until
 * the user quits. Script lines are keys (`jjk`, `<Down>`, `<Enter>`,
 * `<C-c>`, `<F1>`, `<Space>`...) or commands: `:save-display FILE` (the
 * screen as text), `:save-colors FILE` (the colour and attributes of each
 * run of cells), `:resize COLSxROWS`, `:click ROW COL` and
 * `:wheel ROW COL up|down`. The script ends with an implicit quit. Returns
 * the process exit status.
 */
int ts_tui_run(const ts_tui_opts *opts);

/**
 * Write the default key bindings to f as a man page fragment (TP paragraphs
 * per context) for the KEYS section of tinyscope(1).
 */
void ts_tui_dump_keys(FILE *f);

/* ---- The query engine hook ------------------------------------------- */

/** One cell of a result row. */
typedef struct {
    const char *text;     /**< as displayed (shortened IRI, literal text, "" unbound) */
    const char *resource; /**< the IRI or "_:id" to inspect, or NULL for literals */
} ts_tui_cell;

/**
 * Where an engine puts its results. The UI copies everything it is given;
 * the engine keeps ownership of the strings.
 */
typedef struct ts_tui_sink ts_tui_sink;
/** Announce the result columns (variable names without '?'); call once, first. */
void ts_tui_sink_columns(ts_tui_sink *sink, const char *const *names, size_t n);
/** Add one row of n cells. Returns false when the row limit is reached: stop. */
bool ts_tui_sink_row(ts_tui_sink *sink, const ts_tui_cell *cells, size_t n);
/** A one-line note shown under the results (e.g. "ASK: true"). */
void ts_tui_sink_note(ts_tui_sink *sink, const char *note);

/**
 * How the user cancels a running query. While an engine runs, Ctrl-C sets
 * *flag (from a SIGINT handler). An engine that reads the flag (like the
 * SPARQL engine's opts.cancel) needs nothing more; poll(ui) additionally
 * reads pending keys and returns true once Ctrl-C was among them, for
 * engines that would rather ask.
 */
typedef struct {
    const volatile sig_atomic_t *flag;
    bool (*poll)(void *ui);
    void *ui;
} ts_tui_cancel;

/**
 * A query engine as the Query pane sees it. run() evaluates query against
 * store, feeding sink, and returns TS_ERR_CANCELLED when cancel says so.
 * On a syntax or evaluation error it fills err (line and col 1-based within
 * the query text, col in characters) and returns its status.
 */
typedef struct {
    const char *name;
    void *ctx;
    ts_status (*run)(void *ctx, ts_store *store, const char *query, ts_tui_sink *sink,
                     const ts_tui_cancel *cancel, ts_error *err);
} ts_tui_query_engine;

/** The engine over the local store (tinyscope's SPARQL 1.1), installed by default. */
extern const ts_tui_query_engine ts_tui_sparql_engine;

/**
 * Install the engine the Query pane runs queries with (borrowed: it must
 * outlive the UI); ts_tui_sparql_engine until this is called. NULL removes
 * it; without one the pane says so.
 */
void ts_tui_set_query_engine(const ts_tui_query_engine *engine);

/* ---- The catalog hook -------------------------------------------------- */

/**
 * Builds the boards and models of the Devices, Models and Matrix panes from
 * the store: a finished catalog (ts_catalog_finish), owned by the UI from
 * then on (it calls ts_catalog_free), or NULL with the reason in diags.
 * Called after every (re)load.
 */
typedef ts_catalog *(*ts_tui_catalog_fn)(ts_store *store, ts_diags *diags);

/** The default builder: the view queries of ontology/views over the store. */
ts_catalog *ts_tui_views_catalog(ts_store *store, ts_diags *diags);

/**
 * Install the catalog builder (ts_tui_views_catalog until this is called);
 * NULL: none, and the panes say so.
 */
void ts_tui_set_catalog_source(ts_tui_catalog_fn fn);

#endif
