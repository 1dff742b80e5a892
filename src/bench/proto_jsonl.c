/* tinyscope's line-delimited JSON protocol (see tinyscope-bench(5)). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tinyscope/bench.h"

static double number(json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static char *string(json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);
    if (json_is_string(v)) {
        return ts_strndup(json_string_value(v), json_string_length(v));
    }
    return NULL;
}

static void drop_bad(ts_jsonl_msg *m, double *v, const char *key, double lo, double hi)
{
    if (!isnan(*v) && (!isfinite(*v) || *v < lo || *v > hi)) {
        snprintf(m->problem, sizeof m->problem, "%s out of range, ignored", key);
        *v = NAN;
    }
}

bool ts_jsonl_parse(const char *line, size_t len, ts_jsonl_msg *out)
{
    memset(out, 0, sizeof *out);
    out->latency_us = out->latency_min_us = out->latency_median_us = NAN;
    out->latency_max_us = out->accuracy = out->energy_uj = NAN;
    if (len == 0 || line[0] != '{') {
        return false;
    }
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        json_decref(root);
        return false;
    }
    json_t *v = json_object_get(root, "v");
    out->version = json_is_integer(v) ? (int)json_integer_value(v) : 0;
    out->board = string(root, "board");
    out->model = string(root, "model");
    out->latency_us = number(root, "latency_us");
    out->latency_min_us = number(root, "latency_min_us");
    out->latency_median_us = number(root, "latency_median_us");
    out->latency_max_us = number(root, "latency_max_us");
    out->accuracy = number(root, "accuracy");
    out->energy_uj = number(root, "energy_uj");
    double inf = number(root, "inferences");
    drop_bad(out, &out->latency_us, "latency_us", 0, 1e12);
    drop_bad(out, &out->latency_min_us, "latency_min_us", 0, 1e12);
    drop_bad(out, &out->latency_median_us, "latency_median_us", 0, 1e12);
    drop_bad(out, &out->latency_max_us, "latency_max_us", 0, 1e12);
    drop_bad(out, &out->accuracy, "accuracy", 0, 1);
    drop_bad(out, &out->energy_uj, "energy_uj", 0, 1e15);
    drop_bad(out, &inf, "inferences", 1, 1e15);
    out->inferences = isnan(inf) ? 1 : (long long)inf;
    if (isnan(out->latency_us) && !isnan(out->latency_median_us)) {
        out->latency_us = out->latency_median_us;
    }
    out->is_result = !isnan(out->latency_us) && out->latency_us > 0;
    json_decref(root);
    return true;
}

void ts_jsonl_msg_clear(ts_jsonl_msg *msg)
{
    if (!msg) {
        return;
    }
    free(msg->board);
    free(msg->model);
    msg->board = msg->model = NULL;
}
