/*
 * JSON-LD 1.1 to RDF on jansson: context processing, expansion and
 * deserialization (the toRdf algorithm of the JSON-LD 1.1 Processing
 * Algorithms and API). Remote contexts are never fetched: they come from a
 * context store filled from local files.
 */
#ifndef TINYSCOPE_JSONLD_H
#define TINYSCOPE_JSONLD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tinyscope/status.h"
#include "tinyscope/term.h"

/** Where remote contexts come from, and the processed contexts cache. */
typedef struct ts_jsonld_ctxstore ts_jsonld_ctxstore;

/** A new, empty context store. Free with ts_jsonld_ctxstore_free(). */
ts_jsonld_ctxstore *ts_jsonld_ctxstore_new(void);
/** Free the store, its documents and its cache. NULL is allowed. */
void ts_jsonld_ctxstore_free(ts_jsonld_ctxstore *s);

/**
 * Make the JSON-LD document in file path answer for url. The file is read
 * and parsed now; errors go to err (file:line:col). A later mapping for the
 * same URL replaces an earlier one.
 */
ts_status ts_jsonld_ctxstore_add_file(ts_jsonld_ctxstore *s, const char *url, const char *path,
                                      ts_error *err);
/** Like ts_jsonld_ctxstore_add_file with the document's text in memory. */
ts_status ts_jsonld_ctxstore_add_text(ts_jsonld_ctxstore *s, const char *url, const char *text,
                                      ts_error *err);
/**
 * Map the contexts of a directory: its index.json, an object from URL to
 * file name relative to the directory. Files are read when first needed.
 * A directory without index.json is also searched by file name: a URL
 * without its scheme, with every character other than letters, digits,
 * '.' and '-' replaced by '_', plus ".jsonld"
 * (https://webthings.io/schemas -> webthings.io_schemas.jsonld).
 * A missing directory is not an error.
 */
ts_status ts_jsonld_ctxstore_add_dir(ts_jsonld_ctxstore *s, const char *dir, ts_error *err);
/**
 * Answer every URL that starts with prefix from the file at the rest of
 * the URL under dir (a copy of a web site's tree). ".." is refused.
 */
void ts_jsonld_ctxstore_add_tree(ts_jsonld_ctxstore *s, const char *prefix, const char *dir);
/**
 * Add the standard places. A URL is answered, in this order of precedence,
 * by mappings added before this call, by $XDG_DATA_HOME/tinyscope/contexts
 * (default ~/.local/share/tinyscope/contexts), then by ontology/contexts in
 * the data directory (the bundled Thing Description contexts). Mappings
 * added after this call take precedence over all of them.
 */
void ts_jsonld_ctxstore_add_defaults(ts_jsonld_ctxstore *s);
/** True when url can be answered without the network. */
bool ts_jsonld_ctxstore_has(ts_jsonld_ctxstore *s, const char *url);

/** How @direction reaches RDF (the rdfDirection option). */
typedef enum {
    TS_JSONLD_DIR_DROP,     /**< direction is dropped (the default) */
    TS_JSONLD_DIR_I18N,     /**< i18n-datatype: https://www.w3.org/ns/i18n#en_rtl */
    TS_JSONLD_DIR_COMPOUND, /**< compound-literal: rdf:value, rdf:language, rdf:direction */
} ts_jsonld_direction;

/**
 * The rdfDirection option by its name: "none" (TS_JSONLD_DIR_DROP),
 * "i18n-datatype" or "compound-literal". False, *out untouched, for any
 * other name.
 */
bool ts_jsonld_direction_parse(const char *name, ts_jsonld_direction *out);

/** The name of a rdfDirection option (see ts_jsonld_direction_parse). */
const char *ts_jsonld_direction_name(ts_jsonld_direction d);

typedef struct {
    const char *source;           /**< name used in messages (file path) */
    const char *base;             /**< the document's base IRI, or NULL */
    ts_jsonld_ctxstore *contexts; /**< remote contexts (NULL: none known) */
    const char *expand_context;   /**< URL of a context applied before the document's */
    const char *blank_prefix;     /**< prefix of blank node labels (default "b") */
    ts_jsonld_direction rdf_direction;
    bool json_ld_10;      /**< processing mode json-ld-1.0 */
    bool generalized_rdf; /**< allow blank node predicates */
    ts_diags *diags;      /**< warnings (may be NULL) */
} ts_jsonld_opts;

/**
 * Receives each quad. The terms are borrowed and valid during the call
 * only; g->kind is TS_TERM_NONE for the default graph. A quad may be
 * delivered more than once when the document states it more than once.
 */
typedef void (*ts_jsonld_quad_fn)(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o,
                                  const ts_term *g);

/**
 * Parse JSON text, accepting duplicate keys in an object (the last one
 * wins, with a warning in opts->diags naming file:line:col). Syntax errors
 * fill err with file:line:col. *out receives a new reference.
 */
ts_status ts_jsonld_parse(const char *text, size_t len, const ts_jsonld_opts *opts, json_t **out,
                          ts_error *err);

/**
 * Expand doc (borrowed) to JSON-LD expanded form: *out receives a new
 * array. A JSON-LD error fills err with the source and the JSON path of the
 * offending key ("td.jsonld: /properties/temp/forms/0: invalid @id value").
 */
ts_status ts_jsonld_expand(json_t *doc, const ts_jsonld_opts *opts, json_t **out, ts_error *err);

/** Expand doc (borrowed) and deliver its RDF to emit. Errors as ts_jsonld_expand. */
ts_status ts_jsonld_to_rdf(json_t *doc, const ts_jsonld_opts *opts, ts_jsonld_quad_fn emit,
                           void *ctx, ts_error *err);

/** ts_jsonld_parse followed by ts_jsonld_to_rdf. */
ts_status ts_jsonld_text_to_rdf(const char *text, size_t len, const ts_jsonld_opts *opts,
                                ts_jsonld_quad_fn emit, void *ctx, ts_error *err);

#endif
