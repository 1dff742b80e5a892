/*
 * The compatibility engine: does model M fit board B, and if not, why?
 * M fits B when its RAM and Flash needs are within B's, B has every sensor
 * class M's input needs (or a subclass of it), and the runtimes agree where
 * both are stated. A fact that is not stated gives "unknown", never yes.
 */
#ifndef TINYSCOPE_COMPAT_H
#define TINYSCOPE_COMPAT_H

#include "tinyscope/buf.h"
#include "tinyscope/catalog.h"

typedef enum {
    TS_FITS,
    TS_NO,
    TS_UNKNOWN,
} ts_verdict;

/** Constraint bits, for ts_cell.failing and ts_cell.unknown. */
enum {
    TS_NEED_RAM = 1 << 0,
    TS_NEED_FLASH = 1 << 1,
    TS_NEED_SENSOR = 1 << 2,
    TS_NEED_RUNTIME = 1 << 3,
};

typedef struct {
    ts_verdict verdict;
    unsigned failing;  /**< constraints that definitely fail */
    unsigned unknown;  /**< constraints that cannot be checked */
    double ram_pct;    /**< model RAM as % of the board's; NAN when unknown */
    double flash_pct;  /**< likewise for Flash */
} ts_cell;

/** Check one pair (the catalog must be finished). */
ts_cell ts_compat_check(const ts_catalog *cat, const ts_model *m, const ts_device *d);

/**
 * The reasons behind a cell in words, "; "-separated, appended to out:
 * "RAM 136 kB > 64 kB; no Camera; runtime TFLite Micro not supported".
 * Nothing is appended for a cell that fits.
 */
void ts_compat_reasons(const ts_catalog *cat, const ts_model *m, const ts_device *d,
                       const ts_cell *cell, ts_buf *out);

/** "fits", "no" or "unknown". */
const char *ts_verdict_name(ts_verdict v);

/** Whether two runtime names mean the same runtime ("TFLite Micro" = "TFLM"). */
bool ts_runtime_equal(const char *a, const char *b);

#endif
