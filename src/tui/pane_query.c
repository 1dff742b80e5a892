/*
 * The Query pane: a multi-line SPARQL editor, a history kept across runs
 * ($XDG_STATE_HOME/tinyscope/query_history), and the results as a table.
 * Queries run through the engine installed with ts_tui_set_query_engine();
 * the pane itself knows nothing of SPARQL.
 */
#include <stdlib.h>
#include <string.h>

#include "tinyscope/store.h"
#include "view.h"

#define ROW_LIMIT 10000
#define MAX_QUERY (256 * 1024)

static const char starter[] = "SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n}\nLIMIT 100";

struct ts_tui_sink {
    ts_table *table;
    size_t limit;
    bool limit_hit;
    bool have_columns;
    ts_buf *note;
};

typedef struct {
    ts_buf text;
    size_t cur;    /* byte offset of the cursor in text */
    size_t scroll; /* first editor line shown */
    ts_table results;
    bool ran;
    bool limit_hit;
    ts_buf note;
    ts_error err;
    bool has_err;
    ts_history hist;
    char *hist_path;
    size_t hist_pos;
    char *draft; /* the text being written before browsing history */
    bool loaded;
} query_pane;

/* ---- The sink the engine writes into --------------------------------- */

void ts_tui_sink_columns(ts_tui_sink *sink, const char *const *names, size_t n)
{
    ts_table_set_columns(sink->table, names, NULL, n);
    sink->have_columns = true;
}

bool ts_tui_sink_row(ts_tui_sink *sink, const ts_tui_cell *cells, size_t n)
{
    if (!sink->have_columns || sink->table->n_rows >= sink->limit) {
        sink->limit_hit = sink->have_columns;
        return false;
    }
    size_t nc = sink->table->n_cols;
    const char **texts = ts_calloc(nc ? nc : 1, sizeof *texts);
    const char *resource = NULL;
    for (size_t i = 0; i < nc; i++) {
        texts[i] = i < n && cells[i].text ? cells[i].text : "";
        if (!resource && i < n && cells[i].resource) {
            resource = cells[i].resource;
        }
    }
    ts_table_add_row(sink->table, texts, resource);
    free(texts);
    if (sink->table->n_rows >= sink->limit) {
        sink->limit_hit = true;
        return false;
    }
    return true;
}

void ts_tui_sink_note(ts_tui_sink *sink, const char *note)
{
    ts_buf_truncate(sink->note, 0);
    ts_buf_puts(sink->note, note);
}

/* ---- Editor ------------------------------------------------------------ */

static size_t line_start(const ts_buf *t, size_t pos)
{
    while (pos > 0 && t->data[pos - 1] != '\n') {
        pos--;
    }
    return pos;
}

static size_t line_end(const ts_buf *t, size_t pos)
{
    while (pos < t->len && t->data[pos] != '\n') {
        pos++;
    }
    return pos;
}

static size_t prev_cp(const ts_buf *t, size_t pos)
{
    if (pos == 0) {
        return 0;
    }
    pos--;
    while (pos > 0 && ((unsigned char)t->data[pos] & 0xC0) == 0x80) {
        pos--;
    }
    return pos;
}

static size_t next_cp(const ts_buf *t, size_t pos)
{
    if (pos >= t->len) {
        return t->len;
    }
    pos++;
    while (pos < t->len && ((unsigned char)t->data[pos] & 0xC0) == 0x80) {
        pos++;
    }
    return pos;
}

/* Display width of text[from..to). */
static int span_width(const ts_buf *t, size_t from, size_t to)
{
    char *s = ts_strndup(t->data + from, to - from);
    int w = ts_text_width(s);
    free(s);
    return w;
}

/* The offset in the line starting at ls whose column is closest to col. */
static size_t at_column(const ts_buf *t, size_t ls, int col)
{
    size_t le = line_end(t, ls), pos = ls;
    while (pos < le && span_width(t, ls, next_cp(t, pos)) <= col) {
        pos = next_cp(t, pos);
    }
    return pos;
}

static size_t line_index(const ts_buf *t, size_t pos)
{
    size_t n = 0;
    for (size_t i = 0; i < pos && i < t->len; i++) {
        n += t->data[i] == '\n';
    }
    return n;
}

static void set_text(query_pane *q, const char *s)
{
    ts_buf_truncate(&q->text, 0);
    ts_buf_puts(&q->text, s);
    q->cur = q->text.len;
    q->scroll = 0;
}

static void delete_span(ts_buf *t, size_t from, size_t to)
{
    memmove(t->data + from, t->data + to, t->len - to + 1);
    t->len -= to - from;
}

static void insert(ts_buf *t, size_t at, const char *s, size_t n)
{
    ts_buf_reserve(t, n);
    memmove(t->data + at + n, t->data + at, t->len - at + 1);
    memcpy(t->data + at, s, n);
    t->len += n;
}

static bool query_input(ts_view *v, int key)
{
    query_pane *q = v->priv;
    ts_buf *t = &q->text;
    ts_buf_reserve(t, 0);
    unsigned cp;
    size_t ls = line_start(t, q->cur);
    switch (key) {
    case '\r':
    case '\n':
    case KEY_ENTER:
        if (t->len < MAX_QUERY) {
            insert(t, q->cur, "\n", 1);
            q->cur++;
        }
        return true;
    case KEY_BACKSPACE:
    case 127:
    case TS_KEY_CTRL('h'): {
        size_t p = prev_cp(t, q->cur);
        delete_span(t, p, q->cur);
        q->cur = p;
        return true;
    }
    case KEY_DC: delete_span(t, q->cur, next_cp(t, q->cur)); return true;
    case KEY_LEFT: q->cur = prev_cp(t, q->cur); return true;
    case KEY_RIGHT: q->cur = next_cp(t, q->cur); return true;
    case KEY_HOME:
    case TS_KEY_CTRL('a'): q->cur = ls; return true;
    case KEY_END:
    case TS_KEY_CTRL('e'): q->cur = line_end(t, q->cur); return true;
    case TS_KEY_CTRL('k'): {
        size_t le = line_end(t, q->cur);
        delete_span(t, q->cur, le > q->cur ? le : next_cp(t, q->cur));
        return true;
    }
    case TS_KEY_CTRL('u'):
        delete_span(t, ls, q->cur);
        q->cur = ls;
        return true;
    case KEY_UP:
    case KEY_DOWN: {
        int col = span_width(t, ls, q->cur);
        if (key == KEY_UP && ls > 0) {
            q->cur = at_column(t, line_start(t, ls - 1), col);
        } else if (key == KEY_DOWN && line_end(t, q->cur) < t->len) {
            q->cur = at_column(t, line_end(t, q->cur) + 1, col);
        }
        return true;
    }
    default: break;
    }
    if (ts_key_char(key, &cp) && t->len < MAX_QUERY) {
        ts_buf b = {0};
        ts_buf_put_utf8(&b, cp);
        insert(t, q->cur, b.data, b.len);
        q->cur += b.len;
        ts_buf_free(&b);
        return true;
    }
    return false;
}

/* ---- Running ----------------------------------------------------------- */

static bool poll_cancel(void *ui)
{
    return ts_app_cancel_requested(ui);
}

/* A column whose values are all numbers is right-aligned and sorts by value. */
static void mark_numeric(ts_table *t)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        size_t numbers = 0;
        bool all = true;
        for (size_t r = 0; r < t->n_rows && r < 1000 && all; r++) {
            const char *cell = ts_table_cell(t, r, c);
            double d;
            if (*cell) {
                all = ts_parse_number(cell, &d);
                numbers++;
            }
        }
        t->cols[c].numeric = all && numbers > 0;
    }
}

static void run_query(ts_view *v)
{
    query_pane *q = v->priv;
    const char *text = ts_buf_str(&q->text);
    ts_history_add(&q->hist, text);
    q->hist_pos = q->hist.count;
    if (q->hist_path && ts_history_save(&q->hist, q->hist_path) != TS_OK) {
        ts_app_message(v->app, true, "cannot save the query history to %s", q->hist_path);
    }
    const ts_tui_query_engine *engine = ts_app_query_engine(v->app);
    ts_store *store = ts_app_store(v->app);
    if (!engine || !store) {
        ts_app_message(v->app, true,
                       "no SPARQL engine in this build: the query was kept in the history");
        return;
    }
    ts_table_set_columns(&q->results, NULL, NULL, 0);
    ts_buf_truncate(&q->note, 0);
    ts_error_clear(&q->err);
    q->has_err = false;
    ts_tui_sink sink = {.table = &q->results, .limit = ROW_LIMIT, .note = &q->note};
    ts_app_message(v->app, false, "running; Ctrl-C cancels");
    ts_app_redraw_now(v->app);
    ts_tui_cancel cancel = {ts_app_job_begin(v->app), poll_cancel, v->app};
    uint64_t t0 = ts_now_ns();
    ts_status st = engine->run(engine->ctx, store, text, &sink, &cancel, &q->err);
    ts_app_job_end(v->app);
    ts_app_message(v->app, false, "%s", "");
    double ms = (double)(ts_now_ns() - t0) / 1e6;
    q->ran = true;
    q->limit_hit = sink.limit_hit;
    mark_numeric(&q->results);
    ts_table_refresh(&q->results);
    if (st == TS_ERR_CANCELLED) {
        ts_app_message(v->app, true, "query cancelled after %.0f ms; %zu rows so far", ms,
                       q->results.n_rows);
    } else if (st != TS_OK) {
        q->has_err = true;
        if (q->err.status == TS_OK) {
            ts_error_set(&q->err, st, "<query>", 0, 0, "%s", ts_strerror(st));
        }
    } else {
        v->editing = false;
        ts_app_message(v->app, false, "%zu row%s in %.1f ms%s", q->results.n_rows,
                       q->results.n_rows == 1 ? "" : "s", ms,
                       sink.limit_hit ? " (row limit reached)" : "");
    }
}

static void recall(query_pane *q, int dir)
{
    if (!q->hist.count) {
        return;
    }
    if (q->hist_pos == q->hist.count) {
        free(q->draft);
        q->draft = ts_strdup(ts_buf_str(&q->text));
    }
    if (dir < 0 && q->hist_pos > 0) {
        q->hist_pos--;
    } else if (dir > 0 && q->hist_pos < q->hist.count) {
        q->hist_pos++;
    }
    set_text(q,
             q->hist_pos < q->hist.count ? q->hist.items[q->hist_pos] : (q->draft ? q->draft : ""));
}

/* ---- View operations --------------------------------------------------- */

static void query_open(ts_view *v)
{
    query_pane *q = v->priv;
    if (!q) {
        q = v->priv = ts_calloc(1, sizeof *q);
        ts_table_init(&q->results);
        q->hist_path = ts_state_path("query_history");
        ts_history_load(&q->hist, q->hist_path);
        q->hist_pos = q->hist.count;
        set_text(q, q->hist.count ? q->hist.items[q->hist.count - 1] : starter);
    }
    /* Results name resources of the old store; drop them on a reload. */
    ts_table_set_columns(&q->results, NULL, NULL, 0);
    q->ran = false;
}

static void draw_editor(ts_view *v, query_pane *q, ts_rect r)
{
    ts_draw_box(r, v->editing ? "Query (editing)" : "Query",
                v->editing ? TS_EL_TITLE : TS_EL_BORDER);
    int inner = r.h - 2;
    if (inner < 1) {
        return;
    }
    size_t cur_line = line_index(&q->text, q->cur);
    if (cur_line < q->scroll) {
        q->scroll = cur_line;
    }
    if (cur_line >= q->scroll + (size_t)inner) {
        q->scroll = cur_line - (size_t)inner + 1;
    }
    size_t pos = 0, line = 0;
    const ts_buf *t = &q->text;
    while (line < q->scroll && pos < t->len) {
        pos = line_end(t, pos) + 1;
        line++;
    }
    int numw = 4;
    for (int i = 0; i < inner; i++) {
        if (pos > t->len) {
            break;
        }
        size_t le = line_end(t, pos);
        char num[16];
        snprintf(num, sizeof num, "%3zu", line + 1);
        ts_draw_text(r.y + 1 + i, r.x + 1, numw - 1, num, TS_EL_DIM);
        char *s = ts_strndup(t->data + pos, le - pos);
        ts_draw_text(r.y + 1 + i, r.x + 1 + numw, r.w - 2 - numw, s, TS_EL_NORMAL);
        free(s);
        if (line == cur_line && v->editing) {
            int col = span_width(t, pos, q->cur);
            int x = r.x + 1 + numw + col;
            ts_app_set_cursor(v->app, r.y + 1 + i, x < r.x + r.w - 1 ? x : r.x + r.w - 2);
        }
        if (le >= t->len) {
            break;
        }
        pos = le + 1;
        line++;
    }
}

/* The error, with the query line it is on and a caret under the column. */
static int draw_error(query_pane *q, ts_rect r)
{
    char msg[2600];
    ts_error_format(&q->err, msg, sizeof msg);
    ts_draw_text(r.y, r.x + 1, r.w - 2, msg, TS_EL_ERROR);
    if (!q->err.line || r.h < 3) {
        return 1;
    }
    size_t pos = 0;
    for (unsigned l = 1; l < q->err.line && pos < q->text.len; l++) {
        pos = line_end(&q->text, pos) + 1;
    }
    if (pos > q->text.len) {
        return 1;
    }
    size_t le = line_end(&q->text, pos);
    char *s = ts_strndup(q->text.data + pos, le - pos);
    ts_draw_text(r.y + 1, r.x + 5, r.w - 6, s, TS_EL_NORMAL);
    /* col counts code points; find its cell. */
    size_t at = pos;
    for (unsigned c = 1; c < q->err.col && at < le; c++) {
        at = next_cp(&q->text, at);
    }
    int x = r.x + 5 + span_width(&q->text, pos, at);
    if (x < r.x + r.w) {
        ts_draw_text(r.y + 2, x, 1, "^", TS_EL_ERROR);
    }
    free(s);
    return 3;
}

static void query_draw(ts_view *v, ts_rect r)
{
    query_pane *q = v->priv;
    int eh = r.h / 3 + 2;
    if (eh < 5) {
        eh = 5;
    }
    if (eh > r.h - 3) {
        eh = r.h - 3;
    }
    draw_editor(v, q, (ts_rect){r.y, r.x, eh, r.w});
    ts_rect rest = {r.y + eh, r.x, r.h - eh, r.w};
    int used = 1;
    if (q->has_err) {
        used = draw_error(q, rest);
    } else if (q->ran) {
        ts_buf b = {0};
        ts_buf_printf(&b, "%zu row%s", q->results.n_rows, q->results.n_rows == 1 ? "" : "s");
        if (q->limit_hit) {
            ts_buf_printf(&b, " (limit of %d rows reached)", ROW_LIMIT);
        }
        if (q->note.len) {
            ts_buf_printf(&b, "  %s", ts_buf_str(&q->note));
        }
        ts_draw_text(rest.y, rest.x + 1, rest.w - 2, ts_buf_str(&b), TS_EL_DIM);
        ts_buf_free(&b);
    } else {
        ts_buf b = {0};
        if (v->editing) {
            static const ts_action acts[] = {TS_ACT_RUN_QUERY, TS_ACT_HISTORY_PREV, TS_ACT_CANCEL};
            static const char *const what[] = {"runs the query", "recalls history",
                                               "leaves the editor"};
            for (size_t i = 0; i < 3; i++) {
                ts_buf k = {0};
                ts_keymap_keys_for(ts_app_keymap(v->app), TS_KCTX_EDITOR, acts[i], &k);
                char *comma = strchr(ts_buf_str(&k), ',');
                if (comma) {
                    ts_buf_truncate(&k, (size_t)(comma - k.data));
                }
                ts_buf_printf(&b, "%s%s %s", i ? ", " : "", ts_buf_str(&k), what[i]);
                ts_buf_free(&k);
            }
        } else {
            ts_buf_printf(&b, "%s edits the query", ts_app_key_for(v->app, TS_ACT_ENTER));
        }
        ts_draw_text(rest.y, rest.x + 1, rest.w - 2, ts_buf_str(&b), TS_EL_DIM);
        ts_buf_free(&b);
    }
    ts_rect table = {rest.y + used, rest.x, rest.h - used, rest.w};
    if (q->results.n_cols) {
        ts_table_draw(&q->results, table);
    } else if (!ts_app_query_engine(v->app)) {
        ts_view_draw_empty(table, "No SPARQL engine in this build\n"
                                  "Queries are kept in the history; results appear here "
                                  "once an engine is present.");
    }
}

static bool query_request(ts_view *v, ts_action act)
{
    query_pane *q = v->priv;
    switch (act) {
    case TS_ACT_RUN_QUERY: run_query(v); return true;
    case TS_ACT_HISTORY_PREV: recall(q, -1); return true;
    case TS_ACT_HISTORY_NEXT: recall(q, 1); return true;
    case TS_ACT_CLEAR:
        q->hist_pos = q->hist.count;
        set_text(q, "");
        return true;
    case TS_ACT_CANCEL:
        if (v->editing) {
            v->editing = false;
            return true;
        }
        return false;
    case TS_ACT_ENTER: v->editing = true; return true;
    default: break;
    }
    return ts_table_request(&q->results, act);
}

static void query_search(ts_view *v, const char *text, int dir)
{
    query_pane *q = v->priv;
    if (dir == 0) {
        ts_table_set_filter(&q->results, text);
    } else if (text && !ts_table_find(&q->results, text, dir)) {
        ts_app_message(v->app, true, "not found: %s", text);
    }
}

static void query_click(ts_view *v, ts_rect r, int y, int x)
{
    query_pane *q = v->priv;
    int eh = r.h / 3 + 2 < 5 ? 5 : r.h / 3 + 2;
    if (y < r.y + eh) {
        v->editing = true;
        return;
    }
    int used = q->has_err ? 3 : 1;
    ts_table_click(&q->results, (ts_rect){r.y + eh + used, r.x, r.h - eh - used, r.w}, y, x);
}

static void query_status(ts_view *v, ts_buf *out)
{
    query_pane *q = v->priv;
    if (v->editing) {
        ts_buf_printf(out, "editing: line %zu, %zu in history", line_index(&q->text, q->cur) + 1,
                      q->hist.count);
    } else {
        ts_table_status(&q->results, out);
    }
}

static char *query_selected(ts_view *v)
{
    query_pane *q = v->priv;
    size_t row = ts_table_current(&q->results);
    return row != (size_t)-1 && q->results.resources[row] ? ts_strdup(q->results.resources[row])
                                                          : NULL;
}

static bool query_export(ts_view *v, FILE *f)
{
    query_pane *q = v->priv;
    ts_table_write_csv(&q->results, f);
    return true;
}

static void query_done(ts_view *v)
{
    query_pane *q = v->priv;
    if (!q) {
        return;
    }
    ts_buf_free(&q->text);
    ts_buf_free(&q->note);
    ts_table_free(&q->results);
    ts_history_free(&q->hist);
    free(q->hist_path);
    free(q->draft);
    free(q);
}

const ts_view_ops ts_query_ops = {
    .name = "Query",
    .help =
        "SPARQL over everything loaded. Enter opens the editor (several lines; "
        "Ctrl-R or F5 runs, Ctrl-X clears, Ctrl-P and Ctrl-N recall earlier queries, kept across "
        "runs in $XDG_STATE_HOME/tinyscope/query_history; Esc leaves the editor). "
        "Results are a table: sort, filter and export it like any list; i inspects "
        "the resource in the row. Ctrl-C cancels a running query. An error shows "
        "the line with a caret under the position.",
    .open = query_open,
    .draw = query_draw,
    .request = query_request,
    .input = query_input,
    .search = query_search,
    .click = query_click,
    .status = query_status,
    .selected = query_selected,
    .export_csv = query_export,
    .done = query_done,
};
