/*
 * The one gate between untrusted text and a terminal. Everything that reaches
 * the screen, or stdout in table form, passes through here.
 */
#ifndef TINYSCOPE_SANITIZE_H
#define TINYSCOPE_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "tinyscope/buf.h"

/**
 * Append s[0..n) to out with everything a terminal would interpret made
 * visible: C0/C1 control characters and DEL as \n, \t, \r, \e or \xHH /
 * \u0085-style escapes; bidirectional overrides and isolates as \u202E etc.;
 * bytes that are not valid UTF-8 as \xHH. Printable UTF-8 passes unchanged.
 */
void ts_sanitize_append(ts_buf *out, const char *s, size_t n);

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
