/*
 * The help screen: every binding of every context, generated from the key
 * table (with the user's rebindings), then what each pane shows.
 */
#include <stdlib.h>
#include <string.h>

#include "view.h"

typedef struct {
    ts_lines lines;
    int built_width;
} help_pane;

/* Word-wrap text into lines of at most width cells. */
static void add_wrapped(ts_lines *l, int indent, const char *text, int width)
{
    const char *p = text;
    if (width < 20) {
        width = 20;
    }
    while (*p) {
        size_t len = strlen(p);
        size_t cut = len;
        if ((int)len > width) {
            cut = (size_t)width;
            while (cut > 0 && p[cut] != ' ') {
                cut--;
            }
            if (!cut) {
                cut = (size_t)width;
            }
        }
        char *line = ts_strndup(p, cut);
        ts_lines_add(l, indent, TS_EL_NORMAL, line, NULL, NULL, false);
        free(line);
        p += cut;
        while (*p == ' ') {
            p++;
        }
    }
}

static void build(ts_view *v, int width)
{
    help_pane *h = v->priv;
    ts_lines_clear(&h->lines);
    h->built_width = width;
    const ts_keymap *km = ts_app_keymap(v->app);
    ts_lines *l = &h->lines;
    ts_lines_add(l, 0, TS_EL_TITLE, "tinyscope: keys", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_DIM,
                 "Rebind keys in the config file: bind main|editor|prompt KEY ACTION", NULL, NULL,
                 false);
    int keyw = 22;
    for (int ctx = 0; ctx < TS_KCTX_COUNT; ctx++) {
        ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
        ts_lines_add(l, 0, TS_EL_HEADER, ts_key_ctx_title((ts_key_ctx)ctx), NULL, NULL, false);
        for (int act = 1; act < TS_ACT_COUNT; act++) {
            ts_buf keys = {0};
            ts_keymap_keys_for(km, (ts_key_ctx)ctx, (ts_action)act, &keys);
            if (keys.len) {
                ts_buf line = {0};
                ts_buf_printf(&line, "%-*s %s", keyw, ts_buf_str(&keys),
                              ts_action_help((ts_action)act));
                ts_lines_add(l, 2, TS_EL_NORMAL, ts_buf_str(&line),
                             width >= 100 ? ts_action_name((ts_action)act) : NULL, NULL, false);
                ts_buf_free(&line);
            }
            ts_buf_free(&keys);
        }
    }
    ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_HEADER, "Panes", NULL, NULL, false);
    for (size_t i = 0; i < ts_app_view_count(v->app); i++) {
        const ts_view_ops *ops = ts_app_view(v->app, i)->ops;
        char title[64];
        snprintf(title, sizeof title, "%zu %s", i + 1, ops->name);
        ts_lines_add(l, 2, TS_EL_KEY, title, NULL, NULL, false);
        add_wrapped(l, 4, ops->help, width - 6);
    }
}

static void help_open(ts_view *v)
{
    if (!v->priv) {
        v->priv = ts_calloc(1, sizeof(help_pane));
    }
}

static void help_draw(ts_view *v, ts_rect r)
{
    help_pane *h = v->priv;
    if (h->built_width != r.w) {
        size_t top = h->lines.top;
        build(v, r.w);
        h->lines.top = top < h->lines.count ? top : 0;
    }
    ts_lines_draw(&h->lines, r);
}

static bool help_request(ts_view *v, ts_action act)
{
    help_pane *h = v->priv;
    return ts_lines_request(&h->lines, act);
}

static void help_search(ts_view *v, const char *text, int dir)
{
    help_pane *h = v->priv;
    if (text && !ts_lines_find(&h->lines, text, dir)) {
        ts_app_message(v->app, true, "not found: %s", text);
    }
}

static void help_status(ts_view *v, ts_buf *out)
{
    help_pane *h = v->priv;
    size_t last = h->lines.top + (size_t)(h->lines.page > 0 ? h->lines.page : 1);
    ts_buf_printf(out, "Help: lines %zu-%zu of %zu; %s closes", h->lines.top + 1,
                  last < h->lines.count ? last : h->lines.count, h->lines.count,
                  ts_app_key_for(v->app, TS_ACT_QUIT));
}

static void help_done(ts_view *v)
{
    help_pane *h = v->priv;
    if (h) {
        ts_lines_clear(&h->lines);
        free(h);
    }
}

const ts_view_ops ts_help_ops = {
    .name = "Help",
    .help = "Every key and what it does.",
    .open = help_open,
    .draw = help_draw,
    .request = help_request,
    .search = help_search,
    .status = help_status,
    .done = help_done,
};
