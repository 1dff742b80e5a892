/* The UI's parts that need no terminal: keys, themes, config, history,
 * widgets and the table. */
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/tui/view.h"
#include "test.h"

static void test_keys(void)
{
    ts_keymap km = {0};
    ts_keymap_defaults(&km);
    /* Every binding's key name reads back as the same key. */
    for (size_t i = 0; i < km.count; i++) {
        int key = km.items[i].key;
        CHECK_INT(ts_key_parse(ts_key_name(key)), key);
    }
    CHECK_STR(ts_key_name('j'), "j");
    CHECK_STR(ts_key_name(KEY_DOWN), "<Down>");
    CHECK_STR(ts_key_name(TS_KEY_CTRL('c')), "<C-c>");
    CHECK_STR(ts_key_name(KEY_F(1)), "<F1>");
    CHECK_INT(ts_key_parse("<lt>"), '<');
    CHECK_INT(ts_key_parse("<Nope>"), -1);
    CHECK_INT(ts_key_parse(""), -1);
    CHECK_INT(ts_key_parse("<1<Enter>"), -1);
    CHECK_INT(ts_key_parse("<410>"), 410);

    /* Every action but "none" has a default key. */
    for (int act = 1; act < TS_ACT_COUNT; act++) {
        bool bound = false;
        for (size_t i = 0; i < km.count; i++) {
            bound |= km.items[i].action == (ts_action)act;
        }
        if (!bound) {
            fprintf(stderr, "action %s has no default key\n", ts_action_name((ts_action)act));
        }
        CHECK(bound);
        CHECK_INT(ts_action_from_name(ts_action_name((ts_action)act)), act);
    }
    CHECK_INT(ts_keymap_lookup(&km, TS_KCTX_MAIN, 'q'), TS_ACT_QUIT);
    CHECK_INT(ts_keymap_lookup(&km, TS_KCTX_EDITOR, 'q'), TS_ACT_NONE);
    ts_keymap_bind(&km, TS_KCTX_MAIN, 'q', TS_ACT_NONE);
    CHECK_INT(ts_keymap_lookup(&km, TS_KCTX_MAIN, 'q'), TS_ACT_NONE);
    ts_buf keys = {0};
    ts_keymap_keys_for(&km, TS_KCTX_MAIN, TS_ACT_MOVE_DOWN, &keys);
    CHECK_STR(ts_buf_str(&keys), "j, <Down>");
    ts_buf_free(&keys);
    ts_keymap_free(&km);

    /* The man page fragment names every default binding. */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ts_tui_dump_keys(f);
    fclose(f);
    CHECK(strstr(out, ".SS Everywhere") != NULL);
    CHECK(strstr(out, "(\\fBrun\\-query\\fR)") != NULL);
    free(out);
}

static void test_theme(void)
{
    ts_theme t = {0};
    ts_theme_builtin(&t);
    CHECK(t.styles[TS_EL_CURSOR].set);
    CHECK_INT(t.styles[TS_EL_CURSOR].bg, 6);
    ts_diags d = {0};
    ts_status st = ts_theme_parse(&t, "t.theme",
                                  "# comment\n"
                                  "cursor = color200 on bright-blue bold underline\n"
                                  "nonsense = red\n"
                                  "title = red on\n"
                                  "header = purple\n"
                                  "ok\n",
                                  &d);
    CHECK_INT(st, TS_ERR_SYNTAX);
    CHECK_INT(t.styles[TS_EL_CURSOR].fg, 200);
    CHECK_INT(t.styles[TS_EL_CURSOR].bg, 12);
    CHECK_INT(t.styles[TS_EL_CURSOR].attrs, TS_ATTR_BOLD | TS_ATTR_UNDERLINE);
    CHECK_INT(d.count, 4);
    if (d.count == 4) {
        CHECK_INT(d.items[0].err.line, 3);
        CHECK_STR(d.items[0].err.source, "t.theme");
        CHECK_INT(d.items[1].err.line, 4);
        CHECK_INT(d.items[2].err.line, 5);
        CHECK_INT(d.items[3].err.line, 6);
    }
    ts_diags_clear(&d);
    ts_theme_clear(&t);

    /* The bundled themes parse cleanly and name every element. */
    const char *root = getenv("TS_SOURCE_ROOT");
    for (size_t i = 0; root && i < ts_theme_n_bundled; i++) {
        char *path = ts_asprintf("%s/themes/%s.theme", root, ts_theme_bundled[i]);
        ts_buf text = {0};
        CHECK(ts_read_file(path, &text));
        ts_theme th = {0};
        CHECK_INT(ts_theme_parse(&th, path, ts_buf_str(&text), &d), TS_OK);
        CHECK_INT(d.count, 0);
        for (int el = 0; el < TS_EL_COUNT; el++) {
            if (!th.styles[el].set) {
                fprintf(stderr, "%s lacks %s\n", path, ts_element_name((ts_element)el));
            }
            CHECK(th.styles[el].set);
        }
        ts_diags_clear(&d);
        ts_theme_clear(&th);
        ts_buf_free(&text);
        free(path);
    }
    /* A name (no '/') cannot climb out of the theme directories. */
    ts_theme th = {0};
    CHECK_INT(ts_theme_load(&th, "..", &d), TS_ERR_BAD_ARG);
    CHECK_INT(ts_theme_load(&th, "no-such-theme-here", &d), TS_ERR_NOT_FOUND);
    ts_theme_clear(&th);
    ts_diags_clear(&d);
}

static void test_config(void)
{
    ts_config cfg = {.ascii = -1, .mouse = -1};
    ts_keymap km = {0};
    ts_keymap_defaults(&km);
    ts_diags d = {0};
    ts_status st = ts_config_parse(&cfg, &km, "config",
                                   "theme = light\n"
                                   "ascii = yes\n"
                                   "mouse = maybe\n"
                                   "bind main x quit\n"
                                   "bind editor <F9> run-query\n"
                                   "bind main <Nope> quit\n"
                                   "colour = red\n",
                                   &d);
    CHECK_INT(st, TS_ERR_SYNTAX);
    CHECK_STR(cfg.theme, "light");
    CHECK_INT(cfg.ascii, 1);
    CHECK_INT(cfg.mouse, -1);
    CHECK_INT(ts_keymap_lookup(&km, TS_KCTX_MAIN, 'x'), TS_ACT_QUIT);
    CHECK_INT(ts_keymap_lookup(&km, TS_KCTX_EDITOR, KEY_F(9)), TS_ACT_RUN_QUERY);
    CHECK_INT(d.count, 3);
    if (d.count == 3) {
        CHECK_INT(d.items[0].err.line, 3);
        CHECK_INT(d.items[1].err.line, 6);
        CHECK_INT(d.items[2].err.line, 7);
    }
    ts_diags_clear(&d);
    ts_config_clear(&cfg);
    ts_keymap_free(&km);
}

static void test_history(void)
{
    char dir[] = "/tmp/ts-test-history-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char *path = ts_asprintf("%s/sub/query_history", dir);
    ts_history h = {.max = 3};
    ts_history_add(&h, "SELECT *\nWHERE { ?s ?p \"a\\tb\" }\n");
    ts_history_add(&h, "SELECT *\nWHERE { ?s ?p \"a\\tb\" }");
    ts_history_add(&h, "");
    ts_history_add(&h, "ASK {}");
    CHECK_INT(h.count, 2);
    CHECK_INT(ts_history_save(&h, path), TS_OK);
    ts_history back = {0};
    CHECK_INT(ts_history_load(&back, path), TS_OK);
    CHECK_INT(back.count, 2);
    if (back.count == 2) {
        CHECK_STR(back.items[0], "SELECT *\nWHERE { ?s ?p \"a\\tb\" }");
        CHECK_STR(back.items[1], "ASK {}");
    }
    /* The bound drops the oldest. */
    ts_history_add(&h, "q3");
    ts_history_add(&h, "q4");
    CHECK_INT(h.count, 3);
    CHECK_STR(h.items[0], "ASK {}");
    /* No temporary file is left behind. */
    char *tmp = ts_asprintf("%s.tmp.%ld", path, (long)getpid());
    CHECK(access(tmp, F_OK) != 0);
    ts_history missing = {0};
    char *nowhere = ts_asprintf("%s/none", dir);
    CHECK_INT(ts_history_load(&missing, nowhere), TS_OK);
    CHECK_INT(missing.count, 0);
    unlink(path);
    char *sub = ts_asprintf("%s/sub", dir);
    rmdir(sub);
    rmdir(dir);
    free(sub);
    free(nowhere);
    free(tmp);
    free(path);
    ts_history_free(&h);
    ts_history_free(&back);
}

static void test_widgets(void)
{
    const ts_glyphs *a = ts_glyphs_get(true);
    const ts_glyphs *u = ts_glyphs_get(false);
    ts_buf b = {0};
    ts_widget_bar(&b, a, 50, 100, 10);
    CHECK_STR(ts_buf_str(&b), "#####.....");
    ts_buf_truncate(&b, 0);
    ts_widget_bar(&b, a, 300, 100, 4);
    CHECK_STR(ts_buf_str(&b), "####");
    ts_buf_truncate(&b, 0);
    ts_widget_bar(&b, a, 1, 1000, 4);
    CHECK_STR(ts_buf_str(&b), "#...");
    ts_buf_truncate(&b, 0);
    ts_widget_bar(&b, a, 5, 0, 3);
    CHECK_STR(ts_buf_str(&b), "...");
    ts_buf_truncate(&b, 0);
    ts_widget_bar(&b, u, 1, 2, 2);
    CHECK_STR(ts_buf_str(&b), "\u2588\u2591");
    ts_buf_truncate(&b, 0);
    double v[] = {1, 2, 3, NAN, 8};
    ts_widget_sparkline(&b, a, v, 5, 10);
    CHECK_STR(ts_buf_str(&b), "_.- #");
    ts_buf_truncate(&b, 0);
    ts_widget_sparkline(&b, a, v, 5, 2);
    CHECK_STR(ts_buf_str(&b), " :"); /* one value: the middle level */
    ts_buf_free(&b);

    /* Escapes count with their visible width; wide characters count two. */
    CHECK_INT(ts_text_width("abc"), 3);
    CHECK_INT(ts_text_width("a\x1b[31m"), 1 + 2 + 4);
    CHECK_INT(ts_text_width("\xff"), 4);
    CHECK_INT(ts_text_width("\u65e5\u672c"), 4);
}

static void test_table(void)
{
    ts_table t;
    ts_table_init(&t);
    const char *cols[] = {"Name", "RAM"};
    bool num[] = {false, true};
    ts_table_set_columns(&t, cols, num, 2);
    const char *r1[] = {"beta", "256"};
    const char *r2[] = {"Alpha", "64"};
    const char *r3[] = {"gamma, \"quoted\"", "n/a"};
    const char *r4[] = {"delta", "1024"};
    ts_table_add_row(&t, r1, "http://x/beta");
    ts_table_add_row(&t, r2, NULL);
    ts_table_add_row(&t, r3, NULL);
    ts_table_add_row(&t, r4, NULL);
    ts_table_refresh(&t);
    CHECK_INT(t.n_order, 4);
    ts_table_sort(&t, 1, false);
    CHECK_STR(ts_table_cell(&t, t.order[0], 0), "Alpha");
    CHECK_STR(ts_table_cell(&t, t.order[2], 0), "delta");
    CHECK_STR(ts_table_cell(&t, t.order[3], 0), "gamma, \"quoted\"");
    ts_table_sort(&t, 1, true);
    CHECK_STR(ts_table_cell(&t, t.order[0], 0), "delta");
    CHECK_STR(ts_table_cell(&t, t.order[3], 0), "gamma, \"quoted\"");
    ts_table_sort(&t, 0, false);
    CHECK_STR(ts_table_cell(&t, t.order[0], 0), "Alpha");
    /* The cursor stays on its row through a re-sort. */
    t.cursor = 1; /* beta */
    ts_table_sort(&t, 0, true);
    CHECK_STR(ts_table_cell(&t, ts_table_current(&t), 0), "beta");
    ts_table_set_filter(&t, "ALP");
    CHECK_INT(t.n_order, 1);
    ts_buf st = {0};
    ts_table_status(&t, &st);
    CHECK(strstr(ts_buf_str(&st), "row 1 of 1 (of 4)") != NULL);
    ts_buf_free(&st);
    ts_table_set_filter(&t, NULL);
    CHECK_INT(t.n_order, 4);
    ts_table_sort(&t, -1, false);
    CHECK(ts_table_find(&t, "gam", 1));
    CHECK_STR(ts_table_cell(&t, ts_table_current(&t), 0), "gamma, \"quoted\"");
    CHECK(!ts_table_find(&t, "zzz", 1));
    CHECK(ts_table_request(&t, TS_ACT_MOVE_FIRST));
    CHECK_INT(t.cursor, 0);
    CHECK(ts_table_request(&t, TS_ACT_MOVE_LAST));
    CHECK_INT(t.cursor, 3);
    CHECK(!ts_table_request(&t, TS_ACT_QUIT));

    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ts_table_write_csv(&t, f);
    fclose(f);
    CHECK_STR(out, "Name,RAM\r\nbeta,256\r\nAlpha,64\r\n\"gamma, \"\"quoted\"\"\",n/a\r\n"
                   "delta,1024\r\n");
    free(out);
    ts_table_free(&t);
}

int main(void)
{
    setlocale(LC_ALL, "");
    test_keys();
    test_theme();
    test_config();
    test_history();
    test_widgets();
    test_table();
    return test_done();
}
