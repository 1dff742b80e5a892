/* Status codes and error records shared by every module. */
#ifndef TINYSCOPE_STATUS_H
#define TINYSCOPE_STATUS_H

#include <stdarg.h>
#include <stddef.h>

/* One list, so that a new code cannot lack its message. */
#define TS_STATUS_LIST(X)                                   \
    X(TS_OK, "success")                                     \
    X(TS_ERR_NOMEM, "out of memory")                        \
    X(TS_ERR_IO, "input/output error")                      \
    X(TS_ERR_NOT_FOUND, "not found")                        \
    X(TS_ERR_SYNTAX, "syntax error")                        \
    X(TS_ERR_BAD_ARG, "bad argument")                       \
    X(TS_ERR_UNSUPPORTED, "unsupported")                    \
    X(TS_ERR_LIMIT, "limit exceeded")                       \
    X(TS_ERR_CANCELLED, "cancelled")                        \
    X(TS_ERR_TYPE, "type error")                            \
    X(TS_ERR_NOT_A_NUMBER, "not a number")                  \
    X(TS_ERR_BAD_DATA, "invalid data")                      \
    X(TS_ERR_TIMEOUT, "timed out")                          \
    X(TS_ERR_BUSY, "resource busy")                         \
    X(TS_ERR_PERMISSION, "permission denied")

typedef enum {
#define TS_X_ENUM(name, msg) name,
    TS_STATUS_LIST(TS_X_ENUM)
#undef TS_X_ENUM
    TS_STATUS_COUNT
} ts_status;

/* Evaluate a fallible expression, return its status from the caller on failure. */
#define TS_TRY(st, exp)                  \
    do {                                 \
        if (((st) = (exp)) != TS_OK) {   \
            return (st);                 \
        }                                \
    } while (0)

/** The static message for a status; never NULL. */
const char *ts_strerror(ts_status st);

/**
 * An error with its position, filled by every reader (like jansson's
 * json_error_t). line and col are 1-based; 0 means unknown. Fixed-size
 * buffers so that filling one never allocates.
 */
typedef struct {
    ts_status status;
    char source[1024]; /**< file path, port name, "<query>", ... */
    unsigned line;
    unsigned col;
    char message[1024];
} ts_error;

/** Reset an error record to "no error". err may be NULL. */
void ts_error_clear(ts_error *err);

/** Fill err (which may be NULL); returns st so callers can `return ts_error_set(...)`. */
ts_status ts_error_set(ts_error *err, ts_status st, const char *source,
                       unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

ts_status ts_error_vset(ts_error *err, ts_status st, const char *source,
                        unsigned line, unsigned col, const char *fmt,
                        va_list ap);

/**
 * Format err as "source:line:col: message" (omitting unknown parts) into
 * out, which has room for n bytes. Returns out.
 */
const char *ts_error_format(const ts_error *err, char *out, size_t n);

/** Severity of a diagnostic. */
typedef enum { TS_DIAG_ERROR, TS_DIAG_WARNING } ts_diag_level;

typedef struct {
    ts_diag_level level;
    ts_error err;
} ts_diag;

/**
 * A growing list of diagnostics (errors and warnings) collected while
 * reading one or more sources. Zero-initialise, then free with
 * ts_diags_clear().
 */
typedef struct {
    ts_diag *items;
    size_t count;
    size_t cap;
    size_t errors;   /**< how many items are errors */
    size_t warnings; /**< how many items are warnings */
    size_t dropped;  /**< items not kept because max_kept was reached */
    size_t max_kept; /**< 0: the default bound (1000) */
} ts_diags;

/** Append a diagnostic; beyond the bound it is counted but not kept. */
void ts_diags_add(ts_diags *d, ts_diag_level level, const ts_error *err);
void ts_diags_addf(ts_diags *d, ts_diag_level level, ts_status st,
                   const char *source, unsigned line, unsigned col,
                   const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void ts_diags_clear(ts_diags *d);

#endif
