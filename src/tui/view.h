/*
 * Views: each pane fills a ts_view_ops table (like tig's view_ops) and the
 * generic machinery (app.c, view.c, table.c, draw.c) drives it without
 * knowing which pane it is.
 */
#ifndef TINYSCOPE_TUI_VIEW_H
#define TINYSCOPE_TUI_VIEW_H

#include <curses.h>
#include <poll.h>
#include <signal.h>

#include "tinyscope/query.h"
#include "tui_internal.h"

typedef struct ts_app ts_app;
typedef struct ts_view ts_view;

/** A rectangle of the screen, in cells. */
typedef struct {
    int y, x, h, w;
} ts_rect;

typedef struct {
    const char *name; /**< tab title ("Devices") */
    const char *help; /**< what the pane shows, for the help screen */
    /** Set up (or, after a reload, rebuild) the pane from ts_app_store(). */
    void (*open)(ts_view *v);
    /** Draw into r (the whole body area). */
    void (*draw)(ts_view *v, ts_rect r);
    /** Handle an action; false leaves it to the generic handling. */
    bool (*request)(ts_view *v, ts_action act);
    /**
     * A raw key while v->editing (text entry); false when the key is not
     * text, so the editor context's bindings apply. NULL: never edits.
     */
    bool (*input)(ts_view *v, int key);
    /** Filter or search for text (NULL clears); dir 1/-1 for n/N. */
    void (*search)(ts_view *v, const char *text, int dir);
    /** A mouse click at (y, x) inside the body r. */
    void (*click)(ts_view *v, ts_rect r, int y, int x);
    /** The status line text for the pane (appended to out). */
    void (*status)(ts_view *v, ts_buf *out);
    /** The resource (IRI or "_:id") under the cursor, or NULL; caller frees. */
    char *(*selected)(ts_view *v);
    /** Show this resource (IRI or "_:id"); false if the pane does not show resources. */
    bool (*show)(ts_view *v, const char *resource);
    /** Write the pane's table as CSV; false if it has none. */
    bool (*export_csv)(ts_view *v, FILE *f);
    /** Free the pane's state. */
    void (*done)(ts_view *v);
    /**
     * Descriptors the pane waits on besides the keyboard (serial ports):
     * fill at most max of fds, return how many, and lower *timeout_ms (-1:
     * no limit) to when step() is due at the latest. Asked before every
     * wait, whichever pane is shown. NULL: the pane waits on nothing.
     */
    size_t (*pollfds)(ts_view *v, struct pollfd *fds, size_t max, int *timeout_ms);
    /**
     * Handle what the wait found in the descriptors pollfds() gave (revents
     * set, or all zero after a timeout); never blocks. True when the screen
     * needs redrawing.
     */
    bool (*step)(ts_view *v, const struct pollfd *fds, size_t n);
} ts_view_ops;

struct ts_view {
    const ts_view_ops *ops;
    ts_app *app;
    void *priv;   /**< the pane's own state */
    bool editing; /**< raw keys go to ops->input first */
};

/* Panes (one file each). */
extern const ts_view_ops ts_devices_ops;
extern const ts_view_ops ts_models_ops;
extern const ts_view_ops ts_matrix_ops;
extern const ts_view_ops ts_query_ops;
extern const ts_view_ops ts_bench_ops;
extern const ts_view_ops ts_inspector_ops;
extern const ts_view_ops ts_help_ops;

/* ---- What the app offers its views (app.c) ---------------------------- */

/*
 * Keys are curses codes, or Unicode code points for characters; those at or
 * above KEY_MIN carry this flag so they cannot be mistaken for key codes.
 */
#define TS_KEY_CHAR_FLAG 0x1000000

/** True when key is a printable character; *cp receives it. */
bool ts_key_char(int key, unsigned *cp);
/** Place the terminal cursor here after this frame (text entry). */
void ts_app_set_cursor(ts_app *app, int y, int x);
/** Draw a pane's empty state: a title and lines of text, centred. */
void ts_view_draw_empty(ts_rect r, const char *text);
/** The first key bound to act, or "" (one of four static buffers, for texts that name keys). */
const char *ts_app_key_for(ts_app *app, ts_action act);
/** The same for the bindings of context ctx (the editor's, the prompt's). */
const char *ts_app_key_in(ts_app *app, ts_key_ctx ctx, ts_action act);

/** What the UI was started with. Borrowed. */
const ts_tui_opts *ts_app_opts(ts_app *app);
/** The store (NULL while loading). Borrowed. */
ts_store *ts_app_store(ts_app *app);
/** True while sources are being (re)loaded. */
bool ts_app_loading(ts_app *app);
/** A one-line summary of what is loaded ("1234 triples in 3 sources"). */
void ts_app_summary(ts_app *app, ts_buf *out);
/** Show a message on the bottom line until the next key. */
void ts_app_message(ts_app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Show resource in the first view whose ops->show accepts it. */
void ts_app_show_resource(ts_app *app, const char *resource);
/** The bindings (for help). */
const ts_keymap *ts_app_keymap(ts_app *app);
const ts_glyphs *ts_app_glyphs(ts_app *app);
/** The views, in tab order (for help). */
size_t ts_app_view_count(ts_app *app);
ts_view *ts_app_view(ts_app *app, size_t i);
/** Draw a frame now (before a long job starts). */
void ts_app_redraw_now(ts_app *app);
/**
 * Around a long job (a query): begin returns the flag Ctrl-C sets while it
 * runs; end restores the keyboard.
 */
const volatile sig_atomic_t *ts_app_job_begin(ts_app *app);
void ts_app_job_end(ts_app *app);
/** Read pending keys; true once Ctrl-C was among them (it also sets the flag). */
bool ts_app_cancel_requested(ts_app *app);
/** The catalog built after the last load, or NULL (no builder, or it failed). */
const ts_catalog *ts_app_catalog(ts_app *app);
/** Why ts_app_catalog() is NULL ("file:line:col: message"), or "". */
const char *ts_app_catalog_error(ts_app *app);
/** The installed query engine, or NULL. */
const ts_tui_query_engine *ts_app_query_engine(ts_app *app);
/**
 * The dataset queries go to: the endpoint given with --endpoint, or the
 * store (NULL while loading). Borrowed.
 */
ts_dataset *ts_app_dataset(ts_app *app);
/** The endpoint URL when the panes ask a remote endpoint, else NULL. */
const char *ts_app_endpoint(ts_app *app);
/**
 * Run query on ds for the Query pane as ts_tui_sparql_engine does on the
 * store (whose prefixes need no PREFIX lines): query_engine.c.
 */
ts_status ts_tui_dataset_run(ts_dataset *ds, ts_store *store, const char *query, ts_tui_sink *sink,
                             const ts_tui_cancel *cancel, ts_error *err);

/* ---- Drawing (draw.c) -------------------------------------------------- */

/** The curses attributes for a themed element. */
attr_t ts_attr(ts_element el);
/** (Re)initialise colour pairs from theme; colour false: attributes only. */
void ts_draw_apply_theme(const ts_theme *theme, bool colour);
/** True once UTF-8 output is usable (locale is UTF-8 and not --ascii). */
void ts_draw_set_mode(bool utf8_text, const ts_glyphs *glyphs);
const ts_glyphs *ts_draw_glyphs(void);

/**
 * Draw untrusted text at (y, x) in at most width cells, sanitised (escapes
 * in the ESCAPED style), clipped with an ellipsis when it does not fit.
 * Returns the number of cells used.
 */
int ts_draw_text(int y, int x, int width, const char *s, ts_element el);
/**
 * Redraw the first case-insensitive occurrence of needle in s (drawn at
 * (y, x) in width cells) in the MATCH style. needle may be NULL.
 */
void ts_draw_match(int y, int x, int width, const char *s, const char *needle);
/** Fill width cells at (y, x) with spaces in element's style. */
void ts_draw_fill(int y, int x, int width, ts_element el);
/** A box border around r with an optional title. */
void ts_draw_box(ts_rect r, const char *title, ts_element el);
/** A horizontal rule. */
void ts_draw_hline(int y, int x, int width, ts_element el);
/** Centred lines of text (split at '\n') in r: for empty states. */
void ts_draw_centered(ts_rect r, const char *text, ts_element el);

/* ---- The table widget (table.c) ---------------------------------------- */

typedef struct {
    char *title;
    bool numeric;  /**< right-aligned, sorted by value */
    int max_width; /**< 0: as wide as its content (up to a third of the screen) */
} ts_table_col;

/**
 * Rows of string cells with a frozen header and first column, a cursor,
 * scrolling both ways, sorting by any column and a substring filter.
 */
typedef struct ts_table ts_table;
struct ts_table {
    ts_table_col *cols;
    size_t n_cols;
    char **cells;     /**< n_rows * n_cols, owned */
    char **resources; /**< per row: IRI/"_:id" to inspect, or NULL; owned */
    size_t n_rows, cap_rows;
    size_t *order; /**< visible rows (filtered, sorted) */
    size_t n_order;
    size_t cursor;  /**< index into order */
    size_t top;     /**< first visible index into order */
    size_t hscroll; /**< first scrolled column after the frozen one */
    int sort_col;   /**< -1: insertion order */
    bool sort_desc;
    char *filter;
    int page;    /**< rows shown at the last draw */
    int *widths; /**< computed column widths */
    int last_w;  /**< width at the last draw */
    /** A cell cursor (matrix): h/l move col_cursor over the columns after the first. */
    bool cell_cursor;
    size_t col_cursor;
    /** With a filter set, whether a row stays; NULL: rows containing the filter text. */
    bool (*keep)(const ts_table *t, size_t row, void *ctx);
    void *keep_ctx;
    /** The style of a cell that is not under the cursor; NULL: normal. */
    ts_element (*cell_style)(const char *cell, void *ctx);
    void *style_ctx;
};

void ts_table_init(ts_table *t);
/** Replace the columns (and drop all rows). */
void ts_table_set_columns(ts_table *t, const char *const *titles, const bool *numeric, size_t n);
/** Add a row of n_cols cells (copied); resource may be NULL. */
void ts_table_add_row(ts_table *t, const char *const *cells, const char *resource);
void ts_table_clear_rows(ts_table *t);
void ts_table_free(ts_table *t);
/** Re-derive the visible order after rows, filter or sort changed. */
void ts_table_refresh(ts_table *t);
void ts_table_set_filter(ts_table *t, const char *filter);
void ts_table_sort(ts_table *t, int col, bool desc);
/** Generic movement and sorting actions; false if not one of them. */
bool ts_table_request(ts_table *t, ts_action act);
void ts_table_draw(ts_table *t, ts_rect r);
/** A click at screen (y, x) in r: select the row, or sort by the header clicked. */
void ts_table_click(ts_table *t, ts_rect r, int y, int x);
/** The row index under the cursor, or (size_t)-1 when empty. */
size_t ts_table_current(const ts_table *t);
const char *ts_table_cell(const ts_table *t, size_t row, size_t col);
/** "row 3 of 120, sorted by name" and the filter. */
void ts_table_status(const ts_table *t, ts_buf *out);
/** Visible rows as CSV (RFC 4180 quoting), header first. */
void ts_table_write_csv(const ts_table *t, FILE *f);
/** Move the cursor to the next visible row (dir 1/-1) containing text. */
bool ts_table_find(ts_table *t, const char *text, int dir);

/* ---- The line list widget (view.c) ------------------------------------ */

/** One line of a scrolling text pane (help, inspector). */
typedef struct {
    char *text;
    char *note;   /**< shown dimmed after text, or NULL */
    char *target; /**< a resource Enter follows, or NULL */
    ts_element el;
    int indent;
    bool selectable;
} ts_line;

/**
 * Lines with a cursor over the selectable ones (or plain scrolling when
 * none is selectable), search, and click.
 */
typedef struct {
    ts_line *items;
    size_t count, cap;
    size_t cursor; /**< a selectable line, when there is one */
    size_t top;
    char *highlight; /**< the last search, shown in the MATCH style */
    int page;
} ts_lines;

/** Append a line; strings are copied (note and target may be NULL). */
void ts_lines_add(ts_lines *l, int indent, ts_element el, const char *text, const char *note,
                  const char *target, bool selectable);
void ts_lines_clear(ts_lines *l);
bool ts_lines_request(ts_lines *l, ts_action act);
void ts_lines_draw(ts_lines *l, ts_rect r);
void ts_lines_click(ts_lines *l, ts_rect r, int y);
/** Move to the next line (dir 1/-1, 0: from the current) containing text. */
bool ts_lines_find(ts_lines *l, const char *text, int dir);
/** The cursor line, or NULL. */
const ts_line *ts_lines_current(const ts_lines *l);

/* ---- Table panes (view.c) ---------------------------------------------- */

/**
 * The shape shared by list panes (Devices, Models, query results): a table
 * with an optional detail area beside it and an empty state. A pane's priv
 * points to a struct whose first member is a ts_table_pane; the pane keeps
 * its own open/done and uses the ts_table_pane_* operations for the rest.
 */
typedef struct {
    ts_table table;
    /** Draw the detail of table row `row` into r; NULL: no detail area. */
    void (*detail)(ts_view *v, size_t row, ts_rect r);
    /** Draw the empty state into r (no rows). */
    void (*empty)(ts_view *v, ts_rect r);
} ts_table_pane;

void ts_table_pane_draw(ts_view *v, ts_rect r);
bool ts_table_pane_request(ts_view *v, ts_action act);
void ts_table_pane_search(ts_view *v, const char *text, int dir);
void ts_table_pane_click(ts_view *v, ts_rect r, int y, int x);
void ts_table_pane_status(ts_view *v, ts_buf *out);
char *ts_table_pane_selected(ts_view *v);
bool ts_table_pane_export(ts_view *v, FILE *f);
/**
 * The empty state of a pane whose data comes from the catalog: title, then
 * what ("Boards are listed here by the catalog (ontology/views),").
 */
void ts_view_draw_no_catalog(ts_view *v, ts_rect r, const char *title, const char *what);

/* ---- Detail areas (view.c) -------------------------------------------- */

/** Lines drawn top to bottom into a detail area. */
typedef struct {
    ts_rect r;
    int y; /**< next line */
} ts_detail;

/** "label  value" on the next line (value NULL or "": nothing drawn). */
void ts_detail_field(ts_detail *d, const char *label, const char *value);
/** A line of text in style el. */
void ts_detail_text(ts_detail *d, const char *text, ts_element el);
/** "label [####....] note": a memory bar of used out of total (label may be NULL). */
void ts_detail_bar(ts_detail *d, const char *label, double used, double total, const char *note);
/** A number for a table cell: "" when NAN, else %g-like without exponent for kB. */
void ts_fmt_number(ts_buf *out, double v);

/** Case-insensitive (ASCII) substring search. */
const char *ts_strcasestr(const char *hay, const char *needle);

#endif
