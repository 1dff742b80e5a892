/* RDF terms outside Sord. */
#ifndef TINYSCOPE_TERM_H
#define TINYSCOPE_TERM_H

typedef enum { TS_TERM_NONE, TS_TERM_IRI, TS_TERM_BLANK, TS_TERM_LITERAL } ts_term_kind;

typedef struct {
    ts_term_kind kind;
    char *value;
    char *datatype;
    char *lang;
} ts_term;

#endif
