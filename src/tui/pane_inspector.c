/*
 * The Inspector: every triple about one resource, grouped by predicate,
 * with labels; literals with their language or datatype; the resources that
 * point at it. Enter follows a link, Backspace goes back, u forward. With no
 * resource it lists the classes (Enter on one shows its instances as
 * incoming rdf:type links) and the loaded sources.
 *
 * History entries are strings, not Sord nodes, so they survive a reload.
 *
 * On an endpoint (--endpoint) there is no store to walk: each resource
 * opened costs one CONSTRUCT request (ts_session_describe) whose triples go
 * into a small store of their own, the page, which the same code then
 * shows. Back and forward keep their pages, so they cost nothing; a blank
 * node is shown from the page that links to it (its name means nothing to
 * the endpoint). A reload (r) drops every page: the one on screen is asked
 * for again at once, the others when they are visited, each from the IRI
 * its page was fetched for (its origin).
 */
#include <stdlib.h>
#include <string.h>

#include "tinyscope/ptrmap.h"
#include "tinyscope/session.h"
#include "view.h"

/* Bounds so a hub resource (a class with a million instances) stays fast. */
#define MAX_OUT_PER_PRED 500
#define MAX_IN_PER_PRED 200
#define MAX_CLASSES 500
#define MAX_COUNT_MORE 100000

/* One resource's triples fetched from an endpoint, shared by the history
 * entries that show it. */
typedef struct {
    unsigned refs;
    ts_store *store;
} page;

typedef struct {
    char *resource; /* NULL: the home page */
    size_t cursor, top;
    page *pg;     /* on an endpoint: what resource is shown from; NULL after a reload */
    char *origin; /* on an endpoint: the IRI pg was fetched for */
} place;

typedef struct {
    ts_lines lines;
    ts_lines home;    /* the home page, built once per load: it scans every rdf:type */
    ts_lines classes; /* on an endpoint: the classes, once asked for */
    char *current;
    page *pg;     /* on an endpoint: the current page's triples */
    char *origin; /* on an endpoint: the IRI pg was (or is to be) fetched for */
    char *failed; /* on an endpoint: why the current page could not be fetched */
    place *back;
    size_t n_back;
    place *fwd;
    size_t n_fwd;
    char *search;
} inspector;

static page *page_ref(page *pg)
{
    if (pg) {
        pg->refs++;
    }
    return pg;
}

static void page_unref(page *pg)
{
    if (pg && --pg->refs == 0) {
        ts_store_free(pg->store);
        free(pg);
    }
}

static SordNode *node_for(ts_store *store, const char *res)
{
    SordWorld *w = ts_store_world(store);
    if (!strncmp(res, "_:", 2)) {
        return sord_new_blank(w, (const uint8_t *)res + 2);
    }
    return sord_new_uri(w, (const uint8_t *)res);
}

/* The resource string for a node: the IRI, or "_:id". */
static char *resource_of(const SordNode *n)
{
    const char *s = (const char *)sord_node_get_string(n);
    if (sord_node_get_type(n) == SORD_BLANK) {
        return ts_asprintf("_:%s", s);
    }
    return ts_strdup(s);
}

/* What the user typed: <iri>, prefix:name, _:id or a plain IRI. */
static char *normalise(ts_store *store, const char *in)
{
    size_t n = strlen(in);
    while (n && in[n - 1] == ' ') {
        n--;
    }
    while (*in == ' ') {
        in++;
        n--;
    }
    if (n >= 2 && in[0] == '<' && in[n - 1] == '>') {
        return ts_strndup(in + 1, n - 2);
    }
    char *s = ts_strndup(in, n);
    if (!strncmp(s, "_:", 2) || strstr(s, "://") || !strncmp(s, "urn:", 4)) {
        return s;
    }
    char *full = ts_store_expand(store, s);
    if (full) {
        free(s);
        return full;
    }
    return s;
}

static bool has_triples(ts_store *store, const SordNode *n)
{
    return ts_store_match(store, n, NULL, NULL, false, NULL) ||
           ts_store_match(store, NULL, NULL, n, false, NULL);
}

/*
 * A blank node has no name worth showing: say what it is instead, from its
 * types ("[sosa_extend:IMU, sosa_extend:Accelerometer]").
 */
static char *blank_summary(ts_store *store, const SordNode *n)
{
    SordNode *type = ts_store_iri(store, TS_NS_RDF "type");
    SordIter *it = sord_search(ts_store_model(store), n, type, NULL, NULL);
    ts_buf b = {0};
    const SordNode *last = NULL;
    size_t count = 0;
    for (; !sord_iter_end(it) && count < 4; sord_iter_next(it)) {
        const SordNode *o = sord_iter_get_node(it, SORD_OBJECT);
        if (o == last) {
            continue;
        }
        last = o;
        char *t = ts_store_shorten(store, o);
        ts_buf_puts(&b, count++ ? ", " : "[");
        ts_buf_puts(&b, t);
        free(t);
    }
    sord_iter_free(it);
    sord_node_free(ts_store_world(store), type);
    if (!count) {
        ts_buf_puts(&b, "[blank node");
    }
    ts_buf_putc(&b, ']');
    return ts_buf_steal(&b);
}

/* A value line: label and its short name, or a literal with lang/datatype. */
static void add_value(ts_lines *l, ts_store *store, const SordNode *n, int indent)
{
    if (sord_node_get_type(n) == SORD_LITERAL) {
        const char *lang = sord_node_get_language(n);
        SordNode *dt = sord_node_get_datatype(n);
        char *note = NULL;
        if (lang && *lang) {
            note = ts_asprintf("@%s", lang);
        } else if (dt) {
            note = ts_store_shorten_iri(store, (const char *)sord_node_get_string(dt));
        }
        ts_lines_add(l, indent, TS_EL_LITERAL, (const char *)sord_node_get_string(n), note, NULL,
                     true);
        free(note);
        return;
    }
    char *label = ts_store_label(store, n, NULL);
    char *shortname = ts_store_shorten(store, n);
    if (sord_node_get_type(n) == SORD_BLANK && !strcmp(label, shortname)) {
        free(label);
        label = blank_summary(store, n);
    }
    char *res = resource_of(n);
    ts_lines_add(l, indent, TS_EL_LINK, label, strcmp(label, shortname) ? shortname : NULL, res,
                 true);
    free(res);
    free(label);
    free(shortname);
}

static void add_predicate(ts_lines *l, ts_store *store, const SordNode *p, bool incoming)
{
    char *shortname = ts_store_shorten(store, p);
    char *label = ts_store_label(store, p, NULL);
    char *text = incoming ? ts_asprintf("%s %s", ts_draw_glyphs()->arrow_left, shortname)
                          : ts_strdup(shortname);
    ts_lines_add(l, 1, TS_EL_PREDICATE, text, strcmp(label, shortname) ? label : NULL, NULL, false);
    free(text);
    free(label);
    free(shortname);
}

static void add_more(ts_lines *l, size_t more, bool capped)
{
    char *t = ts_asprintf("... %s%zu more (ask the Query pane for all of them)",
                          capped ? "at least " : "", more);
    ts_lines_add(l, 3, TS_EL_DIM, t, NULL, NULL, false);
    free(t);
}

/* Nodes in Sord's index order: by kind, then by text. */
static int node_cmp(const SordNode *a, const SordNode *b)
{
    if (a == b) {
        return 0;
    }
    int ta = (int)sord_node_get_type(a), tb = (int)sord_node_get_type(b);
    if (ta != tb) {
        return ta < tb ? -1 : 1;
    }
    return strcmp((const char *)sord_node_get_string(a), (const char *)sord_node_get_string(b));
}

static int node_ptr_cmp(const void *x, const void *y)
{
    return node_cmp(*(const SordNode *const *)x, *(const SordNode *const *)y);
}

/* Sift the largest of heap[0..n) to the top (a max-heap in node order). */
static void heap_down(const SordNode **heap, size_t n, size_t i)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && node_cmp(heap[l], heap[big]) > 0) {
            big = l;
        }
        if (r < n && node_cmp(heap[r], heap[big]) > 0) {
            big = r;
        }
        if (big == i) {
            return;
        }
        const SordNode *tmp = heap[i];
        heap[i] = heap[big];
        heap[big] = tmp;
        i = big;
    }
}

/*
 * The first k of the n distinct values v[] in node order, sorted, into
 * v[0..k): a bounded heap, so a class with a hundred thousand instances
 * costs about one comparison per instance, not a sort of all of them.
 */
static size_t first_in_order(const SordNode **v, size_t n, size_t k)
{
    if (n <= k) {
        qsort(v, n, sizeof *v, node_ptr_cmp);
        return n;
    }
    for (size_t i = k / 2; i-- > 0;) {
        heap_down(v, k, i);
    }
    for (size_t i = k; i < n; i++) {
        if (node_cmp(v[i], v[0]) < 0) {
            v[0] = v[i];
            heap_down(v, k, 0);
        }
    }
    qsort(v, k, sizeof *v, node_ptr_cmp);
    return k;
}

typedef struct {
    const SordNode *p;
    size_t start, end;
} pred_run;

static int by_run_predicate(const void *x, const void *y)
{
    return node_cmp(((const pred_run *)x)->p, ((const pred_run *)y)->p);
}

/*
 * One direction: the triples with n as subject (or object), grouped by
 * predicate in Sord's order, each predicate's first values in order, and
 * the duplicates that several graphs give removed. Returns how many
 * distinct links there are.
 */
static size_t add_links(ts_lines *l, ts_store *store, const SordNode *n, bool incoming)
{
    /* Unordered, the triples of one predicate and the copies of one triple
     * still come side by side. */
    ts_triple *t = NULL;
    size_t n_t = incoming ? ts_store_match(store, NULL, NULL, n, false, &t)
                          : ts_store_match(store, n, NULL, NULL, false, &t);
    size_t limit = incoming ? MAX_IN_PER_PRED : MAX_OUT_PER_PRED;
    pred_run *runs = ts_malloc((n_t ? n_t : 1) * sizeof *runs);
    size_t n_runs = 0;
    for (size_t i = 0; i < n_t; i++) {
        if (!n_runs || runs[n_runs - 1].p != t[i].p) {
            runs[n_runs++] = (pred_run){t[i].p, i, i};
        }
        runs[n_runs - 1].end = i + 1;
    }
    qsort(runs, n_runs, sizeof *runs, by_run_predicate);
    const SordNode **vals = ts_malloc((n_t ? n_t : 1) * sizeof *vals);
    size_t total = 0;
    for (size_t r = 0; r < n_runs; r++) {
        size_t distinct = 0;
        for (size_t i = runs[r].start; i < runs[r].end; i++) {
            const SordNode *v = incoming ? t[i].s : t[i].o;
            if (!distinct || vals[distinct - 1] != v) {
                vals[distinct++] = v;
            }
        }
        total += distinct;
        add_predicate(l, store, runs[r].p, incoming);
        size_t shown = first_in_order(vals, distinct, limit);
        for (size_t i = 0; i < shown; i++) {
            add_value(l, store, vals[i], 3);
        }
        size_t rest = distinct - shown;
        if (rest) {
            add_more(l, rest > MAX_COUNT_MORE ? MAX_COUNT_MORE : rest, rest > MAX_COUNT_MORE);
        }
    }
    free(vals);
    free(runs);
    free(t);
    return total;
}

static void add_sources(ts_lines *l, ts_store *store, const SordNode *n)
{
    SordModel *m = ts_store_model(store);
    SordIter *it = sord_search(m, n, NULL, NULL, NULL);
    ts_ptrmap seen = {0};
    ts_buf b = {0};
    for (; !sord_iter_end(it); sord_iter_next(it)) {
        const SordNode *g = sord_iter_get_node(it, SORD_GRAPH);
        if (!g || ts_ptrmap_get(&seen, g)) {
            continue;
        }
        *ts_ptrmap_slot(&seen, g) = 1;
        const ts_source *src = ts_store_source_of_graph(store, g);
        ts_buf_puts(&b, b.len ? ", " : "from ");
        ts_buf_puts(&b, src ? src->path : (const char *)sord_node_get_string(g));
    }
    sord_iter_free(it);
    ts_ptrmap_free(&seen);
    if (b.len) {
        ts_lines_add(l, 0, TS_EL_DIM, ts_buf_str(&b), NULL, NULL, false);
    }
    ts_buf_free(&b);
}

typedef struct {
    const SordNode *cls;
    size_t count;
} class_count;

static int by_count(const void *a, const void *b)
{
    const class_count *x = a, *y = b;
    if (x->count != y->count) {
        return x->count < y->count ? 1 : -1;
    }
    return strcmp((const char *)sord_node_get_string(x->cls),
                  (const char *)sord_node_get_string(y->cls));
}

static int by_class(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)((const class_count *)x)->cls;
    uintptr_t b = (uintptr_t)((const class_count *)y)->cls;
    return a < b ? -1 : a > b;
}

static void build_home(ts_lines *l, ts_store *store)
{
    ts_lines_add(l, 0, TS_EL_TITLE, "Inspector", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_DIM,
                 "Enter shows a class and its instances; o asks for an IRI or a prefixed name.",
                 NULL, NULL, false);
    SordNode *type = ts_store_iri(store, TS_NS_RDF "type");
    ts_triple *t = NULL;
    size_t n_t = ts_store_match(store, NULL, type, NULL, false, &t);
    /* The triples of one class come side by side: count runs (no hashing
     * of every rdf:type triple), then merge a class that came in two runs. */
    class_count *cls = ts_malloc((n_t ? n_t : 1) * sizeof *cls);
    size_t n = 0;
    for (size_t i = 0; i < n_t; i++) {
        if (n && cls[n - 1].cls == t[i].o) {
            cls[n - 1].count++;
        } else {
            cls[n++] = (class_count){t[i].o, 1};
        }
    }
    free(t);
    sord_node_free(ts_store_world(store), type);
    qsort(cls, n, sizeof *cls, by_class);
    size_t merged = 0;
    for (size_t i = 0; i < n; i++) {
        if (merged && cls[merged - 1].cls == cls[i].cls) {
            cls[merged - 1].count += cls[i].count;
        } else {
            cls[merged++] = cls[i];
        }
    }
    n = merged;
    qsort(cls, n, sizeof *cls, by_count);
    char *title = ts_asprintf("Classes (%zu)", n);
    ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_HEADER, title, NULL, NULL, false);
    free(title);
    for (size_t i = 0; i < n && i < MAX_CLASSES; i++) {
        char *label = ts_store_label(store, cls[i].cls, NULL);
        char *shortname = ts_store_shorten(store, cls[i].cls);
        char *note = strcmp(label, shortname) ? ts_asprintf("%zu  %s", cls[i].count, shortname)
                                              : ts_asprintf("%zu", cls[i].count);
        char *res = resource_of(cls[i].cls);
        ts_lines_add(l, 1, TS_EL_LINK, label, note, res, true);
        free(res);
        free(note);
        free(shortname);
        free(label);
    }
    if (n > MAX_CLASSES) {
        add_more(l, n - MAX_CLASSES, false);
    }
    free(cls);

    ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_HEADER, "Sources", NULL, NULL, false);
    for (size_t i = 0; i < ts_store_source_count(store); i++) {
        const ts_source *src = ts_store_source(store, i);
        char *note = ts_asprintf("%zu triples, %s%s", src->triples, ts_format_name(src->format),
                                 src->errors ? ", with errors: partial" : "");
        ts_lines_add(l, 1, TS_EL_NORMAL, src->path, note, NULL, false);
        free(note);
    }
}

static void build_resource(ts_lines *l, ts_store *store, const char *res)
{
    SordNode *n = node_for(store, res);
    if (!n) {
        ts_lines_add(l, 0, TS_EL_ERROR, "not a resource", res, NULL, false);
        return;
    }
    char *label = ts_store_label(store, n, NULL);
    char *shortname = ts_store_shorten(store, n);
    ts_lines_add(l, 0, TS_EL_TITLE, label, NULL, NULL, false);
    if (strcmp(label, shortname)) {
        ts_lines_add(l, 0, TS_EL_DIM, shortname, NULL, NULL, false);
    }
    if (strcmp(shortname + (shortname[0] == '<'), res) && shortname[0] != '<' &&
        strncmp(res, "_:", 2)) {
        ts_lines_add(l, 0, TS_EL_DIM, res, NULL, NULL, false);
    }
    free(label);
    free(shortname);
    add_sources(l, store, n);

    size_t heading = l->count + 1;
    ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_HEADER, "Properties", NULL, NULL, false);
    size_t out = add_links(l, store, n, false);
    free(l->items[heading].text);
    l->items[heading].text = ts_asprintf("Properties (%zu)", out);

    heading = l->count + 1;
    ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_HEADER, "Referenced by", NULL, NULL, false);
    size_t in = add_links(l, store, n, true);
    free(l->items[heading].text);
    l->items[heading].text = ts_asprintf("Referenced by (%zu)", in);
    sord_node_free(ts_store_world(store), n);
}

/* ---- on an endpoint ---------------------------------------------------- */

#define ASK_CLASSES "List the classes with their instance counts (one request)"

/* Say why a request failed; *why (may be NULL) receives the reason. */
static void add_remote_error(ts_view *v, const char *what, ts_status st, const ts_error *err,
                             char **why)
{
    char line[2600];
    const char *reason =
        st == TS_ERR_CANCELLED ? "request cancelled" : ts_error_format(err, line, sizeof line);
    ts_app_message(v->app, true, "%s: %s", what, reason);
    if (why) {
        free(*why);
        *why = ts_strdup(reason);
    }
}

/* One request: the classes and how many instances each has. */
static void fetch_classes(ts_view *v, ts_store *prefixes)
{
    inspector *in = v->priv;
    static const char *const q = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
                                 "GROUP BY ?class ORDER BY DESC(?n) ?class LIMIT 500";
    ts_app_message(v->app, false, "asking %s for the classes", ts_app_endpoint(v->app));
    ts_app_redraw_now(v->app);
    ts_query_result res = {0};
    ts_error err;
    ts_status st = ts_query_run(ts_app_dataset(v->app), q, NULL, &res, &err);
    ts_app_message(v->app, false, "%s", "");
    ts_lines_clear(&in->classes);
    if (st != TS_OK) {
        add_remote_error(v, "classes", st, &err, NULL);
        ts_query_result_clear(&res);
        return;
    }
    long vc = ts_query_var_index(&res, "class"), vn = ts_query_var_index(&res, "n");
    char *title = ts_asprintf("Classes (%zu)", res.n_rows);
    ts_lines_add(&in->classes, 0, TS_EL_HEADER, title, NULL, NULL, false);
    free(title);
    for (size_t r = 0; vc >= 0 && vn >= 0 && r < res.n_rows; r++) {
        const ts_term *c = ts_query_cell(&res, r, (size_t)vc);
        const ts_term *n = ts_query_cell(&res, r, (size_t)vn);
        if (c->kind != TS_TERM_IRI) {
            continue;
        }
        char *shortname = ts_store_shorten_iri(prefixes, c->value);
        ts_lines_add(&in->classes, 1, TS_EL_LINK, shortname, n->value ? n->value : "", c->value,
                     true);
        free(shortname);
    }
    ts_query_result_clear(&res);
}

static void build_remote_home(ts_lines *l, ts_view *v)
{
    inspector *in = v->priv;
    ts_lines_add(l, 0, TS_EL_TITLE, "Inspector", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_DIM, ts_app_endpoint(v->app), "SPARQL endpoint", NULL, false);
    ts_lines_add(l, 0, TS_EL_DIM,
                 "i in any pane inspects the row; o asks for an IRI or a prefixed name. "
                 "Each resource opened is one request.",
                 NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
    if (!in->classes.count) {
        ts_lines_add(l, 1, TS_EL_LINK, ASK_CLASSES, NULL, NULL, true);
        return;
    }
    for (size_t i = 0; i < in->classes.count; i++) {
        const ts_line *c = &in->classes.items[i];
        ts_lines_add(l, c->indent, c->el, c->text, c->note, c->target, c->selectable);
    }
}

/* One request: the page of the IRI res, or NULL after saying why (*why,
 * may be NULL, receives the reason). */
static page *fetch_page(ts_view *v, const char *res, char **why)
{
    const char *endpoint = ts_app_endpoint(v->app);
    ts_store *store = ts_store_new();
    ts_app_message(v->app, false, "asking %s about %s", endpoint, res);
    ts_app_redraw_now(v->app);
    ts_error err;
    ts_status st =
        ts_session_describe(ts_app_dataset(v->app), res, store, endpoint, NULL, NULL, &err);
    ts_app_message(v->app, false, "%s", "");
    /* Past the bounds the page is partial but still worth showing. */
    if (st != TS_OK && st != TS_ERR_LIMIT) {
        add_remote_error(v, res, st, &err, why);
        ts_store_free(store);
        return NULL;
    }
    page *pg = ts_calloc(1, sizeof *pg);
    pg->refs = 1;
    pg->store = store;
    return pg;
}

/* A page that could not be fetched: what it is and why, and the way out. */
static void build_unfetched(ts_lines *l, ts_view *v, const char *res, const char *why)
{
    char *shortname = ts_store_shorten_iri(ts_app_store(v->app), res);
    ts_lines_add(l, 0, TS_EL_TITLE, !strncmp(res, "_:", 2) ? res : shortname, NULL, NULL, false);
    free(shortname);
    ts_lines_add(l, 0, TS_EL_NORMAL, "", NULL, NULL, false);
    ts_lines_add(l, 0, TS_EL_ERROR, "not fetched", why, NULL, false);
    const char *key = ts_app_key_for(v->app, TS_ACT_RELOAD);
    char *hint = ts_asprintf("%s asks the endpoint again", *key ? key : "reload");
    ts_lines_add(l, 0, TS_EL_DIM, hint, NULL, NULL, false);
    free(hint);
}

/*
 * The current page after a reload dropped it (or on visiting a place whose
 * page was dropped): one request for its origin. A blank node the fresh
 * answer no longer has gives way to its origin.
 */
static void fetch_current(ts_view *v)
{
    inspector *in = v->priv;
    free(in->failed);
    in->failed = NULL;
    if (!ts_app_endpoint(v->app) || !in->current || in->pg || !in->origin) {
        return;
    }
    in->pg = fetch_page(v, in->origin, &in->failed);
    if (!in->pg || strncmp(in->current, "_:", 2)) {
        return;
    }
    SordNode *n = node_for(in->pg->store, in->current);
    bool found = n && has_triples(in->pg->store, n);
    if (n) {
        sord_node_free(ts_store_world(in->pg->store), n);
    }
    if (!found) {
        ts_app_message(v->app, true, "%s is gone from the answer about %s", in->current,
                       in->origin);
        free(in->current);
        in->current = ts_strdup(in->origin);
    }
}

/* ---- building the lines ------------------------------------------------ */

static void rebuild(ts_view *v)
{
    inspector *in = v->priv;
    ts_store *store = ts_app_store(v->app);
    ts_lines_clear(&in->lines);
    if (!store) {
        return;
    }
    if (ts_app_endpoint(v->app)) {
        if (in->current && in->pg) {
            build_resource(&in->lines, in->pg->store, in->current);
        } else if (in->current) {
            build_unfetched(&in->lines, v, in->current, in->failed ? in->failed : "");
        } else {
            build_remote_home(&in->lines, v);
        }
        return;
    }
    if (in->current) {
        build_resource(&in->lines, store, in->current);
        return;
    }
    if (!in->home.count) {
        build_home(&in->home, store);
    }
    for (size_t i = 0; i < in->home.count; i++) {
        const ts_line *l = &in->home.items[i];
        ts_lines_add(&in->lines, l->indent, l->el, l->text, l->note, l->target, l->selectable);
    }
}

static void place_free(place *p)
{
    free(p->resource);
    free(p->origin);
    page_unref(p->pg);
}

/* pg: a reference the stack takes over; origin is copied. */
static void push(place **stack, size_t *n, const char *res, size_t cursor, size_t top, page *pg,
                 const char *origin)
{
    *stack = ts_reallocarray(*stack, *n + 1, sizeof **stack);
    (*stack)[(*n)++] =
        (place){res ? ts_strdup(res) : NULL, cursor, top, pg, origin ? ts_strdup(origin) : NULL};
}

static void clear_stack(place **stack, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        place_free(&(*stack)[i]);
    }
    free(*stack);
    *stack = NULL;
    *n = 0;
}

/* Forget every fetched page (the endpoint's data may have changed). */
static void drop_pages(inspector *in)
{
    page_unref(in->pg);
    in->pg = NULL;
    for (size_t i = 0; i < in->n_back; i++) {
        page_unref(in->back[i].pg);
        in->back[i].pg = NULL;
    }
    for (size_t i = 0; i < in->n_fwd; i++) {
        page_unref(in->fwd[i].pg);
        in->fwd[i].pg = NULL;
    }
}

/* The cursor of a page built anew: on the line it was on (same text and
 * target, the nearest such), or else on the same row when that can hold
 * it. */
static void keep_cursor(ts_lines *l, const char *text, const char *target, size_t cursor,
                        size_t top)
{
    size_t best = SIZE_MAX, best_dist = SIZE_MAX;
    for (size_t i = 0; text && i < l->count; i++) {
        const ts_line *x = &l->items[i];
        size_t dist = i > cursor ? i - cursor : cursor - i;
        if (x->selectable && dist < best_dist && !strcmp(x->text, text) &&
            (x->target ? target && !strcmp(x->target, target) : !target)) {
            best = i;
            best_dist = dist;
        }
    }
    if (best == SIZE_MAX && cursor < l->count && l->items[cursor].selectable) {
        best = cursor;
    }
    if (best != SIZE_MAX) {
        l->cursor = best;
        l->top = top <= best ? top : best;
    }
}

/*
 * At start and after each reload: rebuild from the new store, the page on
 * screen included (on an endpoint the pages are dropped and the current
 * one asked for again), with the cursor where it was.
 */
static void insp_open(ts_view *v)
{
    if (!v->priv) {
        v->priv = ts_calloc(1, sizeof(inspector));
    }
    inspector *in = v->priv;
    const ts_line *cur = ts_lines_current(&in->lines);
    char *text = cur ? ts_strdup(cur->text) : NULL;
    char *target = cur && cur->target ? ts_strdup(cur->target) : NULL;
    size_t cursor = in->lines.cursor, top = in->lines.top;
    ts_lines_clear(&in->home);
    ts_lines_clear(&in->classes);
    if (ts_app_endpoint(v->app)) {
        drop_pages(in);
        fetch_current(v);
    }
    rebuild(v);
    keep_cursor(&in->lines, text, target, cursor, top);
    free(text);
    free(target);
}

static void insp_draw(ts_view *v, ts_rect r)
{
    inspector *in = v->priv;
    ts_lines_draw(&in->lines, r);
}

/* Leave the current page for res (NULL: home), remembering where we were.
 * pg: the reference to res's page (endpoint) the view takes over, NULL to
 * fetch it from origin (copied). */
static void go(ts_view *v, const char *res, place **to, size_t *n_to, size_t cursor, size_t top,
               page *pg, const char *origin)
{
    inspector *in = v->priv;
    push(to, n_to, in->current, in->lines.cursor, in->lines.top, in->pg, in->origin);
    in->pg = pg;
    free(in->current);
    in->current = res ? ts_strdup(res) : NULL;
    /* origin may be in->origin itself (a blank node of this page). */
    char *o = origin ? ts_strdup(origin) : NULL;
    free(in->origin);
    in->origin = o;
    fetch_current(v);
    rebuild(v);
    if (cursor < in->lines.count && in->lines.items[cursor].selectable) {
        in->lines.cursor = cursor;
        in->lines.top = top;
    }
}

static bool insp_show(ts_view *v, const char *resource)
{
    inspector *in = v->priv;
    ts_store *store = ts_app_store(v->app);
    if (!store || !in) {
        return false;
    }
    char *res = normalise(store, resource);
    page *pg = NULL;
    const char *origin = NULL;
    if (ts_app_endpoint(v->app) && *res) {
        if (strncmp(res, "_:", 2)) {
            pg = fetch_page(v, res, NULL);
            origin = res;
        } else {
            origin = in->origin;
            pg = page_ref(in->pg);
        }
        if (!pg) {
            if (!strncmp(res, "_:", 2)) {
                ts_app_message(v->app, true, "a blank node is shown from a page that links to it");
            }
            free(res);
            return true;
        }
        store = pg->store;
    }
    SordNode *n = *res ? node_for(store, res) : NULL;
    /* No node (Sord refuses the text) means no triples: a NULL pattern
     * would match everything. */
    bool found = n && has_triples(store, n);
    if (n) {
        sord_node_free(ts_store_world(store), n);
    }
    if (!found) {
        ts_app_message(v->app, true, "no triples mention %s", res);
        page_unref(pg);
        free(res);
        /* Handled: staying put with a message beats switching panes. */
        return true;
    }
    if (!in->current || strcmp(in->current, res)) {
        clear_stack(&in->fwd, &in->n_fwd);
        go(v, res, &in->back, &in->n_back, 0, 0, pg, origin);
    } else if (pg) {
        /* The same resource again: the fresh answer replaces the page. */
        page_unref(in->pg);
        in->pg = pg;
        free(in->failed);
        in->failed = NULL;
        rebuild(v);
    }
    free(res);
    return true;
}

static bool insp_request(ts_view *v, ts_action act)
{
    inspector *in = v->priv;
    if (ts_lines_request(&in->lines, act)) {
        return true;
    }
    const ts_line *cur = ts_lines_current(&in->lines);
    switch (act) {
    case TS_ACT_ENTER:
        if (cur && cur->target) {
            char *t = ts_strdup(cur->target);
            insp_show(v, t);
            free(t);
        } else if (cur && !in->current && ts_app_endpoint(v->app) &&
                   !strcmp(cur->text, ASK_CLASSES)) {
            fetch_classes(v, ts_app_store(v->app));
            rebuild(v);
        }
        return true;
    case TS_ACT_BACK:
    case TS_ACT_FORWARD: {
        place **from = act == TS_ACT_BACK ? &in->back : &in->fwd;
        size_t *n_from = act == TS_ACT_BACK ? &in->n_back : &in->n_fwd;
        place **to = act == TS_ACT_BACK ? &in->fwd : &in->back;
        size_t *n_to = act == TS_ACT_BACK ? &in->n_fwd : &in->n_back;
        if (!*n_from) {
            ts_app_message(v->app, false, act == TS_ACT_BACK ? "no earlier page" : "no later page");
            return true;
        }
        place p = (*from)[--*n_from];
        go(v, p.resource, to, n_to, p.cursor, p.top, p.pg, p.origin);
        p.pg = NULL;
        place_free(&p);
        return true;
    }
    case TS_ACT_SORT:
    case TS_ACT_SORT_REVERSE: return true;
    default: return false;
    }
}

static void insp_search(ts_view *v, const char *text, int dir)
{
    inspector *in = v->priv;
    if (text && !ts_lines_find(&in->lines, text, dir)) {
        ts_app_message(v->app, true, "not found: %s", text);
    }
}

static void insp_click(ts_view *v, ts_rect r, int y, int x)
{
    (void)x;
    inspector *in = v->priv;
    size_t before = in->lines.cursor;
    ts_lines_click(&in->lines, r, y);
    /* A second click on the selected line follows it, as Enter does. */
    if (in->lines.cursor == before && in->lines.top + (size_t)(y - r.y) == before) {
        insp_request(v, TS_ACT_ENTER);
    }
}

static void insp_status(ts_view *v, ts_buf *out)
{
    inspector *in = v->priv;
    ts_store *store = ts_app_store(v->app);
    if (in->current && store) {
        char *s = ts_store_shorten_iri(store, in->current);
        ts_buf_puts(out, !strncmp(in->current, "_:", 2) ? in->current : s);
        free(s);
    } else {
        ts_buf_puts(out, "Inspector: classes and sources");
    }
    ts_buf_printf(out, "  back %zu, forward %zu", in->n_back, in->n_fwd);
}

static char *insp_selected(ts_view *v)
{
    inspector *in = v->priv;
    const ts_line *cur = ts_lines_current(&in->lines);
    return cur && cur->target ? ts_strdup(cur->target) : NULL;
}

static void insp_done(ts_view *v)
{
    inspector *in = v->priv;
    if (!in) {
        return;
    }
    ts_lines_clear(&in->lines);
    ts_lines_clear(&in->home);
    ts_lines_clear(&in->classes);
    page_unref(in->pg);
    clear_stack(&in->back, &in->n_back);
    clear_stack(&in->fwd, &in->n_fwd);
    free(in->current);
    free(in->origin);
    free(in->failed);
    free(in->search);
    free(in);
}

const ts_view_ops ts_inspector_ops = {
    .name = "Inspector",
    .help = "Every triple about one resource, grouped by predicate, with labels; "
            "literals with their language or datatype; then the resources that refer "
            "to it. Enter follows a link, Backspace goes back, u goes forward; o asks "
            "for an IRI or prefixed name; i in any pane inspects what is under the "
            "cursor. Without a resource it lists the classes with their instance "
            "counts, and the loaded sources.",
    .open = insp_open,
    .draw = insp_draw,
    .request = insp_request,
    .search = insp_search,
    .click = insp_click,
    .status = insp_status,
    .selected = insp_selected,
    .show = insp_show,
    .done = insp_done,
};
