/*
 * Serial ports for benchmarking: a tty device (USB CDC-ACM, USB-serial
 * converter, pseudo-terminal) through termios, or a TCP socket bridging a
 * remote board ("tcp:HOST:PORT", as ser2net and socat expose them).
 *
 * Every port is non-blocking: the caller polls ts_port_fd() and calls
 * ts_port_read() / ts_port_flush() when it is ready, so a user interface
 * never waits on a board.
 */
#ifndef TINYSCOPE_PORT_H
#define TINYSCOPE_PORT_H

#include <stdbool.h>
#include <stddef.h>

#include "tinyscope/status.h"

typedef struct ts_port ts_port;

typedef struct {
    unsigned baud; /**< bits per second; 0: 115200 (ignored for tcp:) */
    bool no_lock;  /**< do not take the exclusive flock on a tty */
} ts_port_opts;

/**
 * Open name: a device path ("/dev/ttyACM0", a pty, a symlink to one) or
 * "tcp:HOST:PORT". A tty is put in raw 8N1 mode at opts->baud and locked
 * with an exclusive flock, as picocom and tio do. A TCP connection is
 * started without waiting, and so is the resolution of a host name (on a
 * thread of its own: a slow DNS server never blocks the caller); bytes
 * written before the connection is up are queued, and a name that does not
 * resolve is reported by the next read or flush, as a refused connection is.
 * opts may be NULL. On failure *out is NULL and err says why, naming the
 * port: TS_ERR_BUSY (locked by another program), TS_ERR_PERMISSION (with
 * the dialout hint), TS_ERR_NOT_FOUND, TS_ERR_BAD_ARG (unknown baud rate,
 * malformed tcp: address, not a terminal) or TS_ERR_IO. The caller frees
 * the port with ts_port_free().
 */
ts_status ts_port_open(const char *name, const ts_port_opts *opts, ts_port **out, ts_error *err);

/** Close the port (releasing its lock) and free it. NULL is allowed. */
void ts_port_free(ts_port *port);

/** The file descriptor to poll, for the events ts_port_events() gives. */
int ts_port_fd(const ts_port *port);

/** The poll events to wait for on ts_port_fd() now. */
short ts_port_events(const ts_port *port);

/** The name the port was opened with (owned by the port). */
const char *ts_port_name(const ts_port *port);

/** True for a tcp: port. */
bool ts_port_is_tcp(const ts_port *port);

/**
 * Read what is available, at most cap bytes, without blocking. *got is 0
 * when nothing is there yet. TS_ERR_IO means the board went away (unplugged,
 * hung up, connection closed); err then says so.
 */
ts_status ts_port_read(ts_port *port, void *buf, size_t cap, size_t *got, ts_error *err);

/**
 * Queue bytes for the board and write as much as the port takes now; the
 * rest goes out on later ts_port_flush() calls. TS_ERR_IO when the board
 * went away.
 */
ts_status ts_port_write(ts_port *port, const void *data, size_t n, ts_error *err);

/** Write queued bytes (call when the fd is writable). */
ts_status ts_port_flush(ts_port *port, ts_error *err);

/** Bytes queued and not yet written. */
size_t ts_port_pending(const ts_port *port);

/** Discard bytes received and not yet read (tcflush on a tty). */
void ts_port_discard_input(ts_port *port);

/** True when baud is a rate termios supports here. */
bool ts_port_baud_valid(unsigned baud);

#endif
