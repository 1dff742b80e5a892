/*
 * The quick filter language for the device and model lists, e.g.
 *   ram<=128 flash<600 sensor:camera category:classification name~speech
 *   macs>1e6 fits:"Arduino Nano 33 BLE" -creator:Arm
 * Terms are separated by spaces and must all hold. A term is
 *   FIELD OP VALUE   with OP one of < <= > >= = != (numbers) or = != ~ (text,
 *                    ~ being a case-insensitive regular expression)
 *   FIELD:VALUE      membership: a sensor class, category, runtime, creator,
 *                    or fits:NAME (the named board/model must fit)
 *   WORD             the name contains WORD (case-insensitive)
 * A leading '-' or '!' negates a term. Values may be "double quoted".
 */
#ifndef TINYSCOPE_FILTER_H
#define TINYSCOPE_FILTER_H

#include <stdbool.h>

#include "tinyscope/catalog.h"
#include "tinyscope/status.h"

typedef enum { TS_FILTER_DEVICES, TS_FILTER_MODELS } ts_filter_target;

typedef struct ts_filter ts_filter;

/**
 * Compile a filter for one kind of list. Names in fits: are resolved in cat
 * now. On error returns NULL and fills err (source "filter", line 1, the
 * column of the offending term, and a message naming what was expected).
 * An empty text gives a filter that matches everything.
 */
ts_filter *ts_filter_compile(const char *text, ts_filter_target target,
                             const ts_catalog *cat, ts_error *err);
void ts_filter_free(ts_filter *f);

/** Whether a record passes; a filter compiled for the other kind of list passes nothing. */
bool ts_filter_match_device(const ts_filter *f, const ts_catalog *cat, const ts_device *d);
bool ts_filter_match_model(const ts_filter *f, const ts_catalog *cat, const ts_model *m);

/** Backtracking steps one ~ match may take before it gives up. */
#define TS_FILTER_MATCH_LIMIT 1000000

/**
 * True once a ~ pattern gave up on some value (it backtracked more than
 * TS_FILTER_MATCH_LIMIT steps); that value counted as not matching.
 */
bool ts_filter_gave_up(const ts_filter *f);

/** The fields a target knows, for help texts: "name ram flash ...". */
const char *ts_filter_fields(ts_filter_target target);

#endif
