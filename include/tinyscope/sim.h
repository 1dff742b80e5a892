/*
 * A simulated board for tests, demos and trying tinyscope without
 * hardware: it speaks the MLPerf Tiny DUT protocol or the JSON-lines
 * protocol on a pseudo-terminal (or a TCP port), with realistic timings
 * and optional faults: noise on the line, an unplug (and replug), silence.
 */
#ifndef TINYSCOPE_SIM_H
#define TINYSCOPE_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "tinyscope/bench.h"
#include "tinyscope/status.h"

typedef struct {
    ts_bench_proto protocol;   ///< TS_PROTO_MLPERF or TS_PROTO_JSONL
    const char *link;          ///< make this path a symlink to the pty (NULL: none)
    int tcp_port;              ///< > 0: serve on 127.0.0.1:tcp_port instead of a pty
    const char *board;         ///< name the board reports (NULL: "sim-board")
    const char *model;         ///< model it runs (NULL: "kws01" / "Keyword_Spotting")
    double latency_us;         ///< mean latency of one inference (0: 19500)
    double jitter;             ///< relative spread of latencies (0: none; e.g. 0.03)
    double speed;              ///< wall-clock factor (0 or 1: real time; 0.01: 100 times faster)
    unsigned jsonl_inferences; ///< JSON lines: inferences per result line (0: 10)
    unsigned garbage;          ///< emit a line of noise before every Nth line (0: never)
    unsigned disconnect_after; ///< unplug after this many windows / result lines (0: never)
    unsigned replug_ms;        ///< plug back in after this long (0: stay unplugged)
    bool silent;               ///< never answer
    unsigned seed;             ///< for jitter and noise (0: 1)
    int ready_fd; ///< write the port name and '\n' here once it can be opened (-1: none)
} ts_sim_opts;

/** Defaults: an MLPerf board, no faults, ready_fd -1. */
void ts_sim_opts_init(ts_sim_opts *opts);

/**
 * Serve until *stop becomes non-zero (a signal handler sets it). Blocks:
 * run it in a process of its own (ts_sim_spawn, or `tinyscope sim`).
 */
ts_status ts_sim_serve(const ts_sim_opts *opts, volatile sig_atomic_t *stop, ts_error *err);

typedef struct ts_sim ts_sim;

/**
 * Start a simulated board in a child process and wait (at most 5 s) until
 * its port can be opened. Call before the UI takes the terminal. The
 * caller frees with ts_sim_free, which stops the child.
 */
ts_status ts_sim_spawn(const ts_sim_opts *opts, ts_sim **out, ts_error *err);

/** The port to open: opts->link, the pty's path, or "tcp:127.0.0.1:N". */
const char *ts_sim_port(const ts_sim *sim);

/** The child's process id. */
pid_t ts_sim_pid(const ts_sim *sim);

/** Stop the child (SIGTERM), wait for it and free. NULL is allowed. */
void ts_sim_free(ts_sim *sim);

/**
 * The boards of `tinyscope --demo`: an MLPerf Tiny board running keyword
 * spotting and a JSON-lines board running person detection, each on a pty
 * reachable through a symlink in dir ("DIR/sim-mlperf", "DIR/sim-jsonl").
 * Fills sims[0..*n) (at most max); the caller frees each. On error the
 * boards started so far are stopped.
 */
ts_status ts_sim_demo_start(const char *dir, ts_sim **sims, size_t max, size_t *n, ts_error *err);

#endif
