/*
 * Active contexts, term definitions, context processing and IRI expansion
 * (JSON-LD 1.1 Processing Algorithms and API, sections 4.1, 4.2 and 5.2).
 *
 * Contexts are immutable once built and shared by reference: a scoped
 * context applied a thousand times over a cached context is processed once
 * and remembered (the memo) when its result does not depend on the
 * document's own base IRI.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jl_internal.h"

/* ---- term definitions ---- */

static jl_term *term_new(const char *name)
{
    jl_term *t = ts_calloc(1, sizeof *t);
    t->refs = 1;
    t->name = ts_strdup(name);
    return t;
}

static void term_unref(jl_term *t)
{
    if (!t || --t->refs) {
        return;
    }
    free(t->name);
    free(t->iri);
    free(t->type);
    free(t->index);
    free(t->lang);
    free(t->nest);
    json_decref(t->context);
    json_decref(t->type_json);
    json_decref(t->lang_json);
    free(t->context_key);
    free(t->base_url);
    free(t);
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Equal apart from the protected flag (step 28 of 4.2.2). */
bool jl_term_same(const jl_term *a, const jl_term *b)
{
    if (!str_eq(a->iri, b->iri) || !str_eq(a->type, b->type) || !str_eq(a->index, b->index) ||
        !str_eq(a->nest, b->nest) || a->container != b->container || a->has_lang != b->has_lang ||
        (a->has_lang && !str_eq(a->lang, b->lang)) || a->has_dir != b->has_dir ||
        (a->has_dir && a->dir != b->dir) || a->has_context != b->has_context ||
        a->prefix != b->prefix || a->reverse != b->reverse) {
        return false;
    }
    if (a->has_context && !json_equal(a->context, b->context)) {
        return false;
    }
    return true;
}

/* ---- the term table ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static jl_ctx *ctx_alloc(void)
{
    jl_ctx *c = ts_calloc(1, sizeof *c);
    c->refs = 1;
    return c;
}

jl_ctx *jl_ctx_new_initial(void)
{
    jl_ctx *c = ctx_alloc();
    c->base_doc = true;
    return c;
}

jl_ctx *jl_ctx_ref(jl_ctx *c)
{
    if (c) {
        c->refs++;
    }
    return c;
}

void jl_ctx_unref(jl_ctx *c)
{
    if (!c || --c->refs) {
        return;
    }
    for (size_t i = 0; i < c->cap; i++) {
        term_unref(c->slots[i]);
    }
    free(c->slots);
    for (size_t i = 0; i < c->n_memo; i++) {
        free(c->memo[i].key);
        json_decref(c->memo[i].local);
        jl_ctx_unref(c->memo[i].result);
    }
    free(c->memo);
    free(c->base);
    free(c->vocab);
    free(c->lang);
    json_decref(c->lang_json);
    jl_ctx_unref(c->previous);
    free(c);
}

/* Every literal of a TD carries the same few language and datatype strings:
 * one JSON string each, shared by reference, instead of a copy per value. */
json_t *jl_term_type_json(jl_term *t)
{
    if (!t->type_json) {
        t->type_json = json_string(t->type);
    }
    return json_incref(t->type_json);
}

json_t *jl_term_lang_json(jl_term *t)
{
    if (!t->lang_json) {
        t->lang_json = json_string(t->lang);
    }
    return json_incref(t->lang_json);
}

json_t *jl_ctx_lang_json(jl_ctx *c)
{
    if (!c->lang_json) {
        c->lang_json = json_string(c->lang);
    }
    return json_incref(c->lang_json);
}

const char *jl_ctx_base(const jl_proc *p, const jl_ctx *c)
{
    return c->base_doc ? p->doc_base : c->base;
}

static size_t ctx_find(const jl_ctx *c, const char *name)
{
    size_t mask = c->cap - 1;
    size_t i = (size_t)hash_str(name) & mask;
    while (c->slots[i] && strcmp(c->slots[i]->name, name)) {
        i = (i + 1) & mask;
    }
    return i;
}

const jl_term *jl_ctx_get(const jl_ctx *c, const char *name)
{
    if (!c->count) {
        return NULL;
    }
    return c->slots[ctx_find(c, name)];
}

static void ctx_grow(jl_ctx *c)
{
    size_t old_cap = c->cap;
    jl_term **old = c->slots;
    c->cap = old_cap ? old_cap * 2 : 16;
    c->slots = ts_calloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i]) {
            c->slots[ctx_find(c, old[i]->name)] = old[i];
        }
    }
    free(old);
}

/* Store t (taking the reference), replacing a definition of the same name. */
static void ctx_set(jl_ctx *c, jl_term *t)
{
    if ((c->count + 1) * 4 > c->cap * 3) {
        ctx_grow(c);
    }
    size_t i = ctx_find(c, t->name);
    if (c->slots[i]) {
        if (c->slots[i]->protect) {
            c->n_protected--;
        }
        term_unref(c->slots[i]);
    } else {
        c->count++;
    }
    c->slots[i] = t;
    if (t->protect) {
        c->n_protected++;
    }
    if (t->iri && t->iri[0] == '@') {
        c->aliases |= !strcmp(t->iri, "@type")    ? JL_ALIAS_TYPE
                      : !strcmp(t->iri, "@value") ? JL_ALIAS_VALUE
                      : !strcmp(t->iri, "@id")    ? JL_ALIAS_ID
                                                  : JL_ALIAS_OTHER;
    }
}

/* Remove name's definition, returning it (the caller owns it) or NULL. */
static jl_term *ctx_take(jl_ctx *c, const char *name)
{
    if (!c->count) {
        return NULL;
    }
    size_t mask = c->cap - 1;
    size_t i = ctx_find(c, name);
    jl_term *t = c->slots[i];
    if (!t) {
        return NULL;
    }
    c->slots[i] = NULL;
    c->count--;
    if (t->protect) {
        c->n_protected--;
    }
    /* Backward-shift deletion keeps probe chains intact. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!c->slots[j]) {
            break;
        }
        size_t home = (size_t)hash_str(c->slots[j]->name) & mask;
        bool between = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
            c->slots[i] = c->slots[j];
            c->slots[j] = NULL;
            i = j;
        }
    }
    return t;
}

static jl_ctx *ctx_copy(const jl_ctx *src)
{
    jl_ctx *c = ctx_alloc();
    c->base = src->base ? ts_strdup(src->base) : NULL;
    c->base_doc = src->base_doc;
    c->vocab = src->vocab ? ts_strdup(src->vocab) : NULL;
    c->lang = src->lang ? ts_strdup(src->lang) : NULL;
    c->dir = src->dir;
    c->aliases = src->aliases;
    c->previous = jl_ctx_ref(src->previous);
    if (src->cap) {
        c->cap = src->cap;
        c->count = src->count;
        c->n_protected = src->n_protected;
        c->slots = ts_malloc(ts_mul_size(c->cap, sizeof *c->slots));
        memcpy(c->slots, src->slots, c->cap * sizeof *c->slots);
        for (size_t i = 0; i < c->cap; i++) {
            if (c->slots[i]) {
                c->slots[i]->refs++;
            }
        }
    }
    return c;
}

/* ---- the set of terms being defined (the "defined" map of 4.2.2) ---- */

typedef struct {
    struct {
        const char *name;
        int state; /* 1: being defined, 2: done */
    } * items;
    size_t cap;
    size_t count; /* kept at most half of cap, so a probe always ends */
} defined_map;

static int *defined_slot(defined_map *d, const char *name, bool add)
{
    if (!d->cap) {
        if (!add) {
            return NULL;
        }
        d->cap = 64;
        d->items = ts_calloc(d->cap, sizeof *d->items);
    }
    size_t mask = d->cap - 1;
    size_t i = (size_t)hash_str(name) & mask;
    while (d->items[i].name && strcmp(d->items[i].name, name)) {
        i = (i + 1) & mask;
    }
    if (d->items[i].name) {
        return &d->items[i].state;
    }
    if (!add) {
        return NULL;
    }
    if ((d->count + 1) * 2 > d->cap) {
        /* Rehash into a table twice the size, then insert. */
        size_t old_cap = d->cap;
        __typeof__(d->items) old = d->items;
        d->cap *= 2;
        d->items = ts_calloc(d->cap, sizeof *d->items);
        mask = d->cap - 1;
        for (size_t k = 0; k < old_cap; k++) {
            if (old[k].name) {
                size_t h = (size_t)hash_str(old[k].name) & mask;
                while (d->items[h].name) {
                    h = (h + 1) & mask;
                }
                d->items[h] = old[k];
            }
        }
        free(old);
        i = (size_t)hash_str(name) & mask;
        while (d->items[i].name) {
            i = (i + 1) & mask;
        }
    }
    d->items[i].name = name;
    d->items[i].state = 0;
    d->count++;
    return &d->items[i].state;
}

static int defined_get(defined_map *d, const char *name)
{
    int *s = defined_slot(d, name, false);
    return s ? *s : 0;
}

static void defined_set(defined_map *d, const char *name, int state)
{
    *defined_slot(d, name, true) = state;
}

/* ---- the chain of remote contexts being loaded ---- */

typedef jl_chain remote_chain;

static bool chain_has(const remote_chain *c, const char *url)
{
    for (; c; c = c->next) {
        if (!strcmp(c->url, url)) {
            return true;
        }
    }
    return false;
}

/* ---- IRI expansion ---- */

static ts_status create_term(jl_proc *p, jl_ctx *active, json_t *local, const char *term,
                             defined_map *defined, const char *base_url, bool protect,
                             bool override_protected, const remote_chain *chain,
                             bool validate_scoped);

static char *concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = ts_malloc(na + nb + 1);
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
    return s;
}

/*
 * IRI expansion with an optional local context being processed. Returns a
 * borrowed string (from the context or value), or one stored in *owned,
 * or NULL for null. Errors come back in *st.
 */
static const char *expand_iri_full(jl_proc *p, jl_ctx *active, const char *value, bool doc_rel,
                                   bool vocab, json_t *local, defined_map *defined, char **owned,
                                   ts_status *st, const char *base_url, const remote_chain *chain)
{
    *owned = NULL;
    *st = TS_OK;
    if (value[0] == '@') {
        if (jl_is_keyword(value)) {
            return value;
        }
        if (jl_has_keyword_form(value)) {
            return NULL;
        }
    }
    if (local && defined && json_object_get(local, value) && defined_get(defined, value) != 2) {
        *st = create_term(p, active, local, value, defined, base_url, false, false, chain, true);
        if (*st != TS_OK) {
            return NULL;
        }
    }
    const jl_term *t = jl_ctx_get(active, value);
    if (t && t->iri && t->iri[0] == '@' && jl_is_keyword(t->iri)) {
        return t->iri;
    }
    if (vocab && t) {
        return t->iri;
    }
    const char *colon = strchr(value, ':');
    if (colon) {
        const char *suffix = colon + 1;
        size_t plen = (size_t)(colon - value);
        if ((plen == 1 && value[0] == '_') || (suffix[0] == '/' && suffix[1] == '/')) {
            return value;
        }
        char stackbuf[128];
        char *prefix = plen < sizeof stackbuf ? stackbuf : ts_malloc(plen + 1);
        memcpy(prefix, value, plen);
        prefix[plen] = '\0';
        if (local && defined && json_object_get(local, prefix) &&
            defined_get(defined, prefix) != 2) {
            *st =
                create_term(p, active, local, prefix, defined, base_url, false, false, chain, true);
        }
        const jl_term *pt = *st == TS_OK ? jl_ctx_get(active, prefix) : NULL;
        if (prefix != stackbuf) {
            free(prefix);
        }
        if (*st != TS_OK) {
            return NULL;
        }
        /* JSON-LD 1.0 let any term serve as a prefix. */
        if (pt && pt->iri && (pt->prefix || p->mode10)) {
            *owned = concat(pt->iri, suffix);
            return *owned;
        }
        if (jl_is_absolute_iri(value)) {
            return value;
        }
    }
    if (vocab && active->vocab) {
        *owned = concat(active->vocab, value);
        return *owned;
    }
    if (doc_rel) {
        const char *base = jl_ctx_base(p, active);
        if (active->base_doc) {
            p->used_doc_base = true;
        }
        if (base) {
            *owned = jl_resolve(base, value);
            return *owned;
        }
    }
    return value;
}

const char *jl_expand_iri(jl_proc *p, const jl_ctx *c, const char *value, bool doc_relative,
                          bool vocab, char **owned)
{
    ts_status st;
    return expand_iri_full(p, (jl_ctx *)c, value, doc_relative, vocab, NULL, NULL, owned, &st, NULL,
                           NULL);
}

/* Expansion that must give a fresh string (or NULL). */
static char *expand_dup(jl_proc *p, jl_ctx *active, const char *value, bool doc_rel, bool vocab,
                        json_t *local, defined_map *defined, ts_status *st, const char *base_url,
                        const remote_chain *chain)
{
    char *owned;
    const char *r = expand_iri_full(p, active, value, doc_rel, vocab, local, defined, &owned, st,
                                    base_url, chain);
    if (owned) {
        return owned;
    }
    return r ? ts_strdup(r) : NULL;
}

static bool is_blank_id(const char *s)
{
    return s[0] == '_' && s[1] == ':';
}

/* ---- term definitions (4.2.2) ---- */

static bool ends_with_gen_delim(const char *s)
{
    size_t n = strlen(s);
    return n && strchr(":/?#[]@", s[n - 1]);
}

static unsigned container_bit(const char *s)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {
        {"@list", JL_C_LIST},         {"@set", JL_C_SET}, {"@index", JL_C_INDEX},
        {"@language", JL_C_LANGUAGE}, {"@id", JL_C_ID},   {"@type", JL_C_TYPE},
        {"@graph", JL_C_GRAPH},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcmp(s, names[i].name)) {
            return names[i].bit;
        }
    }
    return 0;
}

/* Parse and validate a @container value; 0 with *ok false when invalid. */
static unsigned parse_container(jl_proc *p, json_t *v, bool *ok)
{
    *ok = false;
    unsigned bits = 0;
    if (json_is_string(v)) {
        bits = container_bit(json_string_value(v));
        if (!bits) {
            return 0;
        }
        if (p->mode10 && (bits & (JL_C_GRAPH | JL_C_ID | JL_C_TYPE))) {
            return 0;
        }
        *ok = true;
        return bits;
    }
    if (!json_is_array(v) || p->mode10) {
        return 0;
    }
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item)) {
            return 0;
        }
        unsigned b = container_bit(json_string_value(item));
        if (!b) {
            return 0;
        }
        bits |= b;
    }
    unsigned rest = bits & ~JL_C_SET;
    bool valid;
    if (bits & JL_C_LIST) {
        valid = bits == JL_C_LIST;
    } else if (rest & JL_C_GRAPH) {
        unsigned other = rest & ~JL_C_GRAPH;
        valid = other == 0 || other == JL_C_ID || other == JL_C_INDEX;
    } else {
        /* At most one of @index @id @type @language, with or without @set. */
        valid = (rest & (rest - 1)) == 0;
    }
    *ok = valid;
    return valid ? bits : 0;
}

static const char *const term_keys[] = {
    "@id",       "@reverse", "@container", "@context",   "@direction", "@index",
    "@language", "@nest",    "@prefix",    "@protected", "@type",
};

static ts_status create_term(jl_proc *p, jl_ctx *active, json_t *local, const char *term,
                             defined_map *defined, const char *base_url, bool protect,
                             bool override_protected, const remote_chain *chain,
                             bool validate_scoped)
{
    /* The defined map keeps the name: use the local context's own copy,
     * which lives as long as the processing. */
    void *at = json_object_iter_at(local, term);
    if (at) {
        term = json_object_iter_key(at);
    }
    int state = defined_get(defined, term);
    if (state == 2) {
        return TS_OK;
    }
    if (state == 1) {
        return jl_fail(p, "cyclic IRI mapping", "term \"%s\"", term);
    }
    if (!term[0]) {
        return jl_fail(p, "invalid term definition", "the empty term");
    }
    if (++p->work > JL_MAX_CONTEXT_WORK) {
        return jl_fail(p, "context overflow", "more than %d term definitions", JL_MAX_CONTEXT_WORK);
    }
    defined_set(defined, term, 1);
    json_t *value = json_object_get(local, term);
    jl_push_key(p, term);
    ts_status st = TS_OK;
    jl_term *def = NULL;
    jl_term *prev = NULL;

    if (!strcmp(term, "@type")) {
        bool ok = !p->mode10 && json_is_object(value);
        const char *k;
        json_t *v;
        if (ok) {
            json_object_foreach(value, k, v)
            {
                if (!strcmp(k, "@container")) {
                    ok = ok && json_is_string(v) && !strcmp(json_string_value(v), "@set");
                } else if (strcmp(k, "@protected")) {
                    ok = false;
                }
            }
            ok = ok && json_object_size(value) > 0;
        }
        if (!ok) {
            st = jl_fail(p, "keyword redefinition", "@type");
            goto done;
        }
    } else if (jl_is_keyword(term)) {
        st = jl_fail(p, "keyword redefinition", "%s", term);
        goto done;
    } else if (jl_has_keyword_form(term)) {
        jl_warn(p, "term \"%s\" looks like a keyword and is ignored", term);
        defined_set(defined, term, 2);
        goto done;
    }

    prev = ctx_take(active, term);
    bool simple = false;
    json_t *idv = NULL;
    bool has_id = false;
    if (json_is_null(value)) {
        has_id = true; /* {"@id": null} */
    } else if (json_is_string(value)) {
        simple = true;
        has_id = true;
        idv = value;
    } else if (json_is_object(value)) {
        idv = json_object_get(value, "@id");
        has_id = idv != NULL;
        const char *k;
        json_t *v;
        json_object_foreach(value, k, v)
        {
            bool known = false;
            for (size_t i = 0; i < sizeof term_keys / sizeof term_keys[0]; i++) {
                known = known || !strcmp(k, term_keys[i]);
            }
            if (!known) {
                st = jl_fail(p, "invalid term definition", "unknown entry %s", k);
                goto done;
            }
        }
    } else {
        st = jl_fail(p, "invalid term definition", "not a string, object or null");
        goto done;
    }
    json_t *obj = json_is_object(value) ? value : NULL;
    def = term_new(term);
    def->protect = protect;

    json_t *v;
    if (obj && (v = json_object_get(obj, "@protected"))) {
        if (p->mode10) {
            st = jl_fail(p, "invalid term definition", "@protected in json-ld-1.0 mode");
            goto done;
        }
        if (!json_is_boolean(v)) {
            st = jl_fail(p, "invalid @protected value", "not a boolean");
            goto done;
        }
        def->protect = json_is_true(v);
    }
    if (obj && (v = json_object_get(obj, "@type"))) {
        if (!json_is_string(v)) {
            st = jl_fail(p, "invalid type mapping", "not a string");
            goto done;
        }
        char *t = expand_dup(p, active, json_string_value(v), false, true, local, defined, &st,
                             base_url, chain);
        if (st != TS_OK) {
            goto done;
        }
        bool ok = t && (!strcmp(t, "@id") || !strcmp(t, "@vocab") ||
                        ((!strcmp(t, "@json") || !strcmp(t, "@none")) && !p->mode10) ||
                        (t[0] != '@' && jl_is_absolute_iri(t)));
        if (!ok) {
            free(t);
            st = jl_fail(p, "invalid type mapping", "%s", json_string_value(v));
            goto done;
        }
        def->type = t;
    }
    if (obj && (v = json_object_get(obj, "@reverse"))) {
        if (json_object_get(obj, "@id") || json_object_get(obj, "@nest")) {
            st = jl_fail(p, "invalid reverse property", "@reverse with @id or @nest");
            goto done;
        }
        if (!json_is_string(v)) {
            st = jl_fail(p, "invalid IRI mapping", "@reverse is not a string");
            goto done;
        }
        const char *rs = json_string_value(v);
        if (jl_has_keyword_form(rs)) {
            jl_warn(p, "@reverse value \"%s\" looks like a keyword; term ignored", rs);
            term_unref(def);
            def = NULL;
            defined_set(defined, term, 2);
            goto done;
        }
        char *iri = expand_dup(p, active, rs, false, true, local, defined, &st, base_url, chain);
        if (st != TS_OK) {
            goto done;
        }
        if (!iri || (!jl_is_absolute_iri(iri) && !is_blank_id(iri))) {
            free(iri);
            st = jl_fail(p, "invalid IRI mapping", "@reverse %s", rs);
            goto done;
        }
        def->iri = iri;
        json_t *cv = json_object_get(obj, "@container");
        if (cv && !json_is_null(cv)) {
            const char *cs = json_is_string(cv) ? json_string_value(cv) : "";
            if (strcmp(cs, "@set") && strcmp(cs, "@index")) {
                st = jl_fail(p, "invalid reverse property", "bad @container");
                goto done;
            }
            def->container = container_bit(cs);
        }
        def->reverse = true;
        goto finish;
    }

    if (has_id && (!idv || !json_is_string(idv) || strcmp(json_string_value(idv), term))) {
        if (!idv || json_is_null(idv)) {
            def->iri = NULL;
        } else if (!json_is_string(idv)) {
            st = jl_fail(p, "invalid IRI mapping", "@id is not a string");
            goto done;
        } else {
            const char *is = json_string_value(idv);
            if (!jl_is_keyword(is) && jl_has_keyword_form(is)) {
                jl_warn(p, "@id value \"%s\" looks like a keyword; term ignored", is);
                term_unref(def);
                def = NULL;
                defined_set(defined, term, 2);
                goto done;
            }
            char *iri =
                expand_dup(p, active, is, false, true, local, defined, &st, base_url, chain);
            if (st != TS_OK) {
                goto done;
            }
            if (!iri || (!jl_is_keyword(iri) && !jl_is_absolute_iri(iri) && !is_blank_id(iri))) {
                free(iri);
                st = jl_fail(p, "invalid IRI mapping", "%s", is);
                goto done;
            }
            if (!strcmp(iri, "@context")) {
                free(iri);
                st = jl_fail(p, "invalid keyword alias", "@context");
                goto done;
            }
            def->iri = iri;
            const char *colon = strchr(term, ':');
            size_t tlen = strlen(term);
            if (((colon && colon != term && colon != term + tlen - 1) || strchr(term, '/')) &&
                !p->mode10) {
                defined_set(defined, term, 2);
                char *again =
                    expand_dup(p, active, term, false, true, local, defined, &st, base_url, chain);
                bool same = again && !strcmp(again, iri);
                free(again);
                if (st != TS_OK) {
                    goto done;
                }
                if (!same) {
                    st = jl_fail(p, "invalid IRI mapping",
                                 "term \"%s\" expands to another IRI than its @id", term);
                    goto done;
                }
            }
            if (!colon && !strchr(term, '/') && simple &&
                (ends_with_gen_delim(iri) || is_blank_id(iri))) {
                def->prefix = true;
            }
        }
    } else if (strchr(term + 1, ':')) {
        const char *colon = strchr(term + 1, ':');
        char *prefix = ts_strndup(term, (size_t)(colon - term));
        if (json_object_get(local, prefix)) {
            st =
                create_term(p, active, local, prefix, defined, base_url, false, false, chain, true);
        }
        const jl_term *pt = st == TS_OK ? jl_ctx_get(active, prefix) : NULL;
        free(prefix);
        if (st != TS_OK) {
            goto done;
        }
        def->iri = (pt && pt->iri) ? concat(pt->iri, colon + 1) : ts_strdup(term);
    } else if (strchr(term, '/')) {
        char *iri = expand_dup(p, active, term, false, true, NULL, NULL, &st, base_url, chain);
        if (st != TS_OK) {
            goto done;
        }
        if (!iri || !jl_is_absolute_iri(iri)) {
            free(iri);
            st = jl_fail(p, "invalid IRI mapping", "relative term %s", term);
            goto done;
        }
        def->iri = iri;
    } else if (!strcmp(term, "@type")) {
        def->iri = ts_strdup("@type");
    } else if (active->vocab) {
        def->iri = concat(active->vocab, term);
    } else {
        st = jl_fail(p, "invalid IRI mapping", "no @vocab to expand term \"%s\"", term);
        goto done;
    }

    if (obj && (v = json_object_get(obj, "@container"))) {
        bool ok;
        def->container = parse_container(p, v, &ok);
        if (!ok) {
            st = jl_fail(p, "invalid container mapping", "bad @container");
            goto done;
        }
        if (def->container & JL_C_TYPE) {
            if (!def->type) {
                def->type = ts_strdup("@id");
            } else if (strcmp(def->type, "@id") && strcmp(def->type, "@vocab")) {
                st = jl_fail(p, "invalid type mapping", "@type container needs @id or @vocab");
                goto done;
            }
        }
    }
    if (obj && (v = json_object_get(obj, "@index"))) {
        if (p->mode10 || !(def->container & JL_C_INDEX) || !json_is_string(v)) {
            st = jl_fail(p, "invalid term definition", "bad @index");
            goto done;
        }
        char *ix = expand_dup(p, active, json_string_value(v), false, true, local, defined, &st,
                              base_url, chain);
        bool ok = ix && jl_is_absolute_iri(ix);
        free(ix);
        if (st != TS_OK) {
            goto done;
        }
        if (!ok) {
            st = jl_fail(p, "invalid term definition", "@index is not an IRI");
            goto done;
        }
        def->index = ts_strdup(json_string_value(v));
    }
    if (obj && (v = json_object_get(obj, "@context"))) {
        if (p->mode10) {
            st = jl_fail(p, "invalid term definition", "scoped context in json-ld-1.0 mode");
            goto done;
        }
        jl_ctx *tmp = NULL;
        jl_push_key(p, "@context");
        st = jl_process_context(p, active, v, NULL, base_url, chain, true, true, false, &tmp);
        jl_pop(p);
        jl_ctx_unref(tmp);
        if (st != TS_OK) {
            jl_recode(p, "invalid scoped context");
            goto done;
        }
        def->has_context = true;
        def->context = json_incref(v);
        def->base_url = base_url ? ts_strdup(base_url) : NULL;
        if (!chain) {
            /* The scoped context may resolve against the document's URL. */
            p->used_doc_base = true;
        }
    }
    if (obj && !json_object_get(obj, "@type")) {
        if ((v = json_object_get(obj, "@language"))) {
            if (!json_is_null(v) && !json_is_string(v)) {
                st = jl_fail(p, "invalid language mapping", "not a string or null");
                goto done;
            }
            def->has_lang = true;
            def->lang = json_is_string(v) ? ts_strdup(json_string_value(v)) : NULL;
        }
        if ((v = json_object_get(obj, "@direction"))) {
            const char *ds = json_is_string(v) ? json_string_value(v) : NULL;
            if (json_is_null(v)) {
                def->dir = JL_DIR_NULL;
            } else if (ds && !strcmp(ds, "ltr")) {
                def->dir = JL_DIR_LTR;
            } else if (ds && !strcmp(ds, "rtl")) {
                def->dir = JL_DIR_RTL;
            } else {
                st = jl_fail(p, "invalid base direction", "not ltr, rtl or null");
                goto done;
            }
            def->has_dir = true;
        }
    }
    if (obj && (v = json_object_get(obj, "@nest"))) {
        const char *ns = json_is_string(v) ? json_string_value(v) : NULL;
        if (p->mode10) {
            st = jl_fail(p, "invalid term definition", "@nest in json-ld-1.0 mode");
            goto done;
        }
        if (!ns || (jl_is_keyword(ns) && strcmp(ns, "@nest"))) {
            st = jl_fail(p, "invalid @nest value", "bad @nest");
            goto done;
        }
        def->nest = ts_strdup(ns);
    }
    if (obj && (v = json_object_get(obj, "@prefix"))) {
        if (p->mode10 || strchr(term, ':') || strchr(term, '/')) {
            st = jl_fail(p, "invalid term definition", "@prefix not allowed here");
            goto done;
        }
        if (!json_is_boolean(v)) {
            st = jl_fail(p, "invalid @prefix value", "not a boolean");
            goto done;
        }
        def->prefix = json_is_true(v);
        if (def->prefix && def->iri && jl_is_keyword(def->iri)) {
            st = jl_fail(p, "invalid term definition", "a keyword cannot be a prefix");
            goto done;
        }
    }

finish:
    if (!override_protected && prev && prev->protect) {
        if (!jl_term_same(def, prev)) {
            st = jl_fail(p, "protected term redefinition", "%s", term);
            goto done;
        }
        term_unref(def);
        def = prev;
        prev = NULL;
    }
    ctx_set(active, def);
    def = NULL;
    defined_set(defined, term, 2);

done:
    if (st != TS_OK && prev) {
        /* Leave the context as it was; the caller drops it anyway. */
        ctx_set(active, prev);
        prev = NULL;
    }
    term_unref(def);
    term_unref(prev);
    jl_pop(p);
    (void)validate_scoped;
    return st;
}

/* ---- context processing (4.1.2) ---- */

static ts_status process(jl_proc *p, jl_ctx *active, json_t *local, const char *base_url,
                         const remote_chain *chain, bool override_protected, bool propagate,
                         bool validate_scoped, jl_ctx **out);

static ts_status load_remote(jl_proc *p, jl_ctx **result, const char *ref, const char *base_url,
                             const remote_chain *chain, bool validate_scoped)
{
    if (!jl_is_absolute_iri(ref)) {
        p->used_doc_base = p->used_doc_base || !chain;
    }
    char *url = jl_resolve(base_url, ref);
    ts_status st = TS_OK;
    if (!validate_scoped && chain_has(chain, url)) {
        free(url);
        return TS_OK;
    }
    if (chain_has(chain, url)) {
        st = jl_fail(p, "recursive context inclusion", "%s includes itself", url);
        free(url);
        return st;
    }
    unsigned depth = chain ? chain->depth + 1 : 1;
    if (depth > JL_MAX_REMOTE_CONTEXTS) {
        st = jl_fail(p, "context overflow", "more than %d nested remote contexts (a cycle?) at %s",
                     JL_MAX_REMOTE_CONTEXTS, url);
        free(url);
        return st;
    }
    json_t *ctxv = NULL;
    st = jl_store_load(p, url, &ctxv);
    if (st == TS_OK) {
        remote_chain link = {url, chain, depth};
        jl_ctx *next = NULL;
        st = process(p, *result, ctxv, url, &link, false, true, validate_scoped, &next);
        if (st == TS_OK) {
            jl_ctx_unref(*result);
            *result = next;
        }
    }
    free(url);
    return st;
}

static ts_status process(jl_proc *p, jl_ctx *active, json_t *local, const char *base_url,
                         const remote_chain *chain, bool override_protected, bool propagate,
                         bool validate_scoped, jl_ctx **out)
{
    ts_status st = TS_OK;
    jl_ctx *result = ctx_copy(active);
    json_t *merged = NULL;
    if (json_is_object(local)) {
        json_t *pr = json_object_get(local, "@propagate");
        if (pr) {
            if (!json_is_boolean(pr)) {
                jl_push_key(p, "@propagate");
                st = jl_fail(p, "invalid @propagate value", "not a boolean");
                jl_pop(p);
                goto fail;
            }
            propagate = json_is_true(pr);
        }
    }
    if (!propagate && !result->previous) {
        result->previous = jl_ctx_ref(active);
    }
    size_t n = json_is_array(local) ? json_array_size(local) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_is_array(local) ? json_array_get(local, i) : local;
        if (json_is_array(local)) {
            jl_push_index(p, i);
        }
        json_decref(merged);
        merged = NULL;
        if (json_is_null(item)) {
            if (!override_protected && result->n_protected) {
                st = jl_fail(p, "invalid context nullification",
                             "a context with protected terms cannot be reset");
            } else {
                jl_ctx *fresh = jl_ctx_new_initial();
                if (!propagate) {
                    fresh->previous = result;
                } else {
                    jl_ctx_unref(result);
                }
                result = fresh;
            }
        } else if (json_is_string(item)) {
            st = load_remote(p, &result, json_string_value(item), base_url, chain, validate_scoped);
        } else if (!json_is_object(item)) {
            st = jl_fail(p, "invalid local context", "not an object, string or null");
        } else {
            json_t *v = json_object_get(item, "@version");
            if (v && (!json_is_number(v) || json_number_value(v) != 1.1)) {
                st = jl_fail(p, "invalid @version value", "must be 1.1");
            } else if (v && p->mode10) {
                st = jl_fail(p, "processing mode conflict", "@version 1.1 in json-ld-1.0 mode");
            }
            if (st == TS_OK && (v = json_object_get(item, "@import"))) {
                jl_push_key(p, "@import");
                if (p->mode10) {
                    st = jl_fail(p, "invalid context entry", "@import in json-ld-1.0 mode");
                } else if (!json_is_string(v)) {
                    st = jl_fail(p, "invalid @import value", "not a string");
                } else {
                    if (!jl_is_absolute_iri(json_string_value(v)) && !chain) {
                        p->used_doc_base = true;
                    }
                    char *url = jl_resolve(base_url, json_string_value(v));
                    json_t *imp = NULL;
                    st = jl_store_load(p, url, &imp);
                    if (st == TS_OK && !json_is_object(imp)) {
                        st = jl_fail(p, "invalid remote context", "%s is not an object", url);
                    } else if (st == TS_OK && json_object_get(imp, "@import")) {
                        st = jl_fail(p, "invalid context entry", "%s has @import", url);
                    } else if (st == TS_OK) {
                        merged = json_copy(imp);
                        json_object_update(merged, item);
                        json_object_del(merged, "@import");
                        item = merged;
                    }
                    free(url);
                }
                jl_pop(p);
            }
            if (st == TS_OK && (v = json_object_get(item, "@base")) && !chain) {
                jl_push_key(p, "@base");
                if (json_is_null(v)) {
                    free(result->base);
                    result->base = NULL;
                    result->base_doc = false;
                } else if (json_is_string(v)) {
                    const char *bs = json_string_value(v);
                    const char *cur = jl_ctx_base(p, result);
                    if (jl_is_absolute_iri(bs)) {
                        free(result->base);
                        result->base = ts_strdup(bs);
                        result->base_doc = false;
                    } else if (cur) {
                        if (result->base_doc) {
                            p->used_doc_base = true;
                        }
                        char *nb = jl_resolve(cur, bs);
                        free(result->base);
                        result->base = nb;
                        result->base_doc = false;
                    } else {
                        st = jl_fail(p, "invalid base IRI", "relative @base without a base");
                    }
                } else {
                    st = jl_fail(p, "invalid base IRI", "not a string or null");
                }
                jl_pop(p);
            }
            if (st == TS_OK && (v = json_object_get(item, "@vocab"))) {
                jl_push_key(p, "@vocab");
                if (json_is_null(v)) {
                    free(result->vocab);
                    result->vocab = NULL;
                } else if (json_is_string(v)) {
                    const char *vs = json_string_value(v);
                    if (p->mode10 && !jl_is_absolute_iri(vs) && !is_blank_id(vs)) {
                        st = jl_fail(p, "invalid vocab mapping", "not an absolute IRI");
                    } else {
                        char *owned;
                        const char *r = expand_iri_full(p, result, vs, true, true, NULL, NULL,
                                                        &owned, &st, base_url, chain);
                        if (st == TS_OK && r) {
                            char *nv = owned ? owned : ts_strdup(r);
                            free(result->vocab);
                            result->vocab = nv;
                        } else {
                            free(owned);
                            if (st == TS_OK) {
                                st = jl_fail(p, "invalid vocab mapping", "%s", vs);
                            }
                        }
                    }
                } else {
                    st = jl_fail(p, "invalid vocab mapping", "not a string or null");
                }
                jl_pop(p);
            }
            if (st == TS_OK && (v = json_object_get(item, "@language"))) {
                jl_push_key(p, "@language");
                if (json_is_null(v)) {
                    free(result->lang);
                    result->lang = NULL;
                } else if (json_is_string(v)) {
                    if (!jl_is_lang_tag(json_string_value(v))) {
                        jl_warn(p, "\"%s\" is not a well-formed language tag",
                                json_string_value(v));
                    }
                    free(result->lang);
                    result->lang = ts_strdup(json_string_value(v));
                } else {
                    st = jl_fail(p, "invalid default language", "not a string or null");
                }
                jl_pop(p);
            }
            if (st == TS_OK && (v = json_object_get(item, "@direction"))) {
                const char *ds = json_is_string(v) ? json_string_value(v) : NULL;
                jl_push_key(p, "@direction");
                if (p->mode10) {
                    st = jl_fail(p, "invalid context entry", "@direction in json-ld-1.0 mode");
                } else if (json_is_null(v)) {
                    result->dir = JL_DIR_NONE;
                } else if (ds && !strcmp(ds, "ltr")) {
                    result->dir = JL_DIR_LTR;
                } else if (ds && !strcmp(ds, "rtl")) {
                    result->dir = JL_DIR_RTL;
                } else {
                    st = jl_fail(p, "invalid base direction", "not ltr, rtl or null");
                }
                jl_pop(p);
            }
            if (st == TS_OK && (v = json_object_get(item, "@propagate"))) {
                jl_push_key(p, "@propagate");
                if (p->mode10) {
                    st = jl_fail(p, "invalid context entry", "@propagate in json-ld-1.0 mode");
                } else if (!json_is_boolean(v)) {
                    st = jl_fail(p, "invalid @propagate value", "not a boolean");
                }
                jl_pop(p);
            }
            bool protect = false;
            if (st == TS_OK && (v = json_object_get(item, "@protected"))) {
                if (p->mode10) {
                    st = jl_fail(p, "invalid context entry", "@protected in json-ld-1.0 mode");
                } else if (!json_is_boolean(v)) {
                    st = jl_fail(p, "invalid @protected value", "not a boolean");
                }
                protect = json_is_true(v);
            }
            if (st == TS_OK) {
                defined_map defined = {0};
                const char *key;
                json_t *val;
                json_object_foreach(item, key, val)
                {
                    if (!strcmp(key, "@base") || !strcmp(key, "@direction") ||
                        !strcmp(key, "@import") || !strcmp(key, "@language") ||
                        !strcmp(key, "@propagate") || !strcmp(key, "@protected") ||
                        !strcmp(key, "@version") || !strcmp(key, "@vocab")) {
                        continue;
                    }
                    st = create_term(p, result, item, key, &defined, base_url, protect,
                                     override_protected, chain, validate_scoped);
                    if (st != TS_OK) {
                        break;
                    }
                }
                free(defined.items);
            }
        }
        if (json_is_array(local)) {
            jl_pop(p);
        }
        if (st != TS_OK) {
            goto fail;
        }
    }
    json_decref(merged);
    *out = result;
    return TS_OK;
fail:
    json_decref(merged);
    jl_ctx_unref(result);
    *out = NULL;
    return st;
}

/*
 * A memo key: the flags, then local as written (insertion order; a
 * context written in another order is just another key). Cheaper than
 * json_dumps, which matters when every document names its contexts.
 */
static void key_append(ts_buf *b, const json_t *v, unsigned depth)
{
    if (depth > 64) {
        ts_buf_putc(b, '?');
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        ts_buf_putc(b, '{');
        json_object_foreach((json_t *)v, k, x)
        {
            ts_buf_putc(b, '"');
            for (const char *q = k; *q; q++) {
                if (*q == '"' || *q == '\\') {
                    ts_buf_putc(b, '\\');
                }
                ts_buf_putc(b, *q);
            }
            ts_buf_puts(b, "\":");
            key_append(b, x, depth + 1);
            ts_buf_putc(b, ',');
        }
        ts_buf_putc(b, '}');
        break;
    }
    case JSON_ARRAY:
        ts_buf_putc(b, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            key_append(b, json_array_get(v, i), depth + 1);
            ts_buf_putc(b, ',');
        }
        ts_buf_putc(b, ']');
        break;
    case JSON_STRING: {
        ts_buf_putc(b, '"');
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"' || s[i] == '\\' || s[i] == '\0') {
                ts_buf_putc(b, '\\');
            }
            ts_buf_putc(b, s[i] ? s[i] : '0');
        }
        ts_buf_putc(b, '"');
        break;
    }
    case JSON_INTEGER: ts_buf_printf(b, "%lld", (long long)json_integer_value(v)); break;
    case JSON_REAL: ts_buf_printf(b, "%.17g", json_real_value(v)); break;
    case JSON_TRUE: ts_buf_puts(b, "true"); break;
    case JSON_FALSE: ts_buf_puts(b, "false"); break;
    case JSON_NULL: ts_buf_puts(b, "null"); break;
    }
}

const char *jl_term_context_key(jl_term *t)
{
    if (!t->context_key && t->has_context) {
        ts_buf b = {0};
        key_append(&b, t->context, 0);
        t->context_key = ts_buf_steal(&b);
    }
    return t->context_key;
}

ts_status jl_process_context(jl_proc *p, jl_ctx *active, json_t *local, const char *local_text,
                             const char *base_url, const jl_chain *chain, bool override_protected,
                             bool propagate, bool validate_scoped, jl_ctx **out)
{
    char *key = NULL;
    if (active->persistent && validate_scoped && !chain) {
        /* A term's scoped context is the same JSON value every time:
         * found by identity, without making its text. */
        char flags[4] = {(char)('0' + override_protected), (char)('0' + propagate),
                         (char)('0' + p->mode10), '\0'};
        for (size_t i = 0; i < active->n_memo; i++) {
            if (active->memo[i].local == local && !memcmp(active->memo[i].key, flags, 3)) {
                *out = jl_ctx_ref(active->memo[i].result);
                return TS_OK;
            }
        }
        ts_buf *b = &p->scratch;
        ts_buf_truncate(b, 0);
        ts_buf_puts(b, flags);
        if (local_text) {
            ts_buf_puts(b, local_text);
        } else {
            key_append(b, local, 0);
        }
        for (size_t i = 0; i < active->n_memo; i++) {
            if (!strcmp(active->memo[i].key, b->data)) {
                *out = jl_ctx_ref(active->memo[i].result);
                return TS_OK;
            }
        }
        key = ts_strndup(b->data, b->len);
    }
    bool saved = p->used_doc_base;
    p->used_doc_base = false;
    ts_status st = process(p, active, local, base_url, chain, override_protected, propagate,
                           validate_scoped, out);
    if (st == TS_OK && key && !p->used_doc_base && (*out)->previous != active &&
        active->n_memo < JL_MAX_MEMO && jl_store_adopt(p->store, *out)) {
        active->memo = ts_reallocarray(active->memo, active->n_memo + 1, sizeof *active->memo);
        active->memo[active->n_memo].key = key;
        /* Only a term's context outlives the document: a document's own
         * context is found by its text. */
        active->memo[active->n_memo].local = local_text ? json_incref(local) : NULL;
        active->memo[active->n_memo].result = jl_ctx_ref(*out);
        active->n_memo++;
        key = NULL;
    }
    p->used_doc_base = p->used_doc_base || saved;
    free(key);
    return st;
}
