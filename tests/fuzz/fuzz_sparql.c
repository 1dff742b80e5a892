/* Fuzz the SPARQL engine: parse, and evaluate what parses on a small graph
 * (bounded by a time and a row limit, so no input can hang it). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tinyscope/buf.h"
#include "tinyscope/loader.h"
#include "tinyscope/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ts_dataset *dataset(void)
{
    static ts_store *store;
    static ts_dataset *ds;
    if (!ds) {
        store = ts_store_new();
        ts_load_opts opts = {0};
        ts_load_string(store, "fuzz.ttl", TS_FMT_TURTLE,
                       "@prefix : <http://e/> .\n"
                       ":a :p 1, 2.5, \"x\"@en ; :q :b ; a :C .\n"
                       ":b :q :c ; :r \"2024-01-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n"
                       ":c :q :a ; :p -3 ; :s _:n .\n"
                       "_:n :p \"y\" ; :list (1 2 3) .\n",
                       &opts, NULL);
        ds = ts_dataset_local(store);
    }
    return ds;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = ts_strndup((const char *)data, size);
    ts_query_opts opts = {.max_rows = 1000, .time_limit_ms = 200};
    ts_query_result res;
    ts_error err;
    ts_query_run(dataset(), text, &opts, &res, &err);
    ts_query_result_clear(&res);
    free(text);
    return 0;
}
