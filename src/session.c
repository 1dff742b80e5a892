/*
 * One way to load, for every command and the UI (session.h). The order is
 * fixed: data (or sample graphs), vocabulary, results file, so graphs and
 * their sources are listed the same wherever they are shown.
 */
#include "tinyscope/session.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/buf.h"
#include "tinyscope/datapath.h"
#include "tinyscope/results.h"

struct ts_session {
    ts_session_opts opts;
    ts_store *store;
    ts_diags diags;
    ts_dataset *local;  /* over store, made on first use */
    ts_dataset *remote; /* owns client */
    ts_remote *client;
};

ts_jsonld_ctxstore *ts_session_contexts(const ts_session_opts *opts, ts_error *err)
{
    ts_jsonld_ctxstore *store = ts_jsonld_ctxstore_new();
    ts_jsonld_ctxstore_add_defaults(store);
    for (size_t i = 0; i < opts->n_contexts; i++) {
        const char *arg = opts->contexts[i];
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg || !eq[1]) {
            ts_error_set(err, TS_ERR_BAD_ARG, "--context", 0, 0, "wants URL=FILE, not '%s'", arg);
            ts_jsonld_ctxstore_free(store);
            return NULL;
        }
        char *url = ts_strndup(arg, (size_t)(eq - arg));
        ts_status st = ts_jsonld_ctxstore_add_file(store, url, eq + 1, err);
        free(url);
        if (st != TS_OK) {
            ts_jsonld_ctxstore_free(store);
            return NULL;
        }
    }
    return store;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The vocabulary is the Turtle files at the top of ontology/; its
 * subfolders (views, examples, JSON-LD contexts) are not data. */
static ts_status load_vocabulary(ts_store *store, const ts_load_opts *opts)
{
    char *dir = ts_data_path("ontology");
    DIR *d = opendir(dir);
    if (!d) {
        free(dir);
        return TS_OK;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (ent->d_name[0] != '.' && len > 4 && !strcmp(ent->d_name + len - 4, ".ttl")) {
            names = ts_reallocarray(names, n + 1, sizeof *names);
            names[n++] = ts_asprintf("%s/%s", dir, ent->d_name);
        }
    }
    closedir(d);
    if (n) {
        qsort(names, n, sizeof *names, compare_strings);
    }
    ts_status st = TS_OK;
    for (size_t i = 0; i < n; i++) {
        if (st == TS_OK) {
            st = ts_load_file(store, names[i], TS_FMT_TURTLE, opts, NULL);
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    return st;
}

ts_status ts_session_load_into(const ts_session_opts *opts, ts_store *store, ts_diags *diags,
                               ts_progress_fn progress, void *progress_ctx, ts_error *err)
{
    ts_error_clear(err);
    ts_load_opts lo = {.strict = opts->strict,
                       .base = opts->base,
                       .diags = diags,
                       .progress = progress,
                       .progress_ctx = progress_ctx,
                       .rdf_direction = opts->rdf_direction};
    ts_jsonld_ctxstore *contexts = NULL;
    if (opts->n_contexts) {
        contexts = ts_session_contexts(opts, err);
        if (!contexts) {
            return err->status;
        }
        lo.contexts = contexts;
    }
    ts_status st;
    if (opts->n_paths) {
        st = ts_load_paths(store, opts->paths, opts->n_paths, &lo);
    } else {
        char *dir = ts_data_path("sample-graphs");
        st = ts_load_path(store, dir, &lo);
        free(dir);
    }
    /* The sample graphs come with their vocabulary; other data gets it when
     * the caller needs the class hierarchy (the catalog's sensor classes). */
    if (st == TS_OK && (!opts->n_paths || opts->with_ontology)) {
        st = load_vocabulary(store, &lo);
    }
    if (st == TS_OK || !opts->strict) {
        /* Benchmark results live in their own append-only file, loaded as
         * its own graph after the data so they appear wherever the data
         * does. An unreadable results file is reported, not fatal. */
        (void)ts_results_load_default(store, opts->results, diags);
    }
    ts_jsonld_ctxstore_free(contexts);
    /* Syntax errors in lax mode are TS_OK; anything else stops. */
    return st;
}

ts_remote *ts_session_connect(const ts_session_opts *opts, ts_error *err)
{
    ts_remote *r = ts_remote_new(opts->endpoint, err);
    if (r) {
        ts_remote_set_graph(r, opts->graph);
    }
    return r;
}

ts_session *ts_session_new(const ts_session_opts *opts)
{
    ts_session *s = ts_calloc(1, sizeof *s);
    s->opts = *opts;
    return s;
}

void ts_session_free(ts_session *s)
{
    if (!s) {
        return;
    }
    ts_dataset_free(s->local);
    ts_dataset_free(s->remote);
    ts_store_free(s->store);
    ts_diags_clear(&s->diags);
    free(s);
}

ts_status ts_session_load(ts_session *s, ts_progress_fn progress, void *progress_ctx, ts_error *err)
{
    ts_error_clear(err);
    ts_dataset_free(s->local);
    s->local = NULL;
    ts_store_free(s->store);
    ts_diags_clear(&s->diags);
    s->store = ts_store_new();
    ts_status st;
    if (s->opts.endpoint) {
        if (s->remote) {
            return TS_OK;
        }
        s->client = ts_session_connect(&s->opts, err);
        if (!s->client) {
            ts_diags_add(&s->diags, TS_DIAG_ERROR, err);
            return err->status;
        }
        s->remote = ts_remote_dataset(s->client);
        return TS_OK;
    }
    st = ts_session_load_into(&s->opts, s->store, &s->diags, progress, progress_ctx, err);
    if (err->status != TS_OK) {
        ts_diags_add(&s->diags, TS_DIAG_ERROR, err);
    }
    return st;
}

const ts_session_opts *ts_session_options(const ts_session *s)
{
    return &s->opts;
}

ts_store *ts_session_store(const ts_session *s)
{
    return s->store;
}

ts_diags *ts_session_diags(ts_session *s)
{
    return &s->diags;
}

ts_dataset *ts_session_dataset(ts_session *s)
{
    if (s->remote) {
        return s->remote;
    }
    if (!s->local && s->store) {
        s->local = ts_dataset_local(s->store);
    }
    return s->local;
}

ts_remote *ts_session_remote(const ts_session *s)
{
    return s->client;
}

/* ---- one resource's description ---------------------------------------- */

/* What the Inspector labels a resource with: store.c's label predicates. */
#define LABEL_PREDICATES                                                                           \
    "<" TS_NS_RDFS "label> <" TS_NS_SKOS "prefLabel> <" TS_NS_SCHEMA "name> "                      \
    "<http://schema.org/name> <" TS_NS_TD "title> <" TS_NS_DCTERMS "title> <" TS_NS_DC "title>"
/* ... and what it summarises a blank neighbour with. */
#define TYPE_AND_LABEL_PREDICATES "<" TS_NS_RDF "type> " LABEL_PREDICATES

/* An IRI that can go between < > in a query unchanged. */
static bool iri_ok(const char *iri)
{
    if (!*iri) {
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)iri; *p; p++) {
        if (*p <= 0x20 || strchr("<>\"{}|^`\\", *p)) {
            return false;
        }
    }
    return true;
}

typedef struct {
    ts_store *store;
    ts_source *src;
    size_t n;
} describe_ctx;

static int on_triple(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o)
{
    describe_ctx *c = ctx;
    SordWorld *w = ts_store_world(c->store);
    SordNode *ns = ts_term_to_sord(w, s), *np = ts_term_to_sord(w, p), *no = ts_term_to_sord(w, o);
    if (ns && np && no) {
        ts_store_add(c->store, c->src, ns, np, no, NULL);
        c->n++;
    }
    sord_node_free(w, ns);
    sord_node_free(w, np);
    sord_node_free(w, no);
    return 0;
}

ts_status ts_session_describe(ts_dataset *ds, const char *iri, ts_store *store, const char *source,
                              const ts_query_opts *opts, size_t *n_triples, ts_error *err)
{
    ts_error_clear(err);
    if (n_triples) {
        *n_triples = 0;
    }
    if (!iri_ok(iri)) {
        return ts_error_set(err, TS_ERR_BAD_ARG, source, 0, 0, "not an IRI: %s", iri);
    }
    /* One request: the resource's own triples with the blank nodes it
     * points at (a board's subsystems, a model's conditions), a bounded
     * number of incoming triples, the types and labels of everything on
     * those triples and the labels of their predicates (the ontology's
     * "processor" for tiny:cpu), so the page reads as it does on local
     * files. The incoming predicates are those of the same bounded
     * selection, so a hub's million links cost no full scan. */
    char *q = ts_asprintf(
        "CONSTRUCT { <%1$s> ?p ?o . ?o ?bp ?bo . ?s ?q <%1$s> . ?x ?lp ?l . }\n"
        "WHERE {\n"
        "  { <%1$s> ?p ?o }\n"
        "  UNION { <%1$s> ?p1 ?o . ?o ?bp ?bo FILTER (isBlank(?o)) }\n"
        "  UNION { SELECT ?s ?q WHERE { ?s ?q <%1$s> } LIMIT %2$d }\n"
        "  UNION { <%1$s> ?p2 ?x . ?x ?lp ?l VALUES ?lp { " TYPE_AND_LABEL_PREDICATES " } }\n"
        "  UNION { { SELECT DISTINCT ?x WHERE { ?x ?q2 <%1$s> } LIMIT %2$d }\n"
        "          ?x ?lp ?l VALUES ?lp { " TYPE_AND_LABEL_PREDICATES " } }\n"
        "  UNION { { SELECT DISTINCT ?x WHERE {\n"
        "              { <%1$s> ?x ?o3 }\n"
        "              UNION { SELECT ?x WHERE { ?s3 ?x <%1$s> } LIMIT %2$d } } }\n"
        "          ?x ?lp ?l VALUES ?lp { " LABEL_PREDICATES " } }\n"
        "}",
        iri, TS_DESCRIBE_MAX_IN);
    ts_query_opts o = opts ? *opts : (ts_query_opts){0};
    if (!o.max_rows) {
        o.max_rows = TS_DESCRIBE_MAX_TRIPLES;
    }
    describe_ctx c = {.store = store};
    c.src = ts_store_add_source(store, source, source, TS_FMT_NTRIPLES);
    static const ts_query_sink sink = {.triple = on_triple};
    ts_status st = ts_query_stream(ds, q, &o, &sink, &c, NULL, err);
    free(q);
    if (n_triples) {
        *n_triples = c.n;
    }
    return st;
}
