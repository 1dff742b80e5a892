/* The expansion algorithm (JSON-LD 1.1 Processing Algorithms and API, 5.1). */
#include <stdlib.h>
#include <string.h>

#include "jl_internal.h"

static ts_status expand(jl_proc *p, jl_ctx *active, const char *aprop, json_t *element,
                        const char *base_url, bool from_map, bool inside_list, json_t **out);
static ts_status expand_inner(jl_proc *p, jl_ctx *active, const char *aprop, json_t *element,
                              const char *base_url, bool from_map, bool inside_list, json_t **out);

/* v as an array: a new reference. */
static json_t *as_array(json_t *v)
{
    if (json_is_array(v)) {
        return json_incref(v);
    }
    json_t *a = json_array();
    json_array_append(a, v);
    return a;
}

/* Append value (stolen; an array is spliced in) to obj[key], an array. */
static void add_value(json_t *obj, const char *key, json_t *value)
{
    json_t *arr = json_object_get(obj, key);
    if (!arr && json_is_array(value)) {
        json_object_set_new_nocheck(obj, key, value);
        return;
    }
    if (!arr) {
        arr = json_array();
        json_object_set_new_nocheck(obj, key, arr);
    } else if (!json_is_array(arr)) {
        json_t *wrapped = as_array(arr);
        json_object_set_new_nocheck(obj, key, wrapped);
        arr = wrapped;
    }
    if (json_is_array(value)) {
        json_array_extend(arr, value);
        json_decref(value);
    } else {
        json_array_append_new(arr, value);
    }
}

static bool is_scalar(json_t *v);

/* A value object, or (when expanding for toRdf) a bare scalar standing for
 * {"@value": scalar}. */
static bool is_value_object(json_t *v)
{
    return (json_is_object(v) && json_object_get(v, "@value")) || is_scalar(v);
}

static bool is_list_object(json_t *v)
{
    return json_is_object(v) && json_object_get(v, "@list");
}

static bool is_graph_object(json_t *v)
{
    if (!json_is_object(v) || !json_object_get(v, "@graph")) {
        return false;
    }
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
    {
        if (strcmp(k, "@graph") && strcmp(k, "@id") && strcmp(k, "@index") &&
            strcmp(k, "@context")) {
            return false;
        }
    }
    return true;
}

static bool is_scalar(json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

/* IRI expansion into a new JSON string (or JSON null). */
static json_t *iri_json(jl_proc *p, const jl_ctx *c, const char *value, bool doc_rel, bool vocab)
{
    char *owned;
    const char *r = jl_expand_iri(p, c, value, doc_rel, vocab, &owned);
    json_t *j = r ? json_string(r) : json_null();
    free(owned);
    return j;
}

/* Value expansion (5.3.2) with t, the active property's definition in c
 * (or NULL): a new reference. */
static json_t *value_expand_def(jl_proc *p, jl_ctx *c, const jl_term *t, json_t *value)
{
    if (t && t->type && json_is_string(value)) {
        if (!strcmp(t->type, "@id")) {
            json_t *o = json_object();
            json_object_set_new_nocheck(o, "@id",
                                        iri_json(p, c, json_string_value(value), true, false));
            return o;
        }
        if (!strcmp(t->type, "@vocab")) {
            json_t *o = json_object();
            json_object_set_new_nocheck(o, "@id",
                                        iri_json(p, c, json_string_value(value), true, true));
            return o;
        }
    }
    bool typed = t && t->type && strcmp(t->type, "@id") && strcmp(t->type, "@vocab") &&
                 strcmp(t->type, "@none");
    if (p->plain_values && !typed) {
        /* The common plain literal costs no object (toRdf reads it back). */
        const char *lang = (t && t->has_lang) ? t->lang : c->lang;
        int dir = (t && t->has_dir) ? t->dir : c->dir;
        if (!json_is_string(value) || (!lang && dir != JL_DIR_LTR && dir != JL_DIR_RTL)) {
            return json_incref(value);
        }
    }
    json_t *o = json_object();
    json_object_set_nocheck(o, "@value", value);
    if (typed) {
        json_object_set_new_nocheck(o, "@type", jl_term_type_json((jl_term *)t));
    } else if (json_is_string(value)) {
        const char *lang = (t && t->has_lang) ? t->lang : c->lang;
        int dir = (t && t->has_dir) ? t->dir : c->dir;
        if (lang) {
            json_object_set_new_nocheck(o, "@language",
                                        (t && t->has_lang) ? jl_term_lang_json((jl_term *)t)
                                                           : jl_ctx_lang_json(c));
        }
        if (dir == JL_DIR_LTR || dir == JL_DIR_RTL) {
            json_object_set_new_nocheck(o, "@direction",
                                        json_string(dir == JL_DIR_LTR ? "ltr" : "rtl"));
        }
    }
    return o;
}

static json_t *value_expand(jl_proc *p, jl_ctx *c, const char *aprop, json_t *value)
{
    return value_expand_def(p, c, aprop ? jl_ctx_get(c, aprop) : NULL, value);
}

/* Apply a term's scoped context to c, returning a new reference in *out. */
static ts_status apply_scoped(jl_proc *p, jl_ctx *c, jl_term *t, bool override_protected,
                              bool propagate, jl_ctx **out)
{
    return jl_process_context(p, c, t->context, jl_term_context_key(t), t->base_url, NULL,
                              override_protected, propagate, true, out);
}

static void swap_ctx(jl_ctx **c, jl_ctx *next)
{
    jl_ctx_unref(*c);
    *c = next;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct {
    const char *key;
    json_t *value;
} entry;

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

/* The entries of obj in code point order of their keys (borrowed), in
 * small (which has room for 16) when they fit, else in a new array: free
 * it when it is not small. */
static entry *sorted_entries_in(json_t *obj, size_t *n, entry *small)
{
    *n = json_object_size(obj);
    entry *es = *n <= 16 ? small : ts_malloc(ts_mul_size(*n, sizeof *es));
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        es[i].key = k;
        es[i].value = v;
        i++;
    }
    if (*n > 1) {
        qsort(es, *n, sizeof *es, compare_entries);
    }
    return es;
}

static const char **sorted_keys(json_t *obj, size_t *n)
{
    const char **keys = ts_malloc(ts_mul_size(json_object_size(obj) + 1, sizeof *keys));
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        keys[i++] = k;
    }
    *n = i;
    if (i > 1) {
        qsort(keys, i, sizeof *keys, compare_keys);
    }
    return keys;
}

static bool expands_to(jl_proc *p, const jl_ctx *c, const char *key, const char *keyword)
{
    char *owned;
    const char *r = jl_expand_iri(p, c, key, false, true, &owned);
    bool eq = r && !strcmp(r, keyword);
    free(owned);
    return eq;
}

typedef struct {
    jl_proc *p;
    jl_ctx *ctx;      /* active context of this node */
    jl_ctx *type_ctx; /* the type-scoped context (for @type values) */
    const char *aprop;
    const char *base_url;
    const char *input_type;
    json_t *result;
} node_state;

static ts_status language_map(node_state *ns, const jl_term *kdef, json_t *value, json_t **out)
{
    jl_proc *p = ns->p;
    json_t *ev = json_array();
    int dir = ns->ctx->dir;
    if (kdef->has_dir) {
        dir = kdef->dir;
    }
    size_t n;
    const char **keys = sorted_keys(value, &n);
    ts_status st = TS_OK;
    for (size_t i = 0; i < n && st == TS_OK; i++) {
        const char *lang = keys[i];
        json_t *items = as_array(json_object_get(value, lang));
        bool none = !strcmp(lang, "@none") || expands_to(p, ns->ctx, lang, "@none");
        size_t k;
        json_t *item;
        jl_push_key(p, lang);
        json_array_foreach(items, k, item)
        {
            if (json_is_null(item)) {
                continue;
            }
            if (!json_is_string(item)) {
                st = jl_fail(p, "invalid language map value", "not a string");
                break;
            }
            json_t *v = json_object();
            json_object_set_nocheck(v, "@value", item);
            if (!none) {
                if (!jl_is_lang_tag(lang)) {
                    jl_warn(p, "\"%s\" is not a well-formed language tag", lang);
                }
                /* Language tags are case-insensitive; a map's keys are
                 * lower-cased, as jsonld.js does, so that both give the
                 * same literals. */
                char *lower = ts_strdup(lang);
                for (char *q = lower; *q; q++) {
                    *q = (char)((*q >= 'A' && *q <= 'Z') ? *q + 32 : *q);
                }
                json_object_set_new_nocheck(v, "@language", json_string(lower));
                free(lower);
            }
            if (dir == JL_DIR_LTR || dir == JL_DIR_RTL) {
                json_object_set_new_nocheck(v, "@direction",
                                            json_string(dir == JL_DIR_LTR ? "ltr" : "rtl"));
            }
            json_array_append_new(ev, v);
        }
        jl_pop(p);
        json_decref(items);
    }
    free(keys);
    if (st != TS_OK) {
        json_decref(ev);
        return st;
    }
    *out = ev;
    return TS_OK;
}

static ts_status index_map(node_state *ns, const char *key, const jl_term *kdef, json_t *value,
                           json_t **out)
{
    jl_proc *p = ns->p;
    unsigned cont = kdef->container;
    /* The index mapping, and the values made of the index, come from the
     * context with the key's own scoped context applied: a TD's nested
     * "properties" redefines itself there (@index "propertyName"), as
     * jsonld.js reads it. The index's property IRI comes from the active
     * context. */
    jl_ctx *term_ctx = jl_ctx_ref(ns->ctx);
    if (kdef->has_context) {
        jl_ctx *next = NULL;
        ts_status sst = apply_scoped(p, ns->ctx, (jl_term *)kdef, true, true, &next);
        if (sst != TS_OK) {
            jl_ctx_unref(term_ctx);
            return sst;
        }
        swap_ctx(&term_ctx, next);
    }
    const jl_term *tdef = jl_ctx_get(term_ctx, key);
    const char *index_key = (tdef && tdef->index) ? tdef->index : "@index";
    json_t *ev = json_array();
    size_t n;
    const char **keys = sorted_keys(value, &n);
    ts_status st = TS_OK;
    for (size_t i = 0; i < n && st == TS_OK; i++) {
        const char *index = keys[i];
        jl_push_key(p, index);
        jl_ctx *map_ctx = NULL;
        if (cont & (JL_C_ID | JL_C_TYPE)) {
            map_ctx = jl_ctx_ref(ns->ctx->previous ? ns->ctx->previous : ns->ctx);
        } else {
            map_ctx = jl_ctx_ref(ns->ctx);
        }
        if (cont & JL_C_TYPE) {
            jl_term *it = (jl_term *)jl_ctx_get(map_ctx, index);
            if (it && it->has_context) {
                jl_ctx *next = NULL;
                st = apply_scoped(p, map_ctx, it, false, true, &next);
                if (st == TS_OK) {
                    swap_ctx(&map_ctx, next);
                }
            }
        }
        char *owned = NULL;
        const char *eindex = NULL;
        json_t *items = NULL;
        if (st == TS_OK) {
            eindex = jl_expand_iri(p, ns->ctx, index, false, true, &owned);
            /* A lone value keeps its JSON path free of an array index. */
            json_t *iv = json_object_get(value, index);
            json_t *got = NULL;
            st = expand(p, map_ctx, key, iv, ns->base_url, true, false, &got);
            if (st == TS_OK) {
                items = got ? as_array(got) : json_array();
            }
            json_decref(got);
        }
        bool none = eindex && !strcmp(eindex, "@none");
        size_t k;
        json_t *item;
        if (st == TS_OK && items) {
            json_array_foreach(items, k, item)
            {
                json_t *it = json_incref(item);
                if (is_scalar(it)) {
                    json_t *v = json_object();
                    json_object_set_new_nocheck(v, "@value", it);
                    it = v;
                }
                if ((cont & JL_C_GRAPH) && !is_graph_object(it)) {
                    json_t *g = json_object();
                    json_object_set_new_nocheck(g, "@graph", as_array(it));
                    json_decref(it);
                    it = g;
                }
                if ((cont & JL_C_INDEX) && strcmp(index_key, "@index") && !none) {
                    json_t *idx = json_string(index);
                    json_t *re = value_expand(p, term_ctx, index_key, idx);
                    json_decref(idx);
                    char *ko;
                    const char *eik = jl_expand_iri(p, ns->ctx, index_key, false, true, &ko);
                    if (is_value_object(it)) {
                        st = jl_fail(p, "invalid value object",
                                     "a value in a property-valued index map");
                    } else if (eik) {
                        json_t *vals = json_array();
                        json_array_append_new(vals, re);
                        re = NULL;
                        json_t *old = json_object_get(it, eik);
                        if (old) {
                            json_t *oa = as_array(old);
                            json_array_extend(vals, oa);
                            json_decref(oa);
                        }
                        json_object_set_new_nocheck(it, eik, vals);
                    }
                    json_decref(re);
                    free(ko);
                } else if ((cont & JL_C_INDEX) && !json_object_get(it, "@index") && !none) {
                    json_object_set_new_nocheck(it, "@index", json_string(index));
                } else if ((cont & JL_C_ID) && !json_object_get(it, "@id") && !none) {
                    json_object_set_new_nocheck(it, "@id",
                                                iri_json(p, ns->ctx, index, true, false));
                } else if ((cont & JL_C_TYPE) && !none && eindex) {
                    json_t *types = json_array();
                    json_array_append_new(types, json_string(eindex));
                    json_t *old = json_object_get(it, "@type");
                    if (old) {
                        json_t *oa = as_array(old);
                        json_array_extend(types, oa);
                        json_decref(oa);
                    }
                    json_object_set_new_nocheck(it, "@type", types);
                }
                json_array_append_new(ev, it);
                if (st != TS_OK) {
                    break;
                }
            }
        }
        json_decref(items);
        free(owned);
        jl_ctx_unref(map_ctx);
        jl_pop(p);
    }
    free(keys);
    jl_ctx_unref(term_ctx);
    if (st != TS_OK) {
        json_decref(ev);
        return st;
    }
    *out = ev;
    return TS_OK;
}

static ts_status expand_entries(node_state *ns, json_t *element);

static ts_status keyword_entry(node_state *ns, const char *key, const char *eprop, json_t *value,
                               json_t **nests)
{
    jl_proc *p = ns->p;
    json_t *result = ns->result;
    ts_status st = TS_OK;
    if (ns->aprop && !strcmp(ns->aprop, "@reverse")) {
        return jl_fail(p, "invalid reverse property map", "%s inside @reverse", eprop);
    }
    if (json_object_get(result, eprop) && strcmp(eprop, "@included") && strcmp(eprop, "@type")) {
        return jl_fail(p, "colliding keywords", "%s given twice (through %s)", eprop, key);
    }
    json_t *ev = NULL;
    if (!strcmp(eprop, "@id")) {
        if (!json_is_string(value)) {
            return jl_fail(p, "invalid @id value", "not a string");
        }
        /* A keyword-like @id expands to null: the node is kept but
         * produces no statements. */
        ev = iri_json(p, ns->ctx, json_string_value(value), true, false);
    } else if (!strcmp(eprop, "@type")) {
        bool ok = json_is_string(value) || json_is_array(value);
        size_t i;
        json_t *t;
        if (json_is_array(value)) {
            json_array_foreach(value, i, t)
            {
                ok = ok && json_is_string(t);
            }
        }
        if (!ok) {
            return jl_fail(p, "invalid type value", "not a string or an array of strings");
        }
        if (json_is_string(value)) {
            ev = iri_json(p, ns->type_ctx, json_string_value(value), true, true);
        } else {
            ev = json_array();
            json_array_foreach(value, i, t)
            {
                json_t *x = iri_json(p, ns->type_ctx, json_string_value(t), true, true);
                if (json_is_null(x)) {
                    json_decref(x);
                } else {
                    json_array_append_new(ev, x);
                }
            }
        }
        json_t *old = json_object_get(result, "@type");
        if (old) {
            json_t *all = as_array(old);
            json_t *add = as_array(ev);
            json_array_extend(all, add);
            json_decref(add);
            json_decref(ev);
            ev = all;
        }
        if (json_is_null(ev)) {
            json_decref(ev);
            ev = NULL;
        }
    } else if (!strcmp(eprop, "@graph")) {
        json_t *g = NULL;
        st = expand(p, ns->ctx, "@graph", value, ns->base_url, false, false, &g);
        if (st != TS_OK) {
            return st;
        }
        ev = g ? as_array(g) : json_array();
        json_decref(g);
    } else if (!strcmp(eprop, "@included")) {
        if (p->mode10) {
            return TS_OK;
        }
        json_t *raw = as_array(value);
        size_t ri;
        json_t *rx;
        json_array_foreach(raw, ri, rx)
        {
            bool node = json_is_object(rx);
            const char *rk;
            json_t *rv;
            if (node) {
                json_object_foreach(rx, rk, rv)
                {
                    if (expands_to(p, ns->ctx, rk, "@value") ||
                        expands_to(p, ns->ctx, rk, "@list")) {
                        node = false;
                    }
                }
            }
            if (!node) {
                json_decref(raw);
                return jl_fail(p, "invalid @included value", "not a node object");
            }
        }
        json_decref(raw);
        json_t *g = NULL;
        st = expand(p, ns->ctx, NULL, value, ns->base_url, false, false, &g);
        if (st != TS_OK) {
            return st;
        }
        ev = g ? as_array(g) : json_array();
        json_decref(g);
        size_t i;
        json_t *x;
        json_array_foreach(ev, i, x)
        {
            if (!json_is_object(x) || json_object_get(x, "@value") || json_object_get(x, "@list") ||
                json_object_get(x, "@set")) {
                json_decref(ev);
                return jl_fail(p, "invalid @included value", "not a node object");
            }
        }
        json_t *old = json_object_get(result, "@included");
        if (old) {
            json_t *all = json_copy(old);
            json_array_extend(all, ev);
            json_decref(ev);
            ev = all;
        }
    } else if (!strcmp(eprop, "@value")) {
        if (ns->input_type && !strcmp(ns->input_type, "@json")) {
            if (p->mode10) {
                return jl_fail(p, "invalid value object value", "@json in json-ld-1.0 mode");
            }
            ev = json_incref(value);
        } else if (!json_is_null(value) && !is_scalar(value)) {
            return jl_fail(p, "invalid value object value", "not a string, number or boolean");
        } else {
            ev = json_incref(value);
        }
    } else if (!strcmp(eprop, "@language")) {
        if (!json_is_string(value)) {
            return jl_fail(p, "invalid language-tagged string", "@language is not a string");
        }
        if (!jl_is_lang_tag(json_string_value(value))) {
            jl_warn(p, "\"%s\" is not a well-formed language tag", json_string_value(value));
        }
        ev = json_incref(value);
    } else if (!strcmp(eprop, "@direction")) {
        if (p->mode10) {
            return TS_OK;
        }
        const char *d = json_is_string(value) ? json_string_value(value) : "";
        if (strcmp(d, "ltr") && strcmp(d, "rtl")) {
            return jl_fail(p, "invalid base direction", "not ltr or rtl");
        }
        ev = json_incref(value);
    } else if (!strcmp(eprop, "@index")) {
        if (!json_is_string(value)) {
            return jl_fail(p, "invalid @index value", "not a string");
        }
        ev = json_incref(value);
    } else if (!strcmp(eprop, "@list")) {
        if (!ns->aprop || !strcmp(ns->aprop, "@graph")) {
            return TS_OK;
        }
        json_t *l = NULL;
        st = expand(p, ns->ctx, ns->aprop, value, ns->base_url, false, true, &l);
        if (st != TS_OK) {
            return st;
        }
        ev = l ? as_array(l) : json_array();
        json_decref(l);
    } else if (!strcmp(eprop, "@set")) {
        st = expand(p, ns->ctx, ns->aprop, value, ns->base_url, false, false, &ev);
        if (st != TS_OK) {
            return st;
        }
        if (!ev) {
            ev = json_array();
        }
    } else if (!strcmp(eprop, "@reverse")) {
        if (!json_is_object(value)) {
            return jl_fail(p, "invalid @reverse value", "not an object");
        }
        json_t *r = NULL;
        st = expand(p, ns->ctx, "@reverse", value, ns->base_url, false, false, &r);
        if (st != TS_OK) {
            return st;
        }
        if (json_is_object(r)) {
            json_t *rr = json_object_get(r, "@reverse");
            const char *k;
            json_t *items;
            if (rr) {
                json_object_foreach(rr, k, items)
                {
                    add_value(result, k, as_array(items));
                }
            }
            json_t *rmap = NULL;
            json_object_foreach(r, k, items)
            {
                if (!strcmp(k, "@reverse")) {
                    continue;
                }
                if (!rmap) {
                    rmap = json_object_get(result, "@reverse");
                    if (!rmap) {
                        rmap = json_object();
                        json_object_set_new_nocheck(result, "@reverse", rmap);
                    }
                }
                size_t i;
                json_t *item;
                json_array_foreach(items, i, item)
                {
                    if (is_value_object(item) || is_list_object(item)) {
                        json_decref(r);
                        return jl_fail(p, "invalid reverse property value",
                                       "a value or list cannot be reversed");
                    }
                    add_value(rmap, k, json_incref(item));
                }
            }
        }
        json_decref(r);
        return TS_OK;
    } else if (!strcmp(eprop, "@nest")) {
        if (!*nests) {
            *nests = json_array();
        }
        json_array_append_new(*nests, json_string(key));
        return TS_OK;
    } else {
        return TS_OK;
    }
    if (!strcmp(eprop, "@value") && json_is_null(ev)) {
        json_object_set_new_nocheck(result, "@value", ev);
        return TS_OK;
    }
    if (ev) {
        json_object_set_new_nocheck(result, eprop, ev);
    }
    return TS_OK;
}

static ts_status expand_entries(node_state *ns, json_t *element)
{
    jl_proc *p = ns->p;
    json_t *result = ns->result;
    json_t *nests = NULL;
    ts_status st = TS_OK;
    /* Keys in code point order, as the specification's examples assume:
     * "@reverse" is met before any reverse property term. */
    size_t n_keys;
    entry small[16];
    entry *keys = sorted_entries_in(element, &n_keys, small);
    for (size_t ki = 0; ki < n_keys; ki++) {
        const char *key = keys[ki].key;
        json_t *value = keys[ki].value;
        if (!strcmp(key, "@context")) {
            continue;
        }
        char *owned = NULL;
        /* A term's key expands to its IRI mapping (5.2.2 step 4): one
         * lookup gives both. */
        const jl_term *kdef = key[0] == '@' ? NULL : jl_ctx_get(ns->ctx, key);
        const char *eprop = kdef ? kdef->iri : jl_expand_iri(p, ns->ctx, key, false, true, &owned);
        if (!eprop || (!strchr(eprop, ':') && !jl_is_keyword(eprop))) {
            free(owned);
            continue;
        }
        if (eprop[0] == '@') {
            st = keyword_entry(ns, key, eprop, value, &nests);
            free(owned);
            if (st != TS_OK) {
                break;
            }
            continue;
        }
        jl_push_key(p, key);
        if (!kdef) {
            kdef = jl_ctx_get(ns->ctx, key);
        }
        unsigned cont = kdef ? kdef->container : 0;
        json_t *ev = NULL;
        if (kdef && kdef->type && !strcmp(kdef->type, "@json")) {
            ev = json_object();
            json_object_set_nocheck(ev, "@value", value);
            json_object_set_new_nocheck(ev, "@type", json_string("@json"));
        } else if ((cont & JL_C_LANGUAGE) && json_is_object(value)) {
            st = language_map(ns, kdef, value, &ev);
        } else if ((cont & (JL_C_INDEX | JL_C_TYPE | JL_C_ID)) && json_is_object(value)) {
            st = index_map(ns, key, kdef, value, &ev);
        } else {
            st = expand(p, ns->ctx, key, value, ns->base_url, false, false, &ev);
        }
        if (st == TS_OK && ev) {
            if ((cont & JL_C_LIST) && !is_list_object(ev)) {
                json_t *l = json_object();
                json_object_set_new_nocheck(l, "@list", as_array(ev));
                json_decref(ev);
                ev = l;
            }
            if ((cont & JL_C_GRAPH) && !(cont & (JL_C_ID | JL_C_INDEX))) {
                json_t *arr = as_array(ev);
                json_t *wrapped = json_array();
                size_t i;
                json_t *x;
                json_array_foreach(arr, i, x)
                {
                    json_t *g = json_object();
                    json_object_set_new_nocheck(g, "@graph", as_array(x));
                    json_array_append_new(wrapped, g);
                }
                json_decref(arr);
                json_decref(ev);
                ev = wrapped;
            }
            if (kdef && kdef->reverse) {
                json_t *rmap = json_object_get(result, "@reverse");
                if (!rmap) {
                    rmap = json_object();
                    json_object_set_new_nocheck(result, "@reverse", rmap);
                }
                json_t *arr = as_array(ev);
                size_t i;
                json_t *x;
                json_array_foreach(arr, i, x)
                {
                    if (is_value_object(x) || is_list_object(x)) {
                        st = jl_fail(p, "invalid reverse property value",
                                     "a value or list cannot be reversed");
                        break;
                    }
                    add_value(rmap, eprop, json_incref(x));
                }
                json_decref(arr);
                json_decref(ev);
            } else {
                /* ev is ours: add_value keeps it or splices it in. */
                if (json_is_array(ev)) {
                    add_value(result, eprop, ev);
                } else {
                    add_value(result, eprop, as_array(ev));
                    json_decref(ev);
                }
            }
        }
        jl_pop(p);
        free(owned);
        if (st != TS_OK) {
            break;
        }
    }
    if (keys != small) {
        free(keys);
    }
    if (st == TS_OK && nests) {
        /* Nested properties, in key order. */
        size_t i;
        json_t *nk;
        json_array_foreach(nests, i, nk)
        {
            const char *nkey = json_string_value(nk);
            json_t *vals = as_array(json_object_get(element, nkey));
            node_state nested = *ns;
            jl_term *nt = (jl_term *)jl_ctx_get(ns->ctx, nkey);
            if (nt && nt->has_context) {
                st = apply_scoped(p, ns->ctx, nt, true, true, &nested.ctx);
                if (st != TS_OK) {
                    json_decref(vals);
                    break;
                }
            } else {
                jl_ctx_ref(nested.ctx);
            }
            size_t j;
            json_t *nv;
            jl_push_key(p, nkey);
            json_array_foreach(vals, j, nv)
            {
                bool ok = json_is_object(nv);
                const char *k;
                json_t *x;
                if (ok) {
                    json_object_foreach(nv, k, x)
                    {
                        if (expands_to(p, nested.ctx, k, "@value")) {
                            ok = false;
                        }
                    }
                }
                if (!ok) {
                    st = jl_fail(p, "invalid @nest value", "not a node object");
                    break;
                }
                st = expand_entries(&nested, nv);
                if (st != TS_OK) {
                    break;
                }
            }
            jl_pop(p);
            jl_ctx_unref(nested.ctx);
            json_decref(vals);
            if (st != TS_OK) {
                break;
            }
        }
    }
    json_decref(nests);
    return st;
}

static const char *const value_keys[] = {"@direction", "@index", "@language", "@type", "@value"};

/* Steps 15 to 20 of 5.1.2: check and simplify a finished object. */
/* The keyword entries of an expanded object, found in one pass. */
typedef struct {
    json_t *value, *type, *language, *direction, *set, *list, *index, *id;
} keyword_entries;

static void scan_keywords(json_t *obj, keyword_entries *kw)
{
    memset(kw, 0, sizeof *kw);
    const char *k;
    json_t *x;
    json_object_foreach(obj, k, x)
    {
        if (k[0] != '@') {
            continue;
        }
        json_t **slot = !strcmp(k, "@value")       ? &kw->value
                        : !strcmp(k, "@type")      ? &kw->type
                        : !strcmp(k, "@language")  ? &kw->language
                        : !strcmp(k, "@direction") ? &kw->direction
                        : !strcmp(k, "@set")       ? &kw->set
                        : !strcmp(k, "@list")      ? &kw->list
                        : !strcmp(k, "@index")     ? &kw->index
                        : !strcmp(k, "@id")        ? &kw->id
                                                   : NULL;
        if (slot) {
            *slot = x;
        }
    }
}

static ts_status finish_object(jl_proc *p, const char *aprop, json_t **resultp)
{
    json_t *result = *resultp;
    keyword_entries kw;
    scan_keywords(result, &kw);
    json_t *v = kw.value;
    if (v) {
        const char *k;
        json_t *x;
        json_object_foreach(result, k, x)
        {
            bool ok = false;
            for (size_t i = 0; i < sizeof value_keys / sizeof value_keys[0]; i++) {
                ok = ok || !strcmp(k, value_keys[i]);
            }
            if (!ok) {
                return jl_fail(p, "invalid value object", "unexpected entry %s", k);
            }
        }
        json_t *t = kw.type;
        if (t && (kw.language || kw.direction)) {
            return jl_fail(p, "invalid value object", "@type with @language or @direction");
        }
        if (t && json_is_string(t) && !strcmp(json_string_value(t), "@json")) {
            return TS_OK;
        }
        if (json_is_null(v)) {
            json_decref(result);
            *resultp = NULL;
            return TS_OK;
        }
        if (!json_is_string(v) && kw.language) {
            return jl_fail(p, "invalid language-tagged value", "@language on a non-string");
        }
        if (t && (!json_is_string(t) || !jl_is_well_formed_iri(json_string_value(t)) ||
                  (json_string_value(t)[0] == '_' && json_string_value(t)[1] == ':'))) {
            return jl_fail(p, "invalid typed value", "@type is not an IRI");
        }
    } else if (kw.type && !json_is_array(kw.type)) {
        json_object_set_new_nocheck(result, "@type", as_array(kw.type));
    } else if (kw.set || kw.list) {
        size_t n = json_object_size(result);
        if (n > 2 || (n == 2 && !kw.index)) {
            return jl_fail(p, "invalid set or list object", "unexpected entries");
        }
        if (kw.set) {
            json_t *s = json_incref(kw.set);
            json_decref(result);
            *resultp = result = s;
            if (!json_is_object(result)) {
                return TS_OK;
            }
            scan_keywords(result, &kw);
        }
    }
    if (!json_is_object(result)) {
        return TS_OK;
    }
    size_t n = json_object_size(result);
    if (n == 1 && kw.language) {
        json_decref(result);
        *resultp = NULL;
        return TS_OK;
    }
    if ((!aprop || !strcmp(aprop, "@graph")) &&
        (n == 0 || kw.value || kw.list || (n == 1 && kw.id))) {
        json_decref(result);
        *resultp = NULL;
        return TS_OK;
    }
    if (json_is_null(kw.id) && n == 1) {
        json_decref(result);
        *resultp = NULL;
    }
    return TS_OK;
}

static ts_status expand_object(jl_proc *p, jl_ctx *active, const char *aprop, const jl_term *apdef,
                               json_t *element, const char *base_url, bool from_map, json_t **out)
{
    ts_status st = TS_OK;
    jl_ctx *ctx = jl_ctx_ref(active);
    if (ctx->previous && !from_map) {
        bool revert = true;
        const char *k;
        json_t *x;
        json_object_foreach(element, k, x)
        {
            char *owned;
            const char *e = jl_expand_iri(p, ctx, k, false, true, &owned);
            if (e && !strcmp(e, "@value")) {
                revert = false;
            }
            if (e && !strcmp(e, "@id") && json_object_size(element) == 1) {
                revert = false;
            }
            free(owned);
        }
        if (revert) {
            swap_ctx(&ctx, jl_ctx_ref(ctx->previous));
        }
    }
    if (apdef && apdef->has_context) {
        jl_ctx *next = NULL;
        st = apply_scoped(p, ctx, (jl_term *)apdef, true, true, &next);
        if (st != TS_OK) {
            jl_ctx_unref(ctx);
            return st;
        }
        swap_ctx(&ctx, next);
    }
    json_t *lc = json_object_get(element, "@context");
    if (lc) {
        jl_ctx *next = NULL;
        jl_push_key(p, "@context");
        st = jl_process_context(p, ctx, lc, NULL, base_url, NULL, false, true, true, &next);
        jl_pop(p);
        if (st != TS_OK) {
            jl_ctx_unref(ctx);
            return st;
        }
        swap_ctx(&ctx, next);
    }
    jl_ctx *type_ctx = jl_ctx_ref(ctx);
    /* The entries that expand to @type: "@type" itself, or a term the
     * context maps to @type (found by one lookup each, not by expanding
     * every key), in key order. */
    entry small_types[4];
    entry *tkeys = small_types;
    size_t n = 0, cap = sizeof small_types / sizeof small_types[0];
    if (type_ctx->aliases & JL_ALIAS_TYPE) {
        const char *k;
        json_t *x;
        json_object_foreach(element, k, x)
        {
            const jl_term *t = k[0] == '@' ? NULL : jl_ctx_get(type_ctx, k);
            if (k[0] == '@' ? strcmp(k, "@type") != 0
                            : !(t && t->iri && !strcmp(t->iri, "@type"))) {
                continue;
            }
            if (n == cap) {
                cap *= 2;
                entry *grown = ts_malloc(ts_mul_size(cap, sizeof *grown));
                memcpy(grown, tkeys, n * sizeof *tkeys);
                if (tkeys != small_types) {
                    free(tkeys);
                }
                tkeys = grown;
            }
            tkeys[n].key = k;
            tkeys[n].value = x;
            n++;
        }
        if (n > 1) {
            qsort(tkeys, n, sizeof *tkeys, compare_entries);
        }
    } else if ((tkeys[0].value = json_object_get(element, "@type"))) {
        tkeys[0].key = "@type";
        n = 1;
    }
    char *input_type = NULL;
    bool first_type = true;
    for (size_t i = 0; i < n && st == TS_OK; i++) {
        json_t *tv = tkeys[i].value;
        size_t m = json_is_array(tv) ? json_array_size(tv) : 1;
        const char *small_terms[8];
        const char **terms = m <= 8 ? small_terms : ts_malloc(ts_mul_size(m, sizeof *terms));
        size_t nt = 0;
        for (size_t j = 0; j < m; j++) {
            json_t *tj = json_is_array(tv) ? json_array_get(tv, j) : tv;
            if (json_is_string(tj)) {
                terms[nt++] = json_string_value(tj);
            }
        }
        json_t *last = json_is_array(tv) ? json_array_get(tv, m - 1) : tv;
        if (first_type && m && json_is_string(last)) {
            char *owned;
            const char *e = jl_expand_iri(p, ctx, json_string_value(last), false, true, &owned);
            input_type = e ? (owned ? owned : ts_strdup(e)) : NULL;
            if (!e) {
                free(owned);
            }
        }
        first_type = false;
        if (nt > 1) {
            qsort(terms, nt, sizeof *terms, compare_keys);
        }
        for (size_t j = 0; j < nt && st == TS_OK; j++) {
            jl_term *t = (jl_term *)jl_ctx_get(type_ctx, terms[j]);
            if (t && t->has_context) {
                jl_ctx *next = NULL;
                st = apply_scoped(p, ctx, t, false, false, &next);
                if (st == TS_OK) {
                    swap_ctx(&ctx, next);
                }
            }
        }
        if (terms != small_terms) {
            free(terms);
        }
    }
    if (tkeys != small_types) {
        free(tkeys);
    }
    json_t *result = json_object();
    if (st == TS_OK) {
        node_state ns = {p, ctx, type_ctx, aprop, base_url, input_type, result};
        st = expand_entries(&ns, element);
    }
    if (st == TS_OK) {
        st = finish_object(p, aprop, &result);
    }
    free(input_type);
    jl_ctx_unref(type_ctx);
    jl_ctx_unref(ctx);
    if (st != TS_OK) {
        json_decref(result);
        return st;
    }
    *out = result;
    return TS_OK;
}

static ts_status expand(jl_proc *p, jl_ctx *active, const char *aprop, json_t *element,
                        const char *base_url, bool from_map, bool inside_list, json_t **out)
{
    *out = NULL;
    if (json_is_null(element)) {
        return TS_OK;
    }
    if (p->rdepth >= JL_MAX_DEPTH) {
        return jl_fail(p, "limit exceeded", "nested deeper than %d levels", JL_MAX_DEPTH);
    }
    p->rdepth++;
    ts_status st = expand_inner(p, active, aprop, element, base_url, from_map, inside_list, out);
    p->rdepth--;
    return st;
}

static ts_status expand_inner(jl_proc *p, jl_ctx *active, const char *aprop, json_t *element,
                              const char *base_url, bool from_map, bool inside_list, json_t **out)
{
    const jl_term *apdef = aprop ? jl_ctx_get(active, aprop) : NULL;
    if (is_scalar(element)) {
        if (!aprop || !strcmp(aprop, "@graph")) {
            return TS_OK;
        }
        if (apdef && apdef->has_context) {
            jl_ctx *c = NULL;
            ts_status st = apply_scoped(p, active, (jl_term *)apdef, true, true, &c);
            if (st != TS_OK) {
                return st;
            }
            *out = value_expand(p, c, aprop, element);
            jl_ctx_unref(c);
            return TS_OK;
        }
        *out = value_expand_def(p, active, apdef, element);
        return TS_OK;
    }
    if (json_is_array(element)) {
        json_t *result = json_array();
        bool list = inside_list || (apdef && (apdef->container & JL_C_LIST));
        size_t i;
        json_t *item;
        json_array_foreach(element, i, item)
        {
            json_t *e = NULL;
            jl_push_index(p, i);
            ts_status st = expand(p, active, aprop, item, base_url, from_map, false, &e);
            jl_pop(p);
            if (st != TS_OK) {
                json_decref(result);
                return st;
            }
            if (list && p->mode10 && (json_is_array(e) || is_list_object(e))) {
                json_decref(e);
                json_decref(result);
                return jl_fail(p, "list of lists", "not allowed in json-ld-1.0 mode");
            }
            if (list && json_is_array(e)) {
                json_t *l = json_object();
                json_object_set_new_nocheck(l, "@list", e);
                e = l;
            }
            if (json_is_array(e)) {
                json_array_extend(result, e);
                json_decref(e);
            } else if (e) {
                json_array_append_new(result, e);
            }
        }
        *out = result;
        return TS_OK;
    }
    if (!json_is_object(element)) {
        return TS_OK;
    }
    return expand_object(p, active, aprop, apdef, element, base_url, from_map, out);
}

ts_status jl_expand(jl_proc *p, json_t *doc, jl_ctx *initial, json_t **out)
{
    json_t *r = NULL;
    ts_status st = expand(p, initial, NULL, doc, p->doc_base, false, false, &r);
    if (st != TS_OK) {
        return st;
    }
    if (json_is_object(r) && json_object_size(r) == 1 && json_object_get(r, "@graph")) {
        json_t *g = json_incref(json_object_get(r, "@graph"));
        json_decref(r);
        r = g;
    }
    if (!r) {
        r = json_array();
    } else if (!json_is_array(r)) {
        json_t *a = as_array(r);
        json_decref(r);
        r = a;
    }
    *out = r;
    return TS_OK;
}
