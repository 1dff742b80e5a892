#include <math.h>

#include "test.h"
#include "tinyscope/loader.h"
#include "tinyscope/store.h"

static const char *doc =
    "@prefix ex: <http://example.org/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix schema: <https://schema.org/> .\n"
    "@prefix td: <https://www.w3.org/2019/wot/td#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "ex:a rdfs:label \"Etikett\"@de, \"Label\"@en, \"Plain\" .\n"
    "ex:b schema:name \"Board B\" ; td:title \"ignored: schema:name comes first\" .\n"
    "ex:c td:title \"Titel\"@de .\n"
    "ex:d ex:p ex:e .\n"
    "ex:n1 ex:v 42 . ex:n2 ex:v 1.5 . ex:n3 ex:v 3.36e+05 .\n"
    "ex:n4 ex:v \"20\" . ex:n5 ex:v \"twenty\" . ex:n6 ex:v \"7\"@en .\n"
    "ex:n7 ex:v \"12\"^^xsd:int . ex:n8 ex:v \"2021-12-12\"^^xsd:date .\n"
    "ex:n9 ex:v \"INF\"^^xsd:double . ex:n10 ex:v \"INF\" .\n";

static SordNode *object_of(ts_store *st, const char *s)
{
    SordNode *sn = ts_store_iri(st, s);
    SordNode *p = ts_store_iri(st, "http://example.org/v");
    SordNode *o = sord_get(ts_store_model(st), sn, p, NULL, NULL);
    sord_node_free(ts_store_world(st), sn);
    sord_node_free(ts_store_world(st), p);
    return o;
}

static int number_of(ts_store *st, const char *s, double *out)
{
    SordNode *o = object_of(st, s);
    ts_status r = ts_node_number(o, out);
    sord_node_free(ts_store_world(st), o);
    return r == TS_OK;
}

static void check_label(ts_store *st, const char *iri, const char *lang, const char *want)
{
    SordNode *n = ts_store_iri(st, iri);
    char *label = ts_store_label(st, n, lang);
    CHECK_STR(label, want);
    free(label);
    sord_node_free(ts_store_world(st), n);
}

static const char *str(const SordNode *n)
{
    return (const char *)sord_node_get_string(n);
}

/* Patterns with the subject unbound come from arrays built on demand: they
 * must give what Sord's OPS and POS indices would, and follow changes. */
static void test_match(void)
{
    ts_store *st = ts_store_new();
    ts_diags diags = {0};
    ts_load_opts opts = {.diags = &diags};
    ts_source *one = NULL, *two = NULL;
    CHECK_INT(ts_load_string(st, "one.ttl", TS_FMT_TURTLE,
                             "@prefix ex: <http://example.org/> .\n"
                             "ex:z ex:q ex:t . ex:b ex:r ex:t . ex:a ex:q ex:t .\n"
                             "ex:a ex:q ex:u . ex:c ex:q \"x\" . ex:t ex:q ex:a .\n",
                             &opts, &one),
              TS_OK);
    CHECK_INT(ts_load_string(st, "two.ttl", TS_FMT_TURTLE,
                             "<http://example.org/a> <http://example.org/q> "
                             "<http://example.org/t> .\n",
                             &opts, &two),
              TS_OK);
    CHECK_INT(sord_num_quads(ts_store_model(st)), 7);
    SordNode *t = ts_store_iri(st, "http://example.org/t");
    SordNode *q = ts_store_iri(st, "http://example.org/q");
    SordNode *a = ts_store_iri(st, "http://example.org/a");
    SordNode *none = ts_store_iri(st, "http://example.org/none");

    /* Incoming: by predicate, then subject; one copy of a triple in two graphs. */
    ts_triple *m = NULL;
    size_t n = ts_store_match(st, NULL, NULL, t, true, &m);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(str(m[0].s), "http://example.org/a");
        CHECK_STR(str(m[0].p), "http://example.org/q");
        CHECK_STR(str(m[1].s), "http://example.org/z");
        CHECK_STR(str(m[2].s), "http://example.org/b");
        CHECK_STR(str(m[2].p), "http://example.org/r");
        CHECK(m[2].o == t);
    }
    free(m);
    CHECK_INT(ts_store_match(st, NULL, NULL, t, false, NULL), 3);
    CHECK_INT(ts_store_match(st, NULL, q, t, false, NULL), 2);

    /* By predicate: by object (literals first, as Serd orders types), then subject. */
    n = ts_store_match(st, NULL, q, NULL, true, &m);
    CHECK_INT(n, 5);
    if (n == 5) {
        CHECK_STR(str(m[0].o), "x");
        CHECK_STR(str(m[1].o), "http://example.org/a");
        CHECK_STR(str(m[2].s), "http://example.org/a");
        CHECK_STR(str(m[2].o), "http://example.org/t");
        CHECK_STR(str(m[3].s), "http://example.org/z");
        CHECK_STR(str(m[4].o), "http://example.org/u");
    }
    free(m);

    /* Unordered: the same triples. */
    n = ts_store_match(st, NULL, q, NULL, false, &m);
    CHECK_INT(n, 5);
    size_t with_q = 0;
    for (size_t i = 0; i < n; i++) {
        with_q += m[i].p == q;
    }
    CHECK_INT(with_q, 5);
    free(m);

    /* Subject bound: Sord's SPO, also without duplicates. */
    n = ts_store_match(st, a, NULL, NULL, true, &m);
    CHECK_INT(n, 2);
    free(m);
    CHECK_INT(ts_store_match(st, NULL, NULL, NULL, false, NULL), 6);
    CHECK_INT(ts_store_match(st, NULL, NULL, none, true, &m), 0);
    CHECK(m == NULL);

    /* The arrays follow removals and additions. */
    ts_store_remove_source(st, one);
    CHECK_INT(ts_store_match(st, NULL, NULL, t, false, NULL), 1);
    CHECK_INT(ts_store_match(st, NULL, q, NULL, false, NULL), 1);
    CHECK_INT(ts_load_string(st, "three.ttl", TS_FMT_TURTLE,
                             "<http://example.org/c> <http://example.org/q> "
                             "<http://example.org/t> .\n",
                             &opts, NULL),
              TS_OK);
    CHECK_INT(ts_store_match(st, NULL, NULL, t, false, NULL), 2);
    CHECK_INT(ts_store_match(st, NULL, q, t, false, NULL), 2);

    SordWorld *w = ts_store_world(st);
    sord_node_free(w, t);
    sord_node_free(w, q);
    sord_node_free(w, a);
    sord_node_free(w, none);
    ts_diags_clear(&diags);
    ts_store_free(st);
}

int main(void)
{
    test_match();
    ts_store *st = ts_store_new();
    ts_diags diags = {0};
    ts_load_opts opts = {.diags = &diags};
    ts_source *src = NULL;
    CHECK_INT(ts_load_string(st, "mem.ttl", TS_FMT_TURTLE, doc, &opts, &src), TS_OK);
    CHECK_INT(diags.errors, 0);
    CHECK(src != NULL);
    CHECK_INT(src->triples, 17);

    /* Labels: preferred predicate first, then language preference. */
    check_label(st, "http://example.org/a", "de", "Etikett");
    check_label(st, "http://example.org/a", "fr", "Plain");
    check_label(st, "http://example.org/a", "en", "Label");
    check_label(st, "http://example.org/b", "en", "Board B");
    check_label(st, "http://example.org/c", "en", "Titel");
    /* No label: the prefixed name, with the document's prefix. */
    check_label(st, "http://example.org/d", "en", "ex:d");
    check_label(st, "http://nowhere.example/x#y", "en", "<http://nowhere.example/x#y>");

    /* Numbers. */
    double v = 0;
    CHECK(number_of(st, "http://example.org/n1", &v) && v == 42);
    CHECK(number_of(st, "http://example.org/n2", &v) && v == 1.5);
    CHECK(number_of(st, "http://example.org/n3", &v) && v == 336000);
    CHECK(number_of(st, "http://example.org/n4", &v) && v == 20);
    CHECK(!number_of(st, "http://example.org/n5", &v));
    CHECK(!number_of(st, "http://example.org/n6", &v));
    CHECK(number_of(st, "http://example.org/n7", &v) && v == 12);
    CHECK(!number_of(st, "http://example.org/n8", &v));
    CHECK(number_of(st, "http://example.org/n9", &v) && isinf(v));
    CHECK(!number_of(st, "http://example.org/n10", &v));
    CHECK_INT(ts_node_number(NULL, &v), TS_ERR_NOT_A_NUMBER);
    CHECK(ts_parse_number(" -1.5e3 ", &v) && v == -1500);
    CHECK(!ts_parse_number("1e", &v));
    CHECK(!ts_parse_number("0x10", &v));
    CHECK(!ts_parse_number("", &v));
    CHECK(!ts_parse_number(".", &v));
    CHECK(ts_parse_number(".5", &v) && v == 0.5);

    /* Shortening and expansion with well-known and document prefixes. */
    char *s = ts_store_shorten_iri(st, "http://tinyml-schema.org/networkschema#NeuralNetwork");
    CHECK_STR(s, "nnet:NeuralNetwork");
    free(s);
    s = ts_store_shorten_iri(st, "https://w3id.org/tinyscope/ns#BenchmarkRun");
    CHECK_STR(s, "tiny:BenchmarkRun");
    free(s);
    /* A local part that would not read back is left as a full IRI. */
    s = ts_store_shorten_iri(st, "http://example.org/a/b");
    CHECK_STR(s, "<http://example.org/a/b>");
    free(s);
    s = ts_store_expand(st, "sosa_extend:Camera");
    CHECK_STR(s, "http://tinyml-schema.org/sosa_extend/Camera");
    free(s);
    CHECK(ts_store_expand(st, "nope:x") == NULL);
    CHECK(ts_store_expand(st, "nocolon") == NULL);
    /* A later binding of a taken name does not replace the first. */
    ts_store_add_prefix(st, "ex", "http://other.example/");
    s = ts_store_expand(st, "ex:a");
    CHECK_STR(s, "http://example.org/a");
    free(s);

    SordNode *lit = object_of(st, "http://example.org/n7");
    s = ts_store_shorten(st, lit);
    CHECK_STR(s, "\"12\"^^xsd:int");
    free(s);
    sord_node_free(ts_store_world(st), lit);

    /* Sources and their graphs; removal takes their quads away. */
    CHECK_INT(ts_store_source_count(st), 1);
    CHECK(ts_store_source_of_graph(st, src->graph) == src);
    ts_source *src2 = NULL;
    CHECK_INT(ts_load_string(st, "two.ttl", TS_FMT_TURTLE,
                             "<http://example.org/d> <http://example.org/p> <http://example.org/e> .\n",
                             &opts, &src2),
              TS_OK);
    /* The same triple in two graphs is two quads. */
    CHECK_INT(sord_num_quads(ts_store_model(st)), 18);
    ts_store_remove_source(st, src);
    CHECK_INT(ts_store_source_count(st), 1);
    CHECK_INT(sord_num_quads(ts_store_model(st)), 1);
    CHECK(ts_store_source(st, 0) == src2);
    CHECK(ts_store_source(st, 5) == NULL);

    CHECK_STR(ts_format_name(TS_FMT_TRIG), "trig");
    ts_diags_clear(&diags);
    ts_store_free(st);
    ts_store_free(NULL);
    return test_done();
}
