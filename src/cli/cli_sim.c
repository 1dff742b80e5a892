/* tinyscope sim: a simulated board, for tests, demos and trying things out. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "tinyscope/sim.h"

static void sim_usage(FILE *f)
{
    fputs("usage: tinyscope sim [--protocol mlperf|jsonl] [--link PATH | --tcp PORT]\n"
          "                     [OPTIONS]\n"
          "\n"
          "Simulate a board on a new pseudo-terminal (or on 127.0.0.1:PORT), print\n"
          "the port to open on stdout, and serve until interrupted.\n"
          "\n"
          "  -P, --protocol NAME      mlperf (default) or jsonl\n"
          "  -l, --link PATH          make PATH a symlink to the pty (survives replugs)\n"
          "      --tcp PORT           serve on TCP instead of a pty\n"
          "      --board NAME         the name the board reports\n"
          "      --model NAME         the model it runs (kws01 / Keyword_Spotting)\n"
          "      --latency-us N       mean latency of one inference (19500)\n"
          "      --jitter F           relative spread of latencies (0.03)\n"
          "      --speed F            wall-clock factor: 0.01 runs 100 times faster\n"
          "      --garbage N          a line of noise before every Nth line\n"
          "      --disconnect-after N unplug after N windows / result lines\n"
          "      --replug-ms MS       plug back in after MS milliseconds\n"
          "      --silent             never answer\n"
          "      --seed N             random seed\n",
          f);
}

static volatile sig_atomic_t sim_stop;

static void on_signal(int sig)
{
    (void)sig;
    sim_stop = 1;
}

int ts_cmd_sim(int argc, char **argv)
{
    enum {
        O_TCP = 256,
        O_BOARD,
        O_MODEL,
        O_LAT,
        O_JITTER,
        O_SPEED,
        O_GARBAGE,
        O_DISC,
        O_REPLUG,
        O_SILENT,
        O_SEED
    };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"protocol", required_argument, NULL, 'P'},
        {"link", required_argument, NULL, 'l'},
        {"tcp", required_argument, NULL, O_TCP},
        {"board", required_argument, NULL, O_BOARD},
        {"model", required_argument, NULL, O_MODEL},
        {"latency-us", required_argument, NULL, O_LAT},
        {"jitter", required_argument, NULL, O_JITTER},
        {"speed", required_argument, NULL, O_SPEED},
        {"garbage", required_argument, NULL, O_GARBAGE},
        {"disconnect-after", required_argument, NULL, O_DISC},
        {"replug-ms", required_argument, NULL, O_REPLUG},
        {"silent", no_argument, NULL, O_SILENT},
        {"seed", required_argument, NULL, O_SEED},
        {NULL, 0, NULL, 0},
    };
    ts_sim_opts o;
    ts_sim_opts_init(&o);
    o.jitter = 0.03;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hP:l:", longopts, NULL)) != -1) {
        char *end = NULL;
        double num = optarg ? strtod(optarg, &end) : 0;
        bool bad_num = optarg && (end == optarg || *end || num < 0);
        switch (c) {
        case 'h': sim_usage(stdout); return TS_EXIT_OK;
        case 'P':
            if (!ts_bench_proto_from_name(optarg, &o.protocol) || o.protocol == TS_PROTO_AUTO) {
                ts_cli_error("sim: protocol is mlperf or jsonl, not '%s'", optarg);
                return TS_EXIT_USAGE;
            }
            continue;
        case 'l': o.link = optarg; continue;
        case O_BOARD: o.board = optarg; continue;
        case O_MODEL: o.model = optarg; continue;
        case O_SILENT: o.silent = true; continue;
        case '?': sim_usage(stderr); return TS_EXIT_USAGE;
        default: break;
        }
        if (bad_num) {
            ts_cli_error("sim: '%s' is not a number for --%s", optarg,
                         longopts[c - O_TCP + 3].name);
            return TS_EXIT_USAGE;
        }
        switch (c) {
        case O_TCP: o.tcp_port = num > 65535 ? 0 : (int)num; break;
        case O_LAT: o.latency_us = num; break;
        case O_JITTER: o.jitter = num > 0.5 ? 0.5 : num; break;
        case O_SPEED: o.speed = num; break;
        case O_GARBAGE: o.garbage = (unsigned)num; break;
        case O_DISC: o.disconnect_after = (unsigned)num; break;
        case O_REPLUG: o.replug_ms = (unsigned)num; break;
        case O_SEED: o.seed = (unsigned)num; break;
        default: break;
        }
    }
    if (optind < argc) {
        sim_usage(stderr);
        return TS_EXIT_USAGE;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    o.ready_fd = 1; /* the port name on stdout, for scripts */
    fflush(stdout);
    ts_error err;
    if (ts_sim_serve(&o, &sim_stop, &err) != TS_OK) {
        char msg[2600];
        ts_cli_error("sim: %s", ts_error_format(&err, msg, sizeof msg));
        return TS_EXIT_FAILURE;
    }
    return TS_EXIT_OK;
}
