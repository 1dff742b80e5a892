/*
 * Theme files (format in tinyscope-theme(5)) and the config file. Both are
 * line-based "name = value" text; a bad line is reported with its position
 * and skipped, so a typo never leaves the UI without colours.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinyscope/datapath.h"
#include "tui_internal.h"

static const char *const element_names[] = {
#define TS_X_EL(id, name) name,
    TS_ELEMENT_LIST(TS_X_EL)
#undef TS_X_EL
};

const char *const ts_theme_bundled[] = {"default", "light", "high-contrast", "monochrome"};
const size_t ts_theme_n_bundled = sizeof ts_theme_bundled / sizeof ts_theme_bundled[0];

const char *ts_element_name(ts_element el)
{
    return el < TS_EL_COUNT ? element_names[el] : "?";
}

/* Used when no theme file can be found: the same as themes/default.theme. */
static const char builtin_theme[] = "normal = default\n"
                                    "title = cyan bold\n"
                                    "tab = default\n"
                                    "tab-active = black on cyan bold\n"
                                    "header = cyan bold underline\n"
                                    "cursor = black on cyan\n"
                                    "status = black on white\n"
                                    "message = default\n"
                                    "error = red bold\n"
                                    "border = blue\n"
                                    "dim = bright-black\n"
                                    "key = yellow bold\n"
                                    "link = cyan\n"
                                    "literal = green\n"
                                    "predicate = yellow\n"
                                    "escaped = magenta bold\n"
                                    "match = black on yellow\n"
                                    "bar-fill = green\n"
                                    "bar-empty = bright-black\n"
                                    "sparkline = cyan\n"
                                    "ok = green bold\n"
                                    "warn = yellow bold\n"
                                    "bad = red bold\n"
                                    "unknown = bright-black\n";

static const struct {
    const char *name;
    short value;
} colour_names[] = {
    {"default", -1},
    {"black", 0},
    {"red", 1},
    {"green", 2},
    {"yellow", 3},
    {"blue", 4},
    {"magenta", 5},
    {"cyan", 6},
    {"white", 7},
    {"bright-black", 8},
    {"grey", 8},
    {"gray", 8},
    {"bright-red", 9},
    {"bright-green", 10},
    {"bright-yellow", 11},
    {"bright-blue", 12},
    {"bright-magenta", 13},
    {"bright-cyan", 14},
    {"bright-white", 15},
};

static const struct {
    const char *name;
    unsigned value;
} attr_names[] = {
    {"bold", TS_ATTR_BOLD}, {"underline", TS_ATTR_UNDERLINE}, {"reverse", TS_ATTR_REVERSE},
    {"dim", TS_ATTR_DIM},   {"italic", TS_ATTR_ITALIC},       {"none", 0},
};

static bool parse_colour(const char *tok, short *out)
{
    for (size_t i = 0; i < sizeof colour_names / sizeof colour_names[0]; i++) {
        if (!strcasecmp(colour_names[i].name, tok)) {
            *out = colour_names[i].value;
            return true;
        }
    }
    if (!strncasecmp(tok, "color", 5) && isdigit((unsigned char)tok[5])) {
        char *end;
        long n = strtol(tok + 5, &end, 10);
        if (!*end && n >= 0 && n <= 255) {
            *out = (short)n;
            return true;
        }
    }
    return false;
}

static bool parse_attr(const char *tok, unsigned *out)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
        if (!strcasecmp(attr_names[i].name, tok)) {
            *out |= attr_names[i].value;
            return true;
        }
    }
    return false;
}

/* Split a line into at most max whitespace-separated tokens (in place). */
static size_t tokenize(char *s, char **tok, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (isspace((unsigned char)*s)) {
            s++;
        }
        if (!*s) {
            break;
        }
        tok[n++] = s;
        while (*s && !isspace((unsigned char)*s)) {
            s++;
        }
        if (*s) {
            *s++ = '\0';
        }
    }
    return n;
}

/* Strip a comment and surrounding blanks; returns the start of the text. */
static char *trim_line(char *line)
{
    char *hash = strchr(line, '#');
    if (hash) {
        *hash = '\0';
    }
    while (isspace((unsigned char)*line)) {
        line++;
    }
    size_t n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1])) {
        line[--n] = '\0';
    }
    return line;
}

/*
 * Call fn on each "name = value" line of text with its line number; returns
 * false if any line has no '='.
 */
typedef bool (*line_fn)(void *ctx, char *name, char *value, const char *source, unsigned line,
                        ts_diags *diags);

static ts_status each_setting(const char *text, const char *source, ts_diags *diags, line_fn fn,
                              void *ctx, bool allow_bind)
{
    ts_status st = TS_OK;
    char *copy = ts_strdup(text);
    unsigned lineno = 0;
    char *save = NULL;
    for (char *p = copy; p; p = save) {
        save = strchr(p, '\n');
        if (save) {
            *save++ = '\0';
        }
        lineno++;
        char *line = trim_line(p);
        if (!*line) {
            continue;
        }
        if (allow_bind && !strncmp(line, "bind", 4) && isspace((unsigned char)line[4])) {
            if (!fn(ctx, "bind", line + 5, source, lineno, diags)) {
                st = TS_ERR_SYNTAX;
            }
            continue;
        }
        char *eq = strchr(line, '=');
        if (!eq) {
            ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, source, lineno, 1,
                          "expected 'name = value'");
            st = TS_ERR_SYNTAX;
            continue;
        }
        *eq = '\0';
        char *name = trim_line(line);
        char *value = trim_line(eq + 1);
        if (!fn(ctx, name, value, source, lineno, diags)) {
            st = TS_ERR_SYNTAX;
        }
    }
    free(copy);
    return st;
}

static bool theme_line(void *ctx, char *name, char *value, const char *source, unsigned line,
                       ts_diags *diags)
{
    ts_theme *theme = ctx;
    if (!strcmp(name, "name")) {
        free(theme->name);
        theme->name = ts_strdup(value);
        return true;
    }
    int el = -1;
    for (int i = 0; i < TS_EL_COUNT; i++) {
        if (!strcmp(element_names[i], name)) {
            el = i;
        }
    }
    if (el < 0) {
        ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, source, line, 1, "unknown element '%s'",
                      name);
        return false;
    }
    ts_style st = {.fg = -1, .bg = -1, .attrs = 0, .set = true};
    char *tok[16];
    size_t n = tokenize(value, tok, 16);
    size_t i = 0;
    if (i < n && parse_colour(tok[i], &st.fg)) {
        i++;
    }
    if (i + 1 < n && !strcasecmp(tok[i], "on")) {
        if (!parse_colour(tok[i + 1], &st.bg)) {
            ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, source, line, 1,
                          "unknown colour '%s'", tok[i + 1]);
            return false;
        }
        i += 2;
    }
    for (; i < n; i++) {
        if (!parse_attr(tok[i], &st.attrs)) {
            ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, source, line, 1,
                          "unknown colour or attribute '%s'", tok[i]);
            return false;
        }
    }
    theme->styles[el] = st;
    return true;
}

ts_status ts_theme_parse(ts_theme *theme, const char *source, const char *text, ts_diags *diags)
{
    return each_setting(text, source, diags, theme_line, theme, false);
}

void ts_theme_builtin(ts_theme *theme)
{
    ts_theme_clear(theme);
    ts_theme_parse(theme, "<built-in>", builtin_theme, NULL);
    theme->name = ts_strdup("default");
}

void ts_theme_clear(ts_theme *theme)
{
    free(theme->name);
    memset(theme, 0, sizeof *theme);
}

static char *config_home(void)
{
    const char *x = getenv("XDG_CONFIG_HOME");
    if (x && *x == '/') {
        return ts_strdup(x);
    }
    const char *home = getenv("HOME");
    return ts_asprintf("%s/.config", home ? home : ".");
}

char *ts_config_path(void)
{
    char *dir = config_home();
    char *p = ts_asprintf("%s/tinyscope/config", dir);
    free(dir);
    return p;
}

char *ts_state_path(const char *name)
{
    const char *x = getenv("XDG_STATE_HOME");
    if (x && *x == '/') {
        return ts_asprintf("%s/tinyscope/%s", x, name);
    }
    const char *home = getenv("HOME");
    return ts_asprintf("%s/.local/state/tinyscope/%s", home ? home : ".", name);
}

ts_status ts_theme_load(ts_theme *theme, const char *name, ts_diags *diags)
{
    char *candidates[2] = {NULL, NULL};
    if (strchr(name, '/')) {
        candidates[0] = ts_strdup(name);
    } else {
        for (const char *c = name; *c; c++) {
            if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
                ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_BAD_ARG, name, 0, 0, "not a theme name");
                return TS_ERR_BAD_ARG;
            }
        }
        char *dir = config_home();
        candidates[0] = ts_asprintf("%s/tinyscope/themes/%s.theme", dir, name);
        free(dir);
        char *rel = ts_asprintf("themes/%s.theme", name);
        candidates[1] = ts_data_path(rel);
        free(rel);
    }
    ts_status st = TS_ERR_NOT_FOUND;
    for (size_t i = 0; i < 2 && candidates[i]; i++) {
        ts_buf text = {0};
        if (!ts_read_file(candidates[i], &text)) {
            ts_buf_free(&text);
            continue;
        }
        ts_theme_builtin(theme);
        free(theme->name);
        theme->name = ts_strdup(name);
        st = ts_theme_parse(theme, candidates[i], ts_buf_str(&text), diags);
        ts_buf_free(&text);
        break;
    }
    if (st == TS_ERR_NOT_FOUND) {
        ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_NOT_FOUND, name, 0, 0,
                      "no such theme (looked in %s%s%s)", candidates[0],
                      candidates[1] ? " and " : "", candidates[1] ? candidates[1] : "");
    }
    free(candidates[0]);
    free(candidates[1]);
    return st;
}

typedef struct {
    ts_config *cfg;
    ts_keymap *km;
} config_ctx;

static int parse_bool(const char *v)
{
    if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") ||
        !strcasecmp(v, "on")) {
        return 1;
    }
    if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") ||
        !strcasecmp(v, "off")) {
        return 0;
    }
    return -1;
}

static bool config_line(void *ctxp, char *name, char *value, const char *source, unsigned line,
                        ts_diags *diags)
{
    config_ctx *ctx = ctxp;
    if (!strcmp(name, "bind")) {
        char *tok[4];
        size_t n = tokenize(value, tok, 4);
        int kctx = n == 3 ? ts_key_ctx_parse(tok[0]) : -1;
        int key = n == 3 ? ts_key_parse(tok[1]) : -1;
        ts_action act = n == 3 ? ts_action_from_name(tok[2]) : TS_ACT_COUNT;
        if (n != 3 || kctx < 0 || key < 0 || act == TS_ACT_COUNT) {
            ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, source, line, 1,
                          "expected 'bind main|editor|prompt KEY ACTION' with a known "
                          "key and action");
            return false;
        }
        ts_keymap_bind(ctx->km, (ts_key_ctx)kctx, key, act);
        return true;
    }
    if (!strcmp(name, "theme")) {
        free(ctx->cfg->theme);
        ctx->cfg->theme = ts_strdup(value);
        return true;
    }
    int *flag = !strcmp(name, "ascii")   ? &ctx->cfg->ascii
                : !strcmp(name, "mouse") ? &ctx->cfg->mouse
                                         : NULL;
    if (!flag) {
        ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, source, line, 1, "unknown setting '%s'",
                      name);
        return false;
    }
    int b = parse_bool(value);
    if (b < 0) {
        ts_diags_addf(diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, source, line, 1, "'%s' takes yes or no",
                      name);
        return false;
    }
    *flag = b;
    return true;
}

ts_status ts_config_parse(ts_config *cfg, ts_keymap *km, const char *source, const char *text,
                          ts_diags *diags)
{
    config_ctx ctx = {cfg, km};
    return each_setting(text, source, diags, config_line, &ctx, true);
}

void ts_config_clear(ts_config *cfg)
{
    free(cfg->theme);
    cfg->theme = NULL;
    cfg->ascii = cfg->mouse = -1;
}
