/*
 * What the Devices and Models panes share: their detail areas (title,
 * memory, classes, the counterparts that fit), their quick filter, and,
 * for models, the layers fetched for the model under the cursor.
 */
#ifndef TINYSCOPE_TUI_CATALOG_PANES_H
#define TINYSCOPE_TUI_CATALOG_PANES_H

#include "tinyscope/catalog.h"
#include "tinyscope/filter.h"
#include "tinyscope/query.h"
#include "view.h"

/* ---- Detail areas (catalog_detail.c) ----------------------------------- */

/** The record's name as a title, and its description dimmed below it. */
void ts_detail_head(ts_detail *d, const char *name, const char *description);
/** "RAM" and "Flash" fields in kB, "not stated" when unknown. */
void ts_detail_memory(ts_detail *d, double ram_kb, double flash_kb);
/** Append the short names of the classes idx[0..n) of cat, comma-separated. */
void ts_detail_join_classes(ts_buf *out, const ts_catalog *cat, const size_t *idx, size_t n);
/**
 * "Boards that fit (k of n)" with a bar per board giving the share of its
 * RAM the model takes (m set, dev NULL), or "Models that fit" the board
 * (dev set, m NULL).
 */
void ts_detail_fits(ts_detail *d, const ts_catalog *cat, const ts_model *m, const ts_device *dev);

/* ---- The quick filter of a catalog list (catalog_detail.c) -------------- */

/** A list pane's filter state: the pane's table keeps the rows it passes. */
typedef struct {
    ts_filter_target target;
    const ts_catalog *cat; /**< the app's, as of the last open (borrowed) */
    ts_filter *filter;     /**< the filter in force, or NULL */
} ts_catalog_filter;

/** After an open: forget the old catalog's filter and hook f into the table. */
void ts_catalog_filter_reset(ts_catalog_filter *f, const ts_catalog *cat, ts_table *t);
/**
 * The pane's search: / (dir 0) compiles text in the quick filter language
 * (errors go to the message line and leave the filter as it was); n/N
 * search the table's text.
 */
void ts_catalog_filter_search(ts_catalog_filter *f, ts_view *v, ts_table *t, const char *text,
                              int dir);
void ts_catalog_filter_clear(ts_catalog_filter *f);

/* ---- Layers of one model (model_layers.c) ------------------------------ */

/** Rows the layer query may return (a model's layers are far fewer). */
#define TS_LAYERS_MAX 10000

/**
 * The layers view (ontology/views/layers.rq or the user's) restricted to
 * one model: `VALUES ?model { <iri> }` goes first inside its WHERE group, so
 * an engine (or a remote endpoint) starts from the model. Returns a new
 * string (caller frees), or NULL with err set when iri cannot be written
 * inside <...> (a blank node or a character IRIs may not hold).
 */
char *ts_layers_query(const char *view, const char *iri, ts_error *err);

/**
 * Fetch the layers of the model iri from ds with one query (the layers view
 * restricted to it), in the view's order, one record per layer.
 * *layers (caller frees with ts_layers_free) and *n are set on TS_OK, and
 * also on TS_ERR_LIMIT (the first TS_LAYERS_MAX rows). Errors name the view.
 */
ts_status ts_layers_fetch(ts_dataset *ds, const char *iri, ts_layer **layers, size_t *n,
                          ts_error *err);
/** Free n layers and the array. NULL is allowed. */
void ts_layers_free(ts_layer *layers, size_t n);

#endif
