/* The MLPerf Tiny device-under-test protocol: what the board's lines mean. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/bench.h"

static bool starts(const char *s, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n)) {
        return false;
    }
    *rest = s + n;
    return true;
}

/* "[text]" -> text; anything else as it is. */
static void take_value(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

static bool take_number(const char *s, unsigned long long *out)
{
    if (*s < '0' || *s > '9') {
        return false;
    }
    char *end;
    *out = strtoull(s, &end, 10);
    return *end == '\0';
}

void ts_mlperf_parse(const char *line, ts_mlperf_line *out)
{
    memset(out, 0, sizeof *out);
    char buf[TS_BENCH_MAX_LINE + 1];
    size_t n = strlen(line);
    if (n > TS_BENCH_MAX_LINE) {
        n = TS_BENCH_MAX_LINE;
    }
    memcpy(buf, line, n);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t')) {
        n--;
    }
    buf[n] = '\0';
    const char *rest;
    if (starts(buf, "e-", &rest)) {
        out->kind = TS_MLPERF_ERROR;
        take_value(rest, out->value, sizeof out->value);
    } else if (!strcmp(buf, "m-ready")) {
        out->kind = TS_MLPERF_READY;
    } else if (starts(buf, "m-name-dut-", &rest) || starts(buf, "m-name-", &rest)) {
        out->kind = TS_MLPERF_NAME;
        take_value(rest, out->value, sizeof out->value);
    } else if (starts(buf, "m-profile-", &rest)) {
        out->kind = TS_MLPERF_PROFILE;
        take_value(rest, out->value, sizeof out->value);
    } else if (starts(buf, "m-model-", &rest)) {
        out->kind = TS_MLPERF_MODEL;
        take_value(rest, out->value, sizeof out->value);
    } else if (starts(buf, "m-lap-us-", &rest) && take_number(rest, &out->number)) {
        out->kind = TS_MLPERF_LAP;
    } else if (starts(buf, "m-infer-start-", &rest) && take_number(rest, &out->number)) {
        out->kind = TS_MLPERF_INFER_START;
    } else if (!strcmp(buf, "m-infer-done")) {
        out->kind = TS_MLPERF_INFER_DONE;
    } else if (starts(buf, "m-results-", &rest)) {
        out->kind = TS_MLPERF_RESULTS;
        take_value(rest, out->value, sizeof out->value);
    } else if (starts(buf, "m-", &rest) && *rest) {
        out->kind = TS_MLPERF_OTHER;
        take_value(rest, out->value, sizeof out->value);
    } else {
        out->kind = TS_MLPERF_NONE;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ts_bench_median(double *values, size_t n)
{
    if (n == 0) {
        return NAN;
    }
    qsort(values, n, sizeof *values, cmp_double);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void ts_mlperf_default_infer(const char *model_id, unsigned *n, unsigned *warmup)
{
    /* The runner's own settings: anomaly detection is fast, so many
     * inferences per window; the others take tens of milliseconds each. */
    if (model_id && !strcmp(model_id, "ad01")) {
        *n = 1500;
        *warmup = 10;
    } else {
        *n = 20;
        *warmup = 5;
    }
}
