/* Fuzz the JSON-LD processor: parsing, context processing, expansion, toRdf. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/jsonld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_quad(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o,
                        const ts_term *g)
{
    (void)s;
    (void)p;
    (void)o;
    (void)g;
    (*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ts_jsonld_ctxstore *contexts;
    if (!contexts) {
        /* Contexts a document may name: the bundled ones, one that includes
         * itself, one with scoped and protected terms. */
        contexts = ts_jsonld_ctxstore_new();
        ts_jsonld_ctxstore_add_defaults(contexts);
        ts_error err;
        ts_jsonld_ctxstore_add_text(contexts, "http://f.example/loop",
                                    "{\"@context\": [\"http://f.example/loop\"]}", &err);
        ts_jsonld_ctxstore_add_text(
            contexts, "http://f.example/scoped",
            "{\"@context\": {\"@version\": 1.1, \"@vocab\": \"http://v.example/\","
            " \"s\": {\"@context\": {\"@vocab\": \"http://s.example/\"}},"
            " \"T\": {\"@context\": {\"t\": \"http://t.example/\"}},"
            " \"p\": {\"@id\": \"http://p.example/\", \"@protected\": true}}}",
            &err);
    }
    if (size < 1) {
        return 0;
    }
    ts_diags diags = {0};
    ts_jsonld_opts o = {
        .source = "fuzz.jsonld",
        .base = (data[0] & 1) ? "http://base.example/a/b" : NULL,
        .contexts = contexts,
        .rdf_direction = (ts_jsonld_direction)((data[0] >> 1) % 3),
        .json_ld_10 = (data[0] & 8) != 0,
        .diags = &diags,
    };
    size_t quads = 0;
    ts_error err;
    ts_jsonld_text_to_rdf((const char *)data + 1, size - 1, &o, ignore_quad, &quads, &err);
    ts_diags_clear(&diags);
    return 0;
}
