/*
 * The application: terminal set-up, loading with progress, the main loop
 * (keys → actions → views → frame), the tab bar, status line and prompt,
 * mouse, resize, themes, the scripted headless mode and the frame trace.
 * It knows panes only through the table below and ts_view_ops.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tinyscope/catalog_views.h"
#include "tinyscope/outfile.h"
#include "tinyscope/sanitize.h"
#include "tinyscope/session.h"
#include "view.h"

/* The tabs, in order; keys 1..6 (pane-devices ... pane-inspector). */
static const ts_view_ops *const tab_ops[] = {
    &ts_devices_ops, &ts_models_ops, &ts_matrix_ops,
    &ts_query_ops,   &ts_bench_ops,  &ts_inspector_ops,
};
#define N_TABS (sizeof tab_ops / sizeof tab_ops[0])

#define KEY_CHAR_FLAG TS_KEY_CHAR_FLAG

typedef enum { PROMPT_NONE, PROMPT_FILTER, PROMPT_GOTO, PROMPT_EXPORT } prompt_kind;

struct ts_app {
    ts_tui_opts opts;
    ts_session *session;
    ts_store *store; /* the session's, after a load */
    ts_diags *diags; /* the session's */
    bool loading;
    const char *load_path;
    size_t load_done, load_total;
    uint64_t last_progress_ns;
    char wait_text[160]; /* what a request to the endpoint waits for */
    ts_tui_query_engine remote_engine;

    ts_keymap keymap;
    ts_config cfg;
    ts_theme theme;
    size_t theme_index; /* into ts_theme_bundled, for next-theme */
    bool colour, ascii, utf8, mouse;

    ts_view tabs[N_TABS];
    ts_view help;
    size_t current;
    bool help_open;
    int tab_x[N_TABS + 1];

    ts_buf message;
    bool message_error;

    prompt_kind prompt;
    ts_buf prompt_text;
    ts_history prompt_hist;
    size_t prompt_hist_pos;
    char *last_search;

    /* Headless scripted mode. */
    SCREEN *screen;
    FILE *term_out, *term_in;
    FILE *script;
    int *queue;
    size_t queue_len, queue_pos, queue_cap;
    bool script_done;

    /* Keys read while polling for Ctrl-C, replayed afterwards. */
    int pending[16];
    size_t n_pending;

    FILE *trace;
    uint64_t t0, key_ns;
    unsigned long frames;
    char key_label[32];

    const ts_tui_query_engine *engine;
    ts_catalog *catalog;
    char *catalog_error; /* why there is no catalog */
    int cursor_y, cursor_x;
    bool quit;
    int exit_status;
};

static const ts_tui_query_engine *installed_engine = &ts_tui_sparql_engine;
static ts_tui_catalog_fn catalog_source = ts_tui_views_catalog;

void ts_tui_set_catalog_source(ts_tui_catalog_fn fn)
{
    catalog_source = fn;
}

void ts_tui_set_query_engine(const ts_tui_query_engine *engine)
{
    installed_engine = engine;
}

static void draw_frame(ts_app *app);

/* ---- Small services for views ----------------------------------------- */

const char *ts_app_catalog_error(ts_app *app)
{
    return app->catalog_error ? app->catalog_error : "";
}

const ts_catalog *ts_app_catalog(ts_app *app)
{
    return app->loading ? NULL : app->catalog;
}

const ts_tui_opts *ts_app_opts(ts_app *app)
{
    return &app->opts;
}

ts_store *ts_app_store(ts_app *app)
{
    return app->loading ? NULL : app->store;
}
bool ts_app_loading(ts_app *app)
{
    return app->loading;
}
const ts_keymap *ts_app_keymap(ts_app *app)
{
    return &app->keymap;
}
const ts_glyphs *ts_app_glyphs(ts_app *app)
{
    return ts_glyphs_get(app->ascii || !app->utf8);
}
size_t ts_app_view_count(ts_app *app)
{
    (void)app;
    return N_TABS;
}
ts_view *ts_app_view(ts_app *app, size_t i)
{
    return i < N_TABS ? &app->tabs[i] : NULL;
}
const ts_tui_query_engine *ts_app_query_engine(ts_app *app)
{
    return app->engine;
}

void ts_app_redraw_now(ts_app *app)
{
    draw_frame(app);
}

void ts_app_set_cursor(ts_app *app, int y, int x)
{
    app->cursor_y = y;
    app->cursor_x = x;
}

const char *ts_app_key_for(ts_app *app, ts_action act)
{
    return ts_app_key_in(app, TS_KCTX_MAIN, act);
}

const char *ts_app_key_in(ts_app *app, ts_key_ctx ctx, ts_action act)
{
    /* A few buffers, so one printf can name several keys. */
    static char bufs[4][64];
    static unsigned next;
    char *buf = bufs[next++ % 4];
    ts_buf k = {0};
    ts_keymap_keys_for(&app->keymap, ctx, act, &k);
    const char *s = ts_buf_str(&k);
    const char *comma = strchr(s, ',');
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    snprintf(buf, sizeof bufs[0], "%.*s", (int)n, s);
    ts_buf_free(&k);
    return buf;
}

bool ts_key_char(int key, unsigned *cp)
{
    if (key & TS_KEY_CHAR_FLAG) {
        *cp = (unsigned)(key & ~TS_KEY_CHAR_FLAG);
        return true;
    }
    if (key >= 0x20 && key < KEY_MIN && key != 0x7F) {
        *cp = (unsigned)key;
        return true;
    }
    return false;
}

ts_dataset *ts_app_dataset(ts_app *app)
{
    return app->loading || !app->store ? NULL : ts_session_dataset(app->session);
}

const char *ts_app_endpoint(ts_app *app)
{
    return ts_session_options(app->session)->endpoint;
}

void ts_app_summary(ts_app *app, ts_buf *out)
{
    ts_remote *remote = ts_session_remote(app->session);
    if (remote) {
        size_t n = ts_remote_requests(remote);
        ts_buf_printf(out, "%s, %zu request%s", ts_remote_url(remote), n, n == 1 ? "" : "s");
        return;
    }
    if (!app->store) {
        ts_buf_puts(out, "nothing loaded");
        return;
    }
    size_t n = ts_store_source_count(app->store);
    ts_buf_printf(out, "%zu triples in %zu source%s", sord_num_quads(ts_store_model(app->store)), n,
                  n == 1 ? "" : "s");
    if (app->diags->errors) {
        ts_buf_printf(out, ", %zu error%s", app->diags->errors, app->diags->errors == 1 ? "" : "s");
    }
}

void ts_app_message(ts_app *app, bool error, const char *fmt, ...)
{
    ts_buf_truncate(&app->message, 0);
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&app->message, fmt, ap);
    va_end(ap);
    app->message_error = error;
}

static void switch_to(ts_app *app, size_t i)
{
    if (i < N_TABS) {
        app->current = i;
        app->help_open = false;
    }
}

void ts_app_show_resource(ts_app *app, const char *resource)
{
    for (size_t i = 0; i < N_TABS; i++) {
        ts_view *v = &app->tabs[i];
        if (v->ops->show && v->ops->show(v, resource)) {
            switch_to(app, i);
            return;
        }
    }
}

/* ---- Keys: terminal or script ----------------------------------------- */

static void queue_key(ts_app *app, int key)
{
    if (app->queue_len == app->queue_cap) {
        app->queue_cap = app->queue_cap ? app->queue_cap * 2 : 64;
        app->queue = ts_reallocarray(app->queue, app->queue_cap, sizeof *app->queue);
    }
    app->queue[app->queue_len++] = key;
}

static int char_key(unsigned cp)
{
    return cp >= KEY_MIN ? (int)(cp | KEY_CHAR_FLAG) : (int)cp;
}

/* A script line of keys: characters, and <Name> for special keys. */
static void queue_script_keys(ts_app *app, const char *line)
{
    const unsigned char *s = (const unsigned char *)line;
    size_t n = strlen(line);
    for (size_t i = 0; i < n;) {
        if (s[i] == '<') {
            const char *close = strchr(line + i, '>');
            if (close) {
                char *name = ts_strndup(line + i, (size_t)(close - line - i) + 1);
                int key = ts_key_parse(name);
                free(name);
                if (key >= 0) {
                    queue_key(app, key);
                    i = (size_t)(close - line) + 1;
                    continue;
                }
            }
        }
        unsigned cp;
        size_t len = ts_utf8_decode(s + i, n - i, &cp);
        if (!len) {
            len = 1;
            cp = s[i];
        }
        queue_key(app, char_key(cp));
        i += len;
    }
}

static void handle_click(ts_app *app, int y, int x);
static void handle_wheel(ts_app *app, int y, int x, bool up);

static void save_display(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return;
    }
    wchar_t *line = ts_malloc(((size_t)COLS + 1) * sizeof *line);
    for (int y = 0; y < LINES; y++) {
        int n = mvinnwstr(y, 0, line, COLS);
        if (n < 0) {
            n = 0;
        }
        line[n] = 0;
        ts_buf b = {0};
        for (int i = 0; i < n; i++) {
            ts_buf_put_utf8(&b, (unsigned)line[i]);
        }
        while (b.len && b.data[b.len - 1] == ' ') {
            b.len--;
        }
        fwrite(b.data ? b.data : "", 1, b.len, f);
        fputc('\n', f);
        ts_buf_free(&b);
    }
    free(line);
    fclose(f);
}

/* Runs of cells with the same colours and attributes: "row col len fg bg attrs". */
static void save_colours(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return;
    }
    for (int y = 0; y < LINES; y++) {
        int start = 0;
        short pfg = -2, pbg = -2;
        attr_t pattrs = 0;
        for (int x = 0; x <= COLS; x++) {
            short fg = -2, bg = -2;
            attr_t attrs = 0;
            if (x < COLS) {
                cchar_t cc;
                wchar_t wch[CCHARW_MAX + 1];
                short pair = 0;
                mvin_wch(y, x, &cc);
                getcchar(&cc, wch, &attrs, &pair, NULL);
                if (pair_content(pair, &fg, &bg) != OK) {
                    fg = bg = -1;
                }
                attrs &= (A_BOLD | A_UNDERLINE | A_REVERSE | A_DIM);
            }
            if (x == COLS || fg != pfg || bg != pbg || attrs != pattrs) {
                if (x > 0) {
                    fprintf(f, "%d %d %d %d %d %s%s%s%s\n", y, start, x - start, pfg, pbg,
                            pattrs & A_BOLD ? "b" : "", pattrs & A_UNDERLINE ? "u" : "",
                            pattrs & A_REVERSE ? "r" : "", pattrs & A_DIM ? "d" : "");
                }
                start = x;
                pfg = fg;
                pbg = bg;
                pattrs = attrs;
            }
        }
    }
    fclose(f);
}

/* Execute script lines until some keys are queued or the script ends. */
static void script_fill(ts_app *app)
{
    char *line = NULL;
    size_t cap = 0;
    while (app->queue_pos == app->queue_len && !app->script_done) {
        ssize_t n = getline(&line, &cap, app->script);
        if (n < 0) {
            app->script_done = true;
            break;
        }
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (!n || line[0] == '#') {
            continue;
        }
        app->queue_len = app->queue_pos = 0;
        if (line[0] != ':' || n == 1) {
            queue_script_keys(app, line);
            continue;
        }
        draw_frame(app);
        char arg[1024];
        int a, b;
        char dir[8];
        if (sscanf(line, ":save-display %1023s", arg) == 1) {
            save_display(arg);
        } else if (sscanf(line, ":save-colors %1023s", arg) == 1) {
            save_colours(arg);
        } else if (sscanf(line, ":resize %dx%d", &a, &b) == 2 && a > 0 && b > 0 && a <= 1000 &&
                   b <= 1000) {
            resizeterm(b, a);
        } else if (sscanf(line, ":click %d %d", &a, &b) == 2) {
            handle_click(app, a, b);
        } else if (sscanf(line, ":wheel %d %d %7s", &a, &b, dir) == 3) {
            handle_wheel(app, a, b, !strcmp(dir, "up"));
        } else {
            ts_app_message(app, true, "script: unknown command %s", line);
        }
    }
    free(line);
}

static int read_terminal_key(bool block)
{
    wint_t wch;
    timeout(block ? -1 : 0);
    int r = get_wch(&wch);
    if (r == ERR) {
        return -1;
    }
    if (r == KEY_CODE_YES) {
        return (int)wch;
    }
    return char_key((unsigned)wch);
}

/* ---- Waiting: the keyboard and what the views wait on ------------------ */

#define MAX_POLL_FDS 64
/* Views' output is drawn at most this often (a chatty board cannot make
 * the UI redraw for every line). */
#define FRAME_MIN_NS (40 * 1000000ull)

/* Ask every view for its descriptors after fds[0..first); counts[i] gets
 * view i's share. Returns the total. */
static size_t views_pollfds(ts_app *app, struct pollfd *fds, size_t first, size_t *counts,
                            int *timeout)
{
    size_t n = first;
    for (size_t i = 0; i < N_TABS; i++) {
        ts_view *v = &app->tabs[i];
        counts[i] = 0;
        if (v->ops->pollfds && !app->loading) {
            counts[i] = v->ops->pollfds(v, fds + n, MAX_POLL_FDS - n, timeout);
            n += counts[i];
        }
    }
    return n;
}

/* Let every view handle what poll() found; true when one wants a redraw. */
static bool views_step(ts_app *app, struct pollfd *fds, size_t first, const size_t *counts)
{
    bool changed = false;
    size_t at = first;
    for (size_t i = 0; i < N_TABS; i++) {
        ts_view *v = &app->tabs[i];
        if (v->ops->step && !app->loading) {
            changed |= v->ops->step(v, fds + at, counts[i]);
        }
        at += counts[i];
    }
    return changed;
}

/* The views' descriptors without waiting (the scripted mode, which reads
 * keys from a file, steps them between keys). */
static void views_poll_now(ts_app *app)
{
    struct pollfd fds[MAX_POLL_FDS];
    size_t counts[N_TABS];
    int timeout = -1;
    size_t n = views_pollfds(app, fds, 0, counts, &timeout);
    if (poll(fds, n, 0) < 0) {
        for (size_t i = 0; i < n; i++) {
            fds[i].revents = 0;
        }
    }
    views_step(app, fds, 0, counts);
}

/*
 * The next key from the terminal. Meanwhile the views' descriptors (serial
 * ports) are polled alongside the keyboard and stepped, and the screen is
 * redrawn when they change it: nothing a board does blocks the keys.
 */
static int wait_key(ts_app *app)
{
    uint64_t last_frame = ts_now_ns();
    bool dirty = false, hangup = false;
    for (;;) {
        int k = read_terminal_key(false);
        if (k < 0 && hangup) {
            app->quit = true; /* the terminal went away */
        }
        if (k >= 0 || app->quit) {
            if (dirty) {
                draw_frame(app);
            }
            return k;
        }
        struct pollfd fds[MAX_POLL_FDS];
        size_t counts[N_TABS];
        fds[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        int timeout = -1;
        size_t n = views_pollfds(app, fds, 1, counts, &timeout);
        if (dirty) {
            uint64_t since = ts_now_ns() - last_frame;
            int left = since >= FRAME_MIN_NS ? 0 : (int)((FRAME_MIN_NS - since) / 1000000u) + 1;
            timeout = timeout < 0 || left < timeout ? left : timeout;
        }
        int rc = poll(fds, n, timeout);
        if (rc < 0) {
            if (errno != EINTR) {
                return -1;
            }
            /* A signal (SIGWINCH): curses reports the resize as a key. */
            for (size_t i = 0; i < n; i++) {
                fds[i].revents = 0;
            }
        }
        hangup = rc > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL));
        dirty |= views_step(app, fds, 1, counts);
        if (dirty && ts_now_ns() - last_frame >= FRAME_MIN_NS) {
            draw_frame(app);
            last_frame = ts_now_ns();
            dirty = false;
        }
    }
}

static int next_key(ts_app *app)
{
    if (app->n_pending) {
        int k = app->pending[0];
        memmove(app->pending, app->pending + 1, --app->n_pending * sizeof *app->pending);
        return k;
    }
    if (app->script) {
        views_poll_now(app);
        script_fill(app);
        return app->queue_pos < app->queue_len ? app->queue[app->queue_pos++] : -1;
    }
    return wait_key(app);
}

/* Ctrl-C while a job runs: the terminal sends SIGINT (see ts_app_job_begin). */
static volatile sig_atomic_t job_cancel;

static void on_sigint(int sig)
{
    (void)sig;
    job_cancel = 1;
}

static struct sigaction saved_sigint;

const volatile sig_atomic_t *ts_app_job_begin(ts_app *app)
{
    job_cancel = 0;
    if (!app->script) {
        /* Raw mode reads Ctrl-C as a key; for the job's duration let the
         * terminal turn it into SIGINT, which the job sees at once. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &saved_sigint);
        noraw();
        cbreak();
    }
    return &job_cancel;
}

void ts_app_job_end(ts_app *app)
{
    if (!app->script) {
        raw();
        sigaction(SIGINT, &saved_sigint, NULL);
    }
}

bool ts_app_cancel_requested(ts_app *app)
{
    if (job_cancel) {
        return true;
    }
    if (app->script) {
        if (app->queue_pos < app->queue_len && app->queue[app->queue_pos] == TS_KEY_CTRL('c')) {
            app->queue_pos++;
            job_cancel = 1;
            return true;
        }
        return false;
    }
    int k;
    while ((k = read_terminal_key(false)) >= 0) {
        if (k == TS_KEY_CTRL('c')) {
            job_cancel = 1;
            return true;
        }
        if (app->n_pending < sizeof app->pending / sizeof app->pending[0]) {
            app->pending[app->n_pending++] = k;
        }
    }
    return false;
}

/* ---- Drawing ----------------------------------------------------------- */

static ts_rect body_rect(void)
{
    return (ts_rect){1, 0, LINES - 3, COLS};
}

static void draw_tabs(ts_app *app)
{
    ts_draw_fill(0, 0, COLS, TS_EL_TAB);
    int x = 0;
    for (size_t i = 0; i < N_TABS; i++) {
        char label[64];
        /* Narrow screens get the short form: "1 Dev". */
        const char *name = app->tabs[i].ops->name;
        if (COLS < 72) {
            snprintf(label, sizeof label, " %zu %.3s ", i + 1, name);
        } else {
            snprintf(label, sizeof label, " %zu %s ", i + 1, name);
        }
        app->tab_x[i] = x;
        bool active = i == app->current && !app->help_open;
        x += ts_draw_text(0, x, COLS - x, label, active ? TS_EL_TAB_ACTIVE : TS_EL_TAB);
        if (x < COLS) {
            x++;
        }
    }
    app->tab_x[N_TABS] = x;
    const char *title = app->help_open ? " Help  tinyscope " : " tinyscope ";
    int w = (int)strlen(title);
    if (COLS - x > w) {
        ts_draw_text(0, COLS - w, w, title, TS_EL_TITLE);
    }
}

static void draw_loading(ts_app *app, ts_rect r)
{
    ts_buf b = {0};
    ts_buf_puts(&b, "Loading sources\n(Ctrl-C stops)\n\n");
    if (app->load_path) {
        ts_buf_puts(&b, app->load_path);
        if (app->load_total) {
            ts_buf_printf(&b, "\n%zu%%",
                          (size_t)((double)app->load_done * 100.0 / (double)app->load_total));
        } else if (app->load_done) {
            ts_buf_printf(&b, "\n%zu bytes", app->load_done);
        }
        if (app->load_total) {
            ts_buf_puts(&b, "\n\n");
            ts_widget_bar(&b, ts_app_glyphs(app), (double)app->load_done, (double)app->load_total,
                          r.w > 44 ? 40 : r.w - 4);
        }
    }
    ts_draw_centered(r, ts_buf_str(&b), TS_EL_NORMAL);
    ts_buf_free(&b);
}

static const char *prompt_label(prompt_kind k)
{
    switch (k) {
    case PROMPT_FILTER: return "/";
    case PROMPT_GOTO: return "Inspect (IRI or prefix:name): ";
    case PROMPT_EXPORT: return "Export CSV to: ";
    case PROMPT_NONE: break;
    }
    return "";
}

static void draw_bottom(ts_app *app, ts_view *v)
{
    int y = LINES - 2;
    ts_draw_fill(y, 0, COLS, TS_EL_STATUS);
    ts_buf left = {0}, right = {0};
    if (app->loading) {
        ts_buf_puts(&left, "loading...");
    } else if (v->ops->status) {
        v->ops->status(v, &left);
    }
    ts_app_summary(app, &right);
    ts_buf_printf(&right, " | %s", app->theme.name ? app->theme.name : "default");
    int rw = ts_text_width(ts_buf_str(&right));
    int lw = ts_draw_text(y, 1, COLS - 2, ts_buf_str(&left), TS_EL_STATUS);
    if (lw + rw + 3 < COLS) {
        ts_draw_text(y, COLS - rw - 1, rw, ts_buf_str(&right), TS_EL_STATUS);
    }
    ts_buf_free(&left);
    ts_buf_free(&right);

    y = LINES - 1;
    move(y, 0);
    clrtoeol();
    if (app->prompt) {
        int x = ts_draw_text(y, 0, COLS, prompt_label(app->prompt), TS_EL_KEY);
        x += ts_draw_text(y, x, COLS - x - 1, ts_buf_str(&app->prompt_text), TS_EL_NORMAL);
        move(y, x < COLS ? x : COLS - 1);
        return;
    }
    if (app->message.len) {
        ts_draw_text(y, 0, COLS, ts_buf_str(&app->message),
                     app->message_error ? TS_EL_ERROR : TS_EL_MESSAGE);
        return;
    }
    static const ts_action hints[] = {TS_ACT_HELP,   TS_ACT_QUIT,    TS_ACT_NEXT_PANE,
                                      TS_ACT_FILTER, TS_ACT_INSPECT, TS_ACT_BACK};
    static const char *const words[] = {"help", "quit", "pane", "filter", "inspect", "back"};
    int x = 0;
    for (size_t i = 0; i < sizeof hints / sizeof hints[0] && x < COLS; i++) {
        ts_buf k = {0};
        ts_keymap_keys_for(&app->keymap, TS_KCTX_MAIN, hints[i], &k);
        char *comma = strchr(k.data ? k.data : "", ',');
        if (comma) {
            ts_buf_truncate(&k, (size_t)(comma - k.data));
        }
        if (k.len) {
            x += ts_draw_text(y, x, COLS - x, ts_buf_str(&k), TS_EL_KEY);
            x += ts_draw_text(y, x, COLS - x, " ", TS_EL_DIM);
            x += ts_draw_text(y, x, COLS - x, words[i], TS_EL_DIM);
            x += ts_draw_text(y, x, COLS - x, "  ", TS_EL_DIM);
        }
        ts_buf_free(&k);
    }
}

static void trace_frame(ts_app *app, uint64_t t_start)
{
    if (!app->trace) {
        return;
    }
    uint64_t now = ts_now_ns();
    app->frames++;
    if (app->frames == 1) {
        fprintf(app->trace, "first-frame\tsince_start_ms=%.3f\n", (double)(now - app->t0) / 1e6);
    }
    fprintf(app->trace,
            "frame\tn=%lu\tkey=%s\tkey_to_frame_ms=%.3f\tdraw_ms=%.3f\tsince_start_ms=%.3f\n",
            app->frames, app->key_label[0] ? app->key_label : "-",
            app->key_ns ? (double)(now - app->key_ns) / 1e6 : 0.0, (double)(now - t_start) / 1e6,
            (double)(now - app->t0) / 1e6);
    fflush(app->trace);
}

static void draw_frame(ts_app *app)
{
    uint64_t t_start = ts_now_ns();
    erase();
    app->cursor_y = app->cursor_x = -1;
    if (COLS < 40 || LINES < 10) {
        ts_draw_text(0, 0, COLS, "too small: 40x10 needed", TS_EL_ERROR);
    } else {
        draw_tabs(app);
        ts_view *v = app->help_open ? &app->help : &app->tabs[app->current];
        ts_rect body = body_rect();
        if (app->loading) {
            draw_loading(app, body);
        } else {
            v->ops->draw(v, body);
        }
        draw_bottom(app, v);
        if (!app->prompt && app->cursor_y >= 0 && !app->help_open) {
            move(app->cursor_y, app->cursor_x);
        }
    }
    curs_set(app->prompt || (app->cursor_y >= 0 && !app->help_open) ? 1 : 0);
    wnoutrefresh(stdscr);
    doupdate();
    trace_frame(app, t_start);
    app->key_ns = 0;
    app->key_label[0] = '\0';
}

/* ---- Loading ----------------------------------------------------------- */

static void on_progress(void *ctx, const char *path, size_t done, size_t total)
{
    ts_app *app = ctx;
    app->load_path = path;
    app->load_done = done;
    app->load_total = total;
    uint64_t now = ts_now_ns();
    if (now - app->last_progress_ns > 50 * 1000000u) {
        app->last_progress_ns = now;
        draw_frame(app);
    }
}

static void views_open(ts_app *app)
{
    for (size_t i = 0; i < N_TABS; i++) {
        app->tabs[i].ops->open(&app->tabs[i]);
    }
    app->help.ops->open(&app->help);
}

static void views_done(ts_app *app)
{
    for (size_t i = 0; i < N_TABS; i++) {
        if (app->tabs[i].ops->done) {
            app->tabs[i].ops->done(&app->tabs[i]);
        }
        app->tabs[i].priv = NULL;
    }
    app->help.ops->done(&app->help);
    app->help.priv = NULL;
}

/*
 * While a request to the endpoint waits: keep drawing (elapsed time, a
 * resize) and read the keyboard, so Ctrl-C cancels the request and other
 * keys are kept for afterwards.
 */
static bool remote_wait(void *ctx, double elapsed_ms)
{
    ts_app *app = ctx;
    if (ts_app_cancel_requested(app)) {
        return true;
    }
    uint64_t now = ts_now_ns();
    if (now - app->last_progress_ns > 100 * 1000000u) {
        app->last_progress_ns = now;
        snprintf(app->wait_text, sizeof app->wait_text, "%s: waiting %.1f s (Ctrl-C cancels)",
                 ts_app_endpoint(app), elapsed_ms / 1000.0);
        if (app->loading) {
            app->load_path = app->wait_text;
        } else {
            ts_app_message(app, false, "%s", app->wait_text);
        }
        draw_frame(app);
    }
    return false;
}

/* The Query pane's engine on an endpoint: the same code, another dataset. */
static ts_status remote_query(void *ctx, ts_store *store, const char *query, ts_tui_sink *sink,
                              const ts_tui_cancel *cancel, ts_error *err)
{
    ts_app *app = ctx;
    return ts_tui_dataset_run(ts_session_dataset(app->session), store, query, sink, cancel, err);
}

/* The catalog of the panes: the views over the endpoint, or the installed
 * source over the store. */
static void build_catalog(ts_app *app)
{
    free(app->catalog_error);
    app->catalog_error = NULL;
    size_t before = app->diags->count;
    if (ts_session_remote(app->session)) {
        ts_catalog *cat = ts_catalog_new();
        ts_error err;
        ts_error_clear(&err);
        if (ts_catalog_load(cat, ts_session_dataset(app->session), &err) != TS_OK) {
            ts_diags_add(app->diags, TS_DIAG_ERROR, &err);
            ts_catalog_free(cat);
            cat = NULL;
        }
        app->catalog = cat;
    } else if (catalog_source) {
        app->catalog = catalog_source(app->store, app->diags);
        /* The Inspector's incoming links and class lists need them: build
         * them while the loading screen is up, not on the first Enter. */
        ts_store_prepare(app->store);
    } else {
        app->catalog_error = ts_strdup("no catalog source is installed");
        return;
    }
    if (!app->catalog && app->diags->count > before) {
        char line[2600];
        ts_error_format(&app->diags->items[before].err, line, sizeof line);
        app->catalog_error = ts_strdup(line);
    } else if (!app->catalog) {
        app->catalog_error = ts_strdup("the catalog could not be built");
    }
}

/* Load (or reload) every source, as every command does (session.h).
 * Returns false on a fatal error. While loading, ts_app_store() is NULL and
 * no pane is drawn. */
static bool load_sources(ts_app *app)
{
    uint64_t t = ts_now_ns();
    ts_catalog_free(app->catalog);
    app->catalog = NULL;
    app->store = NULL;
    app->loading = true;
    app->load_path = NULL;
    draw_frame(app);
    bool remote = ts_app_endpoint(app) != NULL;
    /* Reading a big graph takes a while: let Ctrl-C stop the program
     * meanwhile (curses' own SIGINT handler restores the terminal). A
     * request to an endpoint is cancelled instead (remote_wait). */
    if (!app->script && !remote) {
        noraw();
        cbreak();
    }
    ts_error err;
    ts_status st = ts_session_load(app->session, on_progress, app, &err);
    app->store = ts_session_store(app->session);
    app->diags = ts_session_diags(app->session);
    if (!app->script && !remote) {
        raw();
    }
    ts_remote *client = ts_session_remote(app->session);
    if (client) {
        ts_remote_set_wait(client, remote_wait, app);
        if (app->engine == &ts_tui_sparql_engine) {
            app->remote_engine = (ts_tui_query_engine){"sparql", app, remote_query};
            app->engine = &app->remote_engine;
        }
        app->load_path = ts_remote_url(client);
        app->load_done = app->load_total = 0;
    }
    if (app->trace) {
        fprintf(app->trace, "loaded\tload_ms=%.3f\ttriples=%zu\tsince_start_ms=%.3f\n",
                (double)(ts_now_ns() - t) / 1e6, sord_num_quads(ts_store_model(app->store)),
                (double)(ts_now_ns() - app->t0) / 1e6);
    }
    if (st != TS_OK && (app->opts.strict || !ts_store_source_count(app->store))) {
        if (app->opts.strict || !app->diags->count || err.status != TS_OK) {
            app->loading = false;
            return false;
        }
    }
    /* Still "loading" while the catalog's requests go to an endpoint. */
    build_catalog(app);
    app->loading = false;
    if (app->diags->count) {
        char line[2600];
        ts_error_format(&app->diags->items[0].err, line, sizeof line);
        ts_app_message(app, true, "%zu problem%s while loading; first: %s", app->diags->count,
                       app->diags->count == 1 ? "" : "s", line);
    }
    return true;
}

/* ---- Themes ------------------------------------------------------------ */

static void set_theme(ts_app *app, const char *name)
{
    ts_diags d = {0};
    ts_theme t = {0};
    ts_status st = ts_theme_load(&t, name, &d);
    if (st == TS_ERR_NOT_FOUND || st == TS_ERR_BAD_ARG) {
        ts_theme_clear(&t);
        ts_theme_builtin(&t);
        ts_app_message(app, true, "theme '%s' not found; using the built-in default", name);
    } else if (d.count) {
        char line[2600];
        ts_error_format(&d.items[0].err, line, sizeof line);
        ts_app_message(app, true, "theme: %s", line);
    }
    ts_diags_clear(&d);
    ts_theme_clear(&app->theme);
    app->theme = t;
    for (size_t i = 0; i < ts_theme_n_bundled; i++) {
        if (!strcmp(ts_theme_bundled[i], name)) {
            app->theme_index = i;
        }
    }
    ts_draw_apply_theme(&app->theme, app->colour);
}

/* ---- Prompt ------------------------------------------------------------ */

static void open_prompt(ts_app *app, prompt_kind kind, const char *initial)
{
    app->prompt = kind;
    ts_buf_truncate(&app->prompt_text, 0);
    if (initial) {
        ts_buf_puts(&app->prompt_text, initial);
    }
    app->prompt_hist_pos = app->prompt_hist.count;
}

/* path is replaced whole once complete, or left as it was (outfile.h). */
static void export_csv(ts_app *app, ts_view *v, const char *path)
{
    ts_outfile *out = ts_outfile_open(path);
    if (!out) {
        ts_app_message(app, true, "cannot write %s: %s", path, strerror(errno));
        return;
    }
    /* a view that exports nothing has said why */
    if (!v->ops->export_csv(v, ts_outfile_stream(out))) {
        ts_outfile_abort(out);
        return;
    }
    if (ts_outfile_commit(out)) {
        ts_app_message(app, false, "exported to %s", path);
    } else {
        ts_app_message(app, true, "cannot write %s: %s", path, strerror(errno));
    }
}

static void accept_prompt(ts_app *app)
{
    prompt_kind kind = app->prompt;
    char *text = ts_strdup(ts_buf_str(&app->prompt_text));
    app->prompt = PROMPT_NONE;
    ts_history_add(&app->prompt_hist, text);
    ts_view *v = app->help_open ? &app->help : &app->tabs[app->current];
    switch (kind) {
    case PROMPT_FILTER:
        free(app->last_search);
        app->last_search = *text ? ts_strdup(text) : NULL;
        if (v->ops->search) {
            v->ops->search(v, app->last_search, 0);
        }
        break;
    case PROMPT_GOTO:
        if (*text) {
            ts_app_show_resource(app, text);
        }
        break;
    case PROMPT_EXPORT:
        if (*text) {
            export_csv(app, v, text);
        }
        break;
    case PROMPT_NONE: break;
    }
    free(text);
}

static void prompt_key(ts_app *app, int key)
{
    ts_action act = ts_keymap_lookup(&app->keymap, TS_KCTX_PROMPT, key);
    ts_buf *t = &app->prompt_text;
    switch (act) {
    case TS_ACT_ACCEPT: accept_prompt(app); return;
    case TS_ACT_CANCEL: app->prompt = PROMPT_NONE; return;
    case TS_ACT_HISTORY_PREV:
    case TS_ACT_HISTORY_NEXT:
        if (act == TS_ACT_HISTORY_PREV && app->prompt_hist_pos > 0) {
            app->prompt_hist_pos--;
        } else if (act == TS_ACT_HISTORY_NEXT && app->prompt_hist_pos < app->prompt_hist.count) {
            app->prompt_hist_pos++;
        }
        ts_buf_truncate(t, 0);
        if (app->prompt_hist_pos < app->prompt_hist.count) {
            ts_buf_puts(t, app->prompt_hist.items[app->prompt_hist_pos]);
        }
        return;
    default: break;
    }
    if (key == KEY_BACKSPACE || key == 127 || key == TS_KEY_CTRL('h')) {
        /* Remove one whole UTF-8 sequence. */
        size_t n = t->len;
        while (n > 0 && ((unsigned char)t->data[n - 1] & 0xC0) == 0x80) {
            n--;
        }
        ts_buf_truncate(t, n ? n - 1 : 0);
        if (!t->len && key != TS_KEY_CTRL('h') && app->prompt == PROMPT_FILTER) {
            app->prompt = PROMPT_NONE;
        }
        return;
    }
    if (key == TS_KEY_CTRL('u')) {
        ts_buf_truncate(t, 0);
        return;
    }
    unsigned cp;
    if (ts_key_char(key, &cp) && t->len < 4096) {
        ts_buf_put_utf8(t, cp);
    }
}

/* ---- Mouse ------------------------------------------------------------- */

static void handle_click(ts_app *app, int y, int x)
{
    if (y == 0) {
        for (size_t i = 0; i < N_TABS; i++) {
            if (x >= app->tab_x[i] && x < app->tab_x[i + 1]) {
                switch_to(app, i);
            }
        }
        return;
    }
    ts_view *v = app->help_open ? &app->help : &app->tabs[app->current];
    ts_rect body = body_rect();
    if (y >= body.y && y < body.y + body.h && v->ops->click && !app->loading) {
        v->ops->click(v, body, y, x);
    }
}

static void handle_wheel(ts_app *app, int y, int x, bool up)
{
    (void)y;
    (void)x;
    ts_view *v = app->help_open ? &app->help : &app->tabs[app->current];
    for (int i = 0; i < 3 && !app->loading; i++) {
        v->ops->request(v, up ? TS_ACT_MOVE_UP : TS_ACT_MOVE_DOWN);
    }
}

static void handle_mouse(ts_app *app)
{
    MEVENT ev;
    if (getmouse(&ev) != OK) {
        return;
    }
    if (ev.bstate & BUTTON4_PRESSED) {
        handle_wheel(app, ev.y, ev.x, true);
#ifdef BUTTON5_PRESSED
    } else if (ev.bstate & BUTTON5_PRESSED) {
        handle_wheel(app, ev.y, ev.x, false);
#endif
    } else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED)) {
        if (!(ev.bstate & BUTTON1_RELEASED)) {
            handle_click(app, ev.y, ev.x);
        }
    }
}

/* ---- Actions ----------------------------------------------------------- */

static void generic_action(ts_app *app, ts_view *v, ts_action act)
{
    switch (act) {
    case TS_ACT_QUIT:
        if (app->help_open) {
            app->help_open = false;
        } else {
            app->quit = true;
        }
        break;
    case TS_ACT_HELP: app->help_open = !app->help_open; break;
    case TS_ACT_CANCEL:
        if (app->help_open) {
            app->help_open = false;
        }
        break;
    case TS_ACT_NEXT_PANE: switch_to(app, (app->current + 1) % N_TABS); break;
    case TS_ACT_PREV_PANE: switch_to(app, (app->current + N_TABS - 1) % N_TABS); break;
    case TS_ACT_PANE_1:
    case TS_ACT_PANE_2:
    case TS_ACT_PANE_3:
    case TS_ACT_PANE_4:
    case TS_ACT_PANE_5:
    case TS_ACT_PANE_6: switch_to(app, (size_t)(act - TS_ACT_PANE_1)); break;
    case TS_ACT_FILTER:
        if (v->ops->search) {
            open_prompt(app, PROMPT_FILTER, NULL);
        }
        break;
    case TS_ACT_FIND_NEXT:
    case TS_ACT_FIND_PREV:
        if (v->ops->search && app->last_search) {
            v->ops->search(v, app->last_search, act == TS_ACT_FIND_NEXT ? 1 : -1);
        }
        break;
    case TS_ACT_INSPECT: {
        char *res = v->ops->selected ? v->ops->selected(v) : NULL;
        if (res) {
            ts_app_show_resource(app, res);
            free(res);
        } else {
            switch_to(app, N_TABS - 1);
        }
        break;
    }
    case TS_ACT_GOTO: open_prompt(app, PROMPT_GOTO, NULL); break;
    case TS_ACT_EXPORT:
        if (v->ops->export_csv) {
            char *def = ts_asprintf("tinyscope-%s.csv", v->ops->name);
            for (char *p = def; *p; p++) {
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            }
            open_prompt(app, PROMPT_EXPORT, def);
            free(def);
        } else {
            ts_app_message(app, true, "this pane has no table to export");
        }
        break;
    case TS_ACT_RELOAD:
        /* Panes keep their state (history, query text) across a reload:
         * open() rebuilds what came from the old store. */
        if (!load_sources(app)) {
            ts_app_message(app, true, "reload failed");
        }
        views_open(app);
        if (!app->diags->count) {
            ts_buf s = {0};
            ts_app_summary(app, &s);
            ts_app_message(app, false, "reloaded: %s", ts_buf_str(&s));
            ts_buf_free(&s);
        }
        break;
    case TS_ACT_THEME:
        set_theme(app, ts_theme_bundled[(app->theme_index + 1) % ts_theme_n_bundled]);
        if (!app->message_error) {
            ts_app_message(app, false, "theme: %s", app->theme.name);
        }
        break;
    case TS_ACT_REDRAW: clearok(curscr, TRUE); break;
    default: break;
    }
}

static void handle_key(ts_app *app, int key)
{
    if (key == KEY_RESIZE) {
        return;
    }
    if (key == KEY_MOUSE) {
        handle_mouse(app);
        return;
    }
    if (app->prompt) {
        prompt_key(app, key);
        return;
    }
    ts_buf_truncate(&app->message, 0);
    app->message_error = false;
    if (app->loading) {
        return;
    }
    ts_view *v = app->help_open ? &app->help : &app->tabs[app->current];
    if (v->editing && !app->help_open) {
        ts_action act = ts_keymap_lookup(&app->keymap, TS_KCTX_EDITOR, key);
        if (act != TS_ACT_NONE) {
            if (!v->ops->request(v, act)) {
                generic_action(app, v, act);
            }
            return;
        }
        v->ops->input(v, key);
        return;
    }
    ts_action act = ts_keymap_lookup(&app->keymap, TS_KCTX_MAIN, key);
    if (act == TS_ACT_NONE) {
        return;
    }
    bool global = act == TS_ACT_QUIT || act == TS_ACT_HELP ||
                  (act >= TS_ACT_NEXT_PANE && act <= TS_ACT_PANE_6);
    if (global || !v->ops->request(v, act)) {
        generic_action(app, v, act);
    }
}

/* ---- Start and stop ---------------------------------------------------- */

static void read_config(ts_app *app)
{
    ts_config_clear(&app->cfg);
    char *path = ts_config_path();
    ts_buf text = {0};
    if (ts_read_file(path, &text)) {
        ts_diags d = {0};
        ts_config_parse(&app->cfg, &app->keymap, path, ts_buf_str(&text), &d);
        if (d.count) {
            char line[2600];
            ts_error_format(&d.items[0].err, line, sizeof line);
            ts_app_message(app, true, "config: %s", line);
        }
        ts_diags_clear(&d);
    }
    ts_buf_free(&text);
    free(path);
}

static bool start_curses(ts_app *app)
{
    if (app->opts.script) {
        app->script = fopen(app->opts.script, "r");
        if (!app->script) {
            fprintf(stderr, "tinyscope: %s: %s\n", app->opts.script, strerror(errno));
            return false;
        }
        app->term_out = fopen("/dev/null", "w");
        app->term_in = fopen("/dev/null", "r");
        const char *term = getenv("TERM");
        app->screen = newterm(term && *term ? term : "xterm-256color", app->term_out, app->term_in);
        if (!app->screen) {
            fprintf(stderr, "tinyscope: cannot start curses for TERM=%s\n", term);
            return false;
        }
        set_term(app->screen);
    } else {
        /* newterm, unlike initscr, returns NULL on an unknown TERM instead of
         * exiting, so the caller can say what went wrong. */
        app->screen = newterm(NULL, stdout, stdin);
        if (!app->screen) {
            const char *term = getenv("TERM");
            fprintf(stderr, "tinyscope: cannot use the terminal (TERM=%s)\n", term ? term : "");
            return false;
        }
        set_term(app->screen);
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    const char *no_color = getenv("NO_COLOR");
    app->colour = has_colors() && !(no_color && *no_color);
    if (app->colour) {
        start_color();
        use_default_colors();
    }
    if (app->mouse && !app->script) {
        mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                      | BUTTON5_PRESSED
#endif
                  ,
                  NULL);
        mouseinterval(0);
    }
    return true;
}

static void stop_files(ts_app *app)
{
    if (app->term_out) {
        fclose(app->term_out);
    }
    if (app->term_in) {
        fclose(app->term_in);
    }
    if (app->script) {
        fclose(app->script);
    }
    app->term_out = app->term_in = app->script = NULL;
}

static void stop_curses(ts_app *app)
{
    endwin();
    if (app->screen) {
        delscreen(app->screen);
        app->screen = NULL;
    }
    stop_files(app);
}

int ts_tui_run(const ts_tui_opts *opts)
{
    ts_app *app = ts_calloc(1, sizeof *app);
    app->opts = *opts;
    app->session = ts_session_new(&(ts_session_opts){
        .strict = opts->strict,
        .base = opts->base,
        .contexts = opts->contexts,
        .n_contexts = opts->n_contexts,
        .rdf_direction = opts->rdf_direction,
        .paths = opts->paths,
        .n_paths = opts->n_paths,
        .results = opts->results,
        .endpoint = opts->endpoint,
        .graph = opts->graph,
    });
    app->diags = ts_session_diags(app->session);
    app->t0 = opts->start_ns ? opts->start_ns : ts_now_ns();
    app->engine = installed_engine;
    if (opts->trace) {
        app->trace = fopen(opts->trace, "a");
        if (!app->trace) {
            fprintf(stderr, "tinyscope: %s: %s\n", opts->trace, strerror(errno));
        }
    }
    ts_keymap_defaults(&app->keymap);
    read_config(app);
    const char *codeset = nl_langinfo(CODESET);
    app->utf8 = codeset && !strcmp(codeset, "UTF-8");
    app->ascii = opts->ascii || app->cfg.ascii == 1 || !app->utf8;
    app->mouse = app->cfg.mouse != 0;
    /* --ascii means ASCII only: labels too, with the rest shown as \u escapes. */
    ts_draw_set_mode(!app->ascii, ts_app_glyphs(app));

    for (size_t i = 0; i < N_TABS; i++) {
        app->tabs[i] = (ts_view){.ops = tab_ops[i], .app = app};
    }
    app->help = (ts_view){.ops = &ts_help_ops, .app = app};

    if (!start_curses(app)) {
        stop_files(app);
        ts_session_free(app->session);
        ts_keymap_free(&app->keymap);
        ts_config_clear(&app->cfg);
        ts_buf_free(&app->message);
        if (app->trace) {
            fclose(app->trace);
        }
        free(app);
        return 1;
    }
    set_theme(app, opts->theme ? opts->theme : app->cfg.theme ? app->cfg.theme : "default");
    app->current = 0;
    for (size_t i = 0; i < N_TABS && opts->start_on_bench; i++) {
        if (tab_ops[i] == &ts_bench_ops) {
            app->current = i;
        }
    }
    app->exit_status = 0;
    if (!load_sources(app)) {
        stop_curses(app);
        fputs("tinyscope: loading failed\n", stderr);
        for (size_t i = 0; i < app->diags->count; i++) {
            char line[2600];
            ts_error_format(&app->diags->items[i].err, line, sizeof line);
            char *safe = ts_sanitize(line);
            fprintf(stderr, "%s\n", safe);
            free(safe);
        }
        app->exit_status = 1;
        app->quit = true;
    } else {
        views_open(app);
    }

    while (!app->quit) {
        draw_frame(app);
        int key = next_key(app);
        if (key < 0) {
            if (app->script && app->script_done) {
                break;
            }
            continue;
        }
        app->key_ns = ts_now_ns();
        snprintf(app->key_label, sizeof app->key_label, "%s", ts_key_name(key));
        handle_key(app, key);
    }

    if (app->exit_status == 0) {
        stop_curses(app);
    }
    views_done(app);
    ts_catalog_free(app->catalog);
    free(app->catalog_error);
    ts_session_free(app->session);
    ts_keymap_free(&app->keymap);
    ts_config_clear(&app->cfg);
    ts_theme_clear(&app->theme);
    ts_buf_free(&app->message);
    ts_buf_free(&app->prompt_text);
    ts_history_free(&app->prompt_hist);
    free(app->last_search);
    free(app->queue);
    if (app->trace) {
        fclose(app->trace);
    }
    int status = app->exit_status;
    free(app);
    return status;
}
