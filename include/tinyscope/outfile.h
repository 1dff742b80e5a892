/*
 * Files tinyscope writes (converted graphs, imported models, exports,
 * history): replaced whole or not at all.
 */
#ifndef TINYSCOPE_OUTFILE_H
#define TINYSCOPE_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct ts_outfile ts_outfile;

/**
 * Open path for writing. A regular file (or a new one) is written to a
 * temporary file beside it and renamed over it by ts_outfile_commit, so a
 * reader, a crash or a kill sees the old content or the complete new one;
 * the new file keeps the old one's permission bits (a new file gets those
 * of a plain create). A symbolic link is followed: its target is replaced
 * and the link stays. Anything else (a terminal, a FIFO, a device such as
 * /dev/null) is written to directly and never replaced. Returns NULL with
 * errno set when the file cannot be opened. The caller commits or aborts.
 */
ts_outfile *ts_outfile_open(const char *path);

/** The stream to write to (owned by o). */
FILE *ts_outfile_stream(ts_outfile *o);

/**
 * Flush, sync and put the new content in place. Returns false with errno
 * set when any write failed (then a replaced file is left as it was).
 * Frees o.
 */
bool ts_outfile_commit(ts_outfile *o);

/** Drop what was written, leaving a replaced file as it was. Frees o; NULL is allowed. */
void ts_outfile_abort(ts_outfile *o);

#endif
