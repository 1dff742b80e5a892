/* Fuzz the RDF loading path: Turtle, TriG, N-Triples and N-Quads into the store. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/buf.h"
#include "tinyscope/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    /* The first byte picks the syntax, the rest is the document. */
    static const ts_format formats[] = {TS_FMT_TURTLE, TS_FMT_TRIG, TS_FMT_NTRIPLES,
                                        TS_FMT_NQUADS};
    ts_format fmt = formats[data[0] % 4];
    char *text = ts_strndup((const char *)data + 1, size - 1);
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    ts_load_opts opts = {.diags = &diags, .strict = (data[0] & 0x80) != 0};
    ts_load_string(store, "fuzz.ttl", fmt, text, &opts, NULL);
    ts_diags_clear(&diags);
    ts_store_free(store);
    free(text);
    return 0;
}
