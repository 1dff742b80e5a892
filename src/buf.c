#include "tinyscope/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "tinyscope: out of memory (allocating %zu bytes)\n", n);
    exit(70);
}

void *ts_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        out_of_memory(n);
    }
    return p;
}

void *ts_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        out_of_memory(count * size);
    }
    return p;
}

void *ts_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        out_of_memory(n);
    }
    return q;
}

size_t ts_mul_size(size_t a, size_t b)
{
    if (b && a > SIZE_MAX / b) {
        out_of_memory(SIZE_MAX);
    }
    return a * b;
}

void *ts_reallocarray(void *p, size_t count, size_t size)
{
    return ts_realloc(p, ts_mul_size(count, size));
}

char *ts_strdup(const char *s)
{
    return ts_strndup(s, strlen(s));
}

char *ts_strndup(const char *s, size_t n)
{
    char *p = ts_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ts_asprintf(const char *fmt, ...)
{
    ts_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return ts_buf_steal(&b);
}

void ts_buf_reserve(ts_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1) {
        out_of_memory(SIZE_MAX);
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    b->data = ts_realloc(b->data, cap);
    b->cap = cap;
}

void ts_buf_vprintf(ts_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return;
    }
    if ((size_t)n < sizeof small) {
        ts_buf_append(b, small, (size_t)n);
        return;
    }
    ts_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ts_buf_printf(ts_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ts_buf_truncate(ts_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

const char *ts_buf_str(const ts_buf *b)
{
    return b->data ? b->data : "";
}

char *ts_buf_steal(ts_buf *b)
{
    char *s = b->data ? b->data : ts_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void ts_buf_free(ts_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool ts_read_file(const char *path, ts_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return false;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ts_buf_append(out, chunk, n);
    }
    bool ok = !ferror(f);
    int saved = errno;
    fclose(f);
    if (!ok) {
        errno = saved;
        return false;
    }
    if (!out->data) {
        ts_buf_reserve(out, 0);
        out->data[0] = '\0';
    }
    return true;
}

void ts_buf_put_utf8(ts_buf *b, unsigned cp)
{
    char mb[4];
    size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t k = len - 1; k > 0; k--) {
        mb[k] = (char)(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    mb[0] = (char)(len == 1 ? cp : (lead[len] | cp));
    ts_buf_append(b, mb, len);
}
