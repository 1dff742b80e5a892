/*
 * The one gate between untrusted text and a terminal. Everything that reaches
 * the screen, or stdout in table form, passes through here.
 */
#ifndef TINYSCOPE_SANITIZE_H
#define TINYSCOPE_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tinyscope/buf.h"

/**
 * Append s[0..n) to out with everything a terminal would interpret made
 * visible: C0/C1 control characters and DEL as \n, \t, \r, \e or \xHH /
 * \u0085-style escapes; bidirectional overrides and isolates as \u202E etc.;
 * bytes that are not valid UTF-8 as \xHH. Printable UTF-8 passes unchanged.
 */
void ts_sanitize_append(ts_buf *out, const char *s, size_t n);

/**
 * Like ts_sanitize_append, but line breaks and tabs stay as they are (and a
 * CR right before a LF): for line-structured text such as CSV or TSV.
 */
void ts_sanitize_lines_append(ts_buf *out, const char *s, size_t n);

/** True when f is a terminal (never for memory streams). */
bool ts_sanitize_is_tty(FILE *f);

/**
 * Write s[0..n) to f: through ts_sanitize_lines_append when tty is true (f
 * is a terminal, see ts_sanitize_is_tty), else byte for byte, so files and
 * pipes get exactly the data. Returns false on a write error.
 */
bool ts_sanitize_fwrite(FILE *f, const char *s, size_t n, bool tty);

/**
 * A copy of s in which every byte that does not start a valid UTF-8 sequence
 * is replaced by U+FFFD; nothing else changes. The caller frees it.
 */
char *ts_utf8_valid(const char *s);

/** A new sanitised copy of a C string; the caller frees it. */
char *ts_sanitize(const char *s);

/** True when s[0..n) needs no escaping at all. */
bool ts_is_terminal_safe(const char *s, size_t n);

/**
 * Decode one UTF-8 code point at s (at most n bytes available). Returns its
 * length in bytes (1..4), or 0 when the sequence is invalid (overlong,
 * surrogate, out of range or truncated). *cp receives the code point.
 */
size_t ts_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
