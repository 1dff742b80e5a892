#include "tinyscope/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/buf.h"

static const char *const messages[] = {
#define TS_X_MSG(name, msg) msg,
    TS_STATUS_LIST(TS_X_MSG)
#undef TS_X_MSG
};

const char *ts_strerror(ts_status st)
{
    if ((unsigned)st >= TS_STATUS_COUNT) {
        return "unknown error";
    }
    return messages[st];
}

void ts_error_clear(ts_error *err)
{
    if (err) {
        err->status = TS_OK;
        err->source[0] = '\0';
        err->line = err->col = 0;
        err->message[0] = '\0';
    }
}

ts_status ts_error_vset(ts_error *err, ts_status st, const char *source,
                        unsigned line, unsigned col, const char *fmt,
                        va_list ap)
{
    if (!err) {
        return st;
    }
    err->status = st;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    err->line = line;
    err->col = col;
    if (fmt) {
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    } else {
        snprintf(err->message, sizeof err->message, "%s", ts_strerror(st));
    }
    return st;
}

ts_status ts_error_set(ts_error *err, ts_status st, const char *source,
                       unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_error_vset(err, st, source, line, col, fmt, ap);
    va_end(ap);
    return st;
}

const char *ts_error_format(const ts_error *err, char *out, size_t n)
{
    if (!n) {
        return out;
    }
    const char *msg = err->message[0] ? err->message : ts_strerror(err->status);
    if (err->source[0] && err->line && err->col) {
        snprintf(out, n, "%s:%u:%u: %s", err->source, err->line, err->col, msg);
    } else if (err->source[0] && err->line) {
        snprintf(out, n, "%s:%u: %s", err->source, err->line, msg);
    } else if (err->source[0]) {
        snprintf(out, n, "%s: %s", err->source, msg);
    } else {
        snprintf(out, n, "%s", msg);
    }
    return out;
}

void ts_diags_add(ts_diags *d, ts_diag_level level, const ts_error *err)
{
    if (level == TS_DIAG_ERROR) {
        d->errors++;
    } else {
        d->warnings++;
    }
    size_t max = d->max_kept ? d->max_kept : 1000;
    if (d->count >= max) {
        d->dropped++;
        return;
    }
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = ts_realloc(d->items, d->cap * sizeof *d->items);
    }
    d->items[d->count].level = level;
    d->items[d->count].err = *err;
    d->count++;
}

void ts_diags_addf(ts_diags *d, ts_diag_level level, ts_status st,
                   const char *source, unsigned line, unsigned col,
                   const char *fmt, ...)
{
    ts_error e;
    va_list ap;
    va_start(ap, fmt);
    ts_error_vset(&e, st, source, line, col, fmt, ap);
    va_end(ap);
    ts_diags_add(d, level, &e);
}

void ts_diags_clear(ts_diags *d)
{
    free(d->items);
    size_t max = d->max_kept;
    memset(d, 0, sizeof *d);
    d->max_kept = max;
}
