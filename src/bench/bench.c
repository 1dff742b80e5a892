/* A benchmark session: port, line assembly, protocol state, results. */
#include "tinyscope/bench.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinyscope/discover.h"
#include "tinyscope/sanitize.h"

enum { M_IDLE, M_NAME, M_PROFILE, M_INFER };

struct ts_bench {
    ts_bench_opts o;
    char *port_name, *eol, *model, *results_path, *sysfs;
    ts_bench_state state;
    ts_bench_proto proto;
    ts_port *port;
    ts_bench_stats stats;
    ts_error err;
    bool ever_connected; /* the port opened at least once */
    bool reopened;       /* opened again after a loss, and not heard from yet */
    bool heard;          /* bytes arrived since the port was opened */
    bool ever_heard;
    bool told_waiting;

    char line[TS_BENCH_MAX_LINE + 1];
    size_t line_len;
    bool overlong;

    int64_t now;
    int64_t deadline; /* -1: none */
    int64_t retry_at;

    char *board_name;
    char *model_id;
    char *device_iri;
    char *device_label;
    char *model_iri; /* cached look-up of model_key */
    char *model_key;
    double model_macs;

    /* MLPerf */
    int cmd;
    int tries;
    bool replied;   /* the command's own response line was seen */
    bool cmd_error; /* the board answered e-[...] */
    unsigned infer_n, warmup;
    bool infer_started, infer_done;
    unsigned laps;
    unsigned long long lap0, lap1;
    double *lat;  /* per-window latency, µs */
    double *tput; /* per-window inferences per second */
    size_t n_win, cap_win;
    unsigned windows_goal;

    bool run_active;
    ts_bench_result cur;
    size_t jsonl_results;
};

static const char *const state_names[] = {
    "connecting", "detecting", "identifying", "running", "disconnected", "done", "failed",
};

const char *ts_bench_state_name(ts_bench_state state)
{
    return (size_t)state < sizeof state_names / sizeof state_names[0] ? state_names[state] : "?";
}

const char *ts_bench_proto_name(ts_bench_proto proto)
{
    return proto == TS_PROTO_MLPERF ? "mlperf" : proto == TS_PROTO_JSONL ? "jsonl" : "auto";
}

bool ts_bench_proto_from_name(const char *name, ts_bench_proto *out)
{
    if (!strcmp(name, "auto")) {
        *out = TS_PROTO_AUTO;
    } else if (!strcmp(name, "mlperf")) {
        *out = TS_PROTO_MLPERF;
    } else if (!strcmp(name, "jsonl") || !strcmp(name, "json")) {
        *out = TS_PROTO_JSONL;
    } else {
        return false;
    }
    return true;
}

int64_t ts_bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- events ---- */

static void emit(ts_bench *b, ts_bench_event *ev)
{
    ev->state = b->state;
    if (b->o.on_event) {
        b->o.on_event(b->o.ctx, ev);
    }
}

static void notice(ts_bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void notice(ts_bench *b, const char *fmt, ...)
{
    ts_buf msg = {0};
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    ts_bench_event ev = {.kind = TS_BENCH_EV_NOTICE, .text = msg.data, .len = msg.len};
    emit(b, &ev);
    ts_buf_free(&msg);
}

static void set_state(ts_bench *b, ts_bench_state st)
{
    if (b->state == st) {
        return;
    }
    b->state = st;
    ts_bench_event ev = {.kind = TS_BENCH_EV_STATE};
    emit(b, &ev);
}

static void skipped(ts_bench *b, const char *reason, const char *text, size_t len)
{
    ts_bench_event ev = {.kind = TS_BENCH_EV_SKIPPED, .text = text, .len = len, .reason = reason};
    emit(b, &ev);
}

/* ---- results ---- */

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? ts_strdup(s) : NULL;
}

static const char *model_name(const ts_bench *b)
{
    return b->model ? b->model : b->model_id;
}

static void begin_result(ts_bench *b)
{
    ts_bench_result_clear(&b->cur);
    ts_bench_result_init(&b->cur);
    b->cur.port = ts_strdup(b->port_name);
    b->cur.protocol = ts_strdup(ts_bench_proto_name(b->proto));
}

/* Fill in who and what from the knowledge graph, write, then report. */
static void record(ts_bench *b, ts_bench_result *r)
{
    const char *name = model_name(b);
    set_str(&r->model_name, name);
    set_str(&r->device_iri, b->device_iri);
    set_str(&r->device_name, b->board_name ? b->board_name : b->device_label);
    if (name && b->o.store && (!b->model_key || strcmp(b->model_key, name))) {
        set_str(&b->model_key, name);
        free(b->model_iri);
        ts_discover_match_model(b->o.store, name, &b->model_iri, &b->model_macs);
    }
    if (name && b->model_key && !strcmp(b->model_key, name)) {
        set_str(&r->model_iri, b->model_iri);
        if (isfinite(b->model_macs) && isfinite(r->inferences_per_second)) {
            r->macs_per_second = b->model_macs * r->inferences_per_second;
        }
    }
    ts_bench_event ev = {.kind = TS_BENCH_EV_RESULT, .result = r};
    ts_error werr;
    ts_error_clear(&werr);
    if (b->results_path) {
        size_t torn = 0;
        if (ts_results_append(b->results_path, r, &torn, &werr) == TS_OK) {
            ev.saved = true;
            if (torn) {
                notice(b, "%s: cut a torn last line (%zu bytes) left by an interrupted write",
                       b->results_path, torn);
            }
        } else {
            ev.err = &werr;
        }
    }
    b->stats.results++;
    emit(b, &ev);
}

/* MLPerf: the result of the windows measured so far, as the runner
 * computes it: the median throughput over the windows. */
static void finish_run(ts_bench *b, bool complete)
{
    if (!b->run_active) {
        return;
    }
    b->run_active = false;
    if (b->n_win == 0) {
        if (!complete) {
            notice(b, "run cut short before its first measurement: nothing to record");
        }
        return;
    }
    ts_bench_result *r = &b->cur;
    double lo = b->lat[0], hi = b->lat[0];
    for (size_t i = 1; i < b->n_win; i++) {
        lo = fmin(lo, b->lat[i]);
        hi = fmax(hi, b->lat[i]);
    }
    double *t = ts_malloc(b->n_win * sizeof *t);
    memcpy(t, b->tput, b->n_win * sizeof *t);
    double med_tput = ts_bench_median(t, b->n_win);
    free(t);
    r->inferences = (long long)b->infer_n * (long long)b->n_win;
    r->latency_min_us = lo;
    r->latency_max_us = hi;
    r->latency_median_us = 1e6 / med_tput;
    r->inferences_per_second = med_tput;
    r->complete = complete;
    record(b, r);
}

/* ---- the port ---- */

static void close_port(ts_bench *b)
{
    ts_port_free(b->port);
    b->port = NULL;
    b->line_len = 0;
    b->overlong = false;
    b->cmd = M_IDLE;
    b->deadline = -1;
}

static void fail(ts_bench *b, const ts_error *err)
{
    finish_run(b, false);
    if (err != &b->err) {
        b->err = *err;
    }
    close_port(b);
    set_state(b, TS_BENCH_FAILED);
    ts_bench_event ev = {.kind = TS_BENCH_EV_ERROR, .err = &b->err};
    emit(b, &ev);
}

static void failf(ts_bench *b, ts_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void failf(ts_bench *b, ts_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_error_vset(&b->err, st, b->port_name, 0, 0, fmt, ap);
    va_end(ap);
    fail(b, &b->err);
}

static void done(ts_bench *b)
{
    close_port(b);
    set_state(b, TS_BENCH_DONE);
}

static void disconnected(ts_bench *b, const ts_error *why)
{
    /* A TCP address that never answered is a wrong address, not a board
     * that went away; a reopened port lost again before saying anything is
     * the same loss, already reported. */
    bool never = b->port && ts_port_is_tcp(b->port) && !b->ever_heard;
    bool again = b->reopened && !b->heard;
    finish_run(b, false);
    close_port(b);
    if (b->o.no_reconnect || never) {
        fail(b, why);
        return;
    }
    set_state(b, TS_BENCH_DISCONNECTED);
    if (!again) {
        ts_bench_event ev = {.kind = TS_BENCH_EV_ERROR, .err = why};
        emit(b, &ev);
        b->told_waiting = false;
    }
    b->retry_at = b->now + (b->o.reconnect_ms > 0 ? b->o.reconnect_ms : 500);
}

static void send_cmd(ts_bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void send_cmd(ts_bench *b, const char *fmt, ...)
{
    ts_buf cmd = {0};
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    ts_buf_putc(&cmd, '%');
    ts_bench_event ev = {.kind = TS_BENCH_EV_SENT, .text = cmd.data, .len = cmd.len};
    emit(b, &ev);
    if (b->eol) {
        ts_buf_puts(&cmd, b->eol);
    }
    ts_error err;
    if (ts_port_write(b->port, cmd.data, cmd.len, &err) != TS_OK) {
        ts_buf_free(&cmd);
        disconnected(b, &err);
        return;
    }
    ts_buf_free(&cmd);
}

static int cmd_timeout(const ts_bench *b)
{
    return b->o.timeout_ms > 0 ? b->o.timeout_ms : 5000;
}

/* ---- MLPerf ---- */

static void mlperf_command(ts_bench *b, int cmd)
{
    b->cmd = cmd;
    b->replied = false;
    b->cmd_error = false;
    b->deadline = b->now + cmd_timeout(b);
    send_cmd(b, cmd == M_NAME ? "name" : "profile");
}

static void mlperf_identify(ts_bench *b)
{
    set_state(b, TS_BENCH_IDENTIFYING);
    b->tries = 1;
    mlperf_command(b, M_NAME);
}

static void mlperf_window(ts_bench *b)
{
    b->cmd = M_INFER;
    b->replied = b->cmd_error = false;
    b->infer_started = b->infer_done = false;
    b->laps = 0;
    b->deadline = b->now + (b->o.infer_timeout_ms > 0 ? b->o.infer_timeout_ms : 30000);
    send_cmd(b, "infer %u %u", b->infer_n, b->warmup);
}

static void mlperf_start_run(ts_bench *b)
{
    set_state(b, TS_BENCH_RUNNING);
    unsigned n, w;
    ts_mlperf_default_infer(b->model_id, &n, &w);
    b->infer_n = b->o.infer_count ? b->o.infer_count : n;
    b->warmup = b->o.warmup ? b->o.warmup : w;
    b->windows_goal = b->o.runs ? b->o.runs : 5;
    b->n_win = 0;
    b->stats.windows = 0;
    begin_result(b);
    b->run_active = true;
    mlperf_window(b);
}

static void mlperf_window_done(ts_bench *b)
{
    if (b->cmd_error) {
        failf(b, TS_ERR_BAD_DATA, "the board refused 'infer %u %u'", b->infer_n, b->warmup);
        return;
    }
    if (b->laps < 2) {
        failf(b, TS_ERR_UNSUPPORTED,
              "no m-lap-us timestamps around the inferences: the board is in energy "
              "mode (timing by GPIO); flash it in performance mode to measure latency");
        return;
    }
    unsigned long long elapsed = b->lap1 >= b->lap0
                                     ? b->lap1 - b->lap0
                                     : b->lap1 + (1ULL << 32) - b->lap0; /* 32-bit timer wrap */
    if (elapsed == 0 || b->infer_n == 0) {
        notice(b, "a window of zero microseconds: ignored");
    } else {
        if (b->n_win == b->cap_win) {
            b->cap_win = b->cap_win ? b->cap_win * 2 : 8;
            b->lat = ts_reallocarray(b->lat, b->cap_win, sizeof *b->lat);
            b->tput = ts_reallocarray(b->tput, b->cap_win, sizeof *b->tput);
        }
        double lat = (double)elapsed / b->infer_n;
        b->lat[b->n_win] = lat;
        b->tput[b->n_win] = b->infer_n * 1e6 / (double)elapsed;
        b->n_win++;
        b->stats.windows = b->n_win;
        ts_bench_event ev = {.kind = TS_BENCH_EV_WINDOW, .latency_us = lat};
        emit(b, &ev);
    }
    if (b->n_win < b->windows_goal) {
        mlperf_window(b);
        return;
    }
    finish_run(b, true);
    if (b->state != TS_BENCH_RUNNING) {
        return;
    }
    if (b->o.repeat) {
        mlperf_start_run(b);
    } else {
        done(b);
    }
}

static void mlperf_line(ts_bench *b, const ts_mlperf_line *m)
{
    switch (m->kind) {
    case TS_MLPERF_NAME:
        set_str(&b->board_name, m->value);
        b->replied |= b->cmd == M_NAME;
        break;
    case TS_MLPERF_PROFILE: b->replied |= b->cmd == M_PROFILE; break;
    case TS_MLPERF_MODEL:
        set_str(&b->model_id, m->value);
        b->replied |= b->cmd == M_PROFILE;
        break;
    case TS_MLPERF_ERROR:
        notice(b, "the board says: %s", m->value);
        b->cmd_error = true;
        break;
    case TS_MLPERF_INFER_START:
        if (b->cmd == M_INFER) {
            b->infer_started = true;
            b->laps = 0;
        }
        break;
    case TS_MLPERF_LAP:
        if (b->cmd == M_INFER && b->infer_started && !b->infer_done) {
            if (b->laps == 0) {
                b->lap0 = m->number;
            } else {
                b->lap1 = m->number;
            }
            b->laps++;
        }
        break;
    case TS_MLPERF_INFER_DONE: b->infer_done |= b->cmd == M_INFER; break;
    case TS_MLPERF_READY:
        if (b->state == TS_BENCH_DETECTING) {
            mlperf_identify(b);
        } else if (b->cmd == M_NAME && (b->replied || b->cmd_error)) {
            mlperf_command(b, M_PROFILE);
        } else if (b->cmd == M_PROFILE && (b->replied || b->cmd_error)) {
            mlperf_start_run(b);
        } else if (b->cmd == M_INFER && (b->infer_done || b->cmd_error)) {
            mlperf_window_done(b);
        }
        /* Otherwise the m-ready of a board that just started: not ours. */
        break;
    default: break;
    }
}

/* ---- JSON lines ---- */

static void jsonl_start(ts_bench *b)
{
    set_state(b, TS_BENCH_RUNNING);
    b->deadline = b->now + (b->o.timeout_ms > 0 ? b->o.timeout_ms : 10000);
}

static void jsonl_line(ts_bench *b, ts_jsonl_msg *m)
{
    b->deadline = b->now + (b->o.timeout_ms > 0 ? b->o.timeout_ms : 10000);
    if (m->board) {
        set_str(&b->board_name, m->board);
    }
    if (m->model) {
        set_str(&b->model_id, m->model);
    }
    if (m->problem[0]) {
        notice(b, "%s", m->problem);
    }
    if (!m->is_result) {
        return;
    }
    begin_result(b);
    ts_bench_result *r = &b->cur;
    r->inferences = m->inferences;
    r->latency_min_us = isnan(m->latency_min_us) ? m->latency_us : m->latency_min_us;
    r->latency_median_us = isnan(m->latency_median_us) ? m->latency_us : m->latency_median_us;
    r->latency_max_us = isnan(m->latency_max_us) ? m->latency_us : m->latency_max_us;
    r->inferences_per_second = 1e6 / m->latency_us;
    r->accuracy = m->accuracy;
    r->energy_uj = m->energy_uj;
    r->complete = true;
    ts_bench_event ev = {.kind = TS_BENCH_EV_WINDOW, .latency_us = m->latency_us};
    emit(b, &ev);
    record(b, r);
    b->jsonl_results++;
    if (b->o.runs && b->jsonl_results >= b->o.runs) {
        done(b);
    }
}

/* ---- lines ---- */

static void handle_line(ts_bench *b, const char *line, size_t len)
{
    ts_mlperf_line m;
    ts_jsonl_msg j;
    bool is_json = b->proto != TS_PROTO_MLPERF && ts_jsonl_parse(line, len, &j);
    if (!is_json) {
        ts_mlperf_parse(line, &m);
    }
    bool known = is_json ? b->proto != TS_PROTO_MLPERF
                         : b->proto != TS_PROTO_JSONL && m.kind != TS_MLPERF_NONE;
    if (!known) {
        if (is_json) {
            ts_jsonl_msg_clear(&j);
        }
        b->stats.garbage++;
        skipped(b, "garbage", line, len);
        return;
    }
    b->stats.lines++;
    ts_bench_event ev = {.kind = TS_BENCH_EV_LINE, .text = line, .len = len};
    emit(b, &ev);
    if (b->proto == TS_PROTO_AUTO) {
        /* Noise can look like "m-..." or "e-...": only a line of the
         * protocol proper (m-ready, m-name-dut-[...], m-lap-us-N...) decides. */
        if (!is_json && (m.kind == TS_MLPERF_ERROR || m.kind == TS_MLPERF_OTHER)) {
            return;
        }
        b->proto = is_json ? TS_PROTO_JSONL : TS_PROTO_MLPERF;
        notice(b, "protocol: %s (detected)", ts_bench_proto_name(b->proto));
        if (is_json) {
            b->cmd = M_IDLE;
            jsonl_start(b);
        }
        /* An MLPerf board that is starting up is asked once it is ready
         * (m-ready below) or when the detection time is up. */
    }
    if (is_json) {
        jsonl_line(b, &j);
        ts_jsonl_msg_clear(&j);
    } else if (b->port) {
        mlperf_line(b, &m);
    }
}

static void end_line(ts_bench *b)
{
    size_t len = b->line_len;
    b->line_len = 0;
    if (b->overlong) {
        b->overlong = false;
        b->stats.overlong++;
        skipped(b, "overlong", b->line, len);
        return;
    }
    if (len == 0) {
        return;
    }
    b->line[len] = '\0';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)b->line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            b->stats.binary++;
            skipped(b, "binary", b->line, len);
            return;
        }
    }
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = ts_utf8_decode((const unsigned char *)b->line + i, len - i, &cp);
        if (n == 0) {
            b->stats.invalid_utf8++;
            skipped(b, "invalid UTF-8", b->line, len);
            return;
        }
        i += n;
    }
    handle_line(b, b->line, len);
}

static void feed(ts_bench *b, const char *data, size_t n)
{
    b->stats.bytes += n;
    if (!b->heard) {
        b->heard = b->ever_heard = true;
        if (b->reopened) {
            b->reopened = false;
            b->stats.reconnects++;
            notice(b, "reconnected to %s", b->port_name);
        }
    }
    for (size_t i = 0; i < n && b->port; i++) {
        char c = data[i];
        if (c == '\n' || c == '\r') {
            end_line(b);
        } else if (b->line_len < TS_BENCH_MAX_LINE) {
            b->line[b->line_len++] = c;
        } else {
            b->overlong = true;
        }
    }
}

/* ---- opening ---- */

static void start_protocol(ts_bench *b)
{
    b->line_len = 0;
    b->overlong = false;
    switch (b->proto) {
    case TS_PROTO_MLPERF: mlperf_identify(b); break;
    case TS_PROTO_JSONL: jsonl_start(b); break;
    default:
        set_state(b, TS_BENCH_DETECTING);
        b->deadline = b->now + (b->o.detect_ms > 0 ? b->o.detect_ms : 1500);
        break;
    }
}

static void try_open(ts_bench *b)
{
    ts_error err;
    ts_error_clear(&err);
    ts_status st = ts_port_open(b->port_name, &b->o.port_opts, &b->port, &err);
    if (st != TS_OK) {
        if (!b->ever_connected || b->o.no_reconnect) {
            fail(b, &err);
            return;
        }
        if (!b->told_waiting) {
            char msg[2200];
            notice(b, "waiting for the board to come back (%s)",
                   ts_error_format(&err, msg, sizeof msg));
            b->told_waiting = true;
        }
        b->retry_at = b->now + (b->o.reconnect_ms > 0 ? b->o.reconnect_ms : 500);
        return;
    }
    b->reopened = b->ever_connected;
    b->heard = false;
    b->ever_connected = true;
    ts_port_info info;
    if (ts_discover_port(b->sysfs, b->port_name, b->o.store, &info)) {
        set_str(&b->device_iri, info.board_iri);
        set_str(&b->device_label, info.board_label ? info.board_label : info.product);
        ts_port_info_clear(&info);
    }
    start_protocol(b);
}

/* ---- the session ---- */

static char *dup_opt(const char *s)
{
    return s ? ts_strdup(s) : NULL;
}

ts_bench *ts_bench_new(const ts_bench_opts *opts)
{
    ts_bench *b = ts_calloc(1, sizeof *b);
    b->o = *opts;
    b->port_name = dup_opt(opts->port);
    b->eol = dup_opt(opts->eol);
    b->model = dup_opt(opts->model);
    b->results_path = dup_opt(opts->results_path);
    b->sysfs = dup_opt(opts->sysfs);
    b->proto = opts->protocol;
    b->state = TS_BENCH_CONNECTING;
    b->deadline = -1;
    b->retry_at = 0;
    b->model_macs = NAN;
    ts_error_clear(&b->err);
    return b;
}

void ts_bench_stop(ts_bench *b)
{
    if (b->state == TS_BENCH_DONE || b->state == TS_BENCH_FAILED) {
        return;
    }
    finish_run(b, false);
    done(b);
}

void ts_bench_free(ts_bench *b)
{
    if (!b) {
        return;
    }
    ts_bench_stop(b);
    ts_bench_result_clear(&b->cur);
    free(b->port_name);
    free(b->eol);
    free(b->model);
    free(b->results_path);
    free(b->sysfs);
    free(b->board_name);
    free(b->model_id);
    free(b->device_iri);
    free(b->device_label);
    free(b->model_iri);
    free(b->model_key);
    free(b->lat);
    free(b->tput);
    free(b);
}

bool ts_bench_pollfd(const ts_bench *b, struct pollfd *pfd)
{
    if (!b->port) {
        return false;
    }
    pfd->fd = ts_port_fd(b->port);
    pfd->events = ts_port_events(b->port);
    pfd->revents = 0;
    return true;
}

int ts_bench_timeout_ms(const ts_bench *b, int64_t now)
{
    int64_t due = -1;
    switch (b->state) {
    case TS_BENCH_DONE:
    case TS_BENCH_FAILED: return -1;
    case TS_BENCH_CONNECTING:
    case TS_BENCH_DISCONNECTED: due = b->retry_at; break;
    default: due = b->deadline; break;
    }
    if (due < 0) {
        return -1;
    }
    return due <= now ? 0 : (int)(due - now > 60000 ? 60000 : due - now);
}

static void timed_out(ts_bench *b)
{
    b->deadline = -1;
    int secs = (cmd_timeout(b) + 999) / 1000;
    switch (b->state) {
    case TS_BENCH_DETECTING:
        /* Nothing said by itself: ask, as an MLPerf board only talks when asked. */
        set_state(b, TS_BENCH_IDENTIFYING);
        b->tries = 1;
        mlperf_command(b, M_NAME);
        break;
    case TS_BENCH_IDENTIFYING:
        if (b->tries < 3) {
            b->tries++;
            notice(b, "no answer to '%s' in %d s, asking again (%d of 3)",
                   b->cmd == M_NAME ? "name" : "profile", secs, b->tries);
            mlperf_command(b, b->cmd);
        } else if (b->proto == TS_PROTO_AUTO) {
            failf(b, TS_ERR_TIMEOUT,
                  "the board is silent: no JSON line and no answer to the MLPerf Tiny "
                  "'name' command in %d s (is it running, and is the baud rate right? "
                  "see --baud)",
                  secs * 3 + (b->o.detect_ms > 0 ? b->o.detect_ms : 1500) / 1000);
        } else {
            failf(b, TS_ERR_TIMEOUT,
                  "no answer to '%s' after 3 tries of %d s: is the board running the "
                  "MLPerf Tiny firmware, at this baud rate (115200 in performance mode)?",
                  b->cmd == M_NAME ? "name" : "profile", secs);
        }
        break;
    case TS_BENCH_RUNNING:
        if (b->proto == TS_PROTO_JSONL) {
            failf(b, TS_ERR_TIMEOUT, "the board is silent: no line in %d s",
                  (b->o.timeout_ms > 0 ? b->o.timeout_ms : 10000) / 1000);
        } else {
            failf(b, TS_ERR_TIMEOUT,
                  "'infer %u %u' did not finish in %d s: the board stopped answering", b->infer_n,
                  b->warmup, (b->o.infer_timeout_ms > 0 ? b->o.infer_timeout_ms : 30000) / 1000);
        }
        break;
    default: break;
    }
}

void ts_bench_step(ts_bench *b, short revents, int64_t now)
{
    b->now = now;
    if (b->state == TS_BENCH_DONE || b->state == TS_BENCH_FAILED) {
        return;
    }
    if (!b->port) {
        if (now >= b->retry_at) {
            try_open(b);
        }
        return;
    }
    ts_error err;
    if ((revents & POLLOUT) && ts_port_flush(b->port, &err) != TS_OK) {
        disconnected(b, &err);
        return;
    }
    /* Read a bounded amount per step so a flood cannot starve the UI. */
    char buf[4096];
    for (int i = 0; i < 16 && b->port; i++) {
        size_t got;
        if (ts_port_read(b->port, buf, sizeof buf, &got, &err) != TS_OK) {
            disconnected(b, &err);
            return;
        }
        if (got == 0) {
            break;
        }
        feed(b, buf, got);
    }
    if (b->port && b->deadline >= 0 && now >= b->deadline) {
        timed_out(b);
    }
}

void ts_bench_set_store(ts_bench *b, const ts_store *store)
{
    b->o.store = store;
    /* The cached model look-up came from the old store. */
    free(b->model_key);
    free(b->model_iri);
    b->model_key = b->model_iri = NULL;
    b->model_macs = NAN;
}

ts_bench_state ts_bench_get_state(const ts_bench *b)
{
    return b->state;
}
const ts_bench_stats *ts_bench_get_stats(const ts_bench *b)
{
    return &b->stats;
}
ts_bench_proto ts_bench_get_protocol(const ts_bench *b)
{
    return b->proto;
}
const ts_error *ts_bench_error(const ts_bench *b)
{
    return &b->err;
}
const char *ts_bench_board_name(const ts_bench *b)
{
    return b->board_name;
}

ts_status ts_bench_run(ts_bench *b, volatile sig_atomic_t *stop)
{
    for (;;) {
        if (b->state == TS_BENCH_DONE) {
            return TS_OK;
        }
        if (b->state == TS_BENCH_FAILED) {
            return b->err.status != TS_OK ? b->err.status : TS_ERR_IO;
        }
        if (stop && *stop) {
            ts_bench_stop(b);
            return TS_ERR_CANCELLED;
        }
        int64_t now = ts_bench_now_ms();
        int timeout = ts_bench_timeout_ms(b, now);
        if (timeout < 0 || timeout > 250) {
            timeout = 250; /* look at the stop flag now and then */
        }
        struct pollfd pfd;
        bool have = ts_bench_pollfd(b, &pfd);
        int rc = poll(have ? &pfd : NULL, have ? 1 : 0, timeout);
        if (rc < 0 && errno != EINTR) {
            return TS_ERR_IO;
        }
        ts_bench_step(b, rc > 0 ? pfd.revents : 0, ts_bench_now_ms());
    }
}
