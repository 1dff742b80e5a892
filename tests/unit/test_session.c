#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "tinyscope/session.h"

static char *data_path(const char *rel)
{
    const char *root = getenv("TS_SOURCE_ROOT");
    return ts_asprintf("%s/%s", root ? root : ".", rel);
}

static bool has_source(const ts_store *store, const char *suffix)
{
    for (size_t i = 0; i < ts_store_source_count(store); i++) {
        const char *p = ts_store_source(store, i)->path;
        size_t n = strlen(p), m = strlen(suffix);
        if (n >= m && !strcmp(p + n - m, suffix)) {
            return true;
        }
    }
    return false;
}

static size_t count(ts_store *store, const char *s, const char *p)
{
    SordWorld *w = ts_store_world(store);
    SordNode *ns = s ? sord_new_uri(w, (const uint8_t *)s) : NULL;
    SordNode *np = p ? sord_new_uri(w, (const uint8_t *)p) : NULL;
    size_t n = sord_count(ts_store_model(store), ns, np, NULL, NULL);
    sord_node_free(w, ns);
    sord_node_free(w, np);
    return n;
}

/* Files, the results file and the vocabulary, in that order; reload gives the same. */
static void test_load(void)
{
    char tmpl[] = "/tmp/ts-session-XXXXXX";
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0);
    const char *run = "<urn:uuid:1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                      "<https://w3id.org/tinyscope/ns#BenchmarkRun> .\n";
    CHECK(write(fd, run, strlen(run)) == (ssize_t)strlen(run));
    close(fd);
    char *mini = data_path("tests/data/mini.ttl");
    char *paths[] = {mini};
    ts_session_opts o = {.paths = paths, .n_paths = 1, .results = tmpl};
    ts_session *s = ts_session_new(&o);
    CHECK(ts_session_store(s) == NULL);
    ts_error err;
    CHECK_INT(ts_session_load(s, NULL, NULL, &err), TS_OK);
    ts_store *store = ts_session_store(s);
    CHECK_INT(ts_store_source_count(store), 2);
    CHECK(has_source(store, "mini.ttl"));
    CHECK(has_source(store, tmpl));
    CHECK(ts_session_remote(s) == NULL);
    CHECK(ts_session_dataset(s) != NULL);
    CHECK_INT(ts_session_diags(s)->count, 0);
    size_t triples = sord_num_quads(ts_store_model(store));
    CHECK_INT(ts_session_load(s, NULL, NULL, &err), TS_OK);
    CHECK(ts_session_store(s) != NULL);
    CHECK_INT(sord_num_quads(ts_store_model(ts_session_store(s))), triples);
    ts_session_free(s);

    /* with_ontology: the vocabulary comes after the data, before the results */
    o.with_ontology = true;
    ts_store *store2 = ts_store_new();
    ts_diags diags = {0};
    CHECK_INT(ts_session_load_into(&o, store2, &diags, NULL, NULL, &err), TS_OK);
    CHECK_INT(err.status, TS_OK);
    size_t n = ts_store_source_count(store2);
    CHECK(n > 3);
    CHECK(strstr(ts_store_source(store2, 0)->path, "mini.ttl") != NULL);
    CHECK(strstr(ts_store_source(store2, 1)->path, "ontology") != NULL);
    CHECK_STR(ts_store_source(store2, n - 1)->path, tmpl);
    ts_diags_clear(&diags);
    ts_store_free(store2);

    unlink(tmpl);
    free(mini);
}

/* Setup problems fill err and the diagnostics; nothing is loaded. */
static void test_errors(void)
{
    const char *bad[] = {"no-equals-sign"};
    ts_session_opts o = {.contexts = bad, .n_contexts = 1};
    ts_session *s = ts_session_new(&o);
    ts_error err;
    CHECK_INT(ts_session_load(s, NULL, NULL, &err), TS_ERR_BAD_ARG);
    CHECK_STR(err.source, "--context");
    CHECK_INT(ts_session_diags(s)->count, 1);
    CHECK_INT(ts_store_source_count(ts_session_store(s)), 0);
    ts_session_free(s);

    const char *missing[] = {"https://x.example/c=/nonexistent/c.jsonld"};
    o.contexts = missing;
    s = ts_session_new(&o);
    CHECK(ts_session_load(s, NULL, NULL, &err) != TS_OK);
    CHECK(strstr(err.source, "c.jsonld") || strstr(err.message, "c.jsonld"));
    ts_session_free(s);

    ts_session_opts e = {.endpoint = "ftp://example.org/sparql"};
    s = ts_session_new(&e);
    CHECK_INT(ts_session_load(s, NULL, NULL, &err), TS_ERR_BAD_ARG);
    CHECK(ts_session_remote(s) == NULL);
    CHECK_INT(ts_session_diags(s)->count, 1);
    ts_session_free(s);

    /* An endpoint session holds a client and a store with the prefixes only. */
    e.endpoint = "http://127.0.0.1:1/sparql";
    e.graph = "http://example.org/g";
    s = ts_session_new(&e);
    CHECK_INT(ts_session_load(s, NULL, NULL, &err), TS_OK);
    ts_remote *r = ts_session_remote(s);
    CHECK(r != NULL);
    CHECK(ts_session_dataset(s) != NULL);
    CHECK_INT(sord_num_quads(ts_store_model(ts_session_store(s))), 0);
    CHECK(ts_store_prefix_count(ts_session_store(s)) > 0);
    CHECK_INT(ts_session_load(s, NULL, NULL, &err), TS_OK);
    CHECK(ts_session_remote(s) == r);
    ts_session_free(s);
    ts_session_free(NULL);
}

/* One resource's description, through the query interface. */
static void test_describe(void)
{
    char *mini = data_path("tests/data/mini.ttl");
    char *paths[] = {mini};
    ts_session_opts o = {.paths = paths, .n_paths = 1, .results = "/nonexistent/bench.nt"};
    ts_session *s = ts_session_new(&o);
    ts_error err;
    CHECK_INT(ts_session_load(s, NULL, NULL, &err), TS_OK);

    const char *b1 = "http://example.org/mini/board1";
    ts_store *page = ts_store_new();
    size_t n = 0;
    CHECK_INT(ts_session_describe(ts_session_dataset(s), b1, page, "test", NULL, &n, &err), TS_OK);
    CHECK(n > 0);
    CHECK_INT(ts_store_source_count(page), 1);
    /* its own triples, and its subsystems (blank nodes) with their types */
    CHECK_INT(count(page, b1, TS_NS_RDF "type"), 1);
    CHECK_INT(count(page, b1, "http://www.w3.org/ns/ssn/hasSubSystem"), 3);
    CHECK_INT(count(page, NULL, TS_NS_RDF "type") >= 4, 1);
    char *label = NULL;
    SordNode *node = sord_new_uri(ts_store_world(page), (const uint8_t *)b1);
    label = ts_store_label(page, node, NULL);
    CHECK_STR(label, "Mini Board One");
    free(label);
    sord_node_free(ts_store_world(page), node);
    ts_store_free(page);

    /* incoming links, with the labels of who points here */
    page = ts_store_new();
    CHECK_INT(ts_session_describe(ts_session_dataset(s), "http://w3id.org/s3n/SmartSensor", page,
                                  "test", NULL, &n, &err),
              TS_OK);
    CHECK_INT(count(page, NULL, TS_NS_RDF "type"), 2);
    CHECK_INT(count(page, b1, "https://www.w3.org/2019/wot/td#title"), 1);
    ts_store_free(page);

    /* nothing about it: no triples; text that is not an IRI is refused */
    page = ts_store_new();
    CHECK_INT(ts_session_describe(ts_session_dataset(s), "http://example.org/none", page, "test",
                                  NULL, &n, &err),
              TS_OK);
    CHECK_INT(n, 0);
    CHECK_INT(ts_session_describe(ts_session_dataset(s), "x> } DROP ALL { <y", page, "test", NULL,
                                  &n, &err),
              TS_ERR_BAD_ARG);
    CHECK_INT(ts_session_describe(ts_session_dataset(s), "", page, "test", NULL, &n, &err),
              TS_ERR_BAD_ARG);
    ts_store_free(page);
    ts_session_free(s);
    free(mini);
}

int main(void)
{
    test_load();
    test_errors();
    test_describe();
    return test_done();
}
