#include "tinyscope/compat.h"

#include <ctype.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

const char *ts_verdict_name(ts_verdict v)
{
    switch (v) {
    case TS_FITS: return "fits";
    case TS_NO: return "no";
    case TS_UNKNOWN: break;
    }
    return "unknown";
}

bool ts_runtime_equal(const char *a, const char *b)
{
    char ka[128], kb[128];
    ts_runtime_key(a, ka, sizeof ka);
    ts_runtime_key(b, kb, sizeof kb);
    return !strcmp(ka, kb);
}

static bool runtime_supported(const ts_model *m, const ts_device *d)
{
    for (size_t i = 0; i < d->n_runtimes; i++) {
        if (d->runtime_ids[i] == m->runtime_id) {
            return true;
        }
    }
    return false;
}

ts_cell ts_compat_check(const ts_catalog *cat, const ts_model *m, const ts_device *d)
{
    ts_cell c = {TS_FITS, 0, 0, NAN, NAN};
    if (isnan(m->ram_kb) || isnan(d->ram_kb)) {
        c.unknown |= TS_NEED_RAM;
    } else {
        c.ram_pct = d->ram_kb > 0 ? 100.0 * m->ram_kb / d->ram_kb : INFINITY;
        if (m->ram_kb > d->ram_kb) {
            c.failing |= TS_NEED_RAM;
        }
    }
    if (isnan(m->flash_kb) || isnan(d->flash_kb)) {
        c.unknown |= TS_NEED_FLASH;
    } else {
        c.flash_pct = d->flash_kb > 0 ? 100.0 * m->flash_kb / d->flash_kb : INFINITY;
        if (m->flash_kb > d->flash_kb) {
            c.failing |= TS_NEED_FLASH;
        }
    }
    for (size_t w = 0; w < cat->words; w++) {
        if (m->needs[w] & ~d->has[w]) {
            c.failing |= TS_NEED_SENSOR;
            break;
        }
    }
    if (m->runtime && d->n_runtimes && !runtime_supported(m, d)) {
        c.failing |= TS_NEED_RUNTIME;
    }
    c.verdict = c.failing ? TS_NO : c.unknown ? TS_UNKNOWN : TS_FITS;
    return c;
}

/* Appending known-length pieces: the reasons of tens of millions of
 * matrix cells are built here. */
#define PUT(out, lit) ts_buf_append((out), (lit), sizeof(lit) - 1)

static void sep(ts_buf *out, size_t start)
{
    if (out->len > start) {
        PUT(out, "; ");
    }
}

void ts_compat_reasons(const ts_catalog *cat, const ts_model *m, const ts_device *d,
                       const ts_cell *cell, ts_buf *out)
{
    size_t start = out->len;
    if (cell->failing & TS_NEED_RAM) {
        sep(out, start);
        PUT(out, "RAM ");
        ts_buf_puts(out, m->ram_text);
        PUT(out, " kB > ");
        ts_buf_puts(out, d->ram_text);
        PUT(out, " kB");
    }
    if (cell->failing & TS_NEED_FLASH) {
        sep(out, start);
        PUT(out, "Flash ");
        ts_buf_puts(out, m->flash_text);
        PUT(out, " kB > ");
        ts_buf_puts(out, d->flash_text);
        PUT(out, " kB");
    }
    if (cell->failing & TS_NEED_SENSOR) {
        for (size_t s = 0; s < m->n_sensors; s++) {
            size_t c = m->sensors[s];
            if (!((d->has[c / 64] >> (c % 64)) & 1)) {
                sep(out, start);
                PUT(out, "no ");
                ts_buf_puts(out, cat->class_names ? cat->class_names[c]
                                                  : ts_class_short_name(cat->classes[c]));
            }
        }
    }
    if (cell->failing & TS_NEED_RUNTIME) {
        sep(out, start);
        PUT(out, "runtime ");
        ts_buf_puts(out, m->runtime);
        PUT(out, " not supported");
    }
    if (cell->unknown & TS_NEED_RAM) {
        sep(out, start);
        ts_buf_puts(out, isnan(m->ram_kb) ? "model RAM not stated" : "board RAM not stated");
    }
    if (cell->unknown & TS_NEED_FLASH) {
        sep(out, start);
        ts_buf_puts(out,
                    isnan(m->flash_kb) ? "model Flash not stated" : "board Flash not stated");
    }
}
