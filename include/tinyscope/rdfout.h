/* Writing RDF: Turtle, N-Triples or N-Quads, through Serd's writer. */
#ifndef TINYSCOPE_RDFOUT_H
#define TINYSCOPE_RDFOUT_H

#include <stdio.h>

#include "tinyscope/status.h"
#include "tinyscope/store.h"
#include "tinyscope/term.h"

typedef enum { TS_OUT_TURTLE, TS_OUT_NTRIPLES, TS_OUT_NQUADS } ts_out_format;

typedef struct ts_rdfout ts_rdfout;

/**
 * A writer to out (borrowed; not closed). For Turtle, the prefixes of
 * prefixes (may be NULL) are declared first and used to abbreviate IRIs.
 */
ts_rdfout *ts_rdfout_new(FILE *out, ts_out_format fmt, const ts_store *prefixes);

/** Write one statement; g may be NULL (default graph; ignored except in N-Quads). */
ts_status ts_rdfout_write(ts_rdfout *w, const ts_term *s, const ts_term *p,
                          const ts_term *o, const ts_term *g);
ts_status ts_rdfout_write_sord(ts_rdfout *w, const SordNode *s, const SordNode *p,
                               const SordNode *o, const SordNode *g);

/** End the document and flush; TS_ERR_IO when any write failed. */
ts_status ts_rdfout_finish(ts_rdfout *w);
/** Free the writer (finishing it if needed). NULL is allowed. */
void ts_rdfout_free(ts_rdfout *w);

/** The format for a name ("turtle", "ttl", "ntriples", "nt", "nquads", "nq"); false if unknown. */
bool ts_out_format_from_name(const char *name, ts_out_format *out);

#endif
