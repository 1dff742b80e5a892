/* A hash map from strings (copied and owned by the map) to size_t values. */
#ifndef TINYSCOPE_STRMAP_H
#define TINYSCOPE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *key;
    size_t value;
} ts_strmap_entry;

/** Zero-initialise; free with ts_strmap_free(). */
typedef struct {
    ts_strmap_entry *slots;
    size_t cap; /**< power of two, or 0 */
    size_t count;
} ts_strmap;

/**
 * The value for key, inserting (a copy of key, value) when absent.
 * *inserted (may be NULL) tells which happened.
 */
size_t *ts_strmap_slot(ts_strmap *m, const char *key, bool *inserted);
/** The value for key, or NULL when absent. */
size_t *ts_strmap_get(const ts_strmap *m, const char *key);
void ts_strmap_free(ts_strmap *m);

/** FNV-1a, for callers that hash strings themselves. */
size_t ts_hash_string(const char *s);

#endif
