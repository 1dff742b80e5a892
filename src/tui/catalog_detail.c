/*
 * The parts the Devices and Models panes have in common: the top of a
 * detail area, memory figures, lists of classes, the counterparts that fit
 * (boards for a model, models for a board) and the quick filter.
 */
#include <math.h>
#include <stdlib.h>

#include "catalog_panes.h"
#include "tinyscope/compat.h"

void ts_detail_head(ts_detail *d, const char *name, const char *description)
{
    ts_detail_text(d, name, TS_EL_TITLE);
    if (description) {
        ts_detail_text(d, description, TS_EL_DIM);
    }
    d->y++;
}

static void memory_field(ts_detail *d, const char *label, double kb)
{
    ts_buf b = {0};
    ts_fmt_number(&b, kb);
    ts_detail_field(d, label, b.len ? ts_buf_str(&b) : "not stated");
    ts_buf_free(&b);
}

void ts_detail_memory(ts_detail *d, double ram_kb, double flash_kb)
{
    memory_field(d, "RAM", ram_kb);
    memory_field(d, "Flash", flash_kb);
}

void ts_detail_join_classes(ts_buf *out, const ts_catalog *cat, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ts_buf_printf(out, "%s%s", i ? ", " : "", ts_class_short_name(cat->classes[idx[i]]));
    }
}

void ts_detail_fits(ts_detail *d, const ts_catalog *cat, const ts_model *m, const ts_device *dev)
{
    /* One side is fixed, the other runs over the catalog. */
    size_t n = m ? cat->n_devices : cat->n_models;
    size_t fits = 0;
    for (size_t i = 0; i < n; i++) {
        const ts_model *mi = m ? m : cat->models[i];
        const ts_device *di = m ? cat->devices[i] : dev;
        fits += ts_compat_check(cat, mi, di).verdict == TS_FITS;
    }
    char *title = ts_asprintf("%s that fit (%zu of %zu)", m ? "Boards" : "Models", fits, n);
    d->y++;
    ts_detail_text(d, title, TS_EL_HEADER);
    free(title);
    for (size_t i = 0; i < n && d->y < d->r.y + d->r.h; i++) {
        const ts_model *mi = m ? m : cat->models[i];
        const ts_device *di = m ? cat->devices[i] : dev;
        ts_cell c = ts_compat_check(cat, mi, di);
        if (c.verdict != TS_FITS) {
            continue;
        }
        const char *name = m ? di->name : mi->name;
        char *note =
            isnan(c.ram_pct) ? ts_strdup(name) : ts_asprintf("%3.0f%% %s", c.ram_pct, name);
        ts_detail_bar(d, NULL, c.ram_pct, 100, note);
        free(note);
    }
}

static bool keep_row(const ts_table *t, size_t row, void *ctx)
{
    (void)t;
    const ts_catalog_filter *f = ctx;
    if (!f->filter || !f->cat) {
        return true;
    }
    return f->target == TS_FILTER_DEVICES
               ? ts_filter_match_device(f->filter, f->cat, f->cat->devices[row])
               : ts_filter_match_model(f->filter, f->cat, f->cat->models[row]);
}

void ts_catalog_filter_reset(ts_catalog_filter *f, const ts_catalog *cat, ts_table *t)
{
    /* A reload makes a new catalog: the old filter's names are gone. */
    ts_filter_free(f->filter);
    f->filter = NULL;
    f->cat = cat;
    t->keep = keep_row;
    t->keep_ctx = f;
    ts_table_set_filter(t, NULL);
}

void ts_catalog_filter_search(ts_catalog_filter *f, ts_view *v, ts_table *t, const char *text,
                              int dir)
{
    if (dir != 0 || !f->cat) {
        if (dir == 0) {
            ts_table_set_filter(t, text);
        } else if (text && !ts_table_find(t, text, dir)) {
            ts_app_message(v->app, true, "not found: %s", text);
        }
        return;
    }
    ts_filter *nf = NULL;
    if (text) {
        ts_error err;
        ts_error_clear(&err);
        nf = ts_filter_compile(text, f->target, f->cat, &err);
        if (!nf) {
            char msg[2600];
            ts_app_message(v->app, true, "%s (fields: %s)", ts_error_format(&err, msg, sizeof msg),
                           ts_filter_fields(f->target));
            return;
        }
    }
    ts_filter_free(f->filter);
    f->filter = nf;
    ts_table_set_filter(t, text);
}

void ts_catalog_filter_clear(ts_catalog_filter *f)
{
    ts_filter_free(f->filter);
    f->filter = NULL;
    f->cat = NULL;
}
