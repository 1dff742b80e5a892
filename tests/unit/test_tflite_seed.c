/*
 * The 23 models of the published KG: MACs must equal nnet:hasMultiplyAccumulateOps
 * at the KG's 7 significant digits, and the host64 arena must equal the KG's
 * RAM minValue x 1000 (the reference tool's arena_used_bytes). Skipped when
 * ../shared is absent. Prints the comparison table.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tinyscope/buf.h"
#include "tinyscope/loader.h"
#include "tinyscope/tflite.h"

typedef struct {
    char *name;
    double macs;
    double ram_kb;
    double flash_kb;
    char *layers; /* one line per layer, sorted: index type quantization activation shapes */
    bool found;
} kg_model;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void append_object(ts_buf *b, SordModel *model, const SordNode *s, const char *p_iri,
                          ts_store *store)
{
    SordNode *p = ts_store_iri(store, p_iri);
    SordNode *o = sord_get(model, s, p, NULL, NULL);
    const char *v = o ? (const char *)sord_node_get_string(o) : "-";
    const char *hash = strrchr(v, '#');
    ts_buf_printf(b, " %s", hash ? hash + 1 : v);
    sord_node_free(sord_get_world(model), o);
    sord_node_free(sord_get_world(model), p);
}

/* The layers of model node m as sorted text lines, comparable across graphs. */
static char *layer_lines(ts_store *store, const SordNode *m)
{
    static const char *const rels[] = {TS_NS_NNET "inputLayer", TS_NS_NNET "middleLayer",
                                       TS_NS_NNET "outputLayer"};
    SordModel *model = ts_store_model(store);
    char **lines = NULL;
    size_t n = 0;
    for (size_t r = 0; r < 3; r++) {
        SordNode *p = ts_store_iri(store, rels[r]);
        SordIter *it = sord_search(model, m, p, NULL, NULL);
        for (; !sord_iter_end(it); sord_iter_next(it)) {
            const SordNode *layer = sord_iter_get_node(it, SORD_OBJECT);
            ts_buf b = {0};
            ts_buf_puts(&b, rels[r] + strlen(TS_NS_NNET));
            append_object(&b, model, layer, TS_NS_NNET "hasIndex", store);
            append_object(&b, model, layer, TS_NS_NNET "hasType", store);
            append_object(&b, model, layer, TS_NS_NNET "hasQuantization", store);
            append_object(&b, model, layer, TS_NS_NNET "hasActivation", store);
            append_object(&b, model, layer, TS_NS_NNET "shapeIn", store);
            append_object(&b, model, layer, TS_NS_NNET "shapeOut", store);
            lines = ts_reallocarray(lines, n + 1, sizeof *lines);
            lines[n++] = ts_buf_steal(&b);
        }
        sord_iter_free(it);
        sord_node_free(ts_store_world(store), p);
    }
    qsort(lines, n, sizeof *lines, cmp_str);
    ts_buf all = {0};
    for (size_t i = 0; i < n; i++) {
        ts_buf_printf(&all, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return ts_buf_steal(&all);
}

/* The layer lines tinyscope produces for a model. */
static char *our_layers(const ts_tflite *m)
{
    ts_store *store = ts_store_new();
    ts_source *src = ts_store_add_source(store, "model", NULL, TS_FMT_TFLITE);
    ts_error err;
    ts_tflite_add_to_store(m, "model.tflite", NULL, TS_TFLITE_ABI_HOST64, store, src, &err);
    SordNode *type = ts_store_iri(store, TS_NS_RDF "type");
    SordNode *nn = ts_store_iri(store, TS_NS_NNET "NeuralNetwork");
    SordIter *it = sord_search(ts_store_model(store), NULL, type, nn, NULL);
    char *lines = sord_iter_end(it) ? ts_strdup("")
                                    : layer_lines(store, sord_iter_get_node(it, SORD_SUBJECT));
    sord_iter_free(it);
    sord_node_free(ts_store_world(store), type);
    sord_node_free(ts_store_world(store), nn);
    ts_store_free(store);
    return lines;
}

static SordNode *iri(ts_store *store, const char *s)
{
    return ts_store_iri(store, s);
}

/* The object of (s, p) as a number, or NAN. */
static double number_of(SordModel *model, const SordNode *s, const SordNode *p)
{
    SordNode *o = sord_get(model, s, p, NULL, NULL);
    double v = NAN;
    if (o) {
        ts_node_number(o, &v);
        sord_node_free(sord_get_world(model), o);
    }
    return v;
}

static kg_model *read_kg(const char *path, size_t *n)
{
    ts_store *store = ts_store_new();
    ts_load_opts opts = {.strict = true};
    if (ts_load_file(store, path, TS_FMT_TURTLE, &opts, NULL) != TS_OK) {
        fprintf(stderr, "cannot load %s\n", path);
        exit(1);
    }
    SordModel *model = ts_store_model(store);
    SordWorld *world = ts_store_world(store);
    SordNode *type = iri(store, TS_NS_RDF "type");
    SordNode *nn = iri(store, TS_NS_NNET "NeuralNetwork");
    SordNode *name = iri(store, TS_NS_SCHEMA "name");
    SordNode *macs = iri(store, TS_NS_NNET "hasMultiplyAccumulateOps");
    SordNode *feature = iri(store, TS_NS_S3N "hasProcedureFeature");
    SordNode *cond = iri(store, TS_NS_SSN_SYSTEM "inCondition");
    SordNode *ram = iri(store, TS_NS_S3N_EXTEND "RAM");
    SordNode *flash = iri(store, TS_NS_S3N_EXTEND "Flash");
    SordNode *minv = iri(store, TS_NS_SCHEMA "minValue");
    kg_model *out = NULL;
    *n = 0;
    SordIter *it = sord_search(model, NULL, type, nn, NULL);
    for (; !sord_iter_end(it); sord_iter_next(it)) {
        const SordNode *m = sord_iter_get_node(it, SORD_SUBJECT);
        out = ts_reallocarray(out, *n + 1, sizeof *out);
        kg_model *k = &out[(*n)++];
        SordNode *nm = sord_get(model, m, name, NULL, NULL);
        k->name = ts_strdup(nm ? (const char *)sord_node_get_string(nm) : "?");
        sord_node_free(world, nm);
        k->macs = number_of(model, m, macs);
        k->ram_kb = NAN;
        k->flash_kb = NAN;
        k->found = false;
        k->layers = layer_lines(store, m);
        SordIter *f = sord_search(model, m, feature, NULL, NULL);
        for (; !sord_iter_end(f); sord_iter_next(f)) {
            SordNode *c = sord_get(model, sord_iter_get_node(f, SORD_OBJECT), cond, NULL, NULL);
            if (c && sord_ask(model, c, type, ram, NULL)) {
                k->ram_kb = number_of(model, c, minv);
            }
            if (c && sord_ask(model, c, type, flash, NULL)) {
                k->flash_kb = number_of(model, c, minv);
            }
            sord_node_free(world, c);
        }
        sord_iter_free(f);
    }
    sord_iter_free(it);
    SordNode *nodes[] = {type, nn, name, macs, feature, cond, ram, flash, minv};
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        sord_node_free(world, nodes[i]);
    }
    ts_store_free(store);
    return out;
}

static bool same_7_digits(double a, double b)
{
    char x[32], y[32];
    snprintf(x, sizeof x, "%.6e", a);
    snprintf(y, sizeof y, "%.6e", b);
    return !strcmp(x, y);
}

int main(void)
{
    const char *shared = getenv("TS_SHARED_DIR");
    if (!shared) {
        TEST_SKIP("TS_SHARED_DIR is not set");
    }
    char *kg_path = ts_asprintf("%s/seed-kg/semantic_schema/tflite_models.ttl", shared);
    char *dir_path = ts_asprintf("%s/seed-kg/collected_models", shared);
    DIR *dir = opendir(dir_path);
    FILE *probe = fopen(kg_path, "r");
    if (!dir || !probe) {
        if (dir) {
            closedir(dir);
        }
        if (probe) {
            fclose(probe);
        }
        free(kg_path);
        free(dir_path);
        TEST_SKIP("the seed KG is not in %s", shared);
    }
    fclose(probe);

    size_t n_kg;
    kg_model *kg = read_kg(kg_path, &n_kg);
    CHECK_INT(n_kg, 23);

    printf("%-38s %12s %12s %9s %9s %6s %9s %9s\n", "model", "MACs", "KG MACs", "host64",
           "KG RAM", "error", "head", "mcu32");
    size_t models = 0, exact = 0, layers_equal = 0;
    struct dirent *ent;
    char **names = NULL;
    size_t n_names = 0;
    while ((ent = readdir(dir))) {
        size_t len = strlen(ent->d_name);
        if (len > 7 && !strcmp(ent->d_name + len - 7, ".tflite")) {
            names = ts_reallocarray(names, n_names + 1, sizeof *names);
            names[n_names++] = ts_strdup(ent->d_name);
        }
    }
    closedir(dir);
    for (size_t i = 0; i + 1 < n_names; i++) {
        for (size_t j = i + 1; j < n_names; j++) {
            if (strcmp(names[i], names[j]) > 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
        }
    }
    for (size_t i = 0; i < n_names; i++) {
        char *path = ts_asprintf("%s/%s", dir_path, names[i]);
        names[i][strlen(names[i]) - 7] = '\0';
        kg_model *k = NULL;
        for (size_t j = 0; j < n_kg; j++) {
            if (!strcmp(kg[j].name, names[i])) {
                k = &kg[j];
            }
        }
        ts_tflite *m;
        ts_error err;
        ts_status st = ts_tflite_load(path, &m, &err);
        CHECK_INT(st, TS_OK);
        CHECK(k != NULL);
        if (st == TS_OK && k) {
            k->found = true;
            models++;
            ts_tflite_counts c;
            ts_tflite_memory host, mcu;
            ts_tflite_count(m, &c);
            CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_HOST64, &host, NULL, &err), TS_OK);
            CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_MCU32, &mcu, NULL, &err), TS_OK);
            double kg_ram = k->ram_kb * 1000.0;
            double error = (host.total - kg_ram) / kg_ram * 100.0;
            printf("%-38s %12llu %12.0f %9zu %9.0f %5.2f%% %9zu %9zu\n", names[i],
                   (unsigned long long)c.macs_paper, k->macs, host.total, kg_ram, error,
                   host.head, mcu.total);
            CHECK(same_7_digits((double)c.macs_paper, k->macs));
            CHECK(fabs(error) <= 1.0);
            CHECK_NEAR((double)c.flash_bytes, k->flash_kb * 1000.0, 0.5);
            CHECK(!host.approximate);
            CHECK(mcu.total < host.total);
            CHECK(c.macs_complete >= c.macs_paper);
            if ((double)host.total == kg_ram) {
                exact++;
            }
            char *ours = our_layers(m);
            if (strcmp(ours, k->layers) != 0) {
                fprintf(stderr, "%s: layers differ\nours:\n%skg:\n%s", names[i], ours,
                        k->layers);
                CHECK(!"the layers match the KG's");
            } else {
                layers_equal++;
            }
            free(ours);
            ts_tflite_free(m);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    printf("%zu models, %zu with the host64 arena byte-exact, %zu with every layer as in the KG\n",
           models, exact, layers_equal);
    CHECK_INT(layers_equal, models);
    CHECK_INT(models, 23);
    CHECK_INT(exact, models);
    for (size_t j = 0; j < n_kg; j++) {
        CHECK(kg[j].found);
        free(kg[j].name);
        free(kg[j].layers);
    }
    free(kg);
    free(kg_path);
    free(dir_path);
    return test_done();
}
