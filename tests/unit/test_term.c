#include <unistd.h>

#include "test.h"
#include "tinyscope/rdfout.h"
#include "tinyscope/term.h"

static char *write_all(ts_out_format fmt, const ts_store *prefixes)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    ts_rdfout *w = ts_rdfout_new(f, fmt, prefixes);
    ts_term s = ts_term_iri("http://tinyml-schema.org/networkschema#m1");
    ts_term p = ts_term_iri("https://schema.org/name");
    ts_term o = ts_term_literal("Micro \"speech\"\n", NULL, NULL);
    ts_term o2 = ts_term_literal("42", "http://www.w3.org/2001/XMLSchema#integer", NULL);
    ts_term o3 = ts_term_literal("Hallo", NULL, "de");
    ts_term b = ts_term_blank("x1");
    ts_term g = ts_term_iri("http://example.org/g");
    CHECK_INT(ts_rdfout_write(w, &s, &p, &o, NULL), TS_OK);
    CHECK_INT(ts_rdfout_write(w, &s, &p, &o2, &g), TS_OK);
    CHECK_INT(ts_rdfout_write(w, &b, &p, &o3, NULL), TS_OK);
    ts_term none = {0};
    CHECK_INT(ts_rdfout_write(w, &none, &p, &o3, NULL), TS_ERR_BAD_ARG);
    CHECK_INT(ts_rdfout_finish(w), TS_OK);
    ts_rdfout_free(w);
    fclose(f);
    ts_term_clear(&s);
    ts_term_clear(&p);
    ts_term_clear(&o);
    ts_term_clear(&o2);
    ts_term_clear(&o3);
    ts_term_clear(&b);
    ts_term_clear(&g);
    return mem;
}

int main(void)
{
    ts_term a = ts_term_literal("x", NULL, NULL);
    ts_term b = ts_term_literal("x", "http://www.w3.org/2001/XMLSchema#string", NULL);
    ts_term c = ts_term_literal("x", NULL, "EN");
    ts_term d = ts_term_literal("x", NULL, "en");
    ts_term e = ts_term_iri("x");
    CHECK(ts_term_equal(&a, &b));
    CHECK(!ts_term_equal(&a, &c));
    CHECK(ts_term_equal(&c, &d));
    CHECK(!ts_term_equal(&a, &e));
    ts_term f = ts_term_copy(&c);
    CHECK(ts_term_equal(&f, &d));
    /* A language tag wins over a datatype. */
    ts_term g = ts_term_literal("x", "http://example.org/dt", "en");
    CHECK(g.datatype == NULL);

    ts_store *st = ts_store_new();
    SordNode *n = ts_term_to_sord(ts_store_world(st), &c);
    ts_term back = ts_term_from_sord(n);
    CHECK(ts_term_equal(&back, &c));
    sord_node_free(ts_store_world(st), n);
    n = ts_term_to_sord(ts_store_world(st), &b);
    CHECK(sord_node_get_datatype(n) == NULL);
    sord_node_free(ts_store_world(st), n);
    ts_term nothing = ts_term_from_sord(NULL);
    CHECK_INT(nothing.kind, TS_TERM_NONE);
    CHECK(ts_term_to_sord(ts_store_world(st), &nothing) == NULL);

    char *nt = write_all(TS_OUT_NTRIPLES, NULL);
    CHECK(strstr(nt, "<http://tinyml-schema.org/networkschema#m1> <https://schema.org/name> "
                     "\"Micro \\\"speech\\\"\\n\" .\n") != NULL);
    CHECK(strstr(nt, "\"42\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n") != NULL);
    CHECK(strstr(nt, "_:x1 <https://schema.org/name> \"Hallo\"@de .\n") != NULL);
    CHECK(strstr(nt, "example.org/g") == NULL);
    free(nt);
    char *nq = write_all(TS_OUT_NQUADS, NULL);
    CHECK(strstr(nq, "^^<http://www.w3.org/2001/XMLSchema#integer> <http://example.org/g> .\n") != NULL);
    free(nq);
    char *ttl = write_all(TS_OUT_TURTLE, st);
    CHECK(strstr(ttl, "@prefix nnet: <http://tinyml-schema.org/networkschema#> .") != NULL);
    CHECK(strstr(ttl, "nnet:m1") != NULL);
    CHECK(strstr(ttl, "schema:name") != NULL);
    free(ttl);

    /* A failing stream is reported. */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        ts_rdfout *w = ts_rdfout_new(full, TS_OUT_NTRIPLES, NULL);
        ts_term s = ts_term_iri("http://e/s");
        ts_rdfout_write(w, &s, &s, &s, NULL);
        CHECK_INT(ts_rdfout_finish(w), TS_ERR_IO);
        ts_rdfout_free(w);
        ts_term_clear(&s);
        fclose(full);
    }
    ts_rdfout_free(NULL);
    ts_out_format of;
    CHECK(ts_out_format_from_name("nq", &of) && of == TS_OUT_NQUADS);
    CHECK(!ts_out_format_from_name("xml", &of));

    ts_store_free(st);
    ts_term_clear(&a);
    ts_term_clear(&b);
    ts_term_clear(&c);
    ts_term_clear(&d);
    ts_term_clear(&e);
    ts_term_clear(&f);
    ts_term_clear(&g);
    ts_term_clear(&back);
    ts_term_clear(NULL);
    return test_done();
}
