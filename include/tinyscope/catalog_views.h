/*
 * Filling a catalog from the view queries: the .rq files in ontology/views are the only
 * place the vocabulary is spelled out, so a graph in another vocabulary needs
 * edited queries, not edited C.
 */
#ifndef TINYSCOPE_CATALOG_VIEWS_H
#define TINYSCOPE_CATALOG_VIEWS_H

#include "tinyscope/catalog.h"
#include "tinyscope/query.h"

/**
 * The text of view NAME ("boards", "models", ...): from
 * $XDG_CONFIG_HOME/tinyscope/views/NAME.rq when the user has one, else from
 * the data directory's ontology/views/NAME.rq. Caller frees; NULL (and err
 * filled) when neither can be read.
 */
char *ts_view_text(const char *name, ts_error *err);

/**
 * Run the views on ds and fill cat (which should be new), then finish it.
 * Errors name the view file (and the line:col of a syntax error in it).
 */
ts_status ts_catalog_load(ts_catalog *cat, ts_dataset *ds, ts_error *err);

#endif
