/* Plain-text tables and CSV fields for the command line. */
#ifndef TINYSCOPE_TEXT_TABLE_H
#define TINYSCOPE_TEXT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tinyscope/buf.h"

typedef struct ts_text_table ts_text_table;

/** A table with these column headings (copied). */
ts_text_table *ts_text_table_new(const char *const *headings, size_t n_columns);
void ts_text_table_free(ts_text_table *t);
/** Right-align column i (numbers). */
void ts_text_table_align_right(ts_text_table *t, size_t column);
/** Cap the width of column i; longer cells end in "…". 0: no cap. */
void ts_text_table_max_width(ts_text_table *t, size_t column, size_t width);
/** Add a row of n_columns cells (copied; NULL is an empty cell). */
void ts_text_table_add(ts_text_table *t, const char *const *cells);
size_t ts_text_table_rows(const ts_text_table *t);
/**
 * Print with aligned columns separated by two spaces, a heading line and a
 * rule. Every cell passes the terminal sanitiser; widths count terminal
 * columns, not bytes.
 */
void ts_text_table_print(const ts_text_table *t, FILE *out);

/** The number of terminal columns s occupies once printed. */
size_t ts_display_width(const char *s);

/**
 * Write one CSV field (RFC 4180 quoting when needed). On a terminal the
 * field passes the sanitiser (ts_sanitize_fwrite); files and pipes get it
 * byte for byte.
 */
void ts_csv_field(FILE *out, const char *s);
/** Write a whole CSV record (fields separated by commas, CRLF-free "\n" end),
 * sanitised on a terminal like ts_csv_field. */
void ts_csv_record(FILE *out, const char *const *fields, size_t n);

/**
 * Append s to out as a JSON string literal (quoted and escaped). Control,
 * C1 and bidirectional characters are written as \u escapes, and bytes that
 * are not UTF-8 as \ufffd, so the result is always valid JSON.
 */
void ts_json_string(ts_buf *out, const char *s);
/** Append s to out as one CSV field. */
void ts_csv_append(ts_buf *out, const char *s);

#endif
