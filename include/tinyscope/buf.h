/* Allocation helpers and a growable byte buffer. */
#ifndef TINYSCOPE_BUF_H
#define TINYSCOPE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Allocation that cannot fail: on exhaustion the process prints a message and
 * exits, as git and most command-line tools do. Every size computation that can
 * overflow goes through ts_mul_size() first.
 */
void *ts_malloc(size_t n);
void *ts_calloc(size_t count, size_t size);
void *ts_realloc(void *p, size_t n);
/** Reallocate p to count elements of size bytes, checking the product. */
void *ts_reallocarray(void *p, size_t count, size_t size);
char *ts_strdup(const char *s);
char *ts_strndup(const char *s, size_t n);
/** A new string from printf-style arguments. */
char *ts_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** a * b, exiting with a message on overflow. */
size_t ts_mul_size(size_t a, size_t b);

/**
 * A growable, always NUL-terminated byte buffer. Zero-initialise
 * (`ts_buf b = {0};`), append, then ts_buf_free() or take ownership of
 * `data` with ts_buf_steal().
 */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} ts_buf;

void ts_buf_reserve(ts_buf *b, size_t extra);

/* Appending is on hot paths (result and matrix writers), so the common case
 * is inline and only growing goes out of line. */
static inline void ts_buf_append(ts_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap || !b->data) {
        ts_buf_reserve(b, n);
    }
    if (n) {
        memcpy(b->data + b->len, data, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void ts_buf_puts(ts_buf *b, const char *s)
{
    ts_buf_append(b, s, strlen(s));
}

static inline void ts_buf_putc(ts_buf *b, char c)
{
    if (b->len + 2 > b->cap || !b->data) {
        ts_buf_reserve(b, 1);
    }
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void ts_buf_printf(ts_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ts_buf_vprintf(ts_buf *b, const char *fmt, va_list ap);
/** Truncate to len bytes (len <= b->len). */
void ts_buf_truncate(ts_buf *b, size_t len);
/** The contents as a C string ("" for an empty buffer, never NULL). */
const char *ts_buf_str(const ts_buf *b);
/** Return the heap string and reset b to empty; the caller frees it. */
char *ts_buf_steal(ts_buf *b);
/** Append code point cp (at most U+10FFFF; the caller checks) as UTF-8. */
void ts_buf_put_utf8(ts_buf *b, unsigned cp);

void ts_buf_free(ts_buf *b);

/** Read a whole file into out (NUL-terminated). Returns false and sets errno on failure. */
bool ts_read_file(const char *path, ts_buf *out);

#endif
