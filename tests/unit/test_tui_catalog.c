/*
 * The Devices and Models panes over a catalog, driven headless: a catalog
 * built by hand for this test is installed as the catalog source, and the
 * saved screens show the rows, the detail areas and the boards that fit.
 */
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "tinyscope/tui.h"

#define EX "http://example.org/kit/"
#define SOSA_EXT "http://tinyml-schema.org/sosa_extend/"

static int builds;

static ts_catalog *build(ts_store *store, ts_diags *diags)
{
    (void)store;
    (void)diags;
    builds++;
    ts_catalog *cat = ts_catalog_new();
    ts_device *big = ts_catalog_device(cat, EX "nano33");
    ts_set_str(&big->name, "Nano 33 BLE Sense");
    ts_set_str(&big->cpu, "nRF52840");
    big->ram_kb = 256;
    big->flash_kb = 1024;
    ts_device_add_sensor(cat, big, SOSA_EXT "Microphone");
    ts_device_add_runtime(big, "TFLite Micro");
    ts_device *small = ts_catalog_device(cat, EX "tiny");
    ts_set_str(&small->name, "Tiny board");
    small->ram_kb = 32;
    small->flash_kb = 128;

    ts_model *kws = ts_catalog_model(cat, EX "kws");
    ts_set_str(&kws->name, "Keyword spotting");
    kws->ram_kb = 64;
    kws->flash_kb = 300;
    kws->macs = 2500000;
    ts_model_add_sensor(cat, kws, SOSA_EXT "Microphone");
    ts_layer *l = ts_model_add_layer(kws);
    l->index = 0;
    ts_set_str(&l->type, "CONV_2D");
    ts_model *wand = ts_catalog_model(cat, EX "wand");
    ts_set_str(&wand->name, "Magic wand");
    wand->ram_kb = 16;
    wand->flash_kb = 64;
    ts_catalog_finish(cat);
    return cat;
}

static char *slurp(const char *path)
{
    ts_buf b = {0};
    if (!ts_read_file(path, &b)) {
        fprintf(stderr, "cannot read %s\n", path);
    }
    return ts_buf_steal(&b);
}

int main(void)
{
    setlocale(LC_ALL, "");
    const char *root = getenv("TS_SOURCE_ROOT");
    if (!root) {
        TEST_SKIP("TS_SOURCE_ROOT is not set");
    }
    char dir[] = "/tmp/ts-test-catalog-XXXXXX";
    if (!mkdtemp(dir)) {
        return 1;
    }
    setenv("XDG_STATE_HOME", dir, 1);
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("COLUMNS", "100", 1);
    setenv("LINES", "24", 1);
    setenv("TERM", "xterm-256color", 1);

    char *script = ts_asprintf("%s/script", dir);
    FILE *f = fopen(script, "w");
    fprintf(f,
            ":save-display %s/devices.screen\n"
            "s\n"
            ":save-display %s/sorted.screen\n"
            "2\n"
            ":save-display %s/models.screen\n"
            "/wand<Enter>\n"
            ":save-display %s/filtered.screen\n"
            "3\n"
            ":save-display %s/matrix.screen\n"
            "l\n"
            ":save-display %s/matrix2.screen\n"
            "<Enter>\n"
            ":save-display %s/board.screen\n"
            "r\n",
            dir, dir, dir, dir, dir, dir, dir);
    fclose(f);

    ts_tui_set_catalog_source(build);
    char *data = ts_asprintf("%s/tests/data/tui/bench-kit.ttl", root);
    char *paths[] = {data};
    ts_tui_opts opts = {.paths = paths, .n_paths = 1, .script = script};
    CHECK_INT(ts_tui_run(&opts), 0);
    /* Built at the start and again by the reload. */
    CHECK_INT(builds, 2);

    const char *names[] = {"devices", "sorted", "models", "filtered", "matrix", "matrix2", "board"};
    char *s[7];
    for (size_t i = 0; i < 7; i++) {
        char *p = ts_asprintf("%s/%s.screen", dir, names[i]);
        s[i] = slurp(p);
        unlink(p);
        free(p);
    }
    /* Devices, by name; the first one's detail lists the model it fits. */
    CHECK(strstr(s[0], "Board") && strstr(s[0], "RAM kB"));
    CHECK(strstr(s[0], "Nano 33 BLE Sense") != NULL);
    CHECK(strstr(s[0], "Tiny board") != NULL);
    CHECK(strstr(s[0], "Models that fit (2 of 2)") != NULL);
    CHECK(strstr(s[0], " 25% Keyword spotting") != NULL);
    CHECK(strstr(s[0], "  6% Magic wand") != NULL);
    CHECK(strstr(s[0], "Microphone") != NULL);
    CHECK(strstr(s[0], "row 1 of 2") != NULL);
    CHECK(strstr(s[1], "sorted by Board") != NULL);
    /* Models: the wand fits both boards, keyword spotting only the big one. */
    CHECK(strstr(s[2], "Keyword spotting") != NULL);
    CHECK(strstr(s[2], "2500000") != NULL);
    CHECK(strstr(s[2], "Boards that fit (1 of 2)") != NULL);
    /* Layers the catalog source gave (the store has none for this model). */
    CHECK(strstr(s[2], "Layers (1)") != NULL);
    CHECK(strstr(s[2], "CONV_2D") != NULL);
    CHECK(strstr(s[3], "row 1 of 1 (of 2)") != NULL);
    CHECK(strstr(s[3], "Boards that fit (2 of 2)") != NULL);
    /* The matrix: glyphs, and the cursor cell explained on the status line. */
    CHECK(strstr(s[4], "Model") && strstr(s[4], "Nano 33 \u2026"));
    CHECK(strstr(s[4], " fits: RAM 25%, flash 29% | Keyword spotting on Nano 33 BLE Sense") != NULL);
    CHECK(strstr(s[4], "\u2713") != NULL);
    CHECK(strstr(s[4], "\u2717") != NULL);
    CHECK(strstr(s[5], " no: RAM 64 kB > 32 kB; Flash 300 kB > 128 kB; no Microphone") != NULL);
    /* Enter shows the board; the test graph has no triples about ex:tiny. */
    CHECK(strstr(s[6], "no triples mention http://example.org/kit/tiny") != NULL);
    if (test_failures || getenv("TS_TEST_SHOW")) {
        fputs(s[0], stderr);
        fputs(s[2], stderr);
        fputs(s[4], stderr);
        fputs(s[5], stderr);
    }
    for (size_t i = 0; i < 7; i++) {
        free(s[i]);
    }
    unlink(script);
    rmdir(dir);
    free(script);
    free(data);
    return test_done();
}
