/*
 * Keys map to named actions. The default table below is the one truth: the
 * help screen lists it (with the user's rebindings), and `--dump-keys`
 * prints it as the KEYS section of tinyscope(1).
 */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_internal.h"

static const struct {
    const char *name;
    const char *help;
} actions[] = {
#define TS_X_ACTION(id, name, help) {name, help},
    TS_ACTION_LIST(TS_X_ACTION)
#undef TS_X_ACTION
};

const char *ts_action_name(ts_action act)
{
    return act < TS_ACT_COUNT ? actions[act].name : "?";
}

const char *ts_action_help(ts_action act)
{
    return act < TS_ACT_COUNT ? actions[act].help : "?";
}

ts_action ts_action_from_name(const char *name)
{
    for (size_t i = 0; i < TS_ACT_COUNT; i++) {
        if (!strcmp(actions[i].name, name)) {
            return (ts_action)i;
        }
    }
    return TS_ACT_COUNT;
}

static const char *const ctx_titles[TS_KCTX_COUNT] = {"Everywhere", "Query editor", "Prompt"};
static const char *const ctx_names[TS_KCTX_COUNT] = {"main", "editor", "prompt"};

const char *ts_key_ctx_title(ts_key_ctx ctx)
{
    return ctx < TS_KCTX_COUNT ? ctx_titles[ctx] : "?";
}

static const struct {
    int key;
    const char *name;
} named_keys[] = {
    {KEY_UP, "Up"},        {KEY_DOWN, "Down"},    {KEY_LEFT, "Left"},  {KEY_RIGHT, "Right"},
    {KEY_PPAGE, "PgUp"},   {KEY_NPAGE, "PgDn"},   {KEY_HOME, "Home"},  {KEY_END, "End"},
    {'\r', "Enter"},       {KEY_ENTER, "KEnter"}, {'\t', "Tab"},       {KEY_BTAB, "S-Tab"},
    {KEY_BACKSPACE, "BS"}, {127, "DEL"},          {TS_KEY_ESC, "Esc"}, {KEY_DC, "Del"},
    {KEY_IC, "Ins"},       {' ', "Space"},        {'<', "lt"},         {KEY_RESIZE, "Resize"},
    {KEY_MOUSE, "Mouse"},
};
#define N_NAMED (sizeof named_keys / sizeof named_keys[0])

const char *ts_key_name(int key)
{
    static char buf[32];
    for (size_t i = 0; i < N_NAMED; i++) {
        if (named_keys[i].key == key) {
            snprintf(buf, sizeof buf, "<%s>", named_keys[i].name);
            return buf;
        }
    }
    if (key >= KEY_F(1) && key <= KEY_F(24)) {
        snprintf(buf, sizeof buf, "<F%d>", key - KEY_F(0));
    } else if (key > 0 && key < 32) {
        snprintf(buf, sizeof buf, "<C-%c>", key + 'a' - 1);
    } else if (key > 32 && key < 127) {
        snprintf(buf, sizeof buf, "%c", key);
    } else {
        snprintf(buf, sizeof buf, "<%d>", key);
    }
    return buf;
}

int ts_key_parse(const char *name)
{
    size_t n = strlen(name);
    if (n == 1 && name[0] > 32 && name[0] < 127) {
        return name[0];
    }
    if (n < 3 || name[0] != '<' || name[n - 1] != '>') {
        return -1;
    }
    char inner[32];
    if (n - 2 >= sizeof inner) {
        return -1;
    }
    memcpy(inner, name + 1, n - 2);
    inner[n - 2] = '\0';
    for (size_t i = 0; i < N_NAMED; i++) {
        if (!strcmp(named_keys[i].name, inner)) {
            return named_keys[i].key;
        }
    }
    if (inner[0] == 'F' && isdigit((unsigned char)inner[1])) {
        int f = atoi(inner + 1);
        return (f >= 1 && f <= 24) ? KEY_F(f) : -1;
    }
    if (!strncmp(inner, "C-", 2) && strlen(inner) == 3 && islower((unsigned char)inner[2])) {
        return inner[2] - 'a' + 1;
    }
    if (inner[strspn(inner, "0123456789")] == '\0' && strlen(inner) <= 8) {
        return atoi(inner);
    }
    return -1;
}

/* The defaults, in the order help lists them within each action. */
static const ts_binding defaults[] = {
    {'?', TS_ACT_HELP, TS_KCTX_MAIN},
    {KEY_F(1), TS_ACT_HELP, TS_KCTX_MAIN},
    {'q', TS_ACT_QUIT, TS_KCTX_MAIN},
    {'k', TS_ACT_MOVE_UP, TS_KCTX_MAIN},
    {KEY_UP, TS_ACT_MOVE_UP, TS_KCTX_MAIN},
    {'j', TS_ACT_MOVE_DOWN, TS_KCTX_MAIN},
    {KEY_DOWN, TS_ACT_MOVE_DOWN, TS_KCTX_MAIN},
    {'h', TS_ACT_SCROLL_LEFT, TS_KCTX_MAIN},
    {KEY_LEFT, TS_ACT_SCROLL_LEFT, TS_KCTX_MAIN},
    {'l', TS_ACT_SCROLL_RIGHT, TS_KCTX_MAIN},
    {KEY_RIGHT, TS_ACT_SCROLL_RIGHT, TS_KCTX_MAIN},
    {KEY_PPAGE, TS_ACT_PAGE_UP, TS_KCTX_MAIN},
    {TS_KEY_CTRL('b'), TS_ACT_PAGE_UP, TS_KCTX_MAIN},
    {KEY_NPAGE, TS_ACT_PAGE_DOWN, TS_KCTX_MAIN},
    {TS_KEY_CTRL('f'), TS_ACT_PAGE_DOWN, TS_KCTX_MAIN},
    {' ', TS_ACT_PAGE_DOWN, TS_KCTX_MAIN},
    {'g', TS_ACT_MOVE_FIRST, TS_KCTX_MAIN},
    {KEY_HOME, TS_ACT_MOVE_FIRST, TS_KCTX_MAIN},
    {'G', TS_ACT_MOVE_LAST, TS_KCTX_MAIN},
    {KEY_END, TS_ACT_MOVE_LAST, TS_KCTX_MAIN},
    {'\t', TS_ACT_NEXT_PANE, TS_KCTX_MAIN},
    {KEY_BTAB, TS_ACT_PREV_PANE, TS_KCTX_MAIN},
    {'1', TS_ACT_PANE_1, TS_KCTX_MAIN},
    {'2', TS_ACT_PANE_2, TS_KCTX_MAIN},
    {'3', TS_ACT_PANE_3, TS_KCTX_MAIN},
    {'4', TS_ACT_PANE_4, TS_KCTX_MAIN},
    {'5', TS_ACT_PANE_5, TS_KCTX_MAIN},
    {'6', TS_ACT_PANE_6, TS_KCTX_MAIN},
    {'\r', TS_ACT_ENTER, TS_KCTX_MAIN},
    {KEY_ENTER, TS_ACT_ENTER, TS_KCTX_MAIN},
    {KEY_BACKSPACE, TS_ACT_BACK, TS_KCTX_MAIN},
    {127, TS_ACT_BACK, TS_KCTX_MAIN},
    {TS_KEY_CTRL('h'), TS_ACT_BACK, TS_KCTX_MAIN},
    {'u', TS_ACT_FORWARD, TS_KCTX_MAIN},
    {'i', TS_ACT_INSPECT, TS_KCTX_MAIN},
    {'o', TS_ACT_GOTO, TS_KCTX_MAIN},
    {'/', TS_ACT_FILTER, TS_KCTX_MAIN},
    {'n', TS_ACT_FIND_NEXT, TS_KCTX_MAIN},
    {'N', TS_ACT_FIND_PREV, TS_KCTX_MAIN},
    {'s', TS_ACT_SORT, TS_KCTX_MAIN},
    {'S', TS_ACT_SORT_REVERSE, TS_KCTX_MAIN},
    {'r', TS_ACT_RELOAD, TS_KCTX_MAIN},
    {'e', TS_ACT_EXPORT, TS_KCTX_MAIN},
    {'T', TS_ACT_THEME, TS_KCTX_MAIN},
    {TS_KEY_CTRL('l'), TS_ACT_REDRAW, TS_KCTX_MAIN},
    {TS_KEY_CTRL('c'), TS_ACT_CANCEL, TS_KCTX_MAIN},
    {'b', TS_ACT_BENCH_START, TS_KCTX_MAIN},
    {'B', TS_ACT_BENCH_SETUP, TS_KCTX_MAIN},
    {'x', TS_ACT_BENCH_STOP, TS_KCTX_MAIN},

    {TS_KEY_CTRL('r'), TS_ACT_RUN_QUERY, TS_KCTX_EDITOR},
    {KEY_F(5), TS_ACT_RUN_QUERY, TS_KCTX_EDITOR},
    {TS_KEY_ESC, TS_ACT_CANCEL, TS_KCTX_EDITOR},
    {TS_KEY_CTRL('c'), TS_ACT_CANCEL, TS_KCTX_EDITOR},
    {TS_KEY_CTRL('p'), TS_ACT_HISTORY_PREV, TS_KCTX_EDITOR},
    {TS_KEY_CTRL('n'), TS_ACT_HISTORY_NEXT, TS_KCTX_EDITOR},
    {TS_KEY_CTRL('x'), TS_ACT_CLEAR, TS_KCTX_EDITOR},
    {'\t', TS_ACT_NEXT_PANE, TS_KCTX_EDITOR},
    {KEY_BTAB, TS_ACT_PREV_PANE, TS_KCTX_EDITOR},
    {KEY_F(1), TS_ACT_HELP, TS_KCTX_EDITOR},

    {'\r', TS_ACT_ACCEPT, TS_KCTX_PROMPT},
    {KEY_ENTER, TS_ACT_ACCEPT, TS_KCTX_PROMPT},
    {TS_KEY_ESC, TS_ACT_CANCEL, TS_KCTX_PROMPT},
    {TS_KEY_CTRL('c'), TS_ACT_CANCEL, TS_KCTX_PROMPT},
    {KEY_UP, TS_ACT_HISTORY_PREV, TS_KCTX_PROMPT},
    {KEY_DOWN, TS_ACT_HISTORY_NEXT, TS_KCTX_PROMPT},
};

void ts_keymap_bind(ts_keymap *km, ts_key_ctx ctx, int key, ts_action act)
{
    for (size_t i = 0; i < km->count; i++) {
        if (km->items[i].key == key && km->items[i].ctx == ctx) {
            km->items[i].action = act;
            return;
        }
    }
    if (km->count == km->cap) {
        km->cap = km->cap ? km->cap * 2 : 64;
        km->items = ts_reallocarray(km->items, km->cap, sizeof *km->items);
    }
    km->items[km->count++] = (ts_binding){key, act, ctx};
}

void ts_keymap_defaults(ts_keymap *km)
{
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        ts_keymap_bind(km, defaults[i].ctx, defaults[i].key, defaults[i].action);
    }
}

ts_action ts_keymap_lookup(const ts_keymap *km, ts_key_ctx ctx, int key)
{
    for (size_t i = 0; i < km->count; i++) {
        if (km->items[i].key == key && km->items[i].ctx == ctx) {
            return km->items[i].action;
        }
    }
    return TS_ACT_NONE;
}

void ts_keymap_keys_for(const ts_keymap *km, ts_key_ctx ctx, ts_action act, ts_buf *out)
{
    bool first = true;
    for (size_t i = 0; i < km->count; i++) {
        const ts_binding *b = &km->items[i];
        if (b->ctx == ctx && b->action == act) {
            if (!first) {
                ts_buf_puts(out, ", ");
            }
            ts_buf_puts(out, ts_key_name(b->key));
            first = false;
        }
    }
}

void ts_keymap_free(ts_keymap *km)
{
    free(km->items);
    km->items = NULL;
    km->count = km->cap = 0;
}

/* Roff needs backslashes doubled and a leading dot or quote escaped. */
static void roff_put(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'') {
        fputs("\\&", f);
    }
    for (; *s; s++) {
        if (*s == '\\') {
            fputs("\\e", f);
        } else if (*s == '-') {
            fputs("\\-", f);
        } else {
            fputc(*s, f);
        }
    }
}

void ts_tui_dump_keys(FILE *f)
{
    ts_keymap km = {0};
    ts_keymap_defaults(&km);
    for (int ctx = 0; ctx < TS_KCTX_COUNT; ctx++) {
        fprintf(f, ".SS %s\n", ctx_titles[ctx]);
        for (int act = 1; act < TS_ACT_COUNT; act++) {
            ts_buf keys = {0};
            ts_keymap_keys_for(&km, (ts_key_ctx)ctx, (ts_action)act, &keys);
            if (keys.len) {
                fputs(".TP\n.B ", f);
                roff_put(f, ts_buf_str(&keys));
                fputc('\n', f);
                roff_put(f, ts_action_help((ts_action)act));
                fputs(" (\\fB", f);
                roff_put(f, ts_action_name((ts_action)act));
                fputs("\\fR).\n", f);
            }
            ts_buf_free(&keys);
        }
    }
    ts_keymap_free(&km);
}

int ts_key_ctx_parse(const char *name)
{
    for (int i = 0; i < TS_KCTX_COUNT; i++) {
        if (!strcmp(ctx_names[i], name)) {
            return i;
        }
    }
    return -1;
}
