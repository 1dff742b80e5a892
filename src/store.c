#include "tinyscope/store.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <serd/serd.h>

typedef struct {
    char *name;
    char *ns;
    size_t ns_len;
} prefix;

/* Label predicates, most preferred first. */
static const char *const label_predicates[] = {
    TS_NS_RDFS "label",   TS_NS_SKOS "prefLabel", TS_NS_SCHEMA "name",
    "http://schema.org/name", TS_NS_TD "title",   TS_NS_DCTERMS "title",
    TS_NS_DC "title",
};
#define N_LABEL_PREDICATES (sizeof label_predicates / sizeof label_predicates[0])

/* Distinct triples sorted by node address with the object (OBJ_FIRST) or
 * the predicate (PRED_FIRST) leading: what Sord's OPS and POS indices
 * would answer, built only when a pattern needs one. */
enum { OBJ_FIRST, PRED_FIRST, N_ORDERS };

typedef struct {
    const SordNode *k[3];
} key3;

typedef struct {
    key3 *keys;
    size_t n;
    unsigned long generation; /* the store's generation when built */
    size_t quads;             /* and its quad count (Sord may be written directly) */
    bool built;
} order_index;

struct ts_store {
    SordWorld *world;
    SordModel *model;
    ts_source **sources;
    size_t n_sources;
    size_t cap_sources;
    prefix *prefixes;
    size_t n_prefixes;
    size_t cap_prefixes;
    SordNode *label_preds[N_LABEL_PREDICATES];
    unsigned long generation; /* changes whenever quads come or go */
    order_index *orders;      /* [N_ORDERS], built on demand */
};

static const struct {
    const char *name;
    const char *ns;
} well_known[] = {
    {"rdf", TS_NS_RDF},
    {"rdfs", TS_NS_RDFS},
    {"owl", TS_NS_OWL},
    {"xsd", TS_NS_XSD},
    {"schema", TS_NS_SCHEMA},
    {"sosa", TS_NS_SOSA},
    {"ssn", TS_NS_SSN},
    {"ssn-system", TS_NS_SSN_SYSTEM},
    {"td", TS_NS_TD},
    {"om", TS_NS_OM},
    {"s3n", TS_NS_S3N},
    {"nnet", TS_NS_NNET},
    {"s3n_extend", TS_NS_S3N_EXTEND},
    {"sosa_extend", TS_NS_SOSA_EXTEND},
    {"ssn_extend", TS_NS_SSN_EXTEND},
    {"skos", TS_NS_SKOS},
    {"dc", TS_NS_DC},
    {"dcterms", TS_NS_DCTERMS},
    {"hctl", "https://www.w3.org/2019/wot/hypermedia#"},
    {"wotsec", "https://www.w3.org/2019/wot/security#"},
    {"jsonschema", "https://www.w3.org/2019/wot/json-schema#"},
    {"tiny", TS_NS_TINY},
};

const char *ts_format_name(ts_format fmt)
{
    switch (fmt) {
    case TS_FMT_TURTLE: return "turtle";
    case TS_FMT_NTRIPLES: return "n-triples";
    case TS_FMT_NQUADS: return "n-quads";
    case TS_FMT_TRIG: return "trig";
    case TS_FMT_JSONLD: return "json-ld";
    case TS_FMT_TFLITE: return "tflite";
    case TS_FMT_UNKNOWN: break;
    }
    return "unknown";
}

/* Sord reports terms it cannot expand on stderr; the loader reports them
 * itself, with a position. */
static SerdStatus quiet_sord_error(void *handle, const SerdError *error)
{
    (void)handle;
    (void)error;
    return SERD_SUCCESS;
}

ts_store *ts_store_new(void)
{
    ts_store *store = ts_calloc(1, sizeof *store);
    store->world = sord_world_new();
    sord_world_set_error_sink(store->world, quiet_sord_error, NULL);
    /* Sord keeps every index up to date on each insertion, comparing node
     * strings at every B-tree step: each index costs about as much as
     * parsing. So the model has only SPO and its graph-first twin GSPO
     * (per-source work); patterns led by an object or a predicate are
     * answered by ts_store_match from address-sorted arrays built when
     * first needed. */
    store->model = sord_new(store->world, SORD_SPO, true);
    store->orders = ts_calloc(N_ORDERS, sizeof *store->orders);
    for (size_t i = 0; i < sizeof well_known / sizeof well_known[0]; i++) {
        ts_store_add_prefix(store, well_known[i].name, well_known[i].ns);
    }
    for (size_t i = 0; i < N_LABEL_PREDICATES; i++) {
        store->label_preds[i] =
            sord_new_uri(store->world, (const uint8_t *)label_predicates[i]);
    }
    return store;
}

static void source_free(ts_store *store, ts_source *src)
{
    for (size_t i = 0; i < src->n_graphs; i++) {
        sord_node_free(store->world, src->graphs[i]);
    }
    free(src->graphs);
    free(src->path);
    free(src->uri);
    free(src);
}

void ts_store_free(ts_store *store)
{
    if (!store) {
        return;
    }
    for (size_t i = 0; i < store->n_sources; i++) {
        source_free(store, store->sources[i]);
    }
    free(store->sources);
    for (size_t i = 0; i < store->n_prefixes; i++) {
        free(store->prefixes[i].name);
        free(store->prefixes[i].ns);
    }
    free(store->prefixes);
    for (size_t i = 0; i < N_LABEL_PREDICATES; i++) {
        sord_node_free(store->world, store->label_preds[i]);
    }
    for (int k = 0; k < N_ORDERS; k++) {
        free(store->orders[k].keys);
    }
    free(store->orders);
    sord_free(store->model);
    sord_world_free(store->world);
    free(store);
}

SordWorld *ts_store_world(const ts_store *store) { return store->world; }
SordModel *ts_store_model(const ts_store *store) { return store->model; }

static char *path_to_uri(const char *path)
{
    char *abs = realpath(path, NULL);
    if (!abs) {
        char cwd[PATH_MAX];
        if (path[0] != '/' && getcwd(cwd, sizeof cwd)) {
            abs = ts_asprintf("%s/%s", cwd, path);
        } else {
            abs = ts_strdup(path);
        }
    }
    SerdNode uri = serd_node_new_file_uri((const uint8_t *)abs, NULL, NULL, true);
    char *out = ts_strdup((const char *)uri.buf);
    serd_node_free(&uri);
    free(abs);
    return out;
}

ts_source *ts_store_add_source(ts_store *store, const char *path,
                               const char *uri, ts_format fmt)
{
    ts_source *src = ts_calloc(1, sizeof *src);
    src->path = ts_strdup(path ? path : "");
    src->uri = uri ? ts_strdup(uri) : path_to_uri(src->path);
    src->format = fmt;
    src->graph = sord_new_uri(store->world, (const uint8_t *)src->uri);
    src->graphs = ts_malloc(sizeof *src->graphs);
    src->graphs[0] = src->graph;
    src->n_graphs = 1;
    if (store->n_sources == store->cap_sources) {
        store->cap_sources = store->cap_sources ? store->cap_sources * 2 : 8;
        store->sources = ts_reallocarray(store->sources, store->cap_sources,
                                         sizeof *store->sources);
    }
    store->sources[store->n_sources++] = src;
    return src;
}

size_t ts_store_source_count(const ts_store *store) { return store->n_sources; }

ts_source *ts_store_source(const ts_store *store, size_t i)
{
    return i < store->n_sources ? store->sources[i] : NULL;
}

ts_source *ts_store_source_of_graph(const ts_store *store, const SordNode *graph)
{
    for (size_t i = 0; i < store->n_sources; i++) {
        ts_source *src = store->sources[i];
        for (size_t j = 0; j < src->n_graphs; j++) {
            if (src->graphs[j] == graph) {
                return src;
            }
        }
    }
    return NULL;
}

void ts_store_source_note_graph(ts_store *store, ts_source *src, const SordNode *graph)
{
    for (size_t j = 0; j < src->n_graphs; j++) {
        if (src->graphs[j] == graph) {
            return;
        }
    }
    src->graphs = ts_reallocarray(src->graphs, src->n_graphs + 1, sizeof *src->graphs);
    src->graphs[src->n_graphs++] = sord_node_copy(graph);
    (void)store;
}

void ts_store_remove_source(ts_store *store, ts_source *src)
{
    store->generation++;
    for (size_t j = 0; j < src->n_graphs; j++) {
        SordIter *it = sord_search(store->model, NULL, NULL, NULL, src->graphs[j]);
        while (!sord_iter_end(it)) {
            sord_erase(store->model, it);
        }
        sord_iter_free(it);
    }
    for (size_t i = 0; i < store->n_sources; i++) {
        if (store->sources[i] == src) {
            memmove(store->sources + i, store->sources + i + 1,
                    (store->n_sources - i - 1) * sizeof *store->sources);
            store->n_sources--;
            break;
        }
    }
    source_free(store, src);
}

bool ts_store_add(ts_store *store, ts_source *src, SordNode *s, SordNode *p,
                  SordNode *o, SordNode *g)
{
    if (!g) {
        g = src ? src->graph : NULL;
    }
    SordQuad quad = {s, p, o, g};
    bool added = sord_add(store->model, quad);
    store->generation += added;
    if (src) {
        src->statements++;
        if (added) {
            src->triples++;
        }
    }
    return added;
}

void ts_store_add_prefix(ts_store *store, const char *name, const char *ns)
{
    if (!ns[0]) {
        return;
    }
    for (size_t i = 0; i < store->n_prefixes; i++) {
        if (!strcmp(store->prefixes[i].name, name) || !strcmp(store->prefixes[i].ns, ns)) {
            return;
        }
    }
    if (store->n_prefixes == store->cap_prefixes) {
        store->cap_prefixes = store->cap_prefixes ? store->cap_prefixes * 2 : 32;
        store->prefixes = ts_reallocarray(store->prefixes, store->cap_prefixes,
                                          sizeof *store->prefixes);
    }
    prefix *p = &store->prefixes[store->n_prefixes++];
    p->name = ts_strdup(name);
    p->ns = ts_strdup(ns);
    p->ns_len = strlen(ns);
}

size_t ts_store_prefix_count(const ts_store *store) { return store->n_prefixes; }

void ts_store_prefix(const ts_store *store, size_t i, const char **name, const char **ns)
{
    *name = store->prefixes[i].name;
    *ns = store->prefixes[i].ns;
}

char *ts_store_expand(const ts_store *store, const char *curie)
{
    const char *colon = strchr(curie, ':');
    if (!colon) {
        return NULL;
    }
    size_t n = (size_t)(colon - curie);
    for (size_t i = 0; i < store->n_prefixes; i++) {
        const prefix *p = &store->prefixes[i];
        if (strlen(p->name) == n && !strncmp(p->name, curie, n)) {
            return ts_asprintf("%s%s", p->ns, colon + 1);
        }
    }
    return NULL;
}

/* Whether s can stand after "prefix:" and read back as the same IRI. A
 * conservative subset of Turtle's PN_LOCAL: no escapes needed. */
static bool local_name_ok(const char *s)
{
    if (!*s) {
        return true;
    }
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '-' || u[0] == '.') {
        return false;
    }
    size_t n = strlen(s);
    if (u[n - 1] == '.') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(isalnum(u[i]) || u[i] == '_' || u[i] == '-' || u[i] == '.' ||
              u[i] >= 0x80)) {
            return false;
        }
    }
    return true;
}

char *ts_store_shorten_iri(const ts_store *store, const char *iri)
{
    const prefix *best = NULL;
    for (size_t i = 0; i < store->n_prefixes; i++) {
        const prefix *p = &store->prefixes[i];
        if (!strncmp(iri, p->ns, p->ns_len) && (!best || p->ns_len > best->ns_len) &&
            local_name_ok(iri + p->ns_len)) {
            best = p;
        }
    }
    if (best) {
        return ts_asprintf("%s:%s", best->name, iri + best->ns_len);
    }
    return ts_asprintf("<%s>", iri);
}

char *ts_store_shorten(const ts_store *store, const SordNode *node)
{
    const char *str = (const char *)sord_node_get_string(node);
    switch (sord_node_get_type(node)) {
    case SORD_URI:
        return ts_store_shorten_iri(store, str);
    case SORD_BLANK:
        return ts_asprintf("_:%s", str);
    case SORD_LITERAL:
        break;
    }
    ts_buf b = {0};
    ts_buf_putc(&b, '"');
    ts_buf_puts(&b, str);
    ts_buf_putc(&b, '"');
    const char *lang = sord_node_get_language(node);
    SordNode *dt = sord_node_get_datatype(node);
    if (lang && *lang) {
        ts_buf_printf(&b, "@%s", lang);
    } else if (dt) {
        char *d = ts_store_shorten_iri(store, (const char *)sord_node_get_string(dt));
        ts_buf_printf(&b, "^^%s", d);
        free(d);
    }
    return ts_buf_steal(&b);
}

const char *ts_user_language(void)
{
    static char lang[16];
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v && strcmp(v, "C") && strncmp(v, "C.", 2) && strcmp(v, "POSIX")) {
            size_t n = 0;
            while (v[n] && isalpha((unsigned char)v[n]) && n < sizeof lang - 1) {
                lang[n] = (char)tolower((unsigned char)v[n]);
                n++;
            }
            lang[n] = '\0';
            if (n) {
                return lang;
            }
        }
    }
    return "en";
}

/* How well a literal's language suits the reader: higher is better. */
static int language_score(const char *lit_lang, const char *want)
{
    if (!lit_lang || !*lit_lang) {
        return 3;
    }
    size_t n = strlen(want);
    if (!strncasecmp(lit_lang, want, n) && (lit_lang[n] == '\0' || lit_lang[n] == '-')) {
        return 4;
    }
    if (!strncasecmp(lit_lang, "en", 2) && (lit_lang[2] == '\0' || lit_lang[2] == '-')) {
        return 2;
    }
    return 1;
}

char *ts_store_label(const ts_store *store, const SordNode *node, const char *lang)
{
    if (sord_node_get_type(node) == SORD_LITERAL) {
        return ts_strdup((const char *)sord_node_get_string(node));
    }
    if (!lang) {
        lang = ts_user_language();
    }
    for (size_t i = 0; i < N_LABEL_PREDICATES; i++) {
        SordIter *it = sord_search(store->model, node, store->label_preds[i], NULL, NULL);
        const SordNode *best = NULL;
        int best_score = 0;
        for (; !sord_iter_end(it); sord_iter_next(it)) {
            const SordNode *o = sord_iter_get_node(it, SORD_OBJECT);
            if (sord_node_get_type(o) != SORD_LITERAL) {
                continue;
            }
            int score = language_score(sord_node_get_language(o), lang);
            if (score > best_score) {
                best = o;
                best_score = score;
            }
        }
        char *label = best ? ts_strdup((const char *)sord_node_get_string(best)) : NULL;
        sord_iter_free(it);
        if (label) {
            return label;
        }
    }
    return ts_store_shorten(store, node);
}

bool ts_parse_number(const char *s, double *out)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    const char *p = s;
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (!strcmp(p, "INF") || !strcmp(p, "Infinity")) {
        *out = (*s == '-') ? -INFINITY : INFINITY;
        return true;
    }
    if (!strcmp(s, "NaN")) {
        *out = NAN;
        return true;
    }
    size_t digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (!digits) {
        return false;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        while (isdigit((unsigned char)*p)) {
            p++;
        }
    }
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (*p) {
        return false;
    }
    *out = strtod(s, NULL);
    return true;
}

static bool is_numeric_datatype(const char *dt)
{
    static const char *const types[] = {
        "integer", "decimal", "double", "float", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "negativeInteger",
        "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte", "string",
    };
    size_t n = strlen(TS_NS_XSD);
    if (strncmp(dt, TS_NS_XSD, n)) {
        return false;
    }
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (!strcmp(dt + n, types[i])) {
            return true;
        }
    }
    return false;
}

ts_status ts_literal_number(const char *lex, const char *dt, const char *lang, double *out)
{
    if (!lex || (lang && *lang)) {
        return TS_ERR_NOT_A_NUMBER;
    }
    if (dt && !is_numeric_datatype(dt)) {
        return TS_ERR_NOT_A_NUMBER;
    }
    /* INF and NaN are numbers only where the datatype says so. */
    bool special_ok = dt && (!strcmp(dt, TS_NS_XSD "double") || !strcmp(dt, TS_NS_XSD "float"));
    if (!special_ok && (strchr(lex, 'I') || strchr(lex, 'N'))) {
        return TS_ERR_NOT_A_NUMBER;
    }
    return ts_parse_number(lex, out) ? TS_OK : TS_ERR_NOT_A_NUMBER;
}

ts_status ts_node_number(const SordNode *node, double *out)
{
    if (!node || sord_node_get_type(node) != SORD_LITERAL) {
        return TS_ERR_NOT_A_NUMBER;
    }
    const SordNode *dt = sord_node_get_datatype(node);
    return ts_literal_number((const char *)sord_node_get_string(node),
                             dt ? (const char *)sord_node_get_string(dt) : NULL,
                             sord_node_get_language(node), out);
}

SordNode *ts_store_iri(ts_store *store, const char *iri)
{
    return sord_new_uri(store->world, (const uint8_t *)iri);
}

/* ---- patterns Sord's SPO index cannot answer with a range ---- */

static int cmp_key3(const void *x, const void *y)
{
    const key3 *a = x, *b = y;
    for (int i = 0; i < 3; i++) {
        uintptr_t p = (uintptr_t)a->k[i], q = (uintptr_t)b->k[i];
        if (p != q) {
            return p < q ? -1 : 1;
        }
    }
    return 0;
}

/* Advance it to its next triple unlike the last one, into q (SPO keeps the
 * copies of a triple from several graphs side by side); false at the end. */
static bool next_distinct(SordIter *it, const SordNode *last[3], SordQuad q)
{
    for (; !sord_iter_end(it); sord_iter_next(it)) {
        sord_iter_get(it, q);
        if (q[0] != last[0] || q[1] != last[1] || q[2] != last[2]) {
            memcpy(last, q, 3 * sizeof *last);
            sord_iter_next(it);
            return true;
        }
    }
    return false;
}

/* The distinct triples of the model (the union of its graphs) with the
 * order's leading node first, sorted by address. */
static order_index *order_get(const ts_store *store, int order)
{
    order_index *ix = &store->orders[order];
    size_t quads = sord_num_quads(store->model);
    if (ix->built && ix->generation == store->generation && ix->quads == quads) {
        return ix;
    }
    free(ix->keys);
    ix->keys = ts_malloc((quads ? quads : 1) * sizeof *ix->keys);
    ix->n = 0;
    SordIter *it = sord_begin(store->model);
    const SordNode *last[3] = {NULL, NULL, NULL};
    SordQuad q;
    while (next_distinct(it, last, q)) {
        key3 *k = &ix->keys[ix->n++];
        if (order == OBJ_FIRST) {
            *k = (key3){{q[SORD_OBJECT], q[SORD_PREDICATE], q[SORD_SUBJECT]}};
        } else {
            *k = (key3){{q[SORD_PREDICATE], q[SORD_OBJECT], q[SORD_SUBJECT]}};
        }
    }
    sord_iter_free(it);
    qsort(ix->keys, ix->n, sizeof *ix->keys, cmp_key3);
    ix->generation = store->generation;
    ix->quads = quads;
    ix->built = true;
    return ix;
}

/* First position whose leading `len` nodes are >= key's. */
static size_t lower_bound(const order_index *ix, const key3 *key, int len)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = 0;
        for (int i = 0; i < len && !cmp; i++) {
            uintptr_t p = (uintptr_t)ix->keys[mid].k[i], q = (uintptr_t)key->k[i];
            cmp = p < q ? -1 : p > q;
        }
        if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Sord's own order of nodes: Serd node type, string, datatype, language. */
static int sord_order(const SordNode *a, const SordNode *b)
{
    if (a == b) {
        return 0;
    }
    const SerdNode *x = sord_node_to_serd_node(a), *y = sord_node_to_serd_node(b);
    if (x->type != y->type) {
        return x->type < y->type ? -1 : 1;
    }
    int cmp = strcmp((const char *)x->buf, (const char *)y->buf);
    if (cmp || x->type != SERD_LITERAL) {
        return cmp;
    }
    const SordNode *da = sord_node_get_datatype(a), *db = sord_node_get_datatype(b);
    if (da != db) {
        if (!da || !db) {
            return da ? 1 : -1;
        }
        return strcmp((const char *)sord_node_get_string(da),
                      (const char *)sord_node_get_string(db));
    }
    const char *la = sord_node_get_language(a), *lb = sord_node_get_language(b);
    return strcmp(la ? la : "", lb ? lb : "");
}

static int by_p_then_s(const void *x, const void *y)
{
    const ts_triple *a = x, *b = y;
    int cmp = sord_order(a->p, b->p);
    return cmp ? cmp : sord_order(a->s, b->s);
}

static int by_o_then_s(const void *x, const void *y)
{
    const ts_triple *a = x, *b = y;
    int cmp = sord_order(a->o, b->o);
    return cmp ? cmp : sord_order(a->s, b->s);
}

void ts_store_prepare(const ts_store *store)
{
    (void)order_get(store, PRED_FIRST);
    (void)order_get(store, OBJ_FIRST);
}

size_t ts_store_match(const ts_store *store, const SordNode *s, const SordNode *p,
                      const SordNode *o, bool ordered, ts_triple **out)
{
    if (out) {
        *out = NULL;
    }
    size_t n = 0;
    if (s || (!p && !o)) {
        /* SPO: a range of Sord's own index (a scan with s unbound), in
         * Sord's order, copies in several graphs side by side. */
        size_t cap = 0;
        SordIter *it = sord_search(store->model, s, p, o, NULL);
        const SordNode *last[3] = {NULL, NULL, NULL};
        SordQuad q;
        while (next_distinct(it, last, q)) {
            if (out) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    *out = ts_reallocarray(*out, cap, sizeof **out);
                }
                (*out)[n] = (ts_triple){q[SORD_SUBJECT], q[SORD_PREDICATE], q[SORD_OBJECT]};
            }
            n++;
        }
        sord_iter_free(it);
        return n;
    }
    int order = o ? OBJ_FIRST : PRED_FIRST;
    const order_index *ix = order_get(store, order);
    key3 key = {{o ? o : p, o ? p : NULL, NULL}};
    int len = (o && p) ? 2 : 1;
    size_t lo = lower_bound(ix, &key, len);
    size_t hi = lo;
    while (hi < ix->n && ix->keys[hi].k[0] == key.k[0] && (len < 2 || ix->keys[hi].k[1] == p)) {
        hi++;
    }
    n = hi - lo;
    if (!out || n == 0) {
        return n;
    }
    *out = ts_malloc(n * sizeof **out);
    for (size_t i = 0; i < n; i++) {
        const key3 *k = &ix->keys[lo + i];
        (*out)[i] = order == OBJ_FIRST ? (ts_triple){k->k[2], k->k[1], k->k[0]}
                                       : (ts_triple){k->k[2], k->k[0], k->k[1]};
    }
    /* The order Sord's OPS or POS index would give. */
    if (ordered) {
        qsort(*out, n, sizeof **out, order == OBJ_FIRST ? by_p_then_s : by_o_then_s);
    }
    return n;
}
