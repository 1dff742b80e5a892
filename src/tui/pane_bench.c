/*
 * The Bench pane: serial ports with the board each one is and the state of
 * its run, the results table (one row per board and model, from the results
 * file and the graph as well as from runs made here), a sparkline of the
 * selected row's recent latencies and the raw line log.
 *
 * Runs are ts_bench sessions (bench.h). The app polls their descriptors
 * with the keyboard (pollfds/step below), so a board never blocks the UI.
 * A result is on disk before the session reports it; the pane then adds
 * it to the store, where SPARQL, the Inspector and the next start see it.
 * USB serial ports are rescanned every second, so a board plugged in or
 * out appears or disappears within two seconds.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinyscope/bench.h"
#include "tinyscope/catalog.h"
#include "tinyscope/discover.h"
#include "tinyscope/results.h"
#include "tinyscope/sanitize.h"
#include "view.h"

#define RESCAN_MS 1000
#define LOG_KEEP 400
#define MAX_POLLED 64
/* Where results recorded without a results file are kept in the store. */
#define UNSAVED_SOURCE "(benchmark results not saved)"

typedef struct bench_pane bench_pane;

/** One port: given on the command line (extra) or found by discovery. */
typedef struct {
    bench_pane *pane;
    char *path;      /* what is opened */
    char *name;      /* as listed: the device's name without /dev/ */
    char *board;     /* the KG board's label, else the USB product string */
    char *board_iri; /* the KG board, or NULL */
    char *usb;       /* "vid:pid", or NULL */
    bool extra;
    bool present; /* extra, or seen by the last scan */
    ts_bench *bench;
    size_t results;   /* recorded by this session */
    double latest_us; /* the latest measurement (an MLPerf window, a result), or NAN */
} bench_port;

typedef struct {
    char *text;
    ts_element el;
} log_line;

/* The start form (bench-setup): what a run measures, as the bench command's
 * --protocol, --model, --runs and --repeat choose it. */
enum { FIELD_PROTOCOL, FIELD_MODEL, FIELD_RUNS, FIELD_REPEAT, FIELD_COUNT };

typedef struct {
    bool open;
    char *port_path; /* the port it was opened on (ports come and go) */
    char *port_name;
    int field;
    ts_bench_proto protocol;
    char **models; /* the catalog's model names, sorted; [0] is NULL: as reported */
    size_t n_models, model;
    char find[64]; /* typed letters that chose the model */
    char runs[8];  /* digits; empty: the protocol's default */
    bool repeat;   /* until stopped */
} start_form;

struct bench_pane {
    ts_view *view;
    ts_table ports, results;
    bool focus_results;
    bool opened, closing, dirty;
    char *results_path; /* NULL: results are not saved */
    int64_t next_scan;

    bench_port **port;
    size_t n_port;
    bench_port *polled[MAX_POLLED];
    size_t n_polled;

    ts_bench_result *list; /* every run in the store, oldest first */
    size_t n_list;
    ts_results_row *rows;
    size_t n_rows;
    char **row_run; /* per row: its latest run's IRI (borrowed from list) */

    ts_bench_result *session; /* runs recorded here, for after a reload */
    size_t n_session;

    log_line *log;
    size_t n_log;

    start_form form;
};

/* ---- the log ----------------------------------------------------------- */

static void log_add(bench_pane *b, const bench_port *p, ts_element el, const char *mark,
                    const char *text, size_t len)
{
    if (b->n_log == LOG_KEEP) {
        free(b->log[0].text);
        memmove(b->log, b->log + 1, (LOG_KEEP - 1) * sizeof *b->log);
        b->n_log--;
    }
    if (!b->log) {
        b->log = ts_calloc(LOG_KEEP, sizeof *b->log);
    }
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
        len--;
    }
    ts_buf t = {0};
    ts_buf_printf(&t, "%s %s ", p ? p->name : "bench", mark);
    /* Board text is untrusted (and may hold NUL bytes): sanitised here. */
    ts_sanitize_append(&t, text, len);
    b->log[b->n_log++] = (log_line){ts_buf_steal(&t), el};
    b->dirty = true;
}

static void log_addf(bench_pane *b, const bench_port *p, ts_element el, const char *mark,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void log_addf(bench_pane *b, const bench_port *p, ts_element el, const char *mark,
                     const char *fmt, ...)
{
    ts_buf t = {0};
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&t, fmt, ap);
    va_end(ap);
    log_add(b, p, el, mark, ts_buf_str(&t), t.len);
    ts_buf_free(&t);
}

/* ---- the results table ------------------------------------------------- */

static void fmt_num(ts_buf *out, double v, const char *fmt)
{
    if (isfinite(v)) {
        ts_buf_printf(out, fmt, v);
    }
}

/* MAC/s are large: 1.23M, 4.5G. */
static void fmt_rate(ts_buf *out, double v)
{
    if (!isfinite(v)) {
        return;
    }
    static const char *const unit[] = {"", "k", "M", "G", "T"};
    int u = 0;
    while (fabs(v) >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    ts_buf_printf(out, "%.3g%s", v, unit[u]);
}

static const char *key_of(const char *iri, const char *name)
{
    return iri ? iri : name ? name : "";
}

/* Rebuild the rows from b->list (the cursor stays on the same row). */
static void summarize(bench_pane *b)
{
    ts_table *t = &b->results;
    size_t cur = ts_table_current(t);
    ts_results_rows_free(b->rows, b->n_rows);
    free(b->row_run);
    b->rows = NULL;
    b->row_run = NULL;
    b->n_rows = 0;
    ts_results_summarize(b->list, b->n_list, &b->rows, &b->n_rows);
    b->row_run = ts_calloc(b->n_rows ? b->n_rows : 1, sizeof *b->row_run);
    for (size_t i = 0; i < b->n_list; i++) {
        const ts_bench_result *r = &b->list[i];
        for (size_t g = 0; g < b->n_rows; g++) {
            const ts_results_row *row = &b->rows[g];
            if (!strcmp(key_of(r->device_iri, r->device_name),
                        key_of(row->device_iri, row->device_name)) &&
                !strcmp(key_of(r->model_iri, r->model_name),
                        key_of(row->model_iri, row->model_name))) {
                b->row_run[g] = r->iri;
                break;
            }
        }
    }
    ts_table_clear_rows(t);
    for (size_t g = 0; g < b->n_rows; g++) {
        const ts_results_row *row = &b->rows[g];
        ts_buf c[10] = {{0}};
        ts_buf_puts(&c[0], row->device_name ? row->device_name : key_of(row->device_iri, NULL));
        ts_buf_puts(&c[1], row->model_name ? row->model_name : key_of(row->model_iri, NULL));
        ts_buf_printf(&c[2], "%zu", row->runs);
        if (row->complete_runs < row->runs) {
            ts_buf_printf(&c[2], " (%zu cut)", row->runs - row->complete_runs);
        }
        fmt_num(&c[3], row->latency_min_us, "%.0f");
        fmt_num(&c[4], row->latency_median_us, "%.0f");
        fmt_num(&c[5], row->latency_max_us, "%.0f");
        fmt_num(&c[6], row->inferences_per_second, "%.2f");
        fmt_rate(&c[7], row->macs_per_second);
        fmt_num(&c[8], row->accuracy, "%.3f");
        fmt_num(&c[9], row->energy_uj, "%.1f");
        const char *cells[10];
        for (int k = 0; k < 10; k++) {
            cells[k] = ts_buf_str(&c[k]);
        }
        ts_table_add_row(t, cells, b->row_run[g]);
        for (int k = 0; k < 10; k++) {
            ts_buf_free(&c[k]);
        }
    }
    ts_table_refresh(t);
    for (size_t i = 0; i < t->n_order && cur != (size_t)-1; i++) {
        if (t->order[i] == cur) {
            t->cursor = i;
        }
    }
    b->dirty = true;
}

/* Every run in the store, read again (at the start and after a reload). */
static void reload_results(bench_pane *b)
{
    ts_results_list_free(b->list, b->n_list);
    b->list = NULL;
    b->n_list = 0;
    ts_store *store = ts_app_store(b->view->app);
    if (store) {
        ts_results_from_store(store, &b->list, &b->n_list);
    }
    summarize(b);
}

/* A run just added to the store joins the list as the store has it (board
 * and model labels from the graph), without reading every run again. */
static void append_result(bench_pane *b, ts_store *store, const char *iri)
{
    ts_bench_result r;
    if (!ts_results_get(store, iri, &r)) {
        return;
    }
    b->list = ts_reallocarray(b->list, b->n_list + 1, sizeof *b->list);
    b->list[b->n_list++] = r;
    summarize(b);
}

/* A result the session has written to the results file: into the store,
 * the table and the log. */
static void record_result(bench_pane *b, bench_port *p, const ts_bench_event *ev)
{
    const ts_bench_result *r = ev->result;
    if (b->results_path && !ev->saved) {
        char msg[2600];
        const char *why = ev->err ? ts_error_format(ev->err, msg, sizeof msg) : "not saved";
        log_addf(b, p, TS_EL_ERROR, "!", "result not recorded: %s", why);
        ts_app_message(b->view->app, true, "%s: result not recorded: %s", p->name, why);
        return;
    }
    p->results++;
    if (isfinite(r->latency_median_us)) {
        p->latest_us = r->latency_median_us;
    }
    log_addf(b, p, r->complete ? TS_EL_OK : TS_EL_WARN, "=",
             "%s: median %.0f us, %.2f inferences/s over %lld inferences%s",
             r->model_name ? r->model_name : "result", r->latency_median_us,
             r->inferences_per_second, r->inferences, r->complete ? "" : " (cut short)");
    if (b->closing) {
        return;
    }
    b->session = ts_reallocarray(b->session, b->n_session + 1, sizeof *b->session);
    ts_bench_result_copy(&b->session[b->n_session++], r);
    ts_store *store = ts_app_store(b->view->app);
    if (store) {
        ts_results_add(store, b->results_path ? b->results_path : UNSAVED_SOURCE, r);
        append_result(b, store, r->iri);
    }
}

/* ---- sessions ---------------------------------------------------------- */

static void on_event(void *ctx, const ts_bench_event *ev)
{
    bench_port *p = ctx;
    bench_pane *b = p->pane;
    b->dirty = true;
    char msg[2600];
    switch (ev->kind) {
    case TS_BENCH_EV_STATE:
        log_addf(b, p, TS_EL_DIM, "-", "%s", ts_bench_state_name(ev->state));
        break;
    case TS_BENCH_EV_LINE: log_add(b, p, TS_EL_NORMAL, "<", ev->text, ev->len); break;
    case TS_BENCH_EV_SENT: log_add(b, p, TS_EL_DIM, ">", ev->text, ev->len); break;
    case TS_BENCH_EV_SKIPPED: {
        ts_buf t = {0};
        ts_buf_printf(&t, "skipped (%s): ", ev->reason ? ev->reason : "?");
        ts_buf_append(&t, ev->text, ev->len > 200 ? 200 : ev->len);
        log_add(b, p, TS_EL_WARN, "?", t.data, t.len);
        ts_buf_free(&t);
        break;
    }
    case TS_BENCH_EV_WINDOW: p->latest_us = ev->latency_us; break;
    case TS_BENCH_EV_RESULT: record_result(b, p, ev); break;
    case TS_BENCH_EV_NOTICE: log_add(b, p, TS_EL_MESSAGE, "*", ev->text, ev->len); break;
    case TS_BENCH_EV_ERROR:
        ts_error_format(ev->err, msg, sizeof msg);
        log_addf(b, p, TS_EL_ERROR, "!", "%s", msg);
        if (!b->closing) {
            ts_app_message(b->view->app, true, "%s", msg);
        }
        break;
    }
}

/* Start a run on p: as the form f chose, or (f NULL) auto-detected and
 * until stopped: MLPerf starts a new result after each one, JSON lines has
 * no limit. */
static void start_run(bench_pane *b, bench_port *p, const start_form *f)
{
    ts_bench_free(p->bench);
    ts_bench_opts o = {
        .port = p->path,
        .protocol = f ? f->protocol : TS_PROTO_AUTO,
        .model = f ? f->models[f->model] : NULL,
        .runs = f ? (unsigned)strtoul(f->runs, NULL, 10) : 0,
        .repeat = f ? f->repeat : true,
        .results_path = b->results_path,
        .store = ts_app_store(b->view->app),
        .on_event = on_event,
        .ctx = p,
    };
    p->bench = ts_bench_new(&o);
    if (f) {
        log_addf(b, p, TS_EL_MESSAGE, "*", "protocol %s, model %s, runs %s, %s",
                 ts_bench_proto_name(o.protocol),
                 o.model ? o.model : "as the board reports", o.runs ? f->runs : "default",
                 o.repeat ? "until stopped" : "once");
    }
    if (b->results_path) {
        log_addf(b, p, TS_EL_MESSAGE, "*", "run started; results go to %s", b->results_path);
    } else {
        log_addf(b, p, TS_EL_WARN, "*",
                 "run started; results are not saved (set HOME or XDG_DATA_HOME)");
    }
}

static bool running(const bench_port *p)
{
    if (!p->bench) {
        return false;
    }
    ts_bench_state st = ts_bench_get_state(p->bench);
    return st != TS_BENCH_DONE && st != TS_BENCH_FAILED;
}

/* ---- ports ------------------------------------------------------------- */

static void set_str(char **dst, const char *s)
{
    if (*dst && s && !strcmp(*dst, s)) {
        return;
    }
    free(*dst);
    *dst = s ? ts_strdup(s) : NULL;
}

static bench_port *port_add(bench_pane *b, const char *path, bool extra)
{
    bench_port *p = ts_calloc(1, sizeof *p);
    p->pane = b;
    p->path = ts_strdup(path);
    /* "ttyACM0" for /dev/ttyACM0, "sim-mlperf" for /tmp/x/sim-mlperf. */
    const char *slash = strrchr(path, '/');
    const char *base = !strncmp(path, "tcp:", 4) || !slash || !slash[1] ? path : slash + 1;
    p->name = ts_strdup(base);
    p->extra = p->present = extra;
    p->latest_us = NAN;
    b->port = ts_reallocarray(b->port, b->n_port + 1, sizeof *b->port);
    b->port[b->n_port++] = p;
    return p;
}

static void port_free(bench_port *p)
{
    ts_bench_free(p->bench);
    free(p->path);
    free(p->name);
    free(p->board);
    free(p->board_iri);
    free(p->usb);
    free(p);
}

/* Extra ports first (as given), then discovered ones by name. */
static int cmp_port(const void *x, const void *y)
{
    const bench_port *a = *(bench_port *const *)x, *b = *(bench_port *const *)y;
    if (a->extra != b->extra) {
        return a->extra ? -1 : 1;
    }
    return a->extra ? 0 : strcmp(a->name, b->name);
}

/* The USB serial ports now: new ones appear, unplugged ones without a run
 * disappear (one whose run waits for the board stays, shown disconnected). */
static void rescan(bench_pane *b)
{
    ts_port_list list = {0};
    ts_discover_scan(NULL, ts_app_store(b->view->app), &list);
    for (size_t i = 0; i < b->n_port; i++) {
        b->port[i]->present = b->port[i]->extra;
    }
    for (size_t k = 0; k < list.count; k++) {
        const ts_port_info *info = &list.items[k];
        bench_port *p = NULL;
        for (size_t i = 0; i < b->n_port && !p; i++) {
            if (!strcmp(b->port[i]->path, info->path)) {
                p = b->port[i];
            }
        }
        if (!p) {
            p = port_add(b, info->path, false);
            log_addf(b, p, TS_EL_MESSAGE, "*", "plugged in");
        }
        p->present = true;
        set_str(&p->board, info->board_label ? info->board_label : info->product);
        set_str(&p->board_iri, info->board_iri);
        char usb[32] = "";
        if (info->vendor_id && info->product_id) {
            snprintf(usb, sizeof usb, "%.8s:%.8s", info->vendor_id, info->product_id);
        }
        set_str(&p->usb, usb[0] ? usb : NULL);
    }
    ts_port_list_free(&list);
    size_t kept = 0;
    for (size_t i = 0; i < b->n_port; i++) {
        bench_port *p = b->port[i];
        if (p->present || running(p)) {
            b->port[kept++] = p;
        } else {
            log_addf(b, NULL, TS_EL_MESSAGE, "*", "%s unplugged", p->name);
            port_free(p);
        }
    }
    b->n_port = kept;
    if (b->n_port > 1) {
        qsort(b->port, b->n_port, sizeof *b->port, cmp_port);
    }
}

static const char *port_state(const bench_port *p)
{
    if (p->bench) {
        return ts_bench_state_name(ts_bench_get_state(p->bench));
    }
    return p->present ? "idle" : "unplugged";
}

/* The ports table from the ports now (cheap: a few rows). */
static void fill_ports(bench_pane *b)
{
    ts_table *t = &b->ports;
    size_t cur = ts_table_current(t);
    size_t top = t->top;
    ts_table_clear_rows(t);
    for (size_t i = 0; i < b->n_port; i++) {
        const bench_port *p = b->port[i];
        const char *board = p->board;
        if (p->bench && ts_bench_board_name(p->bench) && !p->board_iri) {
            board = ts_bench_board_name(p->bench);
        }
        char results[32] = "", skipped[32] = "", latest[32] = "";
        if (isfinite(p->latest_us)) {
            snprintf(latest, sizeof latest, "%.0f", p->latest_us);
        }
        const char *proto = "";
        if (p->bench) {
            const ts_bench_stats *s = ts_bench_get_stats(p->bench);
            snprintf(results, sizeof results, "%zu", p->results);
            snprintf(skipped, sizeof skipped, "%zu",
                     s->garbage + s->binary + s->invalid_utf8 + s->overlong);
            ts_bench_proto pr = ts_bench_get_protocol(p->bench);
            proto = pr == TS_PROTO_AUTO ? "" : ts_bench_proto_name(pr);
        }
        const char *cells[] = {p->name,
                               board ? board : "",
                               p->usb ? p->usb : "",
                               port_state(p),
                               proto,
                               latest,
                               results,
                               skipped};
        ts_table_add_row(t, cells, p->board_iri);
    }
    ts_table_refresh(t);
    if (cur != (size_t)-1 && t->n_order) {
        t->cursor = cur < t->n_order ? cur : t->n_order - 1;
        t->top = top <= t->cursor ? top : t->cursor;
    }
}

static bench_port *selected_port(bench_pane *b)
{
    fill_ports(b);
    size_t row = ts_table_current(&b->ports);
    return row < b->n_port ? b->port[row] : NULL;
}

/* ---- the start form ---------------------------------------------------- */

/* Inside a box's border. */
static ts_rect inner(ts_rect r)
{
    return (ts_rect){r.y + 1, r.x + 1, r.h - 2, r.w - 2};
}


static int cmp_name(const void *x, const void *y)
{
    return strcasecmp(*(char *const *)x, *(char *const *)y);
}

static void form_close(bench_pane *b)
{
    start_form *f = &b->form;
    for (size_t i = 0; i < f->n_models; i++) {
        free(f->models[i]);
    }
    free(f->models);
    free(f->port_path);
    free(f->port_name);
    *f = (start_form){0};
    b->view->editing = false;
}

/* Open the form for p with the defaults of b: auto, as the board reports,
 * until stopped. The model names are copied: a reload may replace the
 * catalog while the form is open. */
static void form_open(bench_pane *b, const bench_port *p)
{
    form_close(b);
    start_form *f = &b->form;
    f->open = true;
    f->port_path = ts_strdup(p->path);
    f->port_name = ts_strdup(p->name);
    f->protocol = TS_PROTO_AUTO;
    f->repeat = true;
    const ts_catalog *cat = ts_app_catalog(b->view->app);
    size_t n = cat ? cat->n_models : 0;
    f->models = ts_calloc(n + 1, sizeof *f->models);
    for (size_t i = 0; i < n; i++) {
        f->models[i + 1] = ts_strdup(cat->models[i]->name);
    }
    f->n_models = n + 1;
    qsort(f->models + 1, n, sizeof *f->models, cmp_name);
    b->view->editing = true;
}

/* Typed letters choose the first model (from the chosen one on) whose name
 * contains them, ignoring case. */
static bool form_find_model(start_form *f)
{
    size_t len = strlen(f->find);
    for (size_t k = 0; k < f->n_models; k++) {
        size_t i = (f->model + k) % f->n_models;
        const char *name = f->models[i];
        for (const char *c = name; c && *c; c++) {
            if (!strncasecmp(c, f->find, len)) {
                f->model = i;
                return true;
            }
        }
    }
    return false;
}

static void form_cycle(start_form *f, int dir)
{
    switch (f->field) {
    case FIELD_PROTOCOL: f->protocol = (ts_bench_proto)((f->protocol + 3 + dir) % 3); break;
    case FIELD_MODEL:
        f->model = (f->model + (dir > 0 ? 1 : f->n_models - 1)) % f->n_models;
        f->find[0] = '\0';
        break;
    case FIELD_REPEAT: f->repeat = !f->repeat; break;
    default: break;
    }
}

static void form_start(bench_pane *b)
{
    start_form *f = &b->form;
    bench_port *p = NULL;
    for (size_t i = 0; i < b->n_port && !p; i++) {
        if (!strcmp(b->port[i]->path, f->port_path)) {
            p = b->port[i];
        }
    }
    if (!p) {
        ts_app_message(b->view->app, true, "%s is gone", f->port_name);
    } else if (running(p)) {
        ts_app_message(b->view->app, true, "%s is already running", p->name);
    } else {
        start_run(b, p, f);
        ts_app_message(b->view->app, false, "%s: run started", p->name);
    }
    form_close(b);
}

static bool bench_input(ts_view *v, int key)
{
    bench_pane *b = v->priv;
    start_form *f = &b->form;
    unsigned cp;
    switch (key) {
    case '\r':
    case '\n':
    case KEY_ENTER: form_start(b); return true;
    case KEY_UP: f->field = (f->field + FIELD_COUNT - 1) % FIELD_COUNT; return true;
    case KEY_DOWN: f->field = (f->field + 1) % FIELD_COUNT; return true;
    case KEY_LEFT: form_cycle(f, -1); return true;
    case KEY_RIGHT:
    case ' ': form_cycle(f, 1); return true;
    case KEY_BACKSPACE:
    case 127:
    case TS_KEY_CTRL('h'): {
        char *text = f->field == FIELD_RUNS ? f->runs : f->field == FIELD_MODEL ? f->find : NULL;
        if (text && *text) {
            text[strlen(text) - 1] = '\0';
        }
        if (f->field == FIELD_MODEL && !f->find[0]) {
            f->model = 0;
        }
        return true;
    }
    default: break;
    }
    if (!ts_key_char(key, &cp)) {
        return true; /* the form is modal: other keys do nothing */
    }
    size_t len;
    switch (f->field) {
    case FIELD_RUNS:
        len = strlen(f->runs);
        if (cp >= '0' && cp <= '9' && len + 1 < sizeof f->runs && (len || cp != '0')) {
            f->runs[len] = (char)cp;
            f->runs[len + 1] = '\0';
        }
        break;
    case FIELD_MODEL:
        len = strlen(f->find);
        if (cp >= 0x20 && cp < 0x7f && len + 1 < sizeof f->find) {
            f->find[len] = (char)cp;
            f->find[len + 1] = '\0';
            if (!form_find_model(f)) {
                f->find[len] = '\0';
                ts_app_message(v->app, true, "no model name contains \"%s%c\"", f->find,
                               (char)cp);
            }
        }
        break;
    default: break;
    }
    return true;
}

static void form_draw(bench_pane *b, ts_rect r)
{
    start_form *f = &b->form;
    int w = r.w < 76 ? r.w : 76, h = FIELD_COUNT + 4;
    if (r.h < h || w < 40) {
        w = r.w;
        h = r.h < h ? r.h : h;
    }
    ts_rect box = {r.y + (r.h - h) / 2, r.x + (r.w - w) / 2, h, w};
    for (int y = 0; y < box.h; y++) {
        ts_draw_fill(box.y + y, box.x, box.w, TS_EL_NORMAL);
    }
    ts_buf t = {0};
    ts_buf_printf(&t, "Start a run on %s", f->port_name);
    ts_draw_box(box, ts_buf_str(&t), TS_EL_KEY);
    ts_rect in = inner(box);
    const char *proto_hint =
        f->protocol == TS_PROTO_MLPERF ? "timed windows per result (default 5)"
        : f->protocol == TS_PROTO_JSONL ? "results, then stop (default: no limit)"
                                        : "MLPerf: windows per result; JSON lines: results";
    static const char *const label[] = {"Protocol", "Model", "Runs", "Repeat"};
    int cursor_x = -1, cursor_y = -1, model_w = 0;
    for (int i = 0; i < FIELD_COUNT && i < in.h; i++) {
        int y = in.y + i, x = in.x + 1;
        bool on = f->field == i;
        ts_draw_text(y, x, 10, label[i], on ? TS_EL_KEY : TS_EL_DIM);
        x += 11;
        ts_buf_truncate(&t, 0);
        switch (i) {
        case FIELD_PROTOCOL:
            ts_buf_printf(&t, "< %s >",
                          f->protocol == TS_PROTO_MLPERF  ? "MLPerf Tiny"
                          : f->protocol == TS_PROTO_JSONL ? "JSON lines"
                                                          : "auto (from the first lines)");
            break;
        case FIELD_MODEL:
            ts_buf_printf(&t, "< %s >",
                          f->models[f->model] ? f->models[f->model] : "as the board reports");
            model_w = ts_text_width(ts_buf_str(&t));
            break;
        case FIELD_RUNS: ts_buf_printf(&t, "[%-6s] %s", f->runs, proto_hint); break;
        case FIELD_REPEAT:
            ts_buf_puts(&t, f->repeat ? "< until stopped >" : "< once >");
            if (f->protocol != TS_PROTO_JSONL) {
                ts_buf_puts(&t, f->repeat ? "  MLPerf: a new result after each" : "  one result");
            }
            break;
        default: break;
        }
        /* Model names come from the graph: ts_draw_text sanitises them. */
        ts_draw_text(y, x, in.x + in.w - x, ts_buf_str(&t), on ? TS_EL_CURSOR : TS_EL_NORMAL);
        if (on && i == FIELD_RUNS) {
            cursor_y = y;
            cursor_x = x + 1 + (int)strlen(f->runs);
        }
        if (i == FIELD_MODEL) {
            ts_buf_truncate(&t, 0);
            if (f->find[0]) {
                ts_buf_printf(&t, "  found by \"%s\"", f->find);
            } else {
                ts_buf_printf(&t, "  %zu models: type to find", f->n_models - 1);
            }
            if (x + model_w < in.x + in.w) {
                ts_draw_text(y, x + model_w, in.x + in.w - x - model_w, ts_buf_str(&t),
                             TS_EL_DIM);
            }
        }
    }
    if (in.h > FIELD_COUNT + 1) {
        ts_buf_truncate(&t, 0);
        ts_buf_printf(&t, "Enter start  %s cancel  Up/Down field  Left/Right change",
                      ts_app_key_in(b->view->app, TS_KCTX_EDITOR, TS_ACT_CANCEL));
        ts_draw_text(in.y + in.h - 1, in.x + 1, in.w - 2, ts_buf_str(&t), TS_EL_DIM);
    }
    if (cursor_y >= 0) {
        ts_app_set_cursor(b->view->app, cursor_y, cursor_x);
    }
    ts_buf_free(&t);
}

/* ---- the view ---------------------------------------------------------- */

static void bench_open(ts_view *v)
{
    bench_pane *b = v->priv;
    const ts_tui_opts *opts = ts_app_opts(v->app);
    ts_store *store = ts_app_store(v->app);
    if (!b) {
        b = v->priv = ts_calloc(1, sizeof *b);
        b->view = v;
        ts_table_init(&b->ports);
        ts_table_init(&b->results);
        static const char *const pcols[] = {"Port",  "Board",     "USB",     "State",
                                            "Proto", "Latest us", "Results", "Skipped"};
        static const bool pnum[] = {false, false, false, false, false, true, true, true};
        ts_table_set_columns(&b->ports, pcols, pnum, 8);
        static const char *const rcols[] = {"Board",  "Model", "Runs",  "Min us",   "Median us",
                                            "Max us", "Inf/s", "MAC/s", "Accuracy", "Energy uJ"};
        static const bool rnum[] = {false, false, true, true, true, true, true, true, true, true};
        ts_table_set_columns(&b->results, rcols, rnum, 10);
        b->results.cols[0].max_width = 20;
        b->results.cols[1].max_width = 20;
        b->results_path =
            opts->bench_results ? ts_strdup(opts->bench_results) : ts_results_default_path();
        for (size_t i = 0; i < opts->n_bench_ports; i++) {
            port_add(b, opts->bench_ports[i], true);
        }
    }
    /* After a reload: the sessions match against the new store, and runs
     * recorded here that the new store lacks (a results file other than
     * the default one) go back in. */
    for (size_t i = 0; i < b->n_port; i++) {
        if (b->port[i]->bench) {
            ts_bench_set_store(b->port[i]->bench, store);
        }
    }
    for (size_t i = 0; store && i < b->n_session; i++) {
        if (!ts_results_in_store(store, b->session[i].iri)) {
            ts_results_add(store, b->results_path ? b->results_path : UNSAVED_SOURCE,
                           &b->session[i]);
        }
    }
    reload_results(b);
    b->next_scan = 0;
    if (!b->opened && opts->bench_autostart) {
        for (size_t i = 0; i < b->n_port; i++) {
            start_run(b, b->port[i], NULL);
        }
    }
    b->opened = true;
    fill_ports(b);
}

static size_t bench_pollfds(ts_view *v, struct pollfd *fds, size_t max, int *timeout)
{
    bench_pane *b = v->priv;
    if (!b) {
        return 0;
    }
    int64_t now = ts_bench_now_ms();
    int t = b->next_scan <= now ? 0 : (int)(b->next_scan - now);
    b->n_polled = 0;
    for (size_t i = 0; i < b->n_port; i++) {
        bench_port *p = b->port[i];
        if (!p->bench) {
            continue;
        }
        int bt = ts_bench_timeout_ms(p->bench, now);
        if (bt >= 0 && bt < t) {
            t = bt;
        }
        if (b->n_polled < max && b->n_polled < MAX_POLLED &&
            ts_bench_pollfd(p->bench, &fds[b->n_polled])) {
            b->polled[b->n_polled++] = p;
        }
    }
    if (*timeout < 0 || t < *timeout) {
        *timeout = t;
    }
    return b->n_polled;
}

static bool bench_step(ts_view *v, const struct pollfd *fds, size_t n)
{
    bench_pane *b = v->priv;
    if (!b) {
        return false;
    }
    int64_t now = ts_bench_now_ms();
    for (size_t i = 0; i < b->n_port; i++) {
        bench_port *p = b->port[i];
        if (!p->bench) {
            continue;
        }
        short revents = 0;
        for (size_t k = 0; k < n && k < b->n_polled; k++) {
            if (b->polled[k] == p) {
                revents = fds[k].revents;
            }
        }
        if (revents || ts_bench_timeout_ms(p->bench, now) == 0) {
            ts_bench_step(p->bench, revents, now);
        }
    }
    b->n_polled = 0;
    if (now >= b->next_scan) {
        size_t before = b->n_port;
        rescan(b);
        b->next_scan = now + RESCAN_MS;
        b->dirty |= before != b->n_port;
    }
    bool changed = b->dirty;
    b->dirty = false;
    return changed;
}

static void draw_log(bench_pane *b, ts_rect r)
{
    size_t n = b->n_log < (size_t)r.h ? b->n_log : (size_t)r.h;
    for (size_t i = 0; i < n; i++) {
        const log_line *l = &b->log[b->n_log - n + i];
        ts_draw_text(r.y + (int)i, r.x, r.w, l->text, l->el);
    }
    if (!b->n_log && r.h > 0) {
        ts_draw_text(r.y, r.x, r.w, "Lines to and from the boards show here.", TS_EL_DIM);
    }
}

static void draw_spark(bench_pane *b, ts_rect r)
{
    size_t row = ts_table_current(&b->results);
    if (row >= b->n_rows || r.h < 1) {
        return;
    }
    const ts_results_row *rr = &b->rows[row];
    ts_buf t = {0};
    ts_buf_printf(&t, "Recent median latency (%zu run%s): ", rr->n_recent,
                  rr->n_recent == 1 ? "" : "s");
    int x = r.x + ts_draw_text(r.y, r.x, r.w, ts_buf_str(&t), TS_EL_DIM);
    ts_buf_truncate(&t, 0);
    int room = r.x + r.w - x - 24;
    if (rr->n_recent && room > 4) {
        ts_widget_sparkline(&t, ts_app_glyphs(b->view->app), rr->recent, rr->n_recent, room);
        x += ts_draw_text(r.y, x, room, ts_buf_str(&t), TS_EL_SPARK);
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < rr->n_recent; i++) {
            lo = fmin(lo, rr->recent[i]);
            hi = fmax(hi, rr->recent[i]);
        }
        ts_buf_truncate(&t, 0);
        ts_buf_printf(&t, " %.0f..%.0f us", lo, hi);
        ts_draw_text(r.y, x, r.x + r.w - x, ts_buf_str(&t), TS_EL_DIM);
    }
    ts_buf_free(&t);
}

/* The pane's boxes: ports on top (as tall as its rows, up to a quarter),
 * the log at the bottom, the results between. */
static void layout(const bench_pane *b, ts_rect r, ts_rect *ports, ts_rect *results, ts_rect *log)
{
    int log_h = r.h >= 30 ? r.h / 4 : r.h >= 18 ? 5 : 0;
    int cap = r.h / 4 > 4 ? r.h / 4 : 4;
    int ports_h = (int)b->n_port + 3;
    ports_h = ports_h < 4 ? 4 : ports_h > cap ? cap : ports_h;
    int results_h = r.h - ports_h - log_h;
    *ports = (ts_rect){r.y, r.x, ports_h, r.w};
    *results = (ts_rect){r.y + ports_h, r.x, results_h, r.w};
    *log = (ts_rect){r.y + ports_h + results_h, r.x, log_h, r.w};
}

static void bench_draw(ts_view *v, ts_rect r)
{
    bench_pane *b = v->priv;
    ts_app *app = v->app;
    fill_ports(b);
    ts_rect ports, results, log;
    layout(b, r, &ports, &results, &log);

    ts_draw_box(ports, "Ports", b->focus_results ? TS_EL_BORDER : TS_EL_KEY);
    /* The pane's own keys, on the right of the top border. */
    char keys[128];
    snprintf(keys, sizeof keys, " %s start  %s choose  %s stop  %s %s ",
             ts_app_key_for(app, TS_ACT_BENCH_START), ts_app_key_for(app, TS_ACT_BENCH_SETUP),
             ts_app_key_for(app, TS_ACT_BENCH_STOP),
             ts_app_key_for(app, TS_ACT_ENTER), b->focus_results ? "ports" : "results");
    int kw = ts_text_width(keys);
    if (ports.w - kw - 12 > 0) {
        ts_draw_text(ports.y, ports.x + ports.w - kw - 2, kw, keys, TS_EL_DIM);
    }
    ts_draw_box(results, "Results", b->focus_results ? TS_EL_KEY : TS_EL_BORDER);
    ts_rect pin = inner(ports), rin = inner(results);
    if (b->n_port) {
        ts_table_draw(&b->ports, pin);
    } else {
        char text[256];
        snprintf(text, sizeof text,
                 "No boards attached: plug in a USB serial board, or try tinyscope --demo");
        ts_view_draw_empty(pin, text);
    }
    if (b->n_rows && rin.h >= 2) {
        ts_rect table = {rin.y, rin.x, rin.h - 1, rin.w};
        ts_table_draw(&b->results, table);
        draw_spark(b, (ts_rect){rin.y + rin.h - 1, rin.x, 1, rin.w});
    } else if (rin.h > 0) {
        char text[256];
        snprintf(text, sizeof text,
                 "No results yet\n"
                 "Select a port and press %s to start a run: each result shows\n"
                 "min/median/max latency, inferences/s, MAC/s, accuracy and energy,\n"
                 "with a sparkline of recent latencies.",
                 ts_app_key_for(app, TS_ACT_BENCH_START));
        ts_view_draw_empty(rin, text);
    }
    if (log.h >= 3) {
        ts_draw_box(log, "Log", TS_EL_BORDER);
        draw_log(b, inner(log));
    }
    if (b->form.open) {
        form_draw(b, r);
    }
}

static ts_table *focused(bench_pane *b)
{
    return b->focus_results ? &b->results : &b->ports;
}

static bool bench_request(ts_view *v, ts_action act)
{
    bench_pane *b = v->priv;
    bench_port *p;
    if (b->form.open) {
        /* Editor-context keys while the form is up. */
        switch (act) {
        case TS_ACT_CANCEL: form_close(b); return true;
        case TS_ACT_NEXT_PANE: b->form.field = (b->form.field + 1) % FIELD_COUNT; return true;
        case TS_ACT_PREV_PANE:
            b->form.field = (b->form.field + FIELD_COUNT - 1) % FIELD_COUNT;
            return true;
        case TS_ACT_RUN_QUERY: form_start(b); return true;
        case TS_ACT_HELP: return false;
        default: return true;
        }
    }
    switch (act) {
    case TS_ACT_ENTER: b->focus_results = !b->focus_results; return true;
    case TS_ACT_BENCH_SETUP:
    case TS_ACT_BENCH_START:
        p = selected_port(b);
        if (!p) {
            ts_app_message(v->app, true, "no port to run on");
        } else if (running(p)) {
            ts_app_message(v->app, true, "%s is already running (%s stops it)", p->name,
                           ts_app_key_for(v->app, TS_ACT_BENCH_STOP));
        } else if (act == TS_ACT_BENCH_SETUP) {
            form_open(b, p);
        } else {
            start_run(b, p, NULL);
            ts_app_message(v->app, false, "%s: run started", p->name);
        }
        return true;
    case TS_ACT_BENCH_STOP:
        p = selected_port(b);
        if (!p || !running(p)) {
            ts_app_message(v->app, true, "no run on %s to stop", p ? p->name : "this port");
        } else {
            ts_bench_stop(p->bench);
            log_addf(b, p, TS_EL_MESSAGE, "*", "run stopped");
            ts_app_message(v->app, false, "%s: run stopped", p->name);
        }
        return true;
    default: break;
    }
    if (!b->focus_results) {
        fill_ports(b);
    }
    return ts_table_request(focused(b), act);
}

static void bench_search(ts_view *v, const char *text, int dir)
{
    bench_pane *b = v->priv;
    ts_table *t = focused(b);
    if (dir == 0) {
        ts_table_set_filter(t, text);
    } else if (text) {
        ts_table_find(t, text, dir);
    }
}

static void bench_click(ts_view *v, ts_rect r, int y, int x)
{
    bench_pane *b = v->priv;
    ts_rect ports, results, log;
    layout(b, r, &ports, &results, &log);
    ts_rect pin = inner(ports), rin = inner(results);
    rin.h--; /* the sparkline's line */
    if (y >= pin.y && y < pin.y + pin.h) {
        b->focus_results = false;
        fill_ports(b);
        ts_table_click(&b->ports, pin, y, x);
    } else if (y >= rin.y && y < rin.y + rin.h) {
        b->focus_results = true;
        ts_table_click(&b->results, rin, y, x);
    }
}

static void bench_status(ts_view *v, ts_buf *out)
{
    bench_pane *b = v->priv;
    size_t run = 0;
    for (size_t i = 0; i < b->n_port; i++) {
        run += running(b->port[i]);
    }
    ts_buf_printf(out, "Bench: %zu port%s, %zu running, %zu result row%s", b->n_port,
                  b->n_port == 1 ? "" : "s", run, b->n_rows, b->n_rows == 1 ? "" : "s");
}

static char *bench_selected(ts_view *v)
{
    bench_pane *b = v->priv;
    ts_table *t = focused(b);
    size_t row = ts_table_current(t);
    if (row == (size_t)-1 || !t->resources[row]) {
        return NULL;
    }
    return ts_strdup(t->resources[row]);
}

static bool bench_export(ts_view *v, FILE *f)
{
    bench_pane *b = v->priv;
    ts_table_write_csv(focused(b), f);
    return true;
}

static void bench_done(ts_view *v)
{
    bench_pane *b = v->priv;
    if (!b) {
        return;
    }
    /* Stopping a run records what it measured so far (as incomplete). */
    b->closing = true;
    form_close(b);
    for (size_t i = 0; i < b->n_port; i++) {
        port_free(b->port[i]);
    }
    free(b->port);
    ts_table_free(&b->ports);
    ts_table_free(&b->results);
    ts_results_rows_free(b->rows, b->n_rows);
    ts_results_list_free(b->list, b->n_list);
    ts_results_list_free(b->session, b->n_session);
    free(b->row_run);
    for (size_t i = 0; i < b->n_log; i++) {
        free(b->log[i].text);
    }
    free(b->log);
    free(b->results_path);
    free(b);
}

const ts_view_ops ts_bench_ops = {
    .name = "Bench",
    .help = "Boards on serial ports: each port with the board it is (USB vendor and "
            "product matched to a board in the graph) and the state of its run; "
            "USB ports are rescanned every second. b starts a run on the selected "
            "port (the protocol is told from the board's first lines) and x stops "
            "it; B opens a form to choose the protocol, the model to record and the "
            "number of runs first. Enter moves the cursor between the ports and the results. Results "
            "(one row per board and model, with the runs already recorded) show "
            "min/median/max latency, inferences per second, MAC/s, accuracy and "
            "energy where the board reports them, and a sparkline of the selected "
            "row's recent latencies; the log shows the lines to and from the boards. "
            "Every result is written to the results file before it is shown.",
    .open = bench_open,
    .draw = bench_draw,
    .request = bench_request,
    .input = bench_input,
    .search = bench_search,
    .click = bench_click,
    .status = bench_status,
    .selected = bench_selected,
    .export_csv = bench_export,
    .done = bench_done,
    .pollfds = bench_pollfds,
    .step = bench_step,
};
