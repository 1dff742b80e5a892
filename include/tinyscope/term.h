/*
 * An RDF term that lives outside Sord: produced by the JSON-LD reader, by
 * query results (local or remote) and by the result writers. Strings are
 * owned by the term.
 */
#ifndef TINYSCOPE_TERM_H
#define TINYSCOPE_TERM_H

#include <stdbool.h>

#include <sord/sord.h>

#include "tinyscope/status.h"

typedef enum {
    TS_TERM_NONE = 0, /**< no term: an unbound variable */
    TS_TERM_IRI,
    TS_TERM_BLANK,    /**< value is the label, without "_:" */
    TS_TERM_LITERAL,
} ts_term_kind;

typedef struct {
    ts_term_kind kind;
    char *value;    /**< IRI, blank node label or lexical form; NULL for NONE */
    char *datatype; /**< literal datatype IRI, or NULL (xsd:string, or rdf:langString with lang) */
    char *lang;     /**< language tag, or NULL */
} ts_term;

/** Constructors copy their arguments; dt and lang may be NULL. */
ts_term ts_term_iri(const char *iri);
ts_term ts_term_blank(const char *label);
ts_term ts_term_literal(const char *lexical, const char *dt, const char *lang);

/** Free the strings of t and make it TS_TERM_NONE. t may be NULL. */
void ts_term_clear(ts_term *t);
/** A deep copy. */
ts_term ts_term_copy(const ts_term *t);
/**
 * RDF term equality: same kind, value, language (case-insensitive) and
 * datatype, where a missing datatype equals xsd:string for literals
 * without a language.
 */
bool ts_term_equal(const ts_term *a, const ts_term *b);

/** The numeric value of a literal term, as ts_node_number (store.h) reads it. */
ts_status ts_term_number(const ts_term *t, double *out);

/** A copy of a Sord node as a term (NULL gives TS_TERM_NONE). */
ts_term ts_term_from_sord(const SordNode *node);
/** A new Sord node for t (caller frees with sord_node_free), or NULL for NONE. */
SordNode *ts_term_to_sord(SordWorld *world, const ts_term *t);

#endif
