#include "tinyscope/loader.h"

#include "tinyscope/term.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <serd/serd.h>

#include "tinyscope/tflite.h"

typedef ts_status (*reader_fn)(ts_store *store, ts_source *src, FILE *f,
                               const ts_load_opts *opts);

static ts_status read_rdf(ts_store *store, ts_source *src, FILE *f,
                          const ts_load_opts *opts);
static ts_status read_tflite(ts_store *store, ts_source *src, FILE *f,
                             const ts_load_opts *opts);
static ts_status read_jsonld(ts_store *store, ts_source *src, FILE *f,
                             const ts_load_opts *opts);

static const struct {
    const char *ext;
    ts_format fmt;
} extensions[] = {
    {".ttl", TS_FMT_TURTLE},   {".turtle", TS_FMT_TURTLE},
    {".nt", TS_FMT_NTRIPLES},  {".ntriples", TS_FMT_NTRIPLES},
    {".nq", TS_FMT_NQUADS},    {".nquads", TS_FMT_NQUADS},
    {".trig", TS_FMT_TRIG},
    {".tflite", TS_FMT_TFLITE},
    {".jsonld", TS_FMT_JSONLD}, {".json", TS_FMT_JSONLD},
};

static reader_fn reader_for(ts_format fmt)
{
    switch (fmt) {
    case TS_FMT_TURTLE:
    case TS_FMT_NTRIPLES:
    case TS_FMT_NQUADS:
    case TS_FMT_TRIG:
        return read_rdf;
    case TS_FMT_TFLITE:
        return read_tflite;
    case TS_FMT_JSONLD:
        return read_jsonld;
    default:
        return NULL;
    }
}

ts_format ts_format_for_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) {
        return TS_FMT_UNKNOWN;
    }
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++) {
        if (!strcasecmp(dot, extensions[i].ext) && reader_for(extensions[i].fmt)) {
            return extensions[i].fmt;
        }
    }
    return TS_FMT_UNKNOWN;
}

ts_format ts_format_from_name(const char *name)
{
    static const struct {
        const char *name;
        ts_format fmt;
    } names[] = {
        {"turtle", TS_FMT_TURTLE},   {"ttl", TS_FMT_TURTLE},
        {"ntriples", TS_FMT_NTRIPLES}, {"n-triples", TS_FMT_NTRIPLES},
        {"nt", TS_FMT_NTRIPLES},     {"nquads", TS_FMT_NQUADS},
        {"n-quads", TS_FMT_NQUADS},  {"nq", TS_FMT_NQUADS},
        {"trig", TS_FMT_TRIG},       {"jsonld", TS_FMT_JSONLD},
        {"json-ld", TS_FMT_JSONLD},  {"tflite", TS_FMT_TFLITE},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcasecmp(name, names[i].name)) {
            return names[i].fmt;
        }
    }
    return TS_FMT_UNKNOWN;
}

/* ---- RDF syntaxes through Serd, streaming straight into Sord ---- */

/* Nodes recently made from the same Serd text are reused instead of being
 * interned again: the subject of the previous statement (Turtle's ";" and
 * "," repeat it) and, by a hash of their text, prefixed names (the
 * vocabulary: predicates and classes). Cleared when a prefix or the base
 * changes, since the same text would then mean another IRI. */
#define MEMO_SLOTS 256

typedef struct {
    ts_store *store;
    ts_source *src;
    const ts_load_opts *opts;
    SerdEnv *env; /* this document's own prefixes and base */
    FILE *file;
    size_t done;
    size_t total;
    ts_status first_error;
    const char *text; /* the document, when read from memory */
    size_t text_len;
    unsigned line_base;      /* absolute line where the current reader started */
    unsigned max_error_line; /* last line an error was reported on, this reader */
    ts_buf scratch;          /* reused while expanding CURIEs */
    struct node_memo {
        SerdType type;
        size_t len;
        char *text;     /* the node as Serd gave it (ts_malloc'd) */
        size_t cap;
        SordNode *node; /* a reference the memo owns */
    } subject_memo, memo[MEMO_SLOTS];
    struct batch_quad {
        SordNode *n[4]; /* s p o g, each a reference the batch owns */
    } *batch;           /* statements read but not yet in the store */
    size_t n_batch;
    size_t cap_batch;
    struct subject_run *runs; /* the batch's runs of one subject */
    struct undefined_prefix {
        char name[64];
        size_t uses;
    } undefined[8];
    size_t n_undefined;
    struct nest_scan {
        int state;   /* NEST_CODE, NEST_COMMENT, ... */
        int quote;   /* the quote character of the string being read */
        int quotes;  /* consecutive quote characters seen */
        bool escape; /* the previous byte was a backslash */
        unsigned depth;
        unsigned line, col;
        bool too_deep; /* the input was cut where nesting went too deep */
    } nest;
} rdf_ctx;

/* Find where "name:" is first used as a prefixed name in a Turtle-family
 * document, skipping IRIs, strings and comments. Serd does not report the
 * position of a statement it hands over, so a term that cannot be expanded
 * is located here, once per prefix. */
typedef struct {
    FILE *file;
    const char *text;
    size_t pos;
    unsigned char buf[65536];
    size_t len;
    size_t off;
    bool eof;
} scan_src;

static int scan_getc(scan_src *in)
{
    if (in->text) {
        return in->text[in->pos] ? (unsigned char)in->text[in->pos++] : EOF;
    }
    if (in->off == in->len) {
        if (in->eof) {
            return EOF;
        }
        ssize_t n = pread(fileno(in->file), in->buf, sizeof in->buf, (off_t)in->pos);
        if (n <= 0) {
            in->eof = true;
            return EOF;
        }
        in->pos += (size_t)n;
        in->len = (size_t)n;
        in->off = 0;
    }
    return in->buf[in->off++];
}

static bool is_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == ':' || c == '%' || c >= 0x80;
}

static bool locate_prefix_use(scan_src *in, const char *name, unsigned *line, unsigned *col)
{
    size_t nlen = strlen(name);
    unsigned ln = 1, cl = 0;
    int prev = ' ';
    int quote = 0;       /* 0, '"' or '\'' */
    bool longq = false;  /* inside a triple-quoted string */
    int run = 0;         /* quotes seen in a row */
    bool in_iri = false, in_comment = false, escaped = false;
    size_t match = 0;
    unsigned mline = 0, mcol = 0;
    int c;
    while ((c = scan_getc(in)) != EOF) {
        if (c == '\n') {
            ln++;
            cl = 0;
        } else if ((c & 0xC0) != 0x80) {
            cl++;
        }
        if (in_comment) {
            in_comment = c != '\n' && c != '\r';
            prev = c;
            continue;
        }
        if (in_iri) {
            in_iri = c != '>';
            prev = c;
            continue;
        }
        if (quote) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == quote) {
                if (!longq) {
                    quote = 0;
                } else if (++run == 3) {
                    quote = 0;
                    longq = false;
                }
                prev = c;
                continue;
            }
            run = 0;
            prev = c;
            continue;
        }
        if (match > 0 || (!is_name_char(prev) && prev != '@')) {
            if (match < nlen ? c == (unsigned char)name[match] : c == ':') {
                if (match == 0) {
                    mline = ln;
                    mcol = cl;
                }
                if (++match == nlen + 1) {
                    *line = mline;
                    *col = mcol;
                    return true;
                }
                prev = c;
                continue;
            }
            match = 0;
        }
        if (c == '#') {
            in_comment = true;
        } else if (c == '<') {
            in_iri = true;
        } else if (c == '"' || c == '\'') {
            /* Look ahead for a triple quote. */
            int c2 = scan_getc(in);
            if (c2 == c) {
                int c3 = scan_getc(in);
                cl += 2;
                if (c3 == c) {
                    quote = c;
                    longq = true;
                    run = 0;
                } else if (c3 == '\n') {
                    ln++;
                    cl = 0;
                } else if (c3 == EOF) {
                    break;
                }
                /* "" followed by anything else is an empty string. */
            } else if (c2 != EOF) {
                cl++;
                if (c2 == '\n') {
                    ln++;
                    cl = 0;
                }
                quote = c;
                longq = false;
                escaped = c2 == '\\';
                if (c2 == c) {
                    quote = 0;
                }
            }
            prev = c;
            continue;
        }
        prev = c;
    }
    return false;
}

static void note_undefined(rdf_ctx *ctx, const SerdNode *node)
{
    if (!node || node->type != SERD_CURIE) {
        return;
    }
    SerdChunk a, b;
    if (serd_env_expand(ctx->env, node, &a, &b) == SERD_SUCCESS) {
        return;
    }
    const char *str = (const char *)node->buf;
    const char *colon = strchr(str, ':');
    size_t n = colon ? (size_t)(colon - str) : strlen(str);
    for (size_t i = 0; i < ctx->n_undefined; i++) {
        if (strlen(ctx->undefined[i].name) == n &&
            !strncmp(ctx->undefined[i].name, str, n)) {
            ctx->undefined[i].uses++;
            return;
        }
    }
    if (ctx->n_undefined < sizeof ctx->undefined / sizeof ctx->undefined[0] &&
        n < sizeof ctx->undefined[0].name) {
        struct undefined_prefix *u = &ctx->undefined[ctx->n_undefined++];
        memcpy(u->name, str, n);
        u->name[n] = '\0';
        u->uses = 1;
    }
}

static void report_undefined(rdf_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_undefined; i++) {
        struct undefined_prefix *u = &ctx->undefined[i];
        unsigned line = 0, col = 0;
        scan_src *in = ts_calloc(1, sizeof *in);
        in->file = ctx->file;
        in->text = ctx->text;
        locate_prefix_use(in, u->name, &line, &col);
        free(in);
        if (ctx->opts && ctx->opts->diags) {
            ts_diags_addf(ctx->opts->diags, TS_DIAG_ERROR, TS_ERR_SYNTAX, ctx->src->path,
                          line, col, "undefined prefix \"%s:\" (%zu statement%s dropped)",
                          u->name, u->uses, u->uses == 1 ? "" : "s");
        }
    }
}

static void memo_clear(rdf_ctx *ctx, struct node_memo *m)
{
    sord_node_free(ts_store_world(ctx->store), m->node);
    m->node = NULL;
}

static void memo_clear_all(rdf_ctx *ctx)
{
    memo_clear(ctx, &ctx->subject_memo);
    for (size_t i = 0; i < MEMO_SLOTS; i++) {
        memo_clear(ctx, &ctx->memo[i]);
    }
}

static void memo_free(rdf_ctx *ctx)
{
    memo_clear_all(ctx);
    free(ctx->subject_memo.text);
    for (size_t i = 0; i < MEMO_SLOTS; i++) {
        free(ctx->memo[i].text);
    }
}

/* (By the string's own length: see measured().) */
static bool memo_matches(const struct node_memo *m, const SerdNode *node)
{
    return m->node && m->type == node->type && !strncmp(m->text, (const char *)node->buf, m->len + 1);
}

/* Remember node as what Serd's text makes; takes a new reference. */
static void memo_set(rdf_ctx *ctx, struct node_memo *m, const SerdNode *text, SordNode *node)
{
    memo_clear(ctx, m);
    size_t len = strlen((const char *)text->buf);
    if (len + 1 > m->cap) {
        m->cap = len + 1;
        m->text = ts_realloc(m->text, m->cap);
    }
    memcpy(m->text, text->buf, len + 1);
    m->type = text->type;
    m->len = len;
    m->node = sord_node_copy(node);
}

static struct node_memo *memo_slot(rdf_ctx *ctx, const SerdNode *node)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const uint8_t *c = node->buf; *c; c++) {
        h = (h ^ *c) * 16777619u;
    }
    return &ctx->memo[h % MEMO_SLOTS];
}

static SerdStatus on_base(void *handle, const SerdNode *uri)
{
    rdf_ctx *ctx = handle;
    memo_clear_all(ctx);
    return serd_env_set_base_uri(ctx->env, uri);
}

static SerdStatus on_prefix(void *handle, const SerdNode *name, const SerdNode *uri)
{
    rdf_ctx *ctx = handle;
    memo_clear_all(ctx);
    SerdStatus st = serd_env_set_prefix(ctx->env, name, uri);
    if (st != SERD_SUCCESS) {
        return st;
    }
    /* Record the namespace as the document resolved it (it may be relative). */
    char *nm = ts_strndup((const char *)name->buf, name->n_bytes);
    char *curie = ts_asprintf("%s:", nm);
    SerdNode probe = serd_node_from_string(SERD_CURIE, (const uint8_t *)curie);
    SerdChunk ns, local;
    if (serd_env_expand(ctx->env, &probe, &ns, &local) == SERD_SUCCESS) {
        char *nsz = ts_strndup((const char *)ns.buf, ns.len);
        ts_store_add_prefix(ctx->store, nm, nsz);
        free(nsz);
    }
    free(curie);
    free(nm);
    return st;
}

/* Statements go into Sord in batches sorted by subject rather than one at a
 * time. Sord's SPO index is a B-tree ordered by node strings; adding
 * neighbours one after another keeps the tree paths they share in cache.
 * Turtle already groups a subject's statements, so what is sorted is the
 * runs of one subject, by the subject alone: a few string comparisons per
 * subject instead of several per statement. The batch is bounded so that
 * it adds little to the peak memory. */
#define BATCH_QUADS 131072

typedef struct subject_run {
    const SordNode *subject;
    size_t start, len;
} subject_run;

/* Sord's own order: Serd node type, then the string. */
static int compare_runs(const void *x, const void *y)
{
    const SordNode *a = ((const subject_run *)x)->subject;
    const SordNode *b = ((const subject_run *)y)->subject;
    if (a == b) {
        return 0;
    }
    const SerdNode *na = sord_node_to_serd_node(a), *nb = sord_node_to_serd_node(b);
    if (na->type != nb->type) {
        return na->type < nb->type ? -1 : 1;
    }
    return strcmp((const char *)na->buf, (const char *)nb->buf);
}

static void batch_flush(rdf_ctx *ctx)
{
    if (ctx->n_batch == 0) {
        return;
    }
    SordWorld *world = ts_store_world(ctx->store);
    size_t n_runs = 0;
    for (size_t i = 0; i < ctx->n_batch; i++) {
        if (n_runs && ctx->runs[n_runs - 1].subject == ctx->batch[i].n[0]) {
            ctx->runs[n_runs - 1].len++;
        } else {
            ctx->runs[n_runs++] = (subject_run){ctx->batch[i].n[0], i, 1};
        }
    }
    qsort(ctx->runs, n_runs, sizeof *ctx->runs, compare_runs);
    for (size_t r = 0; r < n_runs; r++) {
        for (size_t i = ctx->runs[r].start; i < ctx->runs[r].start + ctx->runs[r].len; i++) {
            SordNode **q = ctx->batch[i].n;
            ts_store_add(ctx->store, ctx->src, q[0], q[1], q[2], q[3]);
        }
    }
    for (size_t i = 0; i < ctx->n_batch; i++) {
        for (int k = 0; k < 4; k++) {
            sord_node_free(world, ctx->batch[i].n[k]);
        }
    }
    ctx->n_batch = 0;
}

/* Take over the references to s, p, o and g (which may be NULL). */
static void batch_add(rdf_ctx *ctx, SordNode *s, SordNode *p, SordNode *o, SordNode *g)
{
    if (ctx->n_batch == ctx->cap_batch) {
        ctx->cap_batch = ctx->cap_batch ? ctx->cap_batch * 2 : 1024;
        ctx->batch = ts_reallocarray(ctx->batch, ctx->cap_batch, sizeof *ctx->batch);
        ctx->runs = ts_reallocarray(ctx->runs, ctx->cap_batch, sizeof *ctx->runs);
    }
    SordNode **q = ctx->batch[ctx->n_batch++].n;
    q[0] = s;
    q[1] = p;
    q[2] = o;
    q[3] = g;
    if (ctx->n_batch == BATCH_QUADS) {
        batch_flush(ctx);
    }
}

/* A Sord node for a Serd node of this document: CURIEs expanded and relative
 * IRIs resolved with the document's own prefixes and base. (Sord's own
 * conversion leaks when a CURIE expands to a relative IRI.) NULL when a
 * prefix is undefined. */
static size_t utf8_chars(const uint8_t *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        chars += (s[i] & 0xC0) != 0x80;
    }
    return chars;
}

/* A node with the lengths sord_node_from_serd_node takes as given (where
 * sord_new_uri and sord_new_literal measure characters and flags again).
 * Serd's own counts are not used: with a blank node prefix, n_bytes leaves
 * the prefix out. */
static SerdNode measured(const SerdNode *node)
{
    SerdNode m = *node;
    m.n_bytes = strlen((const char *)node->buf);
    m.n_chars = utf8_chars(node->buf, m.n_bytes);
    return m;
}

static SordNode *to_sord(rdf_ctx *ctx, const SerdNode *node, const SerdNode *datatype,
                         const SerdNode *lang)
{
    SordWorld *world = ts_store_world(ctx->store);
    switch (node->type) {
    case SERD_URI: {
        if (serd_uri_string_has_scheme(node->buf)) {
            SerdNode m = measured(node);
            return sord_node_from_serd_node(world, NULL, &m, NULL, NULL);
        }
        SerdURI base;
        serd_env_get_base_uri(ctx->env, &base);
        SerdNode abs = serd_node_new_uri_from_node(node, &base, NULL);
        SordNode *n = abs.buf ? sord_new_uri(world, abs.buf) : NULL;
        serd_node_free(&abs);
        return n;
    }
    case SERD_CURIE: {
        SerdChunk ns, local;
        if (serd_env_expand(ctx->env, node, &ns, &local) != SERD_SUCCESS) {
            return NULL;
        }
        ts_buf_truncate(&ctx->scratch, 0);
        ts_buf_append(&ctx->scratch, ns.buf, ns.len);
        ts_buf_append(&ctx->scratch, local.buf, local.len);
        SerdNode uri = {(const uint8_t *)ctx->scratch.data, ctx->scratch.len,
                        utf8_chars((const uint8_t *)ctx->scratch.data, ctx->scratch.len), 0,
                        SERD_URI};
        if (!serd_uri_string_has_scheme(uri.buf)) {
            /* Sord interns only absolute IRIs; it reports the rest, quietly here. */
            return NULL;
        }
        return sord_node_from_serd_node(world, NULL, &uri, NULL, NULL);
    }
    case SERD_BLANK: {
        SerdNode m = measured(node);
        return sord_node_from_serd_node(world, NULL, &m, NULL, NULL);
    }
    case SERD_LITERAL: {
        SordNode *dt = NULL;
        if (datatype && datatype->type != SERD_NOTHING) {
            dt = to_sord(ctx, datatype, NULL, NULL);
            if (!dt) {
                return NULL;
            }
            /* "x" and "x"^^xsd:string are one RDF term: store the plain form. */
            if (!strcmp((const char *)sord_node_get_string(dt), TS_NS_XSD "string")) {
                sord_node_free(world, dt);
                dt = NULL;
            }
        }
        SerdNode m = measured(node);
        SordNode *n = sord_node_from_serd_node(world, NULL, &m,
                                               dt ? sord_node_to_serd_node(dt) : NULL,
                                               (lang && lang->buf) ? lang : NULL);
        sord_node_free(world, dt);
        return n;
    }
    default:
        return NULL;
    }
}

static SordNode *to_sord_memo(rdf_ctx *ctx, const SerdNode *node, struct node_memo *m)
{
    if (memo_matches(m, node)) {
        return sord_node_copy(m->node);
    }
    SordNode *n = to_sord(ctx, node, NULL, NULL);
    if (n) {
        memo_set(ctx, m, node, n);
    }
    return n;
}

static SordNode *to_sord_term(rdf_ctx *ctx, const SerdNode *node)
{
    if (node->type == SERD_CURIE) {
        return to_sord_memo(ctx, node, memo_slot(ctx, node));
    }
    return to_sord(ctx, node, NULL, NULL);
}

static SerdStatus on_statement(void *handle, SerdStatementFlags flags,
                               const SerdNode *graph, const SerdNode *subject,
                               const SerdNode *predicate, const SerdNode *object,
                               const SerdNode *datatype, const SerdNode *lang)
{
    (void)flags;
    rdf_ctx *ctx = handle;
    SordWorld *world = ts_store_world(ctx->store);
    SordNode *s = to_sord_memo(ctx, subject, &ctx->subject_memo);
    SordNode *p = to_sord_term(ctx, predicate);
    SordNode *o = object->type == SERD_LITERAL ? to_sord(ctx, object, datatype, lang)
                                               : to_sord_term(ctx, object);
    SordNode *g = NULL;
    if (graph && graph->type != SERD_NOTHING) {
        g = to_sord(ctx, graph, NULL, NULL);
    }
    SerdStatus st = SERD_SUCCESS;
    if (!s || !p || !o || (graph && graph->type != SERD_NOTHING && !g)) {
        /* An undefined prefix: dropped, and reported once per prefix with
         * the position of its first use when the document is done. */
        ctx->src->errors++;
        if (ctx->first_error == TS_OK) {
            ctx->first_error = TS_ERR_SYNTAX;
        }
        note_undefined(ctx, subject);
        note_undefined(ctx, predicate);
        note_undefined(ctx, object);
        note_undefined(ctx, datatype);
        note_undefined(ctx, graph);
        st = (ctx->opts && ctx->opts->strict) ? SERD_ERR_BAD_CURIE : SERD_SUCCESS;
    } else {
        if (g) {
            ts_store_source_note_graph(ctx->store, ctx->src, g);
        }
        batch_add(ctx, s, p, o, g);
        return st;
    }
    sord_node_free(world, s);
    sord_node_free(world, p);
    sord_node_free(world, o);
    sord_node_free(world, g);
    return st;
}

static SerdStatus on_error(void *handle, const SerdError *error)
{
    rdf_ctx *ctx = handle;
    if (ctx->nest.too_deep) {
        return SERD_SUCCESS; /* the cut input's errors say nothing new */
    }
    ctx->src->errors++;
    if (ctx->first_error == TS_OK) {
        ctx->first_error = TS_ERR_SYNTAX;
    }
    unsigned line = error->line ? error->line + ctx->line_base - 1 : 0;
    if (line > ctx->max_error_line) {
        ctx->max_error_line = line;
    }
    if (ctx->opts && ctx->opts->diags) {
        ts_error e;
        va_list args;
        va_copy(args, *error->args);
        ts_error_vset(&e, TS_ERR_SYNTAX, ctx->src->path, line, error->col + 1, error->fmt,
                      args);
        va_end(args);
        /* Serd prints the end of input as the byte 0xFF. */
        char *eof = strstr(e.message, "`\xff'");
        if (eof) {
            const char *rest = eof + 3;
            char tail[sizeof e.message];
            snprintf(tail, sizeof tail, "end of file%s", rest);
            snprintf(eof, sizeof e.message - (size_t)(eof - e.message), "%s", tail);
        }
        if (strstr(e.message, "(escape %FFFFFFFF)")) {
            snprintf(e.message, sizeof e.message, "end of file inside an IRI");
        }
        /* Serd's messages end with a newline. */
        size_t n = strlen(e.message);
        while (n && (e.message[n - 1] == '\n' || e.message[n - 1] == ' ')) {
            e.message[--n] = '\0';
        }
        ts_diags_add(ctx->opts->diags, TS_DIAG_ERROR, &e);
    }
    return SERD_SUCCESS;
}

/*
 * Serd reads nested collections and blank nodes by recursion without a
 * bound, so a deep enough "( ( ( ..." overflows the stack. The bytes handed
 * to Serd are watched for nesting (outside IRIs, strings and comments) and
 * the input ends, with an error, where it goes deeper than this.
 */
#define MAX_NESTING 256

enum { NEST_CODE, NEST_COMMENT, NEST_IRI, NEST_OPEN_QUOTES, NEST_STRING, NEST_LONG_STRING };

/* How many of the n bytes at p Serd may see: n, or fewer where nesting
 * becomes too deep. */
static size_t nest_scan(rdf_ctx *ctx, const unsigned char *p, size_t n)
{
    /* The bytes that can change the state, per state: runs of others are
     * skipped at once (this scan sees every byte of every Turtle file). */
#define NEST_LINE ['\n'] = 1, ['\r'] = 1
#define NEST_QUOTES ['"'] = 1, ['\''] = 1, ['\\'] = 1
    static const unsigned char stops[][256] = {
        [NEST_CODE] = {NEST_LINE, NEST_QUOTES, ['#'] = 1, ['<'] = 1, ['('] = 1, ['['] = 1,
                       [')'] = 1, [']'] = 1},
        [NEST_COMMENT] = {NEST_LINE},
        [NEST_IRI] = {NEST_LINE, ['>'] = 1},
        [NEST_OPEN_QUOTES] = {0},
        [NEST_STRING] = {NEST_LINE, NEST_QUOTES},
        [NEST_LONG_STRING] = {NEST_LINE, NEST_QUOTES},
    };
#undef NEST_LINE
#undef NEST_QUOTES
    struct nest_scan *ns = &ctx->nest;
    for (size_t i = 0; i < n; i++) {
        if (!ns->escape && ns->state != NEST_OPEN_QUOTES) {
            const unsigned char *stop = stops[ns->state];
            size_t j = i;
            while (j < n && !stop[p[j]]) {
                j++;
            }
            if (j > i) {
                ns->col += (unsigned)(j - i);
                if (ns->state == NEST_LONG_STRING) {
                    ns->quotes = 0; /* a run of quotes was broken */
                }
                i = j;
                if (i == n) {
                    break;
                }
            }
        }
        int c = p[i];
        if (c == '\n') {
            ns->line++;
            ns->col = 0;
        } else {
            ns->col++;
        }
        if (ns->state == NEST_OPEN_QUOTES) {
            if (c == ns->quote && ns->quotes < 3) {
                if (++ns->quotes == 3) {
                    ns->state = NEST_LONG_STRING;
                    ns->quotes = 0;
                }
                continue;
            }
            /* "" is an empty string; one quote opens a short string */
            ns->state = ns->quotes == 2 ? NEST_CODE : NEST_STRING;
            ns->quotes = 0;
        }
        if (ns->escape) {
            ns->escape = false;
            continue;
        }
        switch (ns->state) {
        case NEST_COMMENT: ns->state = c == '\n' || c == '\r' ? NEST_CODE : ns->state; break;
        case NEST_IRI: ns->state = c == '>' || c == '\n' ? NEST_CODE : ns->state; break;
        case NEST_STRING:
            ns->escape = c == '\\';
            ns->state = c == ns->quote || c == '\n' ? NEST_CODE : ns->state;
            break;
        case NEST_LONG_STRING:
            ns->escape = c == '\\';
            ns->quotes = c == ns->quote ? ns->quotes + 1 : 0;
            if (ns->quotes == 3) {
                ns->state = NEST_CODE;
                ns->quotes = 0;
            }
            break;
        default:
            if (c == '#') {
                ns->state = NEST_COMMENT;
            } else if (c == '<') {
                ns->state = NEST_IRI;
            } else if (c == '"' || c == '\'') {
                ns->state = NEST_OPEN_QUOTES;
                ns->quote = c;
                ns->quotes = 1;
            } else if (c == '\\') {
                ns->escape = true;
            } else if (c == '(' || c == '[') {
                if (++ns->depth > MAX_NESTING) {
                    ns->too_deep = true;
                    ctx->src->errors++;
                    ctx->first_error = TS_ERR_LIMIT;
                    if (ctx->opts && ctx->opts->diags) {
                        ts_diags_addf(ctx->opts->diags, TS_DIAG_ERROR, TS_ERR_LIMIT,
                                      ctx->src->path, ns->line, ns->col,
                                      "collections and blank nodes nested deeper than %d "
                                      "levels; the rest of the file is skipped",
                                      MAX_NESTING);
                    }
                    return i;
                }
            } else if ((c == ')' || c == ']') && ns->depth) {
                ns->depth--;
            }
            break;
        }
    }
    return n;
}

static size_t source_read(void *buf, size_t size, size_t nmemb, void *stream)
{
    rdf_ctx *ctx = stream;
    size_t n;
    if (ctx->nest.too_deep) {
        return 0;
    }
    if (ctx->text) {
        n = ctx->text_len - ctx->done;
        if (n > size * nmemb) {
            n = size * nmemb;
        }
        memcpy(buf, ctx->text + ctx->done, n);
        n /= size;
    } else {
        n = fread(buf, size, nmemb, ctx->file);
    }
    if (size == 1 && (ctx->src->format == TS_FMT_TURTLE || ctx->src->format == TS_FMT_TRIG)) {
        n = nest_scan(ctx, buf, n);
    }
    ctx->done += n * size;
    if (ctx->opts && ctx->opts->progress) {
        ctx->opts->progress(ctx->opts->progress_ctx, ctx->src->path, ctx->done,
                            ctx->total);
    }
    return n;
}

static int source_error(void *stream)
{
    rdf_ctx *ctx = stream;
    return ctx->file ? ferror(ctx->file) : 0;
}

static SerdSyntax serd_syntax(ts_format fmt)
{
    switch (fmt) {
    case TS_FMT_NTRIPLES: return SERD_NTRIPLES;
    case TS_FMT_NQUADS: return SERD_NQUADS;
    case TS_FMT_TRIG: return SERD_TRIG;
    default: return SERD_TURTLE;
    }
}

/*
 * Serd always runs strict here. Its lax mode skips to the next line after an
 * error by itself, but in the Debian 12 version it loops forever on some
 * errors at the end of the input (an IRI cut short by the end of the file).
 * So after an error this loader starts a fresh reader at the next line: the
 * same recovery, with the loop impossible, since every restart moves forward.
 */
#define MAX_ERRORS_PER_SOURCE 10000

static void rdf_ctx_init(rdf_ctx *ctx, ts_store *store, ts_source *src,
                         const ts_load_opts *opts)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->store = store;
    ctx->src = src;
    ctx->opts = opts;
    const char *base = (opts && opts->base) ? opts->base : src->uri;
    SerdNode base_node = serd_node_from_string(SERD_URI, (const uint8_t *)base);
    ctx->env = serd_env_new(&base_node);
    ctx->line_base = 1;
}

static SerdReader *rdf_reader_new(rdf_ctx *ctx)
{
    static unsigned long blank_seq;
    SerdReader *reader = serd_reader_new(serd_syntax(ctx->src->format), ctx, NULL,
                                         on_base, on_prefix, on_statement, NULL);
    serd_reader_set_error_sink(reader, on_error, ctx);
    serd_reader_set_strict(reader, true);
    /* Blank node labels are scoped to their document (and to each restart,
     * whose generated labels begin again at b1). */
    char prefix[32];
    snprintf(prefix, sizeof prefix, "s%lu_", ++blank_seq);
    serd_reader_add_blank_prefix(reader, (const uint8_t *)prefix);
    return reader;
}

/* The byte offset where line `line` (absolute, 1-based) begins, scanning
 * forward from offset `from`, which begins line `from_line`. False when the
 * input ends first. */
static bool find_line_start(rdf_ctx *ctx, size_t from, unsigned from_line, unsigned line,
                            size_t *out)
{
    size_t pos = from;
    unsigned cur = from_line;
    unsigned char buf[65536];
    while (cur < line) {
        size_t n;
        if (ctx->text) {
            n = ctx->text_len > pos ? ctx->text_len - pos : 0;
            if (n > sizeof buf) {
                n = sizeof buf;
            }
            memcpy(buf, ctx->text + pos, n);
        } else {
            ssize_t r = pread(fileno(ctx->file), buf, sizeof buf, (off_t)pos);
            n = r > 0 ? (size_t)r : 0;
        }
        if (n == 0) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '\n' && ++cur == line) {
                *out = pos + i + 1;
                return true;
            }
        }
        pos += n;
    }
    *out = pos;
    return true;
}

static ts_status read_rdf_stream(rdf_ctx *ctx)
{
    bool strict = ctx->opts && ctx->opts->strict;
    size_t offset = 0;
    while (true) {
        SerdReader *reader = rdf_reader_new(ctx);
        ctx->done = offset;
        if (ctx->file && offset > 0 && fseek(ctx->file, (long)offset, SEEK_SET) != 0) {
            /* A pipe cannot go back to the line after an error. */
            ctx->src->errors++;
            if (ctx->opts && ctx->opts->diags) {
                ts_diags_addf(ctx->opts->diags, TS_DIAG_ERROR, TS_ERR_IO, ctx->src->path,
                              ctx->line_base, 0,
                              "cannot resume after an error: the input is not seekable");
            }
            serd_reader_free(reader);
            break;
        }
        ctx->max_error_line = 0;
        memset(&ctx->nest, 0, sizeof ctx->nest);
        ctx->nest.line = ctx->line_base;
        size_t errors_before = ctx->src->errors;
        SerdStatus st = serd_reader_read_source(reader, source_read, source_error, ctx,
                                                (const uint8_t *)ctx->src->path, 65536);
        serd_reader_free(reader);
        if (ctx->nest.too_deep) {
            break;
        }
        if (st <= SERD_FAILURE && ctx->src->errors == errors_before) {
            break;
        }
        if (st > SERD_FAILURE && ctx->src->errors == errors_before) {
            /* A failure Serd did not describe (a sink refused a statement). */
            ctx->src->errors++;
        }
        if (ctx->first_error == TS_OK) {
            ctx->first_error = TS_ERR_SYNTAX;
        }
        if (strict || st <= SERD_FAILURE) {
            break;
        }
        if (ctx->src->errors >= MAX_ERRORS_PER_SOURCE) {
            if (ctx->opts && ctx->opts->diags) {
                ts_diags_addf(ctx->opts->diags, TS_DIAG_ERROR, TS_ERR_LIMIT, ctx->src->path,
                              0, 0, "too many errors (%d); the rest of the file is skipped",
                              MAX_ERRORS_PER_SOURCE);
            }
            break;
        }
        unsigned resume = (ctx->max_error_line >= ctx->line_base ? ctx->max_error_line
                                                                 : ctx->line_base) + 1;
        size_t next;
        if (!find_line_start(ctx, offset, ctx->line_base, resume, &next) || next <= offset) {
            break;
        }
        offset = next;
        ctx->line_base = resume;
    }
    batch_flush(ctx);
    free(ctx->batch);
    free(ctx->runs);
    report_undefined(ctx);
    serd_env_free(ctx->env);
    ts_buf_free(&ctx->scratch);
    memo_free(ctx);
    if (ctx->file && ferror(ctx->file)) {
        ctx->src->errors++;
        if (ctx->opts && ctx->opts->diags) {
            ts_diags_addf(ctx->opts->diags, TS_DIAG_ERROR, TS_ERR_IO, ctx->src->path, 0, 0,
                          "read error: %s", strerror(errno));
        }
        return TS_ERR_IO;
    }
    return (strict && ctx->first_error != TS_OK) ? ctx->first_error : TS_OK;
}

static ts_status read_rdf(ts_store *store, ts_source *src, FILE *f,
                          const ts_load_opts *opts)
{
    rdf_ctx ctx;
    rdf_ctx_init(&ctx, store, src, opts);
    ctx.file = f;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
        ctx.total = (size_t)sb.st_size;
    }
    return read_rdf_stream(&ctx);
}

/* ---- JSON-LD through the jsonld module ---- */

typedef struct {
    ts_store *store;
    ts_source *src;
} jsonld_ctx;

static void jsonld_quad(void *handle, const ts_term *s, const ts_term *p, const ts_term *o,
                        const ts_term *g)
{
    jsonld_ctx *ctx = handle;
    SordWorld *world = ts_store_world(ctx->store);
    SordNode *sn = ts_term_to_sord(world, s);
    SordNode *pn = ts_term_to_sord(world, p);
    SordNode *on = ts_term_to_sord(world, o);
    SordNode *gn = ts_term_to_sord(world, g);
    if (gn) {
        ts_store_source_note_graph(ctx->store, ctx->src, gn);
    }
    if (sn && pn && on) {
        ts_store_add(ctx->store, ctx->src, sn, pn, on, gn);
    }
    sord_node_free(world, sn);
    sord_node_free(world, pn);
    sord_node_free(world, on);
    sord_node_free(world, gn);
}

static ts_jsonld_ctxstore *shared_contexts;

static void free_shared_contexts(void)
{
    ts_jsonld_ctxstore_free(shared_contexts);
    shared_contexts = NULL;
}

static ts_jsonld_ctxstore *default_contexts(void)
{
    if (!shared_contexts) {
        shared_contexts = ts_jsonld_ctxstore_new();
        ts_jsonld_ctxstore_add_defaults(shared_contexts);
        atexit(free_shared_contexts);
    }
    return shared_contexts;
}

static ts_status jsonld_text(ts_store *store, ts_source *src, const char *text, size_t len,
                             const ts_load_opts *opts)
{
    static unsigned long doc_seq;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "j%lu_", ++doc_seq);
    size_t warnings_before = (opts && opts->diags) ? opts->diags->warnings : 0;
    ts_jsonld_opts jo = {
        .source = src->path,
        .base = (opts && opts->base) ? opts->base : src->uri,
        .contexts = (opts && opts->contexts) ? opts->contexts : default_contexts(),
        .blank_prefix = prefix,
        .diags = opts ? opts->diags : NULL,
    };
    if (!opts || !ts_jsonld_direction_parse(opts->rdf_direction, &jo.rdf_direction)) {
        ts_jsonld_direction_parse(TS_LOAD_RDF_DIRECTION, &jo.rdf_direction);
    }
    jsonld_ctx ctx = {store, src};
    ts_error err;
    ts_status st = ts_jsonld_text_to_rdf(text, len, &jo, jsonld_quad, &ctx, &err);
    if (opts && opts->diags) {
        src->warnings += opts->diags->warnings - warnings_before;
    }
    if (st == TS_OK) {
        return TS_OK;
    }
    src->errors++;
    if (opts && opts->diags) {
        ts_diags_add(opts->diags, TS_DIAG_ERROR, &err);
    }
    return (opts && opts->strict) ? st : TS_OK;
}

static ts_status read_jsonld(ts_store *store, ts_source *src, FILE *f,
                             const ts_load_opts *opts)
{
    ts_buf text = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ts_buf_append(&text, chunk, n);
        if (opts && opts->progress) {
            opts->progress(opts->progress_ctx, src->path, text.len, 0);
        }
    }
    if (ferror(f)) {
        ts_buf_free(&text);
        src->errors++;
        if (opts && opts->diags) {
            ts_diags_addf(opts->diags, TS_DIAG_ERROR, TS_ERR_IO, src->path, 0, 0,
                          "read error: %s", strerror(errno));
        }
        return TS_ERR_IO;
    }
    /* A byte order mark is not JSON, but editors write one. */
    size_t skip = text.len >= 3 && !memcmp(text.data, "\xEF\xBB\xBF", 3) ? 3 : 0;
    ts_status st =
        jsonld_text(store, src, text.data ? text.data + skip : "", text.len - skip, opts);
    ts_buf_free(&text);
    return st;
}

ts_status ts_load_string(ts_store *store, const char *name, ts_format fmt,
                         const char *text, const ts_load_opts *opts, ts_source **out)
{
    if (!reader_for(fmt) || (reader_for(fmt) != read_rdf && fmt != TS_FMT_JSONLD)) {
        return TS_ERR_UNSUPPORTED;
    }
    ts_source *src = ts_store_add_source(store, name, NULL, fmt);
    if (out) {
        *out = src;
    }
    if (fmt == TS_FMT_JSONLD) {
        return jsonld_text(store, src, text, strlen(text), opts);
    }
    rdf_ctx ctx;
    rdf_ctx_init(&ctx, store, src, opts);
    ctx.text = text;
    ctx.text_len = ctx.total = strlen(text);
    return read_rdf_stream(&ctx);
}

/* ---- TFLite models, described with minimal metadata ---- */

#define TFLITE_MAX_BYTES ((size_t)1 << 30)

static ts_status read_tflite(ts_store *store, ts_source *src, FILE *f,
                             const ts_load_opts *opts)
{
    ts_buf data = {0};
    char chunk[65536];
    size_t n;
    ts_error err;
    ts_error_clear(&err);
    ts_status st = TS_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (data.len + n > TFLITE_MAX_BYTES) {
            st = ts_error_set(&err, TS_ERR_LIMIT, src->path, 0, 0,
                              "model larger than %zu bytes", TFLITE_MAX_BYTES);
            break;
        }
        ts_buf_append(&data, chunk, n);
    }
    if (st == TS_OK && ferror(f)) {
        st = ts_error_set(&err, TS_ERR_IO, src->path, 0, 0, "read error: %s",
                          strerror(errno));
    }
    if (opts && opts->progress) {
        opts->progress(opts->progress_ctx, src->path, data.len, data.len);
    }
    ts_tflite *model = NULL;
    if (st == TS_OK) {
        st = ts_tflite_parse(data.data, data.len, src->path, &model, &err);
    }
    if (st == TS_OK) {
        /* A board needs the 32-bit arena, so that is what a source states. */
        st = ts_tflite_add_to_store(model, src->path, NULL, TS_TFLITE_ABI_MCU32, store, src,
                                    &err);
    }
    ts_tflite_free(model);
    ts_buf_free(&data);
    if (st == TS_OK) {
        return TS_OK;
    }
    src->errors++;
    if (opts && opts->diags) {
        ts_diags_add(opts->diags, TS_DIAG_ERROR, &err);
    }
    return (opts && opts->strict) || st == TS_ERR_IO ? st : TS_OK;
}

/* ---- files and directories ---- */

static ts_status open_error(const char *path, int errnum, const ts_load_opts *opts)
{
    ts_status st = errnum == ENOENT    ? TS_ERR_NOT_FOUND
                   : errnum == EACCES ? TS_ERR_PERMISSION
                                      : TS_ERR_IO;
    if (opts && opts->diags) {
        ts_diags_addf(opts->diags, TS_DIAG_ERROR, st, path, 0, 0, "cannot open: %s",
                      strerror(errnum));
    }
    return st;
}

ts_status ts_load_file(ts_store *store, const char *path, ts_format fmt,
                       const ts_load_opts *opts, ts_source **out)
{
    if (out) {
        *out = NULL;
    }
    if (fmt == TS_FMT_UNKNOWN) {
        fmt = ts_format_for_path(path);
    }
    reader_fn read = reader_for(fmt);
    if (!read) {
        if (opts && opts->diags) {
            ts_diags_addf(opts->diags, TS_DIAG_ERROR, TS_ERR_UNSUPPORTED, path, 0, 0,
                          "cannot tell the format from the file name "
                          "(known: .ttl .nt .nq .trig .jsonld .json .tflite)");
        }
        return TS_ERR_UNSUPPORTED;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        return open_error(path, errno, opts);
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        return open_error(path, EISDIR, opts);
    }
    ts_source *src = ts_store_add_source(store, path, NULL, fmt);
    if (out) {
        *out = src;
    }
    ts_status st = read(store, src, f, opts);
    fclose(f);
    return st;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directories on the way down, to notice a symbolic link back up. */
typedef struct dir_chain {
    dev_t dev;
    ino_t ino;
    const struct dir_chain *up;
} dir_chain;

static ts_status load_dir(ts_store *store, const char *path, const ts_load_opts *opts,
                          unsigned depth, const dir_chain *up)
{
    struct stat self;
    if (stat(path, &self) == 0) {
        for (const dir_chain *c = up; c; c = c->up) {
            if (c->dev == self.st_dev && c->ino == self.st_ino) {
                if (opts && opts->diags) {
                    ts_diags_addf(opts->diags, TS_DIAG_WARNING, TS_OK, path, 0, 0,
                                  "skipped: a link back to a directory being read");
                }
                return TS_OK;
            }
        }
    }
    dir_chain here = {self.st_dev, self.st_ino, up};
    if (depth > 64) {
        if (opts && opts->diags) {
            ts_diags_addf(opts->diags, TS_DIAG_ERROR, TS_ERR_LIMIT, path, 0, 0,
                          "directories nested too deeply (a link loop?)");
        }
        return TS_ERR_LIMIT;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        return open_error(path, errno, opts);
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(dir))) {
        if (ent->d_name[0] == '.') {
            continue;
        }
        names = ts_reallocarray(names, n + 1, sizeof *names);
        names[n++] = ts_strdup(ent->d_name);
    }
    closedir(dir);
    if (n) {
        qsort(names, n, sizeof *names, compare_names);
    }

    ts_status result = TS_OK;
    for (size_t i = 0; i < n; i++) {
        char *child = ts_asprintf("%s%s%s", path,
                                  path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
        struct stat sb;
        ts_status st = TS_OK;
        if (stat(child, &sb) != 0) {
            st = open_error(child, errno, opts);
        } else if (S_ISDIR(sb.st_mode)) {
            st = load_dir(store, child, opts, depth + 1, &here);
        } else if (S_ISREG(sb.st_mode) && ts_format_for_path(child) != TS_FMT_UNKNOWN) {
            st = ts_load_file(store, child, TS_FMT_UNKNOWN, opts, NULL);
        }
        free(child);
        if (st != TS_OK && result == TS_OK) {
            result = st;
        }
        if (st != TS_OK && opts && opts->strict) {
            break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return result;
}

ts_status ts_load_path(ts_store *store, const char *path, const ts_load_opts *opts)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        return open_error(path, errno, opts);
    }
    if (S_ISDIR(sb.st_mode)) {
        return load_dir(store, path, opts, 0, NULL);
    }
    return ts_load_file(store, path, TS_FMT_UNKNOWN, opts, NULL);
}

ts_status ts_load_paths(ts_store *store, char *const *paths, size_t n,
                        const ts_load_opts *opts)
{
    ts_status result = TS_OK;
    for (size_t i = 0; i < n; i++) {
        ts_status st = ts_load_path(store, paths[i], opts);
        if (st != TS_OK && result == TS_OK) {
            result = st;
        }
        if (st != TS_OK && opts && opts->strict) {
            break;
        }
    }
    return result;
}
