#include "tinyscope/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/buf.h"

size_t ts_hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return (size_t)(h ^ (h >> 29));
}

static ts_strmap_entry *find(ts_strmap_entry *slots, size_t cap, const char *key)
{
    size_t mask = cap - 1;
    for (size_t i = ts_hash_string(key) & mask;; i = (i + 1) & mask) {
        if (!slots[i].key || !strcmp(slots[i].key, key)) {
            return &slots[i];
        }
    }
}

static void grow(ts_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    ts_strmap_entry *slots = ts_calloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) {
            *find(slots, cap, m->slots[i].key) = m->slots[i];
        }
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

size_t *ts_strmap_slot(ts_strmap *m, const char *key, bool *inserted)
{
    if ((m->count + 1) * 4 > m->cap * 3) {
        grow(m);
    }
    ts_strmap_entry *e = find(m->slots, m->cap, key);
    if (inserted) {
        *inserted = !e->key;
    }
    if (!e->key) {
        e->key = ts_strdup(key);
        e->value = 0;
        m->count++;
    }
    return &e->value;
}

size_t *ts_strmap_get(const ts_strmap *m, const char *key)
{
    if (!m->cap) {
        return NULL;
    }
    ts_strmap_entry *e = find(m->slots, m->cap, key);
    return e->key ? &e->value : NULL;
}

void ts_strmap_free(ts_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->slots[i].key);
    }
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}
