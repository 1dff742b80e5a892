/* Fuzz the .tflite path: parse, count, plan both ABIs, write Turtle, fill a store. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tinyscope/tflite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ts_tflite *m;
    ts_error err;
    if (ts_tflite_parse(data, size, "fuzz.tflite", &m, &err) != TS_OK) {
        return 0;
    }
    ts_tflite_counts c;
    ts_tflite_memory mem;
    ts_tflite_placement *placements = NULL;
    ts_tflite_count(m, &c);
    ts_tflite_plan(m, TS_TFLITE_ABI_MCU32, &mem, &placements, &err);
    free(placements);
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        ts_tflite_write_turtle(m, "fuzz.tflite", NULL, TS_TFLITE_ABI_HOST64, null, &err);
        fclose(null);
    }
    ts_store *store = ts_store_new();
    ts_source *src = ts_store_add_source(store, "fuzz.tflite", NULL, TS_FMT_TFLITE);
    ts_tflite_add_to_store(m, "fuzz.tflite", NULL, TS_TFLITE_ABI_MCU32, store, src, &err);
    ts_store_free(store);
    ts_tflite_free(m);
    return 0;
}
