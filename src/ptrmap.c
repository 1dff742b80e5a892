#include "tinyscope/ptrmap.h"

#include <stdint.h>
#include <stdlib.h>

#include "tinyscope/buf.h"

static size_t hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static ts_ptrmap_entry *find(ts_ptrmap_entry *slots, size_t cap, const void *key)
{
    size_t mask = cap - 1;
    for (size_t i = hash_ptr(key) & mask;; i = (i + 1) & mask) {
        if (slots[i].key == key || !slots[i].key) {
            return &slots[i];
        }
    }
}

static void grow(ts_ptrmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    ts_ptrmap_entry *slots = ts_calloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) {
            *find(slots, cap, m->slots[i].key) = m->slots[i];
        }
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

size_t *ts_ptrmap_slot(ts_ptrmap *m, const void *key)
{
    if ((m->count + 1) * 4 > m->cap * 3) {
        grow(m);
    }
    ts_ptrmap_entry *e = find(m->slots, m->cap, key);
    if (!e->key) {
        e->key = key;
        e->value = 0;
        m->count++;
    }
    return &e->value;
}

size_t *ts_ptrmap_get(const ts_ptrmap *m, const void *key)
{
    if (!m->cap) {
        return NULL;
    }
    ts_ptrmap_entry *e = find(m->slots, m->cap, key);
    return e->key ? &e->value : NULL;
}

void ts_ptrmap_free(ts_ptrmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}
