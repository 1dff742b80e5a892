/* Fuzz what a board can send: MLPerf Tiny and JSON-lines parsing of one line. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/bench.h"
#include "tinyscope/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > TS_BENCH_MAX_LINE) {
        size = TS_BENCH_MAX_LINE;
    }
    char *line = ts_strndup((const char *)data, size);
    ts_mlperf_line m;
    ts_mlperf_parse(line, &m);
    if (m.kind != TS_MLPERF_NONE && strlen(m.value) >= sizeof m.value) {
        abort();
    }
    ts_jsonl_msg j;
    if (ts_jsonl_parse((const char *)data, size, &j) && j.is_result) {
        /* A result always has a usable latency and a positive count. */
        if (!(j.latency_us > 0) || !isfinite(j.latency_us) || j.inferences < 1) {
            abort();
        }
        if (!isnan(j.accuracy) && (j.accuracy < 0 || j.accuracy > 1)) {
            abort();
        }
    }
    ts_jsonl_msg_clear(&j);
    free(line);
    return 0;
}
