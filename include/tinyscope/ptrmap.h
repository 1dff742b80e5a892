/* A small open-addressing hash map from pointers to size_t values. */
#ifndef TINYSCOPE_PTRMAP_H
#define TINYSCOPE_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const void *key;
    size_t value;
} ts_ptrmap_entry;

/** Zero-initialise; free with ts_ptrmap_free(). Keys are never NULL. */
typedef struct {
    ts_ptrmap_entry *slots;
    size_t cap; /**< power of two, or 0 */
    size_t count;
} ts_ptrmap;

/** The value slot for key, inserted with value 0 when absent. */
size_t *ts_ptrmap_slot(ts_ptrmap *m, const void *key);
/** The value slot for key, or NULL when absent. */
size_t *ts_ptrmap_get(const ts_ptrmap *m, const void *key);
void ts_ptrmap_free(ts_ptrmap *m);

/** Iterate: for (size_t i = 0; i < m.cap; i++) if (m.slots[i].key) ... */

#endif
