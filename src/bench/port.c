#include "tinyscope/port.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "tinyscope/buf.h"

/*
 * A host name resolved on a thread of its own, so that a slow or dead DNS
 * server never stops the caller's poll loop. The thread and the port share
 * the job; whichever lets go of it last frees it. The thread wakes the port
 * through a pipe, but only while the port still wants the answer.
 */
typedef struct {
    pthread_mutex_t lock;
    int refs;
    bool abandoned; /* the port was freed: nobody reads the answer */
    bool answered;
    int rc;               /* getaddrinfo's */
    struct addrinfo *res; /* the answer, until the port takes it */
    int wake[2];          /* the port polls [0]; the thread writes to [1] */
    char *host, *service;
} resolve_job;

struct ts_port {
    char *name;
    int fd;
    bool tcp;
    resolve_job *resolving; /* tcp: the host name is being resolved */
    bool connecting; /* tcp: connect() still in progress */
    struct addrinfo *addrs, *next_addr; /* tcp: the host's addresses, those not tried */
    ts_buf out;      /* queued bytes not yet written */
    size_t out_off;  /* bytes of out already written */
};

static const struct {
    unsigned baud;
    speed_t speed;
} bauds[] = {
    {1200, B1200},     {2400, B2400},       {4800, B4800},       {9600, B9600},
    {19200, B19200},   {38400, B38400},     {57600, B57600},     {115200, B115200},
    {230400, B230400}, {460800, B460800},   {500000, B500000},   {576000, B576000},
    {921600, B921600}, {1000000, B1000000}, {1500000, B1500000}, {2000000, B2000000},
};

static bool baud_speed(unsigned baud, speed_t *out)
{
    for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
        if (bauds[i].baud == baud) {
            *out = bauds[i].speed;
            return true;
        }
    }
    return false;
}

bool ts_port_baud_valid(unsigned baud)
{
    speed_t s;
    return baud_speed(baud, &s);
}

static ts_status open_errno(ts_error *err, const char *name, int e)
{
    switch (e) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return ts_error_set(err, TS_ERR_NOT_FOUND, name, 0, 0,
                            "no such port (is the board plugged in? 'tinyscope boards' "
                            "lists the ports)");
    case EACCES:
    case EPERM:
        return ts_error_set(err, TS_ERR_PERMISSION, name, 0, 0,
                            "permission denied: serial ports belong to the 'dialout' "
                            "group; add yourself with 'sudo usermod -aG dialout $USER' "
                            "and log in again");
    case EBUSY:
        return ts_error_set(err, TS_ERR_BUSY, name, 0, 0,
                            "port busy: another program has it open exclusively");
    default: return ts_error_set(err, TS_ERR_IO, name, 0, 0, "cannot open: %s", strerror(e));
    }
}

static ts_status open_tty(ts_port *p, const ts_port_opts *opts, ts_error *err)
{
    unsigned baud = opts && opts->baud ? opts->baud : 115200;
    speed_t speed;
    if (!baud_speed(baud, &speed)) {
        return ts_error_set(err, TS_ERR_BAD_ARG, p->name, 0, 0, "unsupported baud rate %u", baud);
    }
    p->fd = open(p->name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (p->fd < 0) {
        return open_errno(err, p->name, errno);
    }
    if (!(opts && opts->no_lock) && flock(p->fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            return ts_error_set(err, TS_ERR_BUSY, p->name, 0, 0,
                                "port busy: another program (a terminal such as picocom "
                                "or tio, or another tinyscope) has it locked");
        }
        return ts_error_set(err, TS_ERR_IO, p->name, 0, 0, "cannot lock: %s", strerror(errno));
    }
    struct termios tio;
    if (tcgetattr(p->fd, &tio) != 0) {
        if (errno == ENOTTY || errno == EINVAL) {
            return ts_error_set(err, TS_ERR_BAD_ARG, p->name, 0, 0,
                                "not a serial port or terminal");
        }
        return ts_error_set(err, TS_ERR_IO, p->name, 0, 0, "cannot read settings: %s",
                            strerror(errno));
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
    tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    /* VMIN 1 with O_NONBLOCK: no data is EAGAIN, so that a read of 0 bytes
     * means a hang-up (with VMIN 0 it would mean "nothing yet"). */
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    if (tcsetattr(p->fd, TCSANOW, &tio) != 0) {
        return ts_error_set(err, TS_ERR_IO, p->name, 0, 0, "cannot configure: %s", strerror(errno));
    }
    return TS_OK;
}

static void job_release(resolve_job *j)
{
    pthread_mutex_lock(&j->lock);
    bool last = --j->refs == 0;
    pthread_mutex_unlock(&j->lock);
    if (!last) {
        return;
    }
    if (j->res) {
        freeaddrinfo(j->res);
    }
    close(j->wake[1]);
    pthread_mutex_destroy(&j->lock);
    free(j->host);
    free(j->service);
    free(j);
}

static void *resolve_main(void *arg)
{
    resolve_job *j = arg;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(j->host, j->service, &hints, &res);
    pthread_mutex_lock(&j->lock);
    j->rc = rc;
    j->res = rc == 0 ? res : NULL;
    j->answered = true;
    if (!j->abandoned) {
        /* The port closes wake[0] only after it set abandoned under the
         * lock, so this write never meets a closed pipe. */
        ssize_t w = write(j->wake[1], "", 1);
        (void)w;
    }
    pthread_mutex_unlock(&j->lock);
    job_release(j);
    return NULL;
}

/* Let go of a resolution still in flight (the thread finishes on its own). */
static void abandon(ts_port *p)
{
    resolve_job *j = p->resolving;
    if (!j) {
        return;
    }
    pthread_mutex_lock(&j->lock);
    j->abandoned = true;
    pthread_mutex_unlock(&j->lock);
    close(j->wake[0]);
    p->resolving = NULL;
    p->fd = -1;
    job_release(j);
}

/* Start connecting to the next of the host's addresses that takes a
 * socket; one that refuses later gives way to the one after it. */
static ts_status connect_next(ts_port *p, int last, ts_error *err)
{
    while (p->next_addr) {
        struct addrinfo *ai = p->next_addr;
        p->next_addr = ai->ai_next;
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
            p->fd = fd;
            p->connecting = errno == EINPROGRESS;
            return TS_OK;
        }
        last = errno;
        close(fd);
    }
    return ts_error_set(err, last == ECONNREFUSED ? TS_ERR_NOT_FOUND : TS_ERR_IO, p->name, 0, 0,
                        "cannot connect: %s", strerror(last));
}

static ts_status connect_any(ts_port *p, struct addrinfo *res, ts_error *err)
{
    p->addrs = p->next_addr = res;
    return connect_next(p, 0, err);
}

static ts_status resolve_error(ts_port *p, int rc, ts_error *err)
{
    return ts_error_set(err, TS_ERR_NOT_FOUND, p->name, 0, 0, "cannot resolve: %s",
                        gai_strerror(rc));
}

/* The answer, if the thread has given it: then connecting starts. */
static ts_status take_answer(ts_port *p, ts_error *err)
{
    resolve_job *j = p->resolving;
    pthread_mutex_lock(&j->lock);
    bool answered = j->answered;
    int rc = j->rc;
    struct addrinfo *res = j->res;
    j->res = NULL;
    pthread_mutex_unlock(&j->lock);
    if (!answered) {
        return TS_OK;
    }
    abandon(p);
    return rc == 0 ? connect_any(p, res, err) : resolve_error(p, rc, err);
}

static ts_status open_tcp(ts_port *p, ts_error *err)
{
    const char *spec = p->name + 4;
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || !colon[1]) {
        return ts_error_set(err, TS_ERR_BAD_ARG, p->name, 0, 0, "expected tcp:HOST:PORT");
    }
    char *host = ts_strndup(spec, (size_t)(colon - spec));
    /* [::1]:PORT style */
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    /* An address needs no resolver: connect at once. */
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc == 0) {
        free(host);
        return connect_any(p, res, err);
    }
    resolve_job *j = ts_calloc(1, sizeof *j);
    if (pipe(j->wake) != 0) {
        int e = errno;
        free(j);
        free(host);
        return ts_error_set(err, TS_ERR_IO, p->name, 0, 0, "cannot resolve: %s", strerror(e));
    }
    for (int k = 0; k < 2; k++) {
        fcntl(j->wake[k], F_SETFD, FD_CLOEXEC);
        fcntl(j->wake[k], F_SETFL, O_NONBLOCK);
    }
    pthread_mutex_init(&j->lock, NULL);
    j->refs = 2;
    j->host = host;
    j->service = ts_strdup(colon + 1);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&t, &attr, resolve_main, j);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        close(j->wake[0]);
        j->refs = 1;
        job_release(j);
        return ts_error_set(err, TS_ERR_IO, p->name, 0, 0, "cannot resolve: %s", strerror(rc));
    }
    p->resolving = j;
    p->fd = j->wake[0];
    return TS_OK;
}

ts_status ts_port_open(const char *name, const ts_port_opts *opts, ts_port **out, ts_error *err)
{
    *out = NULL;
    ts_port *p = ts_calloc(1, sizeof *p);
    p->name = ts_strdup(name);
    p->fd = -1;
    p->tcp = !strncmp(name, "tcp:", 4);
    ts_status st = p->tcp ? open_tcp(p, err) : open_tty(p, opts, err);
    if (st != TS_OK) {
        ts_port_free(p);
        return st;
    }
    *out = p;
    return TS_OK;
}

void ts_port_free(ts_port *port)
{
    if (!port) {
        return;
    }
    if (port->resolving) {
        abandon(port);
    } else if (port->fd >= 0) {
        close(port->fd); /* also releases the flock */
    }
    if (port->addrs) {
        freeaddrinfo(port->addrs);
    }
    ts_buf_free(&port->out);
    free(port->name);
    free(port);
}

int ts_port_fd(const ts_port *port)
{
    return port->fd;
}
const char *ts_port_name(const ts_port *port)
{
    return port->name;
}
bool ts_port_is_tcp(const ts_port *port)
{
    return port->tcp;
}
size_t ts_port_pending(const ts_port *port)
{
    return port->out.len - port->out_off;
}
short ts_port_events(const ts_port *port)
{
    /* While the name resolves, the pipe that announces the answer is what
     * to wait for; it is always writable, so POLLOUT would spin. A
     * connection being set up becomes writable when it is up. */
    if (port->resolving) {
        return POLLIN;
    }
    return (short)(POLLIN | (port->connecting || ts_port_pending(port) ? POLLOUT : 0));
}

static ts_status gone(ts_port *port, ts_error *err, const char *what, int e)
{
    if (e == 0) {
        return ts_error_set(err, TS_ERR_IO, port->name, 0, 0,
                            port->tcp ? "connection closed by the remote end"
                                      : "board disconnected");
    }
    if (e == EIO || e == ENXIO || e == ENODEV) {
        return ts_error_set(err, TS_ERR_IO, port->name, 0, 0, "board disconnected (%s)",
                            strerror(e));
    }
    return ts_error_set(err, TS_ERR_IO, port->name, 0, 0, "%s: %s", what, strerror(e));
}

/* A tcp port whose connect() was in flight: is it up now? */
static ts_status check_connected(ts_port *port, ts_error *err, bool *up)
{
    *up = false;
    if (port->resolving) {
        ts_status st = take_answer(port, err);
        if (st != TS_OK || port->resolving) {
            return st;
        }
    }
    *up = !port->connecting;
    if (!port->connecting) {
        return TS_OK;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(port->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
        soerr = errno;
    }
    if (soerr == EINPROGRESS || soerr == EALREADY) {
        return TS_OK;
    }
    if (soerr != 0) {
        close(port->fd);
        port->fd = -1;
        port->connecting = false;
        return connect_next(port, soerr, err);
    }
    /* SO_ERROR is 0 both when connected and when still connecting. */
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    if (getpeername(port->fd, (struct sockaddr *)&peer, &plen) != 0) {
        return TS_OK;
    }
    port->connecting = false;
    *up = true;
    return TS_OK;
}

ts_status ts_port_read(ts_port *port, void *buf, size_t cap, size_t *got, ts_error *err)
{
    *got = 0;
    bool up;
    ts_status st = check_connected(port, err, &up);
    if (st != TS_OK || !up) {
        return st;
    }
    ssize_t n = read(port->fd, buf, cap);
    if (n > 0) {
        *got = (size_t)n;
        return TS_OK;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return TS_OK;
    }
    return gone(port, err, "read", n == 0 ? 0 : errno);
}

ts_status ts_port_flush(ts_port *port, ts_error *err)
{
    bool up;
    ts_status st = check_connected(port, err, &up);
    if (st != TS_OK || !up) {
        return st;
    }
    while (port->out_off < port->out.len) {
        ssize_t n = write(port->fd, port->out.data + port->out_off, port->out.len - port->out_off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return TS_OK;
            }
            return gone(port, err, "write", errno);
        }
        port->out_off += (size_t)n;
    }
    ts_buf_truncate(&port->out, 0);
    port->out_off = 0;
    return TS_OK;
}

ts_status ts_port_write(ts_port *port, const void *data, size_t n, ts_error *err)
{
    ts_buf_append(&port->out, data, n);
    return ts_port_flush(port, err);
}

void ts_port_discard_input(ts_port *port)
{
    if (!port->tcp) {
        tcflush(port->fd, TCIFLUSH);
    }
}
