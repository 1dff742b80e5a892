/*
 * The context store: remote contexts answered from local files, never from
 * the network, and the cache of processed contexts that makes the second
 * document naming a context as cheap as a hash lookup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jl_internal.h"
#include "tinyscope/datapath.h"

enum { MAX_ADOPTED = 4096 };

typedef struct {
    char *url;
    char *path;   /* file to read when first needed, or NULL */
    json_t *doc;  /* the parsed document once read */
    bool failed;
} ctx_entry;

struct ts_jsonld_ctxstore {
    ctx_entry *entries;
    size_t n_entries;
    char **dirs; /* searched by file name derived from the URL */
    size_t n_dirs;
    struct {
        char *prefix;
        char *dir;
    } *trees; /* URL prefixes answered from a directory tree */
    size_t n_trees;
    jl_ctx *initial;
    jl_ctx **adopted;
    size_t n_adopted;
};

ts_jsonld_ctxstore *ts_jsonld_ctxstore_new(void)
{
    ts_jsonld_ctxstore *s = ts_calloc(1, sizeof *s);
    s->initial = jl_ctx_new_initial();
    s->initial->persistent = true;
    return s;
}

void ts_jsonld_ctxstore_free(ts_jsonld_ctxstore *s)
{
    if (!s) {
        return;
    }
    jl_ctx_unref(s->initial);
    for (size_t i = 0; i < s->n_adopted; i++) {
        jl_ctx_unref(s->adopted[i]);
    }
    free(s->adopted);
    for (size_t i = 0; i < s->n_entries; i++) {
        free(s->entries[i].url);
        free(s->entries[i].path);
        json_decref(s->entries[i].doc);
    }
    free(s->entries);
    for (size_t i = 0; i < s->n_dirs; i++) {
        free(s->dirs[i]);
    }
    free(s->dirs);
    for (size_t i = 0; i < s->n_trees; i++) {
        free(s->trees[i].prefix);
        free(s->trees[i].dir);
    }
    free(s->trees);
    free(s);
}

jl_ctx *jl_store_initial(ts_jsonld_ctxstore *s)
{
    return s->initial;
}

bool jl_store_adopt(ts_jsonld_ctxstore *s, jl_ctx *ctx)
{
    if (!s || s->n_adopted >= MAX_ADOPTED) {
        return false;
    }
    s->adopted = ts_reallocarray(s->adopted, s->n_adopted + 1, sizeof *s->adopted);
    s->adopted[s->n_adopted++] = jl_ctx_ref(ctx);
    ctx->persistent = true;
    return true;
}

/* Forget processed contexts: a mapping changed, so they may be stale. */
static void drop_cache(ts_jsonld_ctxstore *s)
{
    jl_ctx_unref(s->initial);
    for (size_t i = 0; i < s->n_adopted; i++) {
        jl_ctx_unref(s->adopted[i]);
    }
    s->n_adopted = 0;
    s->initial = jl_ctx_new_initial();
    s->initial->persistent = true;
}

static ctx_entry *add_entry(ts_jsonld_ctxstore *s, const char *url)
{
    drop_cache(s);
    s->entries = ts_reallocarray(s->entries, s->n_entries + 1, sizeof *s->entries);
    ctx_entry *e = &s->entries[s->n_entries++];
    memset(e, 0, sizeof *e);
    e->url = ts_strdup(url);
    return e;
}

static ts_status parse_file(const char *path, json_t **out, ts_error *err)
{
    ts_buf text = {0};
    if (!ts_read_file(path, &text)) {
        int e = errno;
        return ts_error_set(err, e == ENOENT ? TS_ERR_NOT_FOUND : TS_ERR_IO, path, 0, 0,
                            "cannot read: %s", strerror(e));
    }
    ts_jsonld_opts opts = {.source = path};
    ts_status st = ts_jsonld_parse(text.data, text.len, &opts, out, err);
    ts_buf_free(&text);
    return st;
}

ts_status ts_jsonld_ctxstore_add_file(ts_jsonld_ctxstore *s, const char *url,
                                      const char *path, ts_error *err)
{
    json_t *doc = NULL;
    ts_status st = parse_file(path, &doc, err);
    if (st != TS_OK) {
        return st;
    }
    ctx_entry *e = add_entry(s, url);
    e->path = ts_strdup(path);
    e->doc = doc;
    return TS_OK;
}

ts_status ts_jsonld_ctxstore_add_text(ts_jsonld_ctxstore *s, const char *url,
                                      const char *text, ts_error *err)
{
    json_t *doc = NULL;
    ts_jsonld_opts opts = {.source = url};
    ts_status st = ts_jsonld_parse(text, strlen(text), &opts, &doc, err);
    if (st != TS_OK) {
        return st;
    }
    ctx_entry *e = add_entry(s, url);
    e->doc = doc;
    return TS_OK;
}

ts_status ts_jsonld_ctxstore_add_dir(ts_jsonld_ctxstore *s, const char *dir, ts_error *err)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        return TS_OK;
    }
    s->dirs = ts_reallocarray(s->dirs, s->n_dirs + 1, sizeof *s->dirs);
    s->dirs[s->n_dirs++] = ts_strdup(dir);
    char *index = ts_asprintf("%s/index.json", dir);
    ts_status st = TS_OK;
    if (stat(index, &sb) == 0) {
        json_t *map = NULL;
        st = parse_file(index, &map, err);
        if (st == TS_OK && !json_is_object(map)) {
            st = ts_error_set(err, TS_ERR_BAD_DATA, index, 0, 0,
                              "expected an object from context URL to file name");
        } else if (st == TS_OK) {
            const char *url;
            json_t *file;
            json_object_foreach(map, url, file) {
                if (!json_is_string(file)) {
                    continue;
                }
                ctx_entry *e = add_entry(s, url);
                e->path = ts_asprintf("%s/%s", dir, json_string_value(file));
            }
        }
        json_decref(map);
    }
    free(index);
    return st;
}

void ts_jsonld_ctxstore_add_defaults(ts_jsonld_ctxstore *s)
{
    /* The last mapping of a URL wins: the defaults go in front of the
     * mappings already made, the user's directory after the bundled one. */
    size_t n_user = s->n_entries;
    ctx_entry *user = s->entries;
    s->entries = NULL;
    s->n_entries = 0;
    ts_error err;
    char *bundled = ts_data_path("ontology/contexts");
    ts_jsonld_ctxstore_add_dir(s, bundled, &err);
    free(bundled);
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char *user_dir = NULL;
    if (xdg && *xdg) {
        user_dir = ts_asprintf("%s/tinyscope/contexts", xdg);
    } else if (home && *home) {
        user_dir = ts_asprintf("%s/.local/share/tinyscope/contexts", home);
    }
    if (user_dir) {
        ts_jsonld_ctxstore_add_dir(s, user_dir, &err);
        free(user_dir);
    }
    for (size_t i = 0; i < n_user; i++) {
        s->entries = ts_reallocarray(s->entries, s->n_entries + 1, sizeof *s->entries);
        s->entries[s->n_entries++] = user[i];
    }
    free(user);
}

void ts_jsonld_ctxstore_add_tree(ts_jsonld_ctxstore *s, const char *prefix, const char *dir)
{
    drop_cache(s);
    s->trees = ts_reallocarray(s->trees, s->n_trees + 1, sizeof *s->trees);
    s->trees[s->n_trees].prefix = ts_strdup(prefix);
    s->trees[s->n_trees].dir = ts_strdup(dir);
    s->n_trees++;
}

/* "https://webthings.io/schemas" -> "webthings.io_schemas.jsonld" */
static char *derived_name(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    ts_buf b = {0};
    for (; *p; p++) {
        bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-';
        ts_buf_putc(&b, keep ? *p : '_');
    }
    while (b.len && b.data[b.len - 1] == '_') {
        ts_buf_truncate(&b, b.len - 1);
    }
    ts_buf_puts(&b, ".jsonld");
    return ts_buf_steal(&b);
}

static ctx_entry *find_entry(ts_jsonld_ctxstore *s, const char *url)
{
    /* The last mapping for a URL wins. */
    for (size_t i = s->n_entries; i-- > 0;) {
        if (!strcmp(s->entries[i].url, url)) {
            return &s->entries[i];
        }
    }
    ctx_entry *found = NULL;
    for (size_t i = s->n_trees; i-- > 0 && !found;) {
        size_t n = strlen(s->trees[i].prefix);
        if (strncmp(url, s->trees[i].prefix, n) || strstr(url + n, "..")) {
            continue;
        }
        char *path = ts_asprintf("%s/%s", s->trees[i].dir, url + n);
        char *hash = strchr(path + strlen(s->trees[i].dir), '#');
        if (hash) {
            *hash = '\0';
        }
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            s->entries = ts_reallocarray(s->entries, s->n_entries + 1, sizeof *s->entries);
            found = &s->entries[s->n_entries++];
            memset(found, 0, sizeof *found);
            found->url = ts_strdup(url);
            found->path = path;
            return found;
        }
        free(path);
    }
    char *name = derived_name(url);
    for (size_t i = s->n_dirs; i-- > 0 && !found;) {
        char *path = ts_asprintf("%s/%s", s->dirs[i], name);
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            s->entries = ts_reallocarray(s->entries, s->n_entries + 1, sizeof *s->entries);
            found = &s->entries[s->n_entries++];
            memset(found, 0, sizeof *found);
            found->url = ts_strdup(url);
            found->path = path;
            path = NULL;
        }
        free(path);
    }
    free(name);
    return found;
}

bool ts_jsonld_ctxstore_has(ts_jsonld_ctxstore *s, const char *url)
{
    return s && find_entry(s, url) != NULL;
}

ts_status jl_store_load(jl_proc *p, const char *url, json_t **context)
{
    ctx_entry *e = p->store ? find_entry(p->store, url) : NULL;
    if (!e) {
        return jl_fail(p, "loading remote context failed",
                       "%s is not available offline; supply it with --context %s=FILE, "
                       "or put it in $XDG_DATA_HOME/tinyscope/contexts",
                       url, url);
    }
    if (!e->doc && !e->failed) {
        ts_error err;
        if (parse_file(e->path, &e->doc, &err) != TS_OK) {
            e->failed = true;
            char line[2600];
            ts_error_format(&err, line, sizeof line);
            return jl_fail(p, "loading remote context failed", "%s: %s", url, line);
        }
    }
    if (!e->doc) {
        return jl_fail(p, "loading remote context failed", "%s: unreadable", url);
    }
    json_t *c = json_is_object(e->doc) ? json_object_get(e->doc, "@context") : NULL;
    if (!c) {
        return jl_fail(p, "invalid remote context", "%s has no @context", url);
    }
    *context = c;
    return TS_OK;
}
