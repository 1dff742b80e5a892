/*
 * tinyscope push: publish local graphs to a SPARQL endpoint with SPARQL 1.1
 * Update INSERT requests of bounded size.
 *
 * Why a retried batch does not duplicate data: RDF graphs are sets, so
 * inserting a triple of IRIs and literals that is already there changes
 * nothing; sending a batch twice leaves the store as sending it once.
 * Blank nodes are the exception (each request mints new ones), so every
 * triple that shares a blank node, directly or through a chain of others,
 * travels in the same batch: a batch refused by the endpoint left nothing
 * behind, and the whole structure goes again in one piece. Only a batch the
 * endpoint applied but reported as failed (a timeout after the commit) can
 * leave a second copy of its blank-node structures.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_internal.h"
#include "tinyscope/ptrmap.h"
#include "tinyscope/remote.h"

#define PUSH_BATCH_DEFAULT 10000
#define PUSH_RETRIES_DEFAULT 3
/* Requests with blank nodes are INSERT templates, which stores compile
 * like queries (Virtuoso 7 to at most 10000 lines of SQL, about 1500
 * triples): they carry fewer triples. */
#define PUSH_TEMPLATE_MAX 500

static void push_usage(FILE *f)
{
    fputs("usage: tinyscope push [FILE|DIR ...] --endpoint URL [--graph IRI]\n"
          "                      [--batch N] [--retries N] [--timeout MS] [--skip N]\n"
          "                      [--dry-run]\n"
          "                      [--strict] [--base IRI]\n"
          "\n"
          "Upload local graphs (default: the bundled sample graphs, their ontology\n"
          "and the benchmark results) to a SPARQL endpoint with SPARQL 1.1 Update\n"
          "INSERT requests. Each file goes into its own graph (its file URI,\n"
          "or the graphs a TriG/N-Quads file names), or all into --graph IRI.\n"
          "A failed batch is retried without duplicating data.\n"
          "\n"
          "      --endpoint URL  the endpoint's SPARQL Update URL (credentials from\n"
          "                      ~/.netrc or TINYSCOPE_ENDPOINT_USER and\n"
          "                      TINYSCOPE_ENDPOINT_PASSWORD)\n"
          "      --graph IRI     put every triple into the graph IRI\n"
          "      --batch N       triples per request (default 10000)\n"
          "      --retries N     tries again after a failed request (default 3)\n"
          "      --timeout MS    give up on one request after MS milliseconds\n"
          "      --skip N        do not send the first N batches (stored by an earlier\n"
          "                      push that stopped at batch N+1)\n"
          "      --dry-run       print the requests instead of sending them\n",
          f);
}

typedef struct {
    const SordNode *s, *p, *o;
    const SordNode *g; /* the target graph (NULL: the endpoint's default graph) */
    size_t comp;       /* blank-node component, or SIZE_MAX for a ground triple */
} quad;

/* Union-find over blank nodes. */
typedef struct {
    ts_ptrmap index; /* node -> slot + 1 */
    size_t *parent;
    size_t n, cap;
} blanks;

static size_t blank_id(blanks *b, const SordNode *node)
{
    size_t *slot = ts_ptrmap_slot(&b->index, node);
    if (!*slot) {
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 64;
            b->parent = ts_reallocarray(b->parent, b->cap, sizeof *b->parent);
        }
        b->parent[b->n] = b->n;
        *slot = ++b->n;
    }
    return *slot - 1;
}

static size_t blank_root(blanks *b, size_t i)
{
    while (b->parent[i] != i) {
        b->parent[i] = b->parent[b->parent[i]];
        i = b->parent[i];
    }
    return i;
}

static int compare_quads(const void *pa, const void *pb)
{
    const quad *a = pa, *b = pb;
    if (a->g != b->g) {
        if (!a->g || !b->g) {
            return a->g ? 1 : -1;
        }
        return strcmp((const char *)sord_node_get_string(a->g),
                      (const char *)sord_node_get_string(b->g));
    }
    return a->comp < b->comp ? -1 : a->comp > b->comp;
}

/* A term in the syntax INSERT DATA takes (N-Triples terms are SPARQL terms). */
static void put_term(ts_buf *out, blanks *b, const SordNode *node)
{
    const char *s = (const char *)sord_node_get_string(node);
    switch (sord_node_get_type(node)) {
    case SORD_URI: ts_buf_printf(out, "<%s>", s); return;
    case SORD_BLANK: ts_buf_printf(out, "_:b%zu", blank_id(b, node)); return;
    case SORD_LITERAL: break;
    }
    ts_buf_putc(out, '"');
    for (; *s; s++) {
        switch (*s) {
        case '"': ts_buf_puts(out, "\\\""); break;
        case '\\': ts_buf_puts(out, "\\\\"); break;
        case '\n': ts_buf_puts(out, "\\n"); break;
        case '\r': ts_buf_puts(out, "\\r"); break;
        case '\t': ts_buf_puts(out, "\\t"); break;
        default: ts_buf_putc(out, *s);
        }
    }
    ts_buf_putc(out, '"');
    const char *lang = sord_node_get_language(node);
    const SordNode *dt = sord_node_get_datatype(node);
    if (lang && *lang) {
        ts_buf_printf(out, "@%s", lang);
    } else if (dt && strcmp((const char *)sord_node_get_string(dt),
                            "http://www.w3.org/2001/XMLSchema#string")) {
        ts_buf_printf(out, "^^<%s>", (const char *)sord_node_get_string(dt));
    }
}

typedef struct {
    ts_remote *remote; /* NULL: dry run */
    ts_query_opts opts;
    long retries;
    size_t skip; /* batches already stored by an earlier, interrupted push */
    blanks *b;
    size_t batches, triples, failed;
} pusher;

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Send q[0..n) (all in graph q->g) as one INSERT DATA, retrying. */
static bool send_batch(pusher *p, const quad *q, size_t n)
{
    /* Blank nodes are allowed in INSERT DATA, but some stores (Virtuoso 7)
     * refuse them there; an INSERT template with an empty WHERE, which has
     * exactly one solution, inserts the same triples everywhere. */
    bool has_blank = false;
    for (size_t i = 0; i < n && !has_blank; i++) {
        has_blank = q[i].comp != SIZE_MAX;
    }
    ts_buf u = {0};
    ts_buf_puts(&u, has_blank ? "INSERT {\n" : "INSERT DATA {\n");
    if (q->g) {
        ts_buf_printf(&u, "GRAPH <%s> {\n", (const char *)sord_node_get_string(q->g));
    }
    for (size_t i = 0; i < n; i++) {
        put_term(&u, p->b, q[i].s);
        ts_buf_putc(&u, ' ');
        put_term(&u, p->b, q[i].p);
        ts_buf_putc(&u, ' ');
        put_term(&u, p->b, q[i].o);
        ts_buf_puts(&u, " .\n");
    }
    ts_buf_puts(&u, q->g ? "}\n}" : "}");
    ts_buf_puts(&u, has_blank ? " WHERE {}\n" : "\n");
    p->batches++;
    bool ok = true;
    if (p->batches <= p->skip) {
        ts_buf_free(&u);
        return true;
    }
    if (!p->remote) {
        fwrite(u.data, 1, u.len, stdout);
    } else {
        ts_error err;
        ts_status st = TS_OK;
        for (long attempt = 0; attempt <= p->retries; attempt++) {
            st = ts_remote_update(p->remote, ts_buf_str(&u), &p->opts, &err);
            char msg[2600];
            if (st == TS_OK) {
                break;
            }
            ts_cli_error("push: batch %zu (%zu triples): %s", p->batches, n,
                         ts_error_format(&err, msg, sizeof msg));
            /* the same request would be refused again */
            if (st == TS_ERR_PERMISSION || st == TS_ERR_BAD_ARG || st == TS_ERR_NOT_FOUND ||
                st == TS_ERR_CANCELLED || attempt == p->retries) {
                break;
            }
            fprintf(stderr, "tinyscope: push: trying batch %zu again\n", p->batches);
            sleep_ms(500L << attempt);
        }
        ok = st == TS_OK;
    }
    if (ok) {
        p->triples += n;
    } else {
        p->failed++;
    }
    ts_buf_free(&u);
    return ok;
}

/* Batches of at most max triples, a blank-node component never split. */
static bool push_quads(pusher *p, quad *q, size_t n, size_t max)
{
    size_t start = 0, whole = max;
    while (start < n) {
        size_t end = start;
        max = q[start].comp != SIZE_MAX && whole > PUSH_TEMPLATE_MAX ? PUSH_TEMPLATE_MAX : whole;
        while (end < n && q[end].g == q[start].g) {
            size_t comp_end = end + 1;
            if (q[end].comp != SIZE_MAX) {
                while (comp_end < n && q[comp_end].g == q[end].g &&
                       q[comp_end].comp == q[end].comp) {
                    comp_end++;
                }
            }
            /* a component larger than a batch goes alone */
            if (comp_end - start > max && end > start) {
                break;
            }
            end = comp_end;
            if (end - start >= max) {
                break;
            }
        }
        if (!send_batch(p, q + start, end - start)) {
            return false;
        }
        start = end;
    }
    return true;
}

static bool parse_count(const char *arg, long min, long max, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*end || end == arg || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

int ts_cmd_push(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"batch", required_argument, NULL, 'n'},
        {"retries", required_argument, NULL, 'r'},
        {"timeout", required_argument, NULL, 'T'},
        {"dry-run", no_argument, NULL, 'd'},
        {"skip", required_argument, NULL, 'k'},
        TS_CLI_DATA_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    long batch = PUSH_BATCH_DEFAULT, retries = PUSH_RETRIES_DEFAULT, timeout = 0, skip = 0;
    bool dry_run = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': push_usage(stdout); return TS_EXIT_OK;
        case 'n':
            if (!parse_count(optarg, 1, 1000000, &batch)) {
                ts_cli_error("push: --batch takes a count from 1 to 1000000");
                return TS_EXIT_USAGE;
            }
            break;
        case 'r':
            if (!parse_count(optarg, 0, 10, &retries)) {
                ts_cli_error("push: --retries takes a count from 0 to 10");
                return TS_EXIT_USAGE;
            }
            break;
        case 'T':
            if (!parse_count(optarg, 1, 86400000, &timeout)) {
                ts_cli_error("push: --timeout takes milliseconds");
                return TS_EXIT_USAGE;
            }
            break;
        case 'd': dry_run = true; break;
        case 'k':
            if (!parse_count(optarg, 0, 1000000000, &skip)) {
                ts_cli_error("push: --skip takes a count of batches");
                return TS_EXIT_USAGE;
            }
            break;
        default:
            if (ts_cli_data_option(&data, c, optarg)) {
                break;
            }
            push_usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);
    if (!data.endpoint && !dry_run) {
        ts_cli_error("push: where to? (--endpoint URL, or --dry-run)");
        return TS_EXIT_USAGE;
    }
    pusher p = {.retries = retries, .skip = (size_t)skip};
    p.opts.time_limit_ms = (unsigned)timeout;
    if (data.endpoint) {
        ts_error err;
        p.remote = ts_remote_new(data.endpoint, &err);
        if (!p.remote) {
            char msg[2600];
            ts_cli_error("push: %s", ts_error_format(&err, msg, sizeof msg));
            return TS_EXIT_USAGE;
        }
        if (dry_run) {
            ts_remote_free(p.remote);
            p.remote = NULL;
        }
    }
    /* what to read: the files, or the samples with their vocabulary */
    ts_cli_data load = data;
    load.endpoint = NULL;
    load.graph = NULL;
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    bool ok = ts_cli_load(store, &load, &diags);
    ts_diags_clear(&diags);
    if (!ok) {
        ts_store_free(store);
        ts_remote_free(p.remote);
        return TS_EXIT_FAILURE;
    }

    SordModel *model = ts_store_model(store);
    SordWorld *world = ts_store_world(store);
    SordNode *target = data.graph ? sord_new_uri(world, (const uint8_t *)data.graph) : NULL;
    size_t n = 0, cap = sord_num_quads(model) + 1;
    quad *q = ts_calloc(cap, sizeof *q);
    blanks b = {0};
    SordIter *it = sord_begin(model);
    for (; it && !sord_iter_end(it) && n < cap; sord_iter_next(it)) {
        SordQuad t;
        sord_iter_get(it, t);
        quad *x = &q[n++];
        x->s = t[SORD_SUBJECT];
        x->p = t[SORD_PREDICATE];
        x->o = t[SORD_OBJECT];
        x->g = target ? target : t[SORD_GRAPH];
        x->comp = SIZE_MAX;
        bool sb = sord_node_get_type(x->s) == SORD_BLANK;
        bool ob = sord_node_get_type(x->o) == SORD_BLANK;
        if (sb && ob) {
            size_t i = blank_root(&b, blank_id(&b, x->s));
            size_t j = blank_root(&b, blank_id(&b, x->o));
            b.parent[i] = j;
        } else if (sb || ob) {
            (void)blank_id(&b, sb ? x->s : x->o);
        }
    }
    sord_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        const SordNode *blank = sord_node_get_type(q[i].s) == SORD_BLANK   ? q[i].s
                                : sord_node_get_type(q[i].o) == SORD_BLANK ? q[i].o
                                                                           : NULL;
        if (blank) {
            q[i].comp = blank_root(&b, blank_id(&b, blank));
        }
    }
    qsort(q, n, sizeof *q, compare_quads);
    p.b = &b;
    ok = push_quads(&p, q, n, (size_t)batch);
    if (p.remote) {
        fprintf(stderr, "tinyscope: push: %zu triples in %zu request%s to ", p.triples, p.batches,
                p.batches == 1 ? "" : "s");
        ts_cli_put(stderr, data.endpoint);
        fputc('\n', stderr);
        /* The order of batches depends only on the data, so a later push of
         * the same data can skip what is stored; pushing it all again would
         * be harmless for ground triples but copy blank-node structures. */
        if (!ok) {
            ts_cli_error("push: stopped at batch %zu; the same command with --skip %zu "
                         "sends the rest",
                         p.batches, p.batches - 1);
        }
    }
    free(q);
    free(b.parent);
    ts_ptrmap_free(&b.index);
    if (target) {
        sord_node_free(world, target);
    }
    ts_remote_free(p.remote);
    ts_store_free(store);
    return ok ? TS_EXIT_OK : TS_EXIT_FAILURE;
}
