/* A simulated board on a pseudo-terminal or a TCP port. */
#include "tinyscope/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

typedef struct {
    int64_t due;
    char *text;
    size_t len;
    bool event; /* the end of a window or a result line: counts for disconnect_after */
} out_line;

typedef struct {
    ts_sim_opts o;
    const char *board, *model;
    int master;            /* pty */
    int listen_fd, client; /* tcp */
    char path[256];
    bool plugged;
    bool connected; /* a host has the port open */
    int64_t replug_at;
    out_line *q;
    size_t head, nq, capq;
    int64_t tail; /* due time of the last queued line */
    char cmd[96];
    size_t cmd_len;
    bool cmd_long;
    uint32_t clock_us;
    uint64_t rng;
    unsigned lines, events, noise;
    int64_t unplug_at; /* -1: not planned */
    bool unplugged_once;
    int64_t next_jsonl;
    long db_expect, db_have;
} board;

static int64_t now_ms(void)
{
    return ts_bench_now_ms();
}

static double rnd(board *s) /* uniform in [0, 1) */
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return (double)(s->rng >> 11) / 9007199254740992.0;
}

static double sample_latency(board *s)
{
    double j = s->o.jitter * (rnd(s) + rnd(s) + rnd(s) - 1.5) / 1.5;
    return s->o.latency_us * (1 + j);
}

static int64_t wall_ms(const board *s, double board_us)
{
    return (int64_t)(board_us * s->o.speed / 1000.0);
}

void ts_sim_opts_init(ts_sim_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->protocol = TS_PROTO_MLPERF;
    opts->ready_fd = -1;
}

/* ---- output ---- */

static void push(board *s, int64_t due, const char *text, size_t len, bool event)
{
    if (s->nq == s->capq) {
        if (s->head > 0) {
            memmove(s->q, s->q + s->head, (s->nq - s->head) * sizeof *s->q);
            s->nq -= s->head;
            s->head = 0;
        }
        if (s->nq == s->capq) {
            s->capq = s->capq ? s->capq * 2 : 64;
            s->q = ts_reallocarray(s->q, s->capq, sizeof *s->q);
        }
    }
    if (due < s->tail) {
        due = s->tail;
    }
    s->tail = due;
    s->q[s->nq++] = (out_line){due, ts_strndup(text, len), len, event};
}

static void noise(board *s, int64_t due)
{
    static const char binary[] = "\x00\x01\x02\xfe\xff\x1b[2J\x07";
    ts_buf b = {0};
    switch (s->noise++ % 5) {
    case 0: ts_buf_append(&b, binary, sizeof binary - 1); break;
    case 1: ts_buf_puts(&b, "lat\xc3\x28ncy \xff\xfe ok"); break;
    case 2:
        for (int i = 0; i < TS_BENCH_MAX_LINE + 100; i++) {
            ts_buf_putc(&b, (char)('A' + i % 26));
        }
        break;
    case 3: ts_buf_puts(&b, "I (1234) sensor: init ok"); break;
    default: ts_buf_puts(&b, "{\"latency_us\": 12"); break;
    }
    ts_buf_puts(&b, "\r\n");
    push(s, due, b.data, b.len, false);
    ts_buf_free(&b);
}

static void say_at(board *s, int64_t due, bool event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say_at(board *s, int64_t due, bool event, const char *fmt, ...)
{
    if (s->o.silent) {
        return;
    }
    s->lines++;
    if (s->o.garbage && s->lines % s->o.garbage == 0) {
        noise(s, due);
    }
    ts_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    ts_buf_puts(&b, "\r\n");
    push(s, due, b.data, b.len, event);
    ts_buf_free(&b);
}

static void clear_queue(board *s)
{
    for (size_t i = s->head; i < s->nq; i++) {
        free(s->q[i].text);
    }
    s->head = s->nq = 0;
    s->tail = 0;
}

static int out_fd(const board *s)
{
    return s->o.tcp_port > 0 ? s->client : s->master;
}

/* ---- plugging ---- */

static ts_status plug_pty(board *s, ts_error *err)
{
    s->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (s->master < 0 || grantpt(s->master) != 0 || unlockpt(s->master) != 0) {
        return ts_error_set(err, TS_ERR_IO, "sim", 0, 0, "cannot create a pty: %s",
                            strerror(errno));
    }
    const char *name = ptsname(s->master);
    snprintf(s->path, sizeof s->path, "%s", name ? name : "");
    /* Raw from the start (the settings outlive this open). The slave is not
     * held open: the master reports POLLHUP while nobody has it open, which
     * is how the board knows a host is listening. */
    int slave = open(s->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        return ts_error_set(err, TS_ERR_IO, s->path, 0, 0, "cannot open: %s", strerror(errno));
    }
    struct termios tio;
    if (tcgetattr(slave, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(slave, TCSANOW, &tio);
    }
    close(slave);
    if (s->o.link) {
        char *tmp = ts_asprintf("%s.tmp%ld", s->o.link, (long)getpid());
        unlink(tmp);
        if (symlink(s->path, tmp) != 0 || rename(tmp, s->o.link) != 0) {
            ts_status st = ts_error_set(err, TS_ERR_IO, s->o.link, 0, 0, "cannot make the link: %s",
                                        strerror(errno));
            unlink(tmp);
            free(tmp);
            return st;
        }
        free(tmp);
    }
    return TS_OK;
}

static ts_status plug_tcp(board *s, ts_error *err)
{
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)s->o.tcp_port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s->listen_fd, 4) != 0) {
        return ts_error_set(err, TS_ERR_IO, "sim", 0, 0, "cannot listen on port %d: %s",
                            s->o.tcp_port, strerror(errno));
    }
    snprintf(s->path, sizeof s->path, "tcp:127.0.0.1:%d", s->o.tcp_port);
    return TS_OK;
}

static void boot(board *s)
{
    int64_t now = now_ms();
    s->cmd_len = 0;
    s->cmd_long = false;
    if (s->o.protocol == TS_PROTO_MLPERF) {
        say_at(s, now, false, "m-timestamp-mode-performance");
        say_at(s, now, false, "m-lap-us-%u", (unsigned)s->clock_us);
        say_at(s, now, false, "m-init-done");
        say_at(s, now, false, "m-ready");
    } else {
        say_at(s, now, false, "{\"v\":1,\"event\":\"start\",\"board\":\"%s\",\"model\":\"%s\"}",
               s->board, s->model);
        s->next_jsonl = now + wall_ms(s, s->o.latency_us * s->o.jsonl_inferences);
    }
}

static ts_status plug(board *s, ts_error *err)
{
    s->master = s->listen_fd = s->client = -1;
    ts_status st = s->o.tcp_port > 0 ? plug_tcp(s, err) : plug_pty(s, err);
    if (st != TS_OK) {
        return st;
    }
    s->plugged = true;
    s->connected = false;
    return TS_OK;
}

static void unplug(board *s)
{
    clear_queue(s);
    int fds[] = {s->master, s->listen_fd, s->client};
    for (size_t i = 0; i < 3; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
    s->master = s->listen_fd = s->client = -1;
    if (s->o.link) {
        unlink(s->o.link);
    }
    s->plugged = false;
}

/* ---- the protocols ---- */

static void mlperf_infer(board *s, unsigned long n, unsigned long w)
{
    int64_t t = s->tail > now_ms() ? s->tail : now_ms();
    say_at(s, t, false, "m-warmup-start-%lu", w);
    double warm = 0;
    for (unsigned long i = 0; i < w; i++) {
        warm += sample_latency(s);
    }
    s->clock_us += (uint32_t)warm;
    t += wall_ms(s, warm);
    say_at(s, t, false, "m-warmup-done");
    say_at(s, t, false, "m-infer-start-%lu", n);
    say_at(s, t, false, "m-lap-us-%u", (unsigned)s->clock_us);
    double timed = 0;
    for (unsigned long i = 0; i < n; i++) {
        timed += sample_latency(s);
    }
    s->clock_us += (uint32_t)timed; /* wraps like a 32-bit hardware timer */
    t += wall_ms(s, timed);
    say_at(s, t, false, "m-lap-us-%u", (unsigned)s->clock_us);
    say_at(s, t, false, "m-infer-done");
    say_at(s, t, false, "m-results-[0.012,0.871,0.004,0.113]");
    say_at(s, t, true, "m-ready");
}

static void mlperf_command(board *s, char *cmd)
{
    int64_t now = now_ms();
    char *words[4] = {0};
    size_t n = 0;
    for (char *tok = strtok(cmd, " "); tok && n < 4; tok = strtok(NULL, " ")) {
        words[n++] = tok;
    }
    if (n == 0) {
        return;
    }
    if (!strcmp(words[0], "name")) {
        say_at(s, now, false, "m-name-dut-[%s]", s->board);
    } else if (!strcmp(words[0], "profile")) {
        say_at(s, now, false, "m-profile-[tinyscope-sim 1.0]");
        say_at(s, now, false, "m-model-[%s]", s->model);
    } else if (!strcmp(words[0], "timestamp")) {
        say_at(s, now, false, "m-lap-us-%u", (unsigned)s->clock_us);
    } else if (!strcmp(words[0], "help")) {
        say_at(s, now, false, "tinyscope-sim: name profile timestamp db infer results help");
    } else if (!strcmp(words[0], "results")) {
        say_at(s, now, false, "m-results-[0.012,0.871,0.004,0.113]");
    } else if (!strcmp(words[0], "db") && n >= 2) {
        if (!strcmp(words[1], "load") && n >= 3) {
            s->db_expect = strtol(words[2], NULL, 10);
            s->db_have = 0;
            say_at(s, now, false, "m-[Expecting %ld bytes]", s->db_expect);
        } else if (s->db_expect > 0 && strcmp(words[1], "print")) {
            s->db_have += (long)strlen(words[1]) / 2;
            if (s->db_have >= s->db_expect) {
                s->db_expect = 0;
                say_at(s, now, false, "m-load-done");
            }
        }
    } else if (!strcmp(words[0], "infer") && n >= 2) {
        unsigned long count = strtoul(words[1], NULL, 10);
        unsigned long warm = n >= 3 ? strtoul(words[2], NULL, 10) : 0;
        if (count == 0 || count > 1000000 || warm > 1000000) {
            say_at(s, now, false, "e-[Bad infer arguments]");
        } else {
            mlperf_infer(s, count, warm);
            return;
        }
    } else {
        say_at(s, now, false, "e-[Unknown command: %s]", words[0]);
    }
    say_at(s, now, false, "m-ready");
}

static void mlperf_input(board *s, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '%') {
            s->cmd[s->cmd_len] = '\0';
            if (s->cmd_long) {
                say_at(s, now_ms(), false, "e-[Command too long]");
                say_at(s, now_ms(), false, "m-ready");
            } else {
                mlperf_command(s, s->cmd);
            }
            s->cmd_len = 0;
            s->cmd_long = false;
        } else if (c == '\r' || c == '\n') {
            continue;
        } else if (s->cmd_len < 80) {
            s->cmd[s->cmd_len++] = c;
        } else {
            s->cmd_long = true;
        }
    }
}

static void jsonl_tick(board *s, int64_t now)
{
    if (now < s->next_jsonl) {
        return;
    }
    unsigned k = s->o.jsonl_inferences;
    double lo = INFINITY, hi = 0, sum = 0;
    for (unsigned i = 0; i < k; i++) {
        double l = sample_latency(s);
        lo = fmin(lo, l);
        hi = fmax(hi, l);
        sum += l;
    }
    s->clock_us += (uint32_t)sum;
    say_at(s, now, true,
           "{\"v\":1,\"ts\":%u,\"board\":\"%s\",\"model\":\"%s\",\"inferences\":%u,"
           "\"latency_us\":%.0f,\"latency_min_us\":%.0f,\"latency_max_us\":%.0f,"
           "\"arena_bytes\":94128,\"accuracy\":0.86,\"energy_uj\":%.1f}",
           (unsigned)s->clock_us, s->board, s->model, k, sum / k, lo, hi, sum / k * 0.0235);
    s->next_jsonl = now + (wall_ms(s, sum) > 0 ? wall_ms(s, sum) : 1);
}

/* ---- the loop ---- */

static void write_due(board *s, int64_t now)
{
    while (s->plugged && s->head < s->nq && s->q[s->head].due <= now) {
        out_line *l = &s->q[s->head];
        int fd = out_fd(s);
        if (fd >= 0) {
            /* A board prints whether or not anyone listens: what does not
             * fit is lost, as on a real UART. */
            ssize_t w = write(fd, l->text, l->len);
            (void)w;
        }
        bool event = l->event;
        free(l->text);
        s->head++;
        if (event) {
            s->events++;
            if (s->o.disconnect_after && s->events == s->o.disconnect_after && !s->unplugged_once) {
                /* Pull the cable a moment later, so the line just written
                 * reaches the host as it would over USB. */
                s->unplugged_once = true;
                s->unplug_at = now + 5;
            }
        }
    }
}

static volatile sig_atomic_t never_stop;

ts_status ts_sim_serve(const ts_sim_opts *opts, volatile sig_atomic_t *stop, ts_error *err)
{
    board s;
    memset(&s, 0, sizeof s);
    s.o = *opts;
    if (s.o.latency_us <= 0)
        s.o.latency_us = 19500;
    if (s.o.speed <= 0)
        s.o.speed = 1;
    if (s.o.jsonl_inferences == 0)
        s.o.jsonl_inferences = 10;
    s.board = opts->board ? opts->board : "sim-board";
    s.model = opts->model ? opts->model
                          : (opts->protocol == TS_PROTO_JSONL ? "Keyword_Spotting" : "kws01");
    s.rng = 0x9E3779B97F4A7C15ULL ^ (opts->seed ? opts->seed : 1);
    s.clock_us = 1000000;
    s.unplug_at = -1;
    if (!stop) {
        stop = &never_stop;
    }
    ts_status st = plug(&s, err);
    if (st != TS_OK) {
        unplug(&s);
        free(s.q);
        return st;
    }
    if (opts->ready_fd >= 0) {
        char line[300];
        int len = snprintf(line, sizeof line, "%s\n", opts->link ? opts->link : s.path);
        ssize_t w = write(opts->ready_fd, line, (size_t)len);
        (void)w;
    }
    while (!*stop) {
        int64_t now = now_ms();
        if (!s.plugged) {
            if (s.replug_at >= 0 && now >= s.replug_at) {
                if (plug(&s, err) != TS_OK) {
                    unplug(&s);
                    s.replug_at = now + 500;
                }
            } else {
                usleep(20000);
            }
            continue;
        }
        if (s.unplug_at >= 0 && now >= s.unplug_at) {
            s.unplug_at = -1;
            unplug(&s);
            s.replug_at = s.o.replug_ms ? now + s.o.replug_ms : -1;
            continue;
        }
        if (s.o.tcp_port <= 0) {
            /* Like a USB board that resets when the port is opened: boot
             * when a host arrives, forget everything when it leaves. */
            struct pollfd h = {.fd = s.master, .events = POLLIN};
            poll(&h, 1, 0);
            bool up = !(h.revents & POLLHUP);
            if (up && !s.connected) {
                s.connected = true;
                boot(&s);
            } else if (!up && s.connected) {
                s.connected = false;
                clear_queue(&s);
            }
            if (!s.connected) {
                usleep(5000);
                continue;
            }
        } else {
            s.connected = s.client >= 0;
        }
        if (s.o.protocol == TS_PROTO_JSONL && s.connected) {
            jsonl_tick(&s, now);
        }
        write_due(&s, now);
        struct pollfd pfd[2];
        nfds_t n = 0;
        int in = out_fd(&s);
        if (in >= 0) {
            pfd[n++] = (struct pollfd){.fd = in, .events = POLLIN};
        }
        if (s.listen_fd >= 0) {
            pfd[n++] = (struct pollfd){.fd = s.listen_fd, .events = POLLIN};
        }
        int64_t wait = s.unplug_at >= 0 ? 5 : 50;
        if (s.head < s.nq) {
            int64_t d = s.q[s.head].due - now;
            wait = d < 0 ? 0 : d < wait ? d : wait;
        }
        if (s.o.protocol == TS_PROTO_JSONL) {
            int64_t d = s.next_jsonl - now;
            wait = d < 0 ? 0 : d < wait ? d : wait;
        }
        if (poll(pfd, n, (int)wait) <= 0) {
            continue;
        }
        for (nfds_t i = 0; i < n; i++) {
            if (pfd[i].fd == s.listen_fd && (pfd[i].revents & POLLIN)) {
                int c = accept(s.listen_fd, NULL, NULL);
                if (c >= 0) {
                    fcntl(c, F_SETFL, O_NONBLOCK);
                    fcntl(c, F_SETFD, FD_CLOEXEC);
                }
                if (c >= 0 && s.client >= 0) {
                    close(c); /* one client at a time, like a serial line */
                } else if (c >= 0) {
                    s.client = c;
                    boot(&s);
                }
            } else if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buf[512];
                ssize_t got = read(pfd[i].fd, buf, sizeof buf);
                if (got > 0 && !s.o.silent && s.o.protocol == TS_PROTO_MLPERF) {
                    mlperf_input(&s, buf, (size_t)got);
                } else if (got == 0 && s.o.tcp_port > 0) {
                    close(s.client);
                    s.client = -1;
                    clear_queue(&s);
                } else if (got < 0 && errno == EIO) {
                    usleep(10000); /* pty with no reader: nothing to do */
                }
            }
        }
    }
    unplug(&s);
    free(s.q);
    return TS_OK;
}

/* ---- child processes ---- */

struct ts_sim {
    pid_t pid;
    char *port;
};

static volatile sig_atomic_t child_stop;

static void on_term(int sig)
{
    (void)sig;
    child_stop = 1;
}

ts_status ts_sim_spawn(const ts_sim_opts *opts, ts_sim **out, ts_error *err)
{
    *out = NULL;
    int fds[2];
    if (pipe(fds) != 0) {
        return ts_error_set(err, TS_ERR_IO, "sim", 0, 0, "pipe: %s", strerror(errno));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return ts_error_set(err, TS_ERR_IO, "sim", 0, 0, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        /* Out of the terminal's process group, so a Ctrl-C meant for the
         * program (a cancelled query in the UI) does not unplug the board;
         * it goes when the program does. */
        setpgid(0, 0);
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
        struct sigaction sa = {.sa_handler = on_term};
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        ts_sim_opts o = *opts;
        o.ready_fd = fds[1];
        ts_error e;
        ts_status st = ts_sim_serve(&o, &child_stop, &e);
        _exit(st == TS_OK ? 0 : 1);
    }
    close(fds[1]);
    ts_buf line = {0};
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    int64_t until = ts_bench_now_ms() + 5000;
    while (ts_bench_now_ms() < until) {
        if (poll(&pfd, 1, 100) <= 0) {
            continue;
        }
        char c;
        ssize_t n = read(fds[0], &c, 1);
        if (n <= 0 || c == '\n') {
            break;
        }
        ts_buf_putc(&line, c);
    }
    close(fds[0]);
    if (line.len == 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        ts_buf_free(&line);
        return ts_error_set(err, TS_ERR_IO, "sim", 0, 0, "the simulated board did not start");
    }
    ts_sim *sim = ts_calloc(1, sizeof *sim);
    sim->pid = pid;
    sim->port = ts_buf_steal(&line);
    *out = sim;
    return TS_OK;
}

const char *ts_sim_port(const ts_sim *sim)
{
    return sim->port;
}
pid_t ts_sim_pid(const ts_sim *sim)
{
    return sim->pid;
}

void ts_sim_free(ts_sim *sim)
{
    if (!sim) {
        return;
    }
    kill(sim->pid, SIGTERM);
    waitpid(sim->pid, NULL, 0);
    free(sim->port);
    free(sim);
}

ts_status ts_sim_demo_start(const char *dir, ts_sim **sims, size_t max, size_t *n, ts_error *err)
{
    *n = 0;
    static const struct {
        ts_bench_proto proto;
        const char *file, *board, *model;
        double latency_us;
    } boards[] = {
        {TS_PROTO_MLPERF, "sim-mlperf", "sim-nucleo-l4r5zi", "kws01", 19800},
        {TS_PROTO_JSONL, "sim-jsonl", "sim-nano33ble", "Person_Detection", 95000},
    };
    for (size_t i = 0; i < sizeof boards / sizeof boards[0] && *n < max; i++) {
        ts_sim_opts o;
        ts_sim_opts_init(&o);
        char *link = ts_asprintf("%s/%s", dir, boards[i].file);
        o.protocol = boards[i].proto;
        o.link = link;
        o.board = boards[i].board;
        o.model = boards[i].model;
        o.latency_us = boards[i].latency_us;
        o.jitter = 0.03;
        o.seed = (unsigned)i + 1;
        ts_status st = ts_sim_spawn(&o, &sims[*n], err);
        free(link);
        if (st != TS_OK) {
            while (*n) {
                ts_sim_free(sims[--*n]);
            }
            return st;
        }
        (*n)++;
    }
    return TS_OK;
}
