/*
 * The Query pane's engine hook, driven headless: an engine written for this
 * test answers by the query's first word, and the saved screens show what
 * the pane made of it (rows, the row limit, an error with its caret, a
 * cancelled run).
 */
#include <locale.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "tinyscope/tui.h"

static int cancel_polls;

static ts_status test_engine_run(void *ctx, ts_store *store, const char *query, ts_tui_sink *sink,
                                 const ts_tui_cancel *cancel, ts_error *err)
{
    (void)ctx;
    (void)store;
    if (!strncmp(query, "ROWS", 4)) {
        const char *cols[] = {"name", "count"};
        ts_tui_sink_columns(sink, cols, 2);
        for (int i = 0; i < 3; i++) {
            char n[16], c[16];
            snprintf(n, sizeof n, "row-%d", i);
            snprintf(c, sizeof c, "%d", 10 * (3 - i));
            ts_tui_cell cells[] = {{n, "http://example.org/kit/nano33"}, {c, NULL}};
            ts_tui_sink_row(sink, cells, 2);
        }
        ts_tui_sink_note(sink, "from the test engine");
        return TS_OK;
    }
    if (!strncmp(query, "MANY", 4)) {
        const char *cols[] = {"n"};
        ts_tui_sink_columns(sink, cols, 1);
        for (int i = 0; i < 1000000; i++) {
            char n[16];
            snprintf(n, sizeof n, "%d", i);
            ts_tui_cell cell = {n, NULL};
            if (!ts_tui_sink_row(sink, &cell, 1)) {
                break;
            }
        }
        return TS_OK;
    }
    if (!strncmp(query, "SLOW", 4)) {
        /* Runs until the user cancels (the script sends Ctrl-C). */
        for (;;) {
            cancel_polls++;
            if (cancel->poll(cancel->ui) || *cancel->flag) {
                return TS_ERR_CANCELLED;
            }
            if (cancel_polls > 1000000) {
                return TS_OK;
            }
        }
    }
    return ts_error_set(err, TS_ERR_SYNTAX, "<query>", 2, 3, "expected WHERE");
}

static const ts_tui_query_engine test_engine = {"test", NULL, test_engine_run};

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
    char dir[] = "/tmp/ts-test-query-XXXXXX";
    if (!mkdtemp(dir)) {
        return 1;
    }
    setenv("XDG_STATE_HOME", dir, 1);
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("COLUMNS", "80", 1);
    setenv("LINES", "24", 1);
    setenv("TERM", "xterm-256color", 1);
    unsetenv("NO_COLOR");

    /* The editor opens on the newest history entry: one short line. */
    char *hdir = ts_asprintf("%s/tinyscope", dir);
    mkdir(hdir, 0700);
    char *hist = ts_asprintf("%s/query_history", hdir);
    FILE *f = fopen(hist, "w");
    fputs("X\n", f);
    fclose(f);
    free(hist);
    free(hdir);

    char *script = ts_asprintf("%s/script", dir);
    f = fopen(script, "w");
    fprintf(f,
            "4<Enter><C-u>ROWS<C-r>\n"
            ":save-display %s/rows.screen\n"
            "ss\n"
            ":save-display %s/sorted.screen\n"
            "i\n"
            ":save-display %s/inspect.screen\n"
            "4<Enter><C-u>BAD<Enter>  SELCT x<C-r>\n"
            ":save-display %s/error.screen\n"
            "<C-u><C-k><Up><C-k>SLOW<C-r><C-c>\n"
            ":save-display %s/cancel.screen\n"
            "<C-u>MANY<C-r>\n"
            ":save-display %s/many.screen\n",
            dir, dir, dir, dir, dir, dir);
    fclose(f);

    ts_tui_set_query_engine(&test_engine);
    char *data = ts_asprintf("%s/tests/data/tui/bench-kit.ttl", root);
    char *paths[] = {data};
    ts_tui_opts opts = {.paths = paths, .n_paths = 1, .script = script};
    CHECK_INT(ts_tui_run(&opts), 0);

    char *path = ts_asprintf("%s/rows.screen", dir);
    char *s = slurp(path);
    CHECK(strstr(s, "name   count") || strstr(s, "name") != NULL);
    CHECK(strstr(s, "row-2") != NULL);
    CHECK(strstr(s, "3 rows  from the test engine") != NULL);
    CHECK(strstr(s, "3 rows in") != NULL);
    free(s);
    free(path);

    /* Sorted by the second column (numbers): 10 first. */
    path = ts_asprintf("%s/sorted.screen", dir);
    s = slurp(path);
    const char *r2 = strstr(s, "row-2"), *r0 = strstr(s, "row-0");
    CHECK(r2 && r0 && r2 < r0);
    CHECK(strstr(s, "sorted by count") != NULL);
    free(s);
    free(path);

    path = ts_asprintf("%s/inspect.screen", dir);
    s = slurp(path);
    CHECK(strstr(s, "Nano 33 BLE Sense") != NULL);
    CHECK(strstr(s, "6 Inspector") != NULL);
    free(s);
    free(path);

    /* The caret sits under line 2, column 3 of the query. */
    path = ts_asprintf("%s/error.screen", dir);
    s = slurp(path);
    CHECK(strstr(s, "<query>:2:3: expected WHERE") != NULL);
    const char *line = strstr(s, "\n       SELCT x\n");
    CHECK(line != NULL);
    if (line) {
        const char *caret = strchr(line + 1, '\n') + 1;
        CHECK(!strncmp(caret, "       ^", 8));
    }
    free(s);
    free(path);

    path = ts_asprintf("%s/cancel.screen", dir);
    s = slurp(path);
    CHECK(strstr(s, "query cancelled") != NULL);
    CHECK(cancel_polls >= 1 && cancel_polls < 1000000);
    free(s);
    free(path);

    path = ts_asprintf("%s/many.screen", dir);
    s = slurp(path);
    CHECK(strstr(s, "10000 rows (limit of 10000 rows reached)") != NULL);
    free(s);
    free(path);

    /* Every query run is in the history. */
    path = ts_asprintf("%s/tinyscope/query_history", dir);
    s = slurp(path);
    CHECK(strstr(s, "ROWS\n") != NULL);
    CHECK(strstr(s, "BAD\\n  SELCT x\n") != NULL);
    free(s);

    if (test_failures) {
        fprintf(stderr, "screens kept in %s\n", dir);
        return test_done();
    }
    const char *names[] = {"rows", "sorted", "inspect", "error", "cancel", "many"};
    for (size_t i = 0; i < 6; i++) {
        char *p = ts_asprintf("%s/%s.screen", dir, names[i]);
        unlink(p);
        free(p);
    }
    unlink(path);
    free(path);
    char *sub = ts_asprintf("%s/tinyscope", dir);
    rmdir(sub);
    free(sub);
    unlink(script);
    rmdir(dir);
    free(script);
    free(data);
    return test_done();
}
