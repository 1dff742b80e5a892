/*
 * Benchmark sessions: talk to one board on one port, in the MLPerf Tiny
 * device-under-test protocol or tinyscope's line-delimited JSON protocol,
 * turn what it says into results, append each result to the results file
 * (durably) and only then report it.
 *
 * A session never blocks: the caller polls the descriptor from
 * ts_bench_pollfd() with the timeout from ts_bench_timeout_ms() and calls
 * ts_bench_step() when the descriptor is ready or the timeout expires
 * (ncurses UIs fold this into their own poll loop). Everything the session
 * learns arrives through the event callback, from inside ts_bench_step().
 * ts_bench_run() is the blocking loop for the command line.
 *
 * In a UI loop, with one session per port:
 *
 *     struct pollfd pfd;
 *     bool have = ts_bench_pollfd(b, &pfd);
 *     int t = ts_bench_timeout_ms(b, ts_bench_now_ms());   // -1: none
 *     ... poll(&pfd, have, min(t, ui_timeout)) with the UI's own fds ...
 *     ts_bench_step(b, have ? pfd.revents : 0, ts_bench_now_ms());
 *
 * ts_bench_stop() ends a run from the UI (a partial run is kept as
 * incomplete); ts_discover_scan() (discover.h) lists the ports to offer;
 * ts_results_from_store() and ts_results_summarize() (results.h) give the
 * history and the results table; ts_sim_demo_start() (sim.h) starts
 * simulated boards.
 */
#ifndef TINYSCOPE_BENCH_H
#define TINYSCOPE_BENCH_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tinyscope/port.h"
#include "tinyscope/results.h"
#include "tinyscope/status.h"
#include "tinyscope/store.h"

typedef enum {
    TS_PROTO_AUTO,   ///< tell from the first lines
    TS_PROTO_MLPERF, ///< MLPerf Tiny DUT protocol, driven by the host
    TS_PROTO_JSONL,  ///< one JSON object per result, sent by the board
} ts_bench_proto;

/** "auto", "mlperf" or "jsonl". */
const char *ts_bench_proto_name(ts_bench_proto proto);
/** Parse a protocol name; false when unknown. */
bool ts_bench_proto_from_name(const char *name, ts_bench_proto *out);

typedef enum {
    TS_BENCH_CONNECTING,   ///< opening the port
    TS_BENCH_DETECTING,    ///< reading the first lines to tell the protocol
    TS_BENCH_IDENTIFYING,  ///< MLPerf: asking name and profile
    TS_BENCH_RUNNING,      ///< measuring
    TS_BENCH_DISCONNECTED, ///< the board went away; reopening the port
    TS_BENCH_DONE,         ///< every requested result recorded, or stopped
    TS_BENCH_FAILED,       ///< stopped on an error (see ts_bench_error)
} ts_bench_state;

/** A short lowercase name for a state ("running", "disconnected", ...). */
const char *ts_bench_state_name(ts_bench_state state);

typedef enum {
    TS_BENCH_EV_STATE,   ///< the state changed (ev->state)
    TS_BENCH_EV_LINE,    ///< a valid line from the board (ev->text)
    TS_BENCH_EV_SKIPPED, ///< a line skipped: ev->text is the raw bytes, ev->reason why
    TS_BENCH_EV_SENT,    ///< a command sent to the board (ev->text)
    TS_BENCH_EV_WINDOW,  ///< one timed measurement (ev->latency_us), e.g. for a sparkline
    TS_BENCH_EV_RESULT,  ///< a result, already on disk when ev->saved (ev->result)
    TS_BENCH_EV_NOTICE,  ///< something worth telling the user (ev->text)
    TS_BENCH_EV_ERROR,   ///< an error (ev->err); the state tells whether it is fatal
} ts_bench_event_kind;

/**
 * An event. Everything it points to is borrowed for the duration of the
 * callback. Text from the board is untrusted: sanitise before display.
 */
typedef struct {
    ts_bench_event_kind kind;
    ts_bench_state state;
    const char *text;
    size_t len;
    const char *reason;            ///< SKIPPED: "garbage", "binary", "invalid UTF-8", "overlong"
    double latency_us;             ///< WINDOW
    const ts_bench_result *result; ///< RESULT
    bool saved;                    ///< RESULT: appended and flushed to the results file
    const ts_error *err;           ///< ERROR (and RESULT when saving failed)
} ts_bench_event;

typedef void (*ts_bench_event_fn)(void *ctx, const ts_bench_event *ev);

/** What the session has counted on the line. */
typedef struct {
    size_t bytes;
    size_t lines;   ///< valid lines
    size_t garbage; ///< valid text the protocol does not know
    size_t binary;  ///< lines with control characters or NUL bytes
    size_t invalid_utf8;
    size_t overlong; ///< lines longer than TS_BENCH_MAX_LINE, dropped
    size_t results;  ///< results recorded
    size_t windows;  ///< timed measurements in the current run
    size_t reconnects;
} ts_bench_stats;

/** Longest line accepted from a board, in bytes. */
#define TS_BENCH_MAX_LINE 4096

typedef struct {
    const char *port;        ///< device path or tcp:HOST:PORT (required)
    ts_port_opts port_opts;  ///< baud rate, locking
    ts_bench_proto protocol; ///< TS_PROTO_AUTO by default
    const char *eol;         ///< sent after each command (NULL: nothing; '%' ends MLPerf ones)
    const char *model;       ///< model name to record instead of the one the board reports
    /**
     * How much to measure. MLPerf: a result is the median over `runs` timed
     * windows of `infer N W` (0: 5, as the MLPerf Tiny runner does). JSON
     * lines: stop after `runs` result lines (0: no limit).
     */
    unsigned runs;
    bool repeat;              ///< MLPerf: start a new result after each one (until stopped)
    unsigned infer_count;     ///< MLPerf N per window (0: by model id, as the runner's settings)
    unsigned warmup;          ///< MLPerf W per window (0: by model id)
    int timeout_ms;           ///< answer to a command, or silence of a JSON board (0: 5000 / 10000)
    int infer_timeout_ms;     ///< one infer window (0: 30000, the runner's limit)
    int detect_ms;            ///< auto-detection: wait this long before probing (0: 1500)
    bool no_reconnect;        ///< stop when the board goes away instead of waiting for it
    int reconnect_ms;         ///< retry interval while disconnected (0: 500)
    const char *results_path; ///< where results are appended (NULL: not recorded)
    const ts_store *store;    ///< knowledge graph for board and model matching (may be NULL)
    const char *sysfs;        ///< sysfs root for port discovery (NULL: default)
    ts_bench_event_fn on_event;
    void *ctx;
} ts_bench_opts;

typedef struct ts_bench ts_bench;

/**
 * A new session; nothing is opened until the first ts_bench_step(). The
 * strings in opts are copied; store must outlive the session.
 */
ts_bench *ts_bench_new(const ts_bench_opts *opts);

/**
 * Stop and free. A run in progress is recorded as incomplete first (and
 * reported). NULL is allowed.
 */
void ts_bench_free(ts_bench *b);

/** Milliseconds on the monotonic clock, the `now` every call takes. */
int64_t ts_bench_now_ms(void);

/**
 * The descriptor to poll, with the events wanted; returns false when there
 * is none right now (connecting or disconnected: only the timeout matters).
 */
bool ts_bench_pollfd(const ts_bench *b, struct pollfd *pfd);

/** Milliseconds until the session needs ts_bench_step() again; -1: never (done). */
int ts_bench_timeout_ms(const ts_bench *b, int64_t now);

/** Do whatever is due: read and parse, write, time out, reconnect. */
void ts_bench_step(ts_bench *b, short revents, int64_t now);

/**
 * Stop: a run in progress is kept as incomplete, the port is closed and
 * the state becomes DONE.
 */
void ts_bench_stop(ts_bench *b);

/**
 * Match boards and models in store from now on (a UI that reloads its
 * sources replaces the store the session was given). May be NULL; the
 * store must outlive the session.
 */
void ts_bench_set_store(ts_bench *b, const ts_store *store);

ts_bench_state ts_bench_get_state(const ts_bench *b);
const ts_bench_stats *ts_bench_get_stats(const ts_bench *b);
/** The protocol in use (TS_PROTO_AUTO until detected). */
ts_bench_proto ts_bench_get_protocol(const ts_bench *b);
/** The error that made the session FAILED (status TS_OK otherwise). */
const ts_error *ts_bench_error(const ts_bench *b);
/** The board's name as reported (MLPerf m-name-dut, JSON "board"), or NULL. */
const char *ts_bench_board_name(const ts_bench *b);

/**
 * Step until DONE or FAILED, or until *stop becomes non-zero (then stop
 * as ts_bench_stop). Returns TS_OK when done, else the error's status.
 */
ts_status ts_bench_run(ts_bench *b, volatile sig_atomic_t *stop);

/* ---- protocol line parsers (pure; used by the session and the simulator) ---- */

typedef enum {
    TS_MLPERF_NONE,        ///< not an MLPerf line
    TS_MLPERF_READY,       ///< m-ready
    TS_MLPERF_ERROR,       ///< e-[...]
    TS_MLPERF_NAME,        ///< m-name-dut-[X]
    TS_MLPERF_PROFILE,     ///< m-profile-[X]
    TS_MLPERF_MODEL,       ///< m-model-[X]
    TS_MLPERF_LAP,         ///< m-lap-us-N
    TS_MLPERF_INFER_START, ///< m-infer-start-N
    TS_MLPERF_INFER_DONE,  ///< m-infer-done
    TS_MLPERF_RESULTS,     ///< m-results-[...]
    TS_MLPERF_OTHER,       ///< any other m- line (warm-up, init, mode...)
} ts_mlperf_kind;

typedef struct {
    ts_mlperf_kind kind;
    char value[256];           ///< the text in brackets, or after the last '-'
    unsigned long long number; ///< LAP, INFER_START
} ts_mlperf_line;

/** Classify one line (without its line ending). */
void ts_mlperf_parse(const char *line, ts_mlperf_line *out);

/** Median of values[0..n) (sorts them in place); NAN for n == 0. */
double ts_bench_median(double *values, size_t n);

/** One JSON-lines message. Numbers are NAN when absent; strings point into owned copies. */
typedef struct {
    bool is_result; ///< has latency_us
    int version;    ///< "v" (0 when absent)
    char *board;    ///< owned, or NULL
    char *model;    ///< owned, or NULL
    long long inferences;
    double latency_us, latency_min_us, latency_median_us, latency_max_us;
    double accuracy, energy_uj;
    char problem[128]; ///< why a value was ignored ("" when none)
} ts_jsonl_msg;

/**
 * Parse one line as a JSON-lines message. False when it is not a JSON
 * object. Free the strings with ts_jsonl_msg_clear().
 */
bool ts_jsonl_parse(const char *line, size_t len, ts_jsonl_msg *out);
void ts_jsonl_msg_clear(ts_jsonl_msg *msg);

/** The default `infer N W` for an MLPerf Tiny model id (kws01, ic01...). */
void ts_mlperf_default_infer(const char *model_id, unsigned *n, unsigned *warmup);

#endif
