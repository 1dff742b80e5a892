/*
 * Query history kept across runs. One entry per line, with backslash,
 * newline, tab and carriage return escaped, so the file stays readable and
 * a torn line can only lose one entry. Saving is atomic: a temporary file in
 * the same directory, fsync, rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tinyscope/outfile.h"
#include "tui_internal.h"

#define DEFAULT_MAX 500
/* An entry longer than this is not kept (a pasted file, not a query). */
#define MAX_ENTRY (64 * 1024)

uint64_t ts_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void push(ts_history *h, char *text)
{
    size_t max = h->max ? h->max : DEFAULT_MAX;
    if (h->count == max) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, (h->count - 1) * sizeof *h->items);
        h->count--;
    }
    if (h->count == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->items = ts_reallocarray(h->items, h->cap, sizeof *h->items);
    }
    h->items[h->count++] = text;
}

void ts_history_add(ts_history *h, const char *text)
{
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' ')) {
        n--;
    }
    if (!n || n > MAX_ENTRY) {
        return;
    }
    if (h->count && strlen(h->items[h->count - 1]) == n &&
        !strncmp(h->items[h->count - 1], text, n)) {
        return;
    }
    push(h, ts_strndup(text, n));
}

static char *unescape(const char *s, size_t n)
{
    ts_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[++i];
            ts_buf_putc(&b, c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c);
        } else {
            ts_buf_putc(&b, s[i]);
        }
    }
    return ts_buf_steal(&b);
}

ts_status ts_history_load(ts_history *h, const char *path)
{
    ts_buf text = {0};
    if (!ts_read_file(path, &text)) {
        ts_buf_free(&text);
        return errno == ENOENT ? TS_OK : TS_ERR_IO;
    }
    const char *p = ts_buf_str(&text);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n && n <= 2 * MAX_ENTRY) {
            char *entry = unescape(p, n);
            ts_history_add(h, entry);
            free(entry);
        }
        p += n + (nl ? 1 : 0);
    }
    ts_buf_free(&text);
    return TS_OK;
}

static void mkdir_parents(const char *path)
{
    char *dir = ts_strdup(path);
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    free(dir);
}

ts_status ts_history_save(const ts_history *h, const char *path)
{
    mkdir_parents(path);
    ts_buf b = {0};
    for (size_t i = 0; i < h->count; i++) {
        for (const char *s = h->items[i]; *s; s++) {
            switch (*s) {
            case '\\': ts_buf_puts(&b, "\\\\"); break;
            case '\n': ts_buf_puts(&b, "\\n"); break;
            case '\t': ts_buf_puts(&b, "\\t"); break;
            case '\r': ts_buf_puts(&b, "\\r"); break;
            default: ts_buf_putc(&b, *s); break;
            }
        }
        ts_buf_putc(&b, '\n');
    }
    ts_status st = TS_ERR_IO;
    ts_outfile *out = ts_outfile_open(path);
    if (out) {
        if (b.len && fwrite(b.data, 1, b.len, ts_outfile_stream(out)) != b.len) {
            ts_outfile_abort(out);
        } else if (ts_outfile_commit(out)) {
            st = TS_OK;
        }
    }
    ts_buf_free(&b);
    return st;
}

void ts_history_free(ts_history *h)
{
    for (size_t i = 0; i < h->count; i++) {
        free(h->items[i]);
    }
    free(h->items);
    h->items = NULL;
    h->count = h->cap = 0;
}
