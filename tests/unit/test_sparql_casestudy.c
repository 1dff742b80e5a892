/* The paper's case-study queries (ontology/examples) on tests/data/casestudy.ttl,
 * whose boards and models sit on, inside and outside every limit. */
#include "sparql_test_util.h"
#include "test.h"

static char *query_file(const char *root, const char *name)
{
    char *path = ts_asprintf("%s/ontology/examples/%s", root, name);
    ts_buf b = {0};
    if (!ts_read_file(path, &b)) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    free(path);
    return ts_buf_steal(&b);
}

/* The answer projected on the first column only, in order. */
static char *first_column(ts_store *st, const char *query)
{
    char *all = answer_of(st, query, true);
    ts_buf b = {0};
    char *save = NULL;
    for (char *row = strtok_r(all, "|", &save); row; row = strtok_r(NULL, "|", &save)) {
        while (*row == ' ') {
            row++;
        }
        size_t n = strcspn(row, " ");
        if (b.len) {
            ts_buf_puts(&b, " ");
        }
        ts_buf_append(&b, row, n);
    }
    free(all);
    return ts_buf_steal(&b);
}

int main(void)
{
    const char *root = getenv("TS_SOURCE_ROOT");
    if (!root) {
        TEST_SKIP("TS_SOURCE_ROOT is not set");
    }
    char *path = ts_asprintf("%s/tests/data/casestudy.ttl", root);
    ts_store *st = ts_store_new();
    ts_load_opts opts = {.strict = true};
    CHECK(ts_load_file(st, path, TS_FMT_TURTLE, &opts, NULL) == TS_OK);
    free(path);

    /* 1: A fits, B lacks a gyroscope, C lacks RAM, D sits on both limits */
    char *q = query_file(root, "case-study-1-boards.rq");
    char *got = answer_of(st, q, true);
    CHECK_STR(got, "ex:boardA Board A@en 256^^int 1024^^int | ex:boardD - 116.0^^dec 531^^int");
    free(got);
    free(q);

    /* 2: Camera_Small fits, Camera_Big needs 128 kB, Camera_Edge is on the limits */
    q = query_file(root, "case-study-2-camera-models.rq");
    got = first_column(st, q);
    CHECK_STR(got, "ex:m6 ex:m1");
    free(got);
    got = answer_of(st, q, true);
    CHECK_STR(got, "ex:m6 Camera_Edge 127^^int 576.0^^dec | ex:m1 Camera_Small 9.4e+01^^dbl 2.3e+02^^dbl");
    free(got);
    free(q);

    /* 3: by accuracy, best first; the other training set and up/down/go stay out */
    q = query_file(root, "case-study-3-yes-no-models.rq");
    got = first_column(st, q);
    CHECK_STR(got, "ex:m5 ex:m3");
    free(got);
    got = answer_of(st, q, true);
    CHECK_STR(got,
              "ex:m5 Speech_YesNo_B 95.5^^dec <http://tinyml-schema.org/networkschema#Classification> "
              "381824^^int 8.8^^dec 8.864^^dec | "
              "ex:m3 Speech_YesNo_A 9.0e+01^^dbl <http://tinyml-schema.org/networkschema#Classification> "
              "3.36e+05^^dbl 8.08^^dec 18.7^^dec");
    free(got);
    free(q);

    /* the matrix: only models with no sensor requirement fit every board;
       m3 needs a microphone, which no board has; camera models need a camera */
    q = query_file(root, "compatibility-matrix.rq");
    got = answer_of(st, q, false);
    CHECK_STR(got, "ex:m4 ex:boardA | ex:m4 ex:boardB | ex:m4 ex:boardC | ex:m4 ex:boardD | "
                   "ex:m5 ex:boardA | ex:m5 ex:boardB | ex:m5 ex:boardC | ex:m5 ex:boardD | "
                   "ex:m7 ex:boardA | ex:m7 ex:boardB | ex:m7 ex:boardC | ex:m7 ex:boardD");
    free(got);
    free(q);
    ts_store_free(st);

    /* the published graph (../shared/seed-kg), when present: the rows
       Oxigraph gives for the same queries on the same files */
    const char *shared = getenv("TS_SHARED_DIR");
    char *seed = shared ? ts_asprintf("%s/seed-kg/semantic_schema", shared) : NULL;
    ts_store *kg = ts_store_new();
    if (seed && ts_load_path(kg, seed, &(ts_load_opts){0}) == TS_OK &&
        ts_store_source_count(kg) > 0) {
        q = query_file(root, "case-study-1-boards.rq");
        got = first_column(kg, q);
        CHECK_STR(got, "<http://tinyml-schema.org/tinyml-demo/arduino_nano_ble_33-322-000-000-002> "
                       "<http://tinyml-schema.org/tinyml-demo/arduino_nano_ble_33_tinyml_kit-322-000-000-003>");
        free(got);
        free(q);
        q = query_file(root, "case-study-2-camera-models.rq");
        got = answer_of(kg, q, true);
        CHECK(strstr(got, "Person_Detection") && strstr(got, "Visual_Alarm_Clock") &&
              strstr(got, "Person_Detection") < strstr(got, "Visual_Alarm_Clock"));
        CHECK_INT(strchr(got, '|') != NULL && strchr(strchr(got, '|') + 1, '|') == NULL, 1);
        free(got);
        free(q);
        q = query_file(root, "case-study-3-yes-no-models.rq");
        got = answer_of(kg, q, true);
        const char *order[] = {"Micro_Speech_Yes_No_3", "Micro_Speech_Yes_No_1",
                               "Micro_Speech_Yes_No_4", "Micro_Speech_Yes_No_2"};
        const char *at = got;
        for (size_t i = 0; i < 4; i++) {
            const char *hit = strstr(at, order[i]);
            CHECK(hit != NULL);
            at = hit ? hit : at;
        }
        free(got);
        free(q);
    } else {
        printf("seed-kg not found: checked the bundled test data only\n");
    }
    free(seed);
    ts_store_free(kg);
    return test_done();
}
