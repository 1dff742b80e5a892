/* The model x board matrix as records: CSV or JSON, one record per pair. */
#ifndef TINYSCOPE_MATRIX_H
#define TINYSCOPE_MATRIX_H

#include <stdbool.h>
#include <stdio.h>

#include "tinyscope/buf.h"
#include "tinyscope/catalog.h"

/**
 * Write every pair of models x boards to f, as CSV (with a header line) or
 * as a JSON array, each record with the fields model, model_name, board,
 * board_name, verdict, reasons, ram_pct and flash_pct. Built for tens of
 * millions of records: each model's and board's part is encoded once and
 * output goes out in large blocks. False on a write error.
 */
bool ts_matrix_write(FILE *f, const ts_catalog *cat, ts_model *const *models, size_t n_models,
                     ts_device *const *boards, size_t n_boards, bool json);

/**
 * Write the records of the pairs (models[i], boards[i]) for i < n, in that
 * order, in the same format as ts_matrix_write. False on a write error.
 */
bool ts_matrix_write_pairs(FILE *f, const ts_catalog *cat, ts_model *const *models,
                           ts_device *const *boards, size_t n, bool json);

/**
 * Append a percentage as every record and table shows it: one decimal,
 * rounded half up; nothing for NaN, negative or absurdly large values.
 */
void ts_matrix_put_pct(ts_buf *out, double pct);

#endif
