/*
 * Real Thing Descriptions (needs $TS_SHARED_DIR, skips without it):
 * - the bundled TD 1.0 and 1.1 contexts define exactly the terms of the
 *   W3C context files, scoped contexts included;
 * - the seed TD loads, with its duplicate @type key reported;
 * - each of the plugfest TDs loads, or is refused with a clear error:
 *   an unknown remote context named with the way to supply it, a JSON
 *   syntax error with its line, or a JSON-LD error with its JSON path.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/jsonld/jl_internal.h"
#include "test.h"
#include "tinyscope/loader.h"

static bool same_ctx(jl_proc *p, jl_ctx *a, jl_ctx *b, int depth, const char *where);

static bool same_term(jl_proc *p, jl_ctx *ca, const jl_term *a, jl_ctx *cb, const jl_term *b,
                      int depth)
{
#define SAME_STR(x, y) ((x) == (y) || ((x) && (y) && !strcmp((x), (y))))
    bool same =
        SAME_STR(a->iri, b->iri) && SAME_STR(a->type, b->type) && SAME_STR(a->index, b->index) &&
        SAME_STR(a->nest, b->nest) && a->container == b->container && a->has_lang == b->has_lang &&
        (!a->has_lang || SAME_STR(a->lang, b->lang)) && a->has_dir == b->has_dir &&
        (!a->has_dir || a->dir == b->dir) && a->prefix == b->prefix && a->protect == b->protect &&
        a->reverse == b->reverse && a->has_context == b->has_context;
#undef SAME_STR
    if (!same) {
        fprintf(stderr, "term %s differs (depth %d)\n", a->name, depth);
        return false;
    }
    if (!a->has_context || depth >= 2) {
        return true;
    }
    /* Scoped contexts: compare what they make of their context. */
    jl_ctx *sa = NULL, *sb = NULL;
    bool ok = jl_process_context(p, ca, a->context, NULL, a->base_url, NULL, true, true, true,
                                 &sa) == TS_OK &&
              jl_process_context(p, cb, b->context, NULL, b->base_url, NULL, true, true, true,
                                 &sb) == TS_OK &&
              same_ctx(p, sa, sb, depth + 1, a->name);
    jl_ctx_unref(sa);
    jl_ctx_unref(sb);
    return ok;
}

static bool same_ctx(jl_proc *p, jl_ctx *a, jl_ctx *b, int depth, const char *where)
{
    bool ok = a->count == b->count &&
              ((!a->vocab && !b->vocab) || (a->vocab && b->vocab && !strcmp(a->vocab, b->vocab)));
    if (!ok) {
        fprintf(stderr, "%s: %zu terms vs %zu, or another @vocab\n", where, a->count, b->count);
        return false;
    }
    for (size_t i = 0; i < a->cap; i++) {
        const jl_term *t = a->slots[i];
        if (!t) {
            continue;
        }
        const jl_term *u = jl_ctx_get(b, t->name);
        if (!u) {
            fprintf(stderr, "%s: term %s missing\n", where, t->name);
            return false;
        }
        if (!same_term(p, a, t, b, u, depth)) {
            return false;
        }
    }
    return true;
}

static void test_bundled_contexts(const char *shared)
{
    static const struct {
        const char *ours;
        const char *w3c;
    } pairs[] = {
        {"td-1.0.jsonld", "td-context.jsonld"},
        {"td-1.1.jsonld", "td-context-1.1.jsonld"},
    };
    const char *root = getenv("TS_SOURCE_ROOT");
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        ts_jsonld_ctxstore *s = ts_jsonld_ctxstore_new();
        char *ours = ts_asprintf("%s/ontology/contexts/%s", root ? root : ".", pairs[i].ours);
        char *w3c = ts_asprintf("%s/conformance/wot/contexts/%s", shared, pairs[i].w3c);
        ts_error err;
        CHECK(ts_jsonld_ctxstore_add_file(s, "urn:ours", ours, &err) == TS_OK);
        CHECK(ts_jsonld_ctxstore_add_file(s, "urn:w3c", w3c, &err) == TS_OK);
        ts_jsonld_opts o = {.contexts = s};
        jl_proc p = {.opts = &o, .store = s, .err = &err};
        json_t *a_ref = json_string("urn:ours"), *b_ref = json_string("urn:w3c");
        jl_ctx *a = NULL, *b = NULL;
        CHECK(jl_process_context(&p, jl_store_initial(s), a_ref, NULL, NULL, NULL, false, true,
                                 true, &a) == TS_OK);
        CHECK(jl_process_context(&p, jl_store_initial(s), b_ref, NULL, NULL, NULL, false, true,
                                 true, &b) == TS_OK);
        CHECK(a && b && a->count > 40);
        CHECK(a && b && same_ctx(&p, a, b, 0, pairs[i].ours));
        jl_ctx_unref(a);
        jl_ctx_unref(b);
        json_decref(a_ref);
        json_decref(b_ref);
        free(p.path);
        ts_buf_free(&p.scratch);
        ts_jsonld_ctxstore_free(s);
        free(ours);
        free(w3c);
    }
}

static void test_seed_td(const char *shared)
{
    char *path = ts_asprintf("%s/seed-kg/ssi_web_td.jsonld", shared);
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    ts_load_opts opts = {.diags = &diags};
    ts_source *src = NULL;
    CHECK(ts_load_file(store, path, TS_FMT_UNKNOWN, &opts, &src) == TS_OK);
    CHECK(src && src->format == TS_FMT_JSONLD);
    CHECK(src && src->errors == 0);
    CHECK(src && src->triples > 50);
    CHECK_INT(diags.errors, 0);
    CHECK_INT(diags.warnings, 1);
    CHECK(diags.count && strstr(diags.items[0].err.message, "@type") &&
          diags.items[0].err.line > 0);
    SordWorld *w = ts_store_world(store);
    SordNode *type = sord_new_uri(w, (const uint8_t *)TS_NS_S3N "SmartSensor");
    SordNode *rdf_type = sord_new_uri(w, (const uint8_t *)TS_NS_RDF "type");
    SordNode *title = sord_new_uri(w, (const uint8_t *)TS_NS_TD "title");
    CHECK(sord_count(ts_store_model(store), NULL, rdf_type, type, NULL) == 1);
    SordNode *thing =
        sord_new_uri(w, (const uint8_t *)"https://w3id.org/tinyml-schema-collab/semanticExample/"
                                         "SSI_Web_198_023_042_021");
    SordNode *name = sord_new_literal(w, NULL, (const uint8_t *)"SSI_Web_198_023_042_021", "en");
    CHECK(sord_count(ts_store_model(store), thing, title, name, NULL) == 1);
    CHECK(sord_count(ts_store_model(store), thing, rdf_type, type, NULL) == 1);
    sord_node_free(w, thing);
    sord_node_free(w, name);
    sord_node_free(w, type);
    sord_node_free(w, rdf_type);
    sord_node_free(w, title);
    ts_diags_clear(&diags);
    ts_store_free(store);
    free(path);
}

/* The JSON reader gives what jansson gives for a real document. */
static bool reader_agrees(const char *path)
{
    ts_buf text = {0};
    if (!ts_read_file(path, &text)) {
        return false;
    }
    json_error_t je;
    json_t *want = json_loadb(text.data, text.len,
                              JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &je);
    json_t *got = jl_json_read(text.data, text.len, NULL, NULL);
    bool ok = !got || (want && json_equal(got, want));
    if (got && want) {
        size_t flags = JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17);
        char *a = json_dumps(got, flags), *b = json_dumps(want, flags);
        ok = ok && a && b && !strcmp(a, b);
        free(a);
        free(b);
    }
    /* Valid JSON is read by the fast reader, not left to jansson. */
    ok = ok && (!want || got);
    json_decref(got);
    json_decref(want);
    ts_buf_free(&text);
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_plugfest_tds(const char *shared)
{
    char *dir = ts_asprintf("%s/conformance/wot/tds", shared);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) {
        free(dir);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strstr(e->d_name, ".jsonld")) {
            names = ts_reallocarray(names, n + 1, sizeof *names);
            names[n++] = ts_strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    size_t ok = 0, unknown = 0, syntax = 0, invalid = 0, unexplained = 0;
    ts_store *store = ts_store_new();
    for (size_t i = 0; i < n; i++) {
        char *path = ts_asprintf("%s/%s", dir, names[i]);
        if (!reader_agrees(path)) {
            fprintf(stderr, "the JSON reader and jansson disagree on %s\n", names[i]);
            CHECK(0);
        }
        ts_diags diags = {0};
        ts_load_opts opts = {.diags = &diags};
        ts_source *src = NULL;
        ts_status st = ts_load_file(store, path, TS_FMT_JSONLD, &opts, &src);
        const ts_diag *err = NULL;
        for (size_t k = 0; k < diags.count; k++) {
            if (diags.items[k].level == TS_DIAG_ERROR) {
                err = &diags.items[k];
            }
        }
        if (st == TS_OK && src && !src->errors && src->triples > 0) {
            ok++;
        } else if (err && strstr(err->err.message, "loading remote context failed") &&
                   strstr(err->err.message, "--context http")) {
            unknown++;
        } else if (err && err->err.status == TS_ERR_SYNTAX && err->err.line > 0) {
            syntax++;
        } else if (err && err->err.message[0] == '/' && strstr(err->err.message, ": ")) {
            invalid++;
            printf("not valid JSON-LD: %s: %s\n", names[i], err->err.message);
        } else {
            unexplained++;
            fprintf(stderr, "unexplained result for %s\n", names[i]);
        }
        ts_diags_clear(&diags);
        free(path);
        free(names[i]);
    }
    free(names);
    ts_store_free(store);
    free(dir);
    printf("%zu Thing Descriptions: %zu loaded, %zu name an unknown remote context, "
           "%zu are not JSON, %zu are not valid JSON-LD\n",
           n, ok, unknown, syntax, invalid);
    CHECK(n > 0);
    CHECK_INT(unexplained, 0);
    /* Most plugfest TDs use the bundled contexts and are valid. */
    CHECK(ok * 4 > n * 3);
}

int main(void)
{
    const char *shared = getenv("TS_SHARED_DIR");
    char *probe = shared ? ts_asprintf("%s/conformance/wot/tds", shared) : NULL;
    FILE *f = probe ? fopen(probe, "r") : NULL;
    free(probe);
    if (!f) {
        TEST_SKIP("no Thing Descriptions under $TS_SHARED_DIR/conformance/wot");
    }
    fclose(f);
    test_bundled_contexts(shared);
    test_seed_td(shared);
    test_plugfest_tds(shared);
    return test_done();
}
