/*
 * The store: one SordWorld and one SordModel holding every loaded source as
 * its own named graph, plus the prefixes gathered from all sources and the
 * well-known ones. Other modules read the model through Sord directly; the
 * store adds what Sord lacks: sources, prefixes, labels and numbers.
 */
#ifndef TINYSCOPE_STORE_H
#define TINYSCOPE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include <sord/sord.h>

#include "tinyscope/buf.h"
#include "tinyscope/status.h"

typedef struct ts_store ts_store;

typedef enum {
    TS_FMT_UNKNOWN,
    TS_FMT_TURTLE,
    TS_FMT_NTRIPLES,
    TS_FMT_NQUADS,
    TS_FMT_TRIG,
    TS_FMT_JSONLD,
    TS_FMT_TFLITE,
} ts_format;

/** A short name for a format ("turtle", "n-triples", ...). */
const char *ts_format_name(ts_format fmt);

/** One loaded file (or other origin) and what reading it produced. */
typedef struct {
    char *path;          /**< as given by the user ("" for in-memory data) */
    char *uri;           /**< absolute file: URI; also the graph IRI */
    SordNode *graph;     /**< the source's graph node (owned by the store) */
    ts_format format;
    size_t statements;   /**< statements the reader produced */
    size_t triples;      /**< distinct quads the store gained from them */
    size_t errors;       /**< parse errors (content may be partial) */
    size_t warnings;
    SordNode **graphs;   /**< every graph the source wrote into (TriG/N-Quads
                              may name several); graphs[0] == graph */
    size_t n_graphs;
} ts_source;

/** A new, empty store with the well-known prefixes bound. */
ts_store *ts_store_new(void);
/** Free the store and everything it owns. NULL is allowed. */
void ts_store_free(ts_store *store);

SordWorld *ts_store_world(const ts_store *store);
SordModel *ts_store_model(const ts_store *store);

/**
 * Register a new source. uri is its graph IRI (derived from path when NULL).
 * Returns the source, owned by the store.
 */
ts_source *ts_store_add_source(ts_store *store, const char *path,
                               const char *uri, ts_format fmt);
size_t ts_store_source_count(const ts_store *store);
ts_source *ts_store_source(const ts_store *store, size_t i);
/** The source whose graphs include graph, or NULL. */
ts_source *ts_store_source_of_graph(const ts_store *store, const SordNode *graph);
/** Record that src wrote into graph (no-op if already known). */
void ts_store_source_note_graph(ts_store *store, ts_source *src, const SordNode *graph);
/** Remove every quad src wrote and forget the source. */
void ts_store_remove_source(ts_store *store, ts_source *src);

/**
 * Add one quad, with graph defaulting to src's graph. Counts it in src.
 * Returns true when the quad was new.
 */
bool ts_store_add(ts_store *store, ts_source *src, SordNode *s, SordNode *p,
                  SordNode *o, SordNode *g);

/**
 * Bind a prefix. Well-known prefixes and earlier bindings win: a second
 * binding of the same name, or of the same namespace, is ignored.
 */
void ts_store_add_prefix(ts_store *store, const char *name, const char *ns);
size_t ts_store_prefix_count(const ts_store *store);
/** The i-th prefix binding. */
void ts_store_prefix(const ts_store *store, size_t i, const char **name,
                     const char **ns);
/** Expand "name:local" to a full IRI (caller frees), or NULL when unbound. */
char *ts_store_expand(const ts_store *store, const char *curie);

/**
 * The IRI shortened with the known prefixes ("nnet:NeuralNetwork"), else
 * "<iri>"; a blank node as "_:id"; a literal in Turtle-like form. Caller frees.
 */
char *ts_store_shorten(const ts_store *store, const SordNode *node);
/** Like ts_store_shorten for an IRI string. Caller frees. */
char *ts_store_shorten_iri(const ts_store *store, const char *iri);

/**
 * The display label of a node: rdfs:label, skos:prefLabel, schema:name,
 * td:title, dcterms:title or dc:title, in that order, preferring a literal
 * in language lang (NULL: the user's locale), then one without language,
 * then English, then any; else the shortened name. Caller frees.
 */
char *ts_store_label(const ts_store *store, const SordNode *node, const char *lang);

/**
 * The numeric value of a literal: an xsd numeric type (integer, decimal,
 * double, float and the derived integer types) or a plain literal that is a
 * numeral. Returns TS_ERR_NOT_A_NUMBER otherwise.
 */
ts_status ts_node_number(const SordNode *node, double *out);

/** The same for a literal given by its parts (dt and lang may be NULL). */
ts_status ts_literal_number(const char *lex, const char *dt, const char *lang, double *out);

/** Parse a numeral (xsd:decimal/double syntax, surrounding spaces allowed). */
bool ts_parse_number(const char *s, double *out);

/** One triple; the nodes belong to the store's world. */
typedef struct {
    const SordNode *s, *p, *o;
} ts_triple;

/**
 * The distinct triples of the whole model (the union of its graphs) that
 * match s, p and o (NULL matches anything). The model keeps only Sord's SPO
 * index: patterns with s unbound and p or o bound are answered from arrays
 * sorted by node address, built on the first such call after the model
 * changed.
 *
 * Returns the count. When out is not NULL it receives a new array of them
 * (the caller frees it; NULL when there are none); its nodes stay valid
 * while their triples are in the store. With ordered, the array is in the
 * order Sord would list the triples with an index led by the bound nodes:
 * SPO when s is given, else OPS when o is, else POS. Without it, triples
 * sharing the bound nodes' values are still side by side, but in no
 * particular order otherwise (which saves sorting a large answer).
 */
size_t ts_store_match(const ts_store *store, const SordNode *s, const SordNode *p,
                      const SordNode *o, bool ordered, ts_triple **out);

/**
 * Build now what ts_store_match would build on its first call after a
 * change (about 0.4 s per million triples for each of its two arrays), so
 * that an interactive caller pays for it while loading, not on a key.
 */
void ts_store_prepare(const ts_store *store);

/** A new IRI node in the store's world (caller frees with sord_node_free). */
SordNode *ts_store_iri(ts_store *store, const char *iri);

/** The language preference from the environment (LC_ALL, LC_MESSAGES, LANG), e.g. "en". */
const char *ts_user_language(void);

/* Well-known namespaces. */
#define TS_NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define TS_NS_RDFS "http://www.w3.org/2000/01/rdf-schema#"
#define TS_NS_OWL "http://www.w3.org/2002/07/owl#"
#define TS_NS_XSD "http://www.w3.org/2001/XMLSchema#"
#define TS_NS_SCHEMA "https://schema.org/"
#define TS_NS_SOSA "http://www.w3.org/ns/sosa/"
#define TS_NS_SSN "http://www.w3.org/ns/ssn/"
#define TS_NS_SSN_SYSTEM "http://www.w3.org/ns/ssn/systems/"
#define TS_NS_TD "https://www.w3.org/2019/wot/td#"
#define TS_NS_OM "http://www.ontology-of-units-of-measure.org/resource/om-2/"
#define TS_NS_S3N "http://w3id.org/s3n/"
#define TS_NS_NNET "http://tinyml-schema.org/networkschema#"
#define TS_NS_S3N_EXTEND "http://tinyml-schema.org/s3n_extend/"
#define TS_NS_SOSA_EXTEND "http://tinyml-schema.org/sosa_extend/"
#define TS_NS_SSN_EXTEND "http://tinyml-schema.org/ssn_extend/"
#define TS_NS_SKOS "http://www.w3.org/2004/02/skos/core#"
#define TS_NS_DC "http://purl.org/dc/elements/1.1/"
#define TS_NS_DCTERMS "http://purl.org/dc/terms/"
/* tinyscope's own vocabulary: USB ids, runtimes, benchmark runs. */
#define TS_NS_TINY "https://w3id.org/tinyscope/ns#"

#endif
