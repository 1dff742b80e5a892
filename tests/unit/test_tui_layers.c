/*
 * The Models pane's layer fetch: the layers view restricted to one model
 * (one query per selection, through the dataset interface, so a remote
 * endpoint answers it too), on a fake dataset that records what it is
 * asked and on the local store holding a .tflite built by the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/tui/catalog_panes.h"
#include "test.h"
#include "tflite_builder.h"
#include "tinyscope/catalog_views.h"
#include "tinyscope/loader.h"

/* ---- a dataset that answers from a table, as an endpoint would ---- */

typedef struct {
    int queries;
    char *last;
    ts_status answer; /* TS_OK: the rows below */
} fake;

static ts_status fake_run(void *impl, const char *query, const ts_query_opts *opts,
                          const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                          ts_error *err)
{
    (void)opts;
    (void)timing;
    fake *f = impl;
    f->queries++;
    free(f->last);
    f->last = strdup(query);
    if (f->answer != TS_OK) {
        return ts_error_set(err, f->answer, "endpoint", 3, 7, "no such thing");
    }
    static const char *const vars[] = {"model",      "layer",        "role",    "index",   "type",
                                       "activation", "quantization", "shapeIn", "shapeOut"};
    sink->begin(ctx, TS_QUERY_SELECT, vars, 9);
    ts_term row[9];
    memset(row, 0, sizeof row);
    row[0] = (ts_term){TS_TERM_IRI, "http://ex/m", NULL, NULL};
    row[1] = (ts_term){TS_TERM_IRI, "http://ex/l0", NULL, NULL};
    row[2] = (ts_term){TS_TERM_LITERAL, "input", NULL, NULL};
    row[3] = (ts_term){TS_TERM_LITERAL, "1", "http://www.w3.org/2001/XMLSchema#integer", NULL};
    row[4] = (ts_term){TS_TERM_IRI, "http://tinyml-schema.org/networkschema#Conv2D", NULL, NULL};
    row[5] = (ts_term){TS_TERM_IRI, "http://tinyml-schema.org/networkschema#Relu", NULL, NULL};
    row[7] = (ts_term){TS_TERM_LITERAL, "[ 1 49 10  1]", NULL, NULL};
    sink->row(ctx, row);
    /* The same layer again with a second activation: still one layer. */
    row[5] = (ts_term){TS_TERM_IRI, "http://tinyml-schema.org/networkschema#Relu6", NULL, NULL};
    sink->row(ctx, row);
    memset(row, 0, sizeof row);
    row[0] = (ts_term){TS_TERM_IRI, "http://ex/m", NULL, NULL};
    row[1] = (ts_term){TS_TERM_BLANK, "b7", NULL, NULL};
    row[2] = (ts_term){TS_TERM_LITERAL, "output", NULL, NULL};
    row[3] = (ts_term){TS_TERM_LITERAL, "oops", NULL, NULL};
    row[4] = (ts_term){TS_TERM_LITERAL, "SOFTMAX", NULL, NULL};
    row[6] = (ts_term){TS_TERM_IRI, "http://tinyml-schema.org/networkschema#Int8", NULL, NULL};
    row[8] = (ts_term){TS_TERM_LITERAL, "[1 12]", NULL, NULL};
    sink->row(ctx, row);
    return TS_OK;
}

static void fake_free(void *impl)
{
    fake *f = impl;
    free(f->last);
    free(f);
}

static const ts_dataset_ops fake_ops = {fake_run, fake_free};

static void test_query_text(void)
{
    ts_error err;
    ts_error_clear(&err);
    /* Braces in comments, strings and IRIs before the WHERE group are not it. */
    const char *view = "PREFIX a: <http://x/{y}>\n# not { this\n"
                       "SELECT (\"{\" AS ?s) ?model WHERE {\n  ?model a ?t\n}\n";
    char *q = ts_layers_query(view, "http://ex/m", &err);
    CHECK(q && strstr(q, "WHERE { VALUES ?model { <http://ex/m> }\n  ?model a ?t\n}") != NULL);
    CHECK(q && !strncmp(q, "PREFIX a: <http://x/{y}>\n# not { this\n", 38));
    free(q);
    q = ts_layers_query("SELECT ?model ?x WHERE { ?model ?p '''{\\'''' }", "urn:x:1", &err);
    CHECK(q && strstr(q, "WHERE { VALUES ?model { <urn:x:1> } ?model ?p '''{\\'''' }") != NULL);
    free(q);
    /* No group to open: the VALUES clause goes at the end, which is also SPARQL. */
    q = ts_layers_query("ASK", "http://ex/m", &err);
    CHECK(q && strstr(q, "ASK\nVALUES ?model { <http://ex/m> }") != NULL);
    free(q);
    /* Blank nodes and IRIs that would break out of <...> are refused. */
    static const char *const bad[] = {
        "b12", "", "http://ex/a>b", "http://ex/a b", "http://ex/a}\nDELETE", "http://ex/\"q"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ts_error_clear(&err);
        CHECK(ts_layers_query(view, bad[i], &err) == NULL);
        CHECK_INT(err.status, TS_ERR_BAD_ARG);
    }
}

static void test_fetch_remote_shape(void)
{
    fake *f = calloc(1, sizeof *f);
    ts_dataset *ds = ts_dataset_new(&fake_ops, f);
    ts_layer *layers;
    size_t n;
    ts_error err;
    ts_error_clear(&err);
    CHECK_INT(ts_layers_fetch(ds, "http://ex/m", &layers, &n, &err), TS_OK);
    /* One query, the bundled view restricted to the model. */
    CHECK_INT(f->queries, 1);
    CHECK(f->last && strstr(f->last, "VALUES ?model { <http://ex/m> }") != NULL);
    CHECK(f->last && strstr(f->last, "nnet:inputLayer") != NULL);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(layers[0].index, 1);
        CHECK_STR(layers[0].role, "input");
        CHECK_STR(layers[0].type, "Conv2D");
        CHECK_STR(layers[0].activation, "Relu");
        CHECK_STR(layers[0].shape_in, "[ 1 49 10  1]");
        CHECK(layers[0].shape_out == NULL && layers[0].quantization == NULL);
        CHECK_INT(layers[1].index, -1);
        CHECK_STR(layers[1].type, "SOFTMAX");
        CHECK_STR(layers[1].quantization, "Int8");
        CHECK_STR(layers[1].shape_out, "[1 12]");
    }
    ts_layers_free(layers, n);
    /* A blank-node model is not sent at all. */
    CHECK_INT(ts_layers_fetch(ds, "b3", &layers, &n, &err), TS_ERR_BAD_ARG);
    CHECK_INT(f->queries, 1);
    CHECK(layers == NULL && n == 0);
    /* An endpoint's error comes back naming the view. */
    f->answer = TS_ERR_SYNTAX;
    ts_error_clear(&err);
    CHECK_INT(ts_layers_fetch(ds, "http://ex/m", &layers, &n, &err), TS_ERR_SYNTAX);
    CHECK(strstr(err.source, "layers.rq") != NULL);
    CHECK(strstr(err.message, "no such thing") != NULL);
    CHECK(layers == NULL && n == 0);
    ts_dataset_free(ds);
    ts_layers_free(NULL, 0);
}

static void test_fetch_tflite(void)
{
    /* x [1,8] -> FULLY_CONNECTED (RELU) -> [1,4] -> SOFTMAX */
    static const tb_tensor t[] = {
        {{1, 8}, 2, 9, false, 1, false, "x"}, {{4, 8}, 2, 9, true, 1, false, "w"},
        {{4}, 1, 2, true, 1, false, "b"},     {{1, 4}, 2, 9, false, 1, false, "y"},
        {{1, 4}, 2, 9, false, 1, false, "z"},
    };
    static const tb_op ops[] = {{9, {0, 1, 2}, 3, {3}, 1, 8, 1, 0}, {25, {3}, 1, {4}, 1, 0, 0, 0}};
    static const int in[] = {0}, out[] = {4};
    tb_model d = {t, 5, ops, 2, in, 1, out, 1, 0, false, 0};
    size_t size;
    uint8_t *img = tb_build(&d, &size);
    char path[] = "/tmp/ts-test-layers-XXXXXX.tflite";
    int fd = mkstemps(path, 7);
    CHECK(fd >= 0 && write(fd, img, size) == (ssize_t)size);
    close(fd);
    free(img);

    ts_store *store = ts_store_new();
    ts_load_opts lo = {.strict = true};
    CHECK_INT(ts_load_file(store, path, TS_FMT_UNKNOWN, &lo, NULL), TS_OK);
    unlink(path);
    ts_dataset *ds = ts_dataset_local(store);
    ts_catalog *cat = ts_catalog_new();
    ts_error err;
    ts_error_clear(&err);
    CHECK_INT(ts_catalog_load(cat, ds, &err), TS_OK);
    CHECK_INT(cat->n_models, 1);
    if (cat->n_models == 1) {
        ts_layer *layers;
        size_t n;
        CHECK_INT(ts_layers_fetch(ds, cat->models[0]->iri, &layers, &n, &err), TS_OK);
        CHECK_INT(n, 2);
        if (n == 2) {
            CHECK_STR(layers[0].role, "input");
            CHECK_STR(layers[0].type, "FullyConnected");
            CHECK_STR(layers[0].activation, "Relu");
            CHECK_STR(layers[0].quantization, "Int8");
            CHECK_STR(layers[0].shape_in, "[1 8]");
            CHECK_STR(layers[1].role, "output");
            CHECK_STR(layers[1].type, "Softmax");
            CHECK_STR(layers[1].shape_out, "[1 4]");
            CHECK_INT(layers[1].index, 2);
        }
        ts_layers_free(layers, n);
        /* Another model's IRI: nothing, and no error. */
        CHECK_INT(ts_layers_fetch(ds, "http://example.org/none", &layers, &n, &err), TS_OK);
        CHECK_INT(n, 0);
        ts_layers_free(layers, n);
    }
    ts_catalog_free(cat);
    ts_dataset_free(ds);
    ts_store_free(store);
}

int main(void)
{
    if (!getenv("TS_SOURCE_ROOT")) {
        TEST_SKIP("TS_SOURCE_ROOT is not set");
    }
    test_query_text();
    test_fetch_remote_shape();
    test_fetch_tflite();
    return test_done();
}
