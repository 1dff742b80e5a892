/* Where tinyscope finds its own data: sample graphs, ontology, themes. */
#ifndef TINYSCOPE_DATAPATH_H
#define TINYSCOPE_DATAPATH_H

/**
 * The data directory: $TINYSCOPE_DATADIR when set; the source tree when the
 * running binary is the one in the build tree; else the installed
 * $prefix/share/tinyscope. Never NULL.
 */
const char *ts_data_dir(void);

/** ts_data_dir() joined with rel. Caller frees. */
char *ts_data_path(const char *rel);

#endif
