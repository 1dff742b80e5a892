/* Shared by the UI's files: actions and keys, themes, drawing, widgets. */
#ifndef TINYSCOPE_TUI_INTERNAL_H
#define TINYSCOPE_TUI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tinyscope/buf.h"
#include "tinyscope/tui.h"

/* ---- Actions and keys (keys.c) ----------------------------------------- */

/* Every action a key can trigger: enum name, config name, help text. */
#define TS_ACTION_LIST(X)                                                                          \
    X(NONE, "none", "Do nothing (unbind a key)")                                                   \
    X(HELP, "help", "Show this help: every key and what it does")                                  \
    X(QUIT, "quit", "Quit tinyscope (or close the help)")                                          \
    X(MOVE_UP, "move-up", "Move the cursor up one line")                                           \
    X(MOVE_DOWN, "move-down", "Move the cursor down one line")                                     \
    X(SCROLL_LEFT, "scroll-left", "Scroll left (columns after the first)")                         \
    X(SCROLL_RIGHT, "scroll-right", "Scroll right (columns after the first)")                      \
    X(PAGE_UP, "page-up", "Move up one page")                                                      \
    X(PAGE_DOWN, "page-down", "Move down one page")                                                \
    X(MOVE_FIRST, "move-first", "Go to the first line")                                            \
    X(MOVE_LAST, "move-last", "Go to the last line")                                               \
    X(NEXT_PANE, "next-pane", "Switch to the next pane")                                           \
    X(PREV_PANE, "prev-pane", "Switch to the previous pane")                                       \
    X(PANE_1, "pane-devices", "Show the Devices pane")                                             \
    X(PANE_2, "pane-models", "Show the Models pane")                                               \
    X(PANE_3, "pane-matrix", "Show the Matrix pane")                                               \
    X(PANE_4, "pane-query", "Show the Query pane")                                                 \
    X(PANE_5, "pane-bench", "Show the Bench pane")                                                 \
    X(PANE_6, "pane-inspector", "Show the Inspector pane")                                         \
    X(ENTER, "enter", "Open the selected item (follow a link, edit the query)")                    \
    X(BACK, "back", "Go back in the Inspector's history")                                          \
    X(FORWARD, "forward", "Go forward in the Inspector's history")                                 \
    X(INSPECT, "inspect", "Inspect the resource under the cursor")                                 \
    X(GOTO, "goto", "Inspect a resource by IRI or prefixed name")                                  \
    X(FILTER, "filter", "Filter the list (search in the Inspector and help)")                      \
    X(FIND_NEXT, "find-next", "Go to the next match")                                              \
    X(FIND_PREV, "find-prev", "Go to the previous match")                                          \
    X(SORT, "sort", "Sort by the next column")                                                     \
    X(SORT_REVERSE, "sort-reverse", "Reverse the sort order")                                      \
    X(RELOAD, "reload", "Reload every source from disk")                                           \
    X(EXPORT, "export", "Export the current table as CSV")                                         \
    X(THEME, "next-theme", "Switch to the next bundled theme")                                     \
    X(REDRAW, "redraw", "Redraw the whole screen")                                                 \
    X(RUN_QUERY, "run-query", "Run the query in the editor")                                       \
    X(CANCEL, "cancel", "Cancel a running query; leave the editor or prompt")                      \
    X(HISTORY_PREV, "history-prev", "Recall the previous query from history")                      \
    X(HISTORY_NEXT, "history-next", "Recall the next query from history")                          \
    X(CLEAR, "clear", "Clear the query editor")                                                    \
    X(ACCEPT, "accept", "Accept the prompt")                                                       \
    X(BENCH_START, "bench-start", "Bench pane: start a run on the selected port")                  \
    X(BENCH_SETUP, "bench-setup", "Bench pane: choose protocol, model and runs, then start")        \
    X(BENCH_STOP, "bench-stop", "Bench pane: stop the run on the selected port")

typedef enum {
#define TS_X_ACTION(id, name, help) TS_ACT_##id,
    TS_ACTION_LIST(TS_X_ACTION)
#undef TS_X_ACTION
        TS_ACT_COUNT
} ts_action;

/** Where a binding applies: everywhere, in the query editor, in the prompt. */
typedef enum { TS_KCTX_MAIN, TS_KCTX_EDITOR, TS_KCTX_PROMPT, TS_KCTX_COUNT } ts_key_ctx;

const char *ts_action_name(ts_action act);
const char *ts_action_help(ts_action act);
/** The action with this config name, or TS_ACT_COUNT. */
ts_action ts_action_from_name(const char *name);
/** A short title for a context ("Everywhere", "Query editor", "Prompt"). */
const char *ts_key_ctx_title(ts_key_ctx ctx);
/** The context named in config files ("main", "editor", "prompt"), or -1. */
int ts_key_ctx_parse(const char *name);

/** Keys beyond curses' range that we name ourselves. */
#define TS_KEY_CTRL(c) ((c)&0x1f)
#define TS_KEY_ESC 27

/**
 * The name of a curses key code as in config files and help ("j", "<Down>",
 * "<C-c>", "<F1>", "<S-Tab>"). Returns a pointer to a static buffer.
 */
const char *ts_key_name(int key);
/** The key code for a name as ts_key_name writes it; -1 if unknown. */
int ts_key_parse(const char *name);

typedef struct {
    int key;
    ts_action action;
    ts_key_ctx ctx;
} ts_binding;

/** Bindings, the defaults first; later ones override earlier ones. */
typedef struct {
    ts_binding *items;
    size_t count;
    size_t cap;
} ts_keymap;

/** Fill km with the default bindings (km zero-initialised). */
void ts_keymap_defaults(ts_keymap *km);
/** Bind key to act in ctx, replacing an earlier binding of that key. */
void ts_keymap_bind(ts_keymap *km, ts_key_ctx ctx, int key, ts_action act);
/** The action for key in ctx (TS_ACT_NONE if unbound). */
ts_action ts_keymap_lookup(const ts_keymap *km, ts_key_ctx ctx, int key);
/** The keys bound to act in ctx, as "j, <Down>" (appended to out). */
void ts_keymap_keys_for(const ts_keymap *km, ts_key_ctx ctx, ts_action act, ts_buf *out);
void ts_keymap_free(ts_keymap *km);

/* ---- Themes (theme.c) ------------------------------------------------- */

/* Every themed element: enum name, name in theme files. */
#define TS_ELEMENT_LIST(X)                                                                         \
    X(NORMAL, "normal")                                                                            \
    X(TITLE, "title")                                                                              \
    X(TAB, "tab")                                                                                  \
    X(TAB_ACTIVE, "tab-active")                                                                    \
    X(HEADER, "header")                                                                            \
    X(CURSOR, "cursor")                                                                            \
    X(STATUS, "status")                                                                            \
    X(MESSAGE, "message")                                                                          \
    X(ERROR, "error")                                                                              \
    X(BORDER, "border")                                                                            \
    X(DIM, "dim")                                                                                  \
    X(KEY, "key")                                                                                  \
    X(LINK, "link")                                                                                \
    X(LITERAL, "literal")                                                                          \
    X(PREDICATE, "predicate")                                                                      \
    X(ESCAPED, "escaped")                                                                          \
    X(MATCH, "match")                                                                              \
    X(BAR_FILL, "bar-fill")                                                                        \
    X(BAR_EMPTY, "bar-empty")                                                                      \
    X(SPARK, "sparkline")                                                                          \
    X(OK, "ok")                                                                                    \
    X(WARN, "warn")                                                                                \
    X(BAD, "bad")                                                                                  \
    X(UNKNOWN, "unknown")

typedef enum {
#define TS_X_EL(id, name) TS_EL_##id,
    TS_ELEMENT_LIST(TS_X_EL)
#undef TS_X_EL
        TS_EL_COUNT
} ts_element;

/** A colour: -1 the terminal default, 0..255 a palette entry. */
typedef struct {
    short fg;
    short bg;
    unsigned attrs; /**< TS_ATTR_* */
    bool set;       /**< the theme file named this element */
} ts_style;

enum {
    TS_ATTR_BOLD = 1u << 0,
    TS_ATTR_UNDERLINE = 1u << 1,
    TS_ATTR_REVERSE = 1u << 2,
    TS_ATTR_DIM = 1u << 3,
    TS_ATTR_ITALIC = 1u << 4,
};

typedef struct {
    char *name;
    ts_style styles[TS_EL_COUNT];
} ts_theme;

const char *ts_element_name(ts_element el);
/**
 * Parse theme text (from source, for messages) into theme, which starts
 * from the built-in defaults. Errors go to diags with source:line:col;
 * lines in error are skipped. Returns TS_ERR_SYNTAX if any line was bad.
 */
ts_status ts_theme_parse(ts_theme *theme, const char *source, const char *text, ts_diags *diags);
/** The built-in default theme (used when no file is found). */
void ts_theme_builtin(ts_theme *theme);
/**
 * Load a theme by name ("light": $XDG_CONFIG_HOME/tinyscope/themes/light.theme,
 * else the data directory's themes/light.theme) or by path (contains '/').
 */
ts_status ts_theme_load(ts_theme *theme, const char *name, ts_diags *diags);
void ts_theme_clear(ts_theme *theme);
/** The bundled theme names, in the order next-theme cycles through them. */
extern const char *const ts_theme_bundled[];
extern const size_t ts_theme_n_bundled;

/* ---- Config file (theme.c) -------------------------------------------- */

typedef struct {
    char *theme; /**< theme = NAME */
    int ascii;   /**< ascii = yes|no; -1 unset */
    int mouse;   /**< mouse = yes|no; -1 unset */
} ts_config;

/**
 * Parse the config text: `theme = NAME`, `ascii = yes|no`, `mouse = yes|no`,
 * `bind CONTEXT KEY ACTION`. Bindings go into km. Errors go to diags.
 */
ts_status ts_config_parse(ts_config *cfg, ts_keymap *km, const char *source, const char *text,
                          ts_diags *diags);
/** $XDG_CONFIG_HOME/tinyscope/config (or ~/.config/...); caller frees. */
char *ts_config_path(void);
/** $XDG_STATE_HOME/tinyscope/NAME (or ~/.local/state/...); caller frees. */
char *ts_state_path(const char *name);
void ts_config_clear(ts_config *cfg);

/* ---- Text and widgets (draw.c) ----------------------------------------- */

/**
 * Glyphs for boxes, bars and sparklines: UTF-8 or ASCII. Each entry is a
 * NUL-terminated UTF-8 string of one cell.
 */
typedef struct {
    const char *hline, *vline, *tl, *tr, *bl, *br, *ltee, *rtee;
    const char *bar_full, *bar_empty, *ellipsis, *arrow_right, *arrow_left;
    const char *sort_up, *sort_down;
    const char *spark[8];
    const char *fits, *no, *unknown; /**< verdicts in the matrix */
} ts_glyphs;

const ts_glyphs *ts_glyphs_get(bool ascii);

/**
 * The terminal width of the UTF-8 text s[0..n) once sanitised (so escapes
 * count with their visible length).
 */
int ts_text_width(const char *s);

/**
 * Append to out a memory bar of width cells for used/total, e.g.
 * "██████░░░░" (fraction clamped to 0..1; total 0 gives all empty).
 */
void ts_widget_bar(ts_buf *out, const ts_glyphs *g, double used, double total, int width);
/**
 * Append a sparkline of the last width values (min..max scaled to the eight
 * levels; NaN values as spaces).
 */
void ts_widget_sparkline(ts_buf *out, const ts_glyphs *g, const double *values, size_t n,
                         int width);

/* ---- Query history (history.c) ----------------------------------------- */

typedef struct {
    char **items; /**< oldest first */
    size_t count;
    size_t cap;
    size_t max; /**< entries kept (0: 500) */
} ts_history;

/** Load entries from path (a missing file is an empty history). */
ts_status ts_history_load(ts_history *h, const char *path);
/** Add an entry (skipping empty text and a repeat of the newest). */
void ts_history_add(ts_history *h, const char *text);
/**
 * Write the history to path atomically (a temporary file in the same
 * directory, fsync, rename), creating the directory if needed.
 */
ts_status ts_history_save(const ts_history *h, const char *path);
void ts_history_free(ts_history *h);

/* ---- Time ------------------------------------------------------------- */

/** CLOCK_MONOTONIC in nanoseconds. */
uint64_t ts_now_ns(void);

#endif
