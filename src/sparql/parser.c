/*
 * SPARQL 1.1 Query grammar by recursive descent, straight into the algebra
 * of sparql_internal.h. Errors leave through longjmp; every structure lives
 * in the query's arena, so an error frees everything at once.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <serd/serd.h>

#include "sparql_internal.h"

/* ---- arena ---- */

typedef struct sq_chunk {
    struct sq_chunk *next;
    size_t used, cap;
    max_align_t data[];
} sq_chunk;

void *sq_alloc(ts_sparql_query *q, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    sq_chunk *c = q->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 60000 ? n : 60000;
        sq_chunk *nc = ts_malloc(sizeof *nc + cap);
        nc->used = 0;
        nc->cap = cap;
        if (c && n > 60000) {
            /* keep the current chunk in front for small allocations */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            q->arena = nc;
        }
        c = nc;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *sq_strdup(ts_sparql_query *q, const char *s)
{
    size_t n = strlen(s);
    char *d = sq_alloc(q, n + 1);
    memcpy(d, s, n + 1);
    return d;
}

static char *sq_strndup(ts_sparql_query *q, const char *s, size_t n)
{
    char *d = sq_alloc(q, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Grow an arena array: returns a copy with room for one more element. */
static void *grow(ts_sparql_query *q, void *arr, size_t n, size_t size)
{
    /* capacities are powers of two; copy when n reaches one */
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = n ? n * 2 : 4;
        void *na = sq_alloc(q, ts_mul_size(cap, size));
        if (n) {
            memcpy(na, arr, n * size);
        }
        return na;
    }
    return arr;
}

#define PUSH(q, arr, n, val)                                      \
    do {                                                          \
        (arr) = grow((q), (arr), (n), sizeof *(arr));             \
        (arr)[(n)++] = (val);                                     \
    } while (0)

/* ---- parser state ---- */

typedef struct {
    sq_lexer lx;
    sq_token tok;
    ts_sparql_query *q;
    sq_select *sel;
    jmp_buf jb;
    ts_error *err;
    int depth;
    char *base;
    SerdURI base_uri;
    SerdNode base_node;
    unsigned anon;
    bool in_aggregate;
    bool allow_aggregates;
    /* a blank node label belongs to one basic graph pattern */
    unsigned block, n_blocks;
    bool in_template;
    char **labels;
    unsigned *label_block;
    size_t n_labels;
} parser;

static _Noreturn void fail_at(parser *P, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static _Noreturn void fail_at(parser *P, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_error_vset(P->err, TS_ERR_SYNTAX, "<query>", line, col, fmt, ap);
    va_end(ap);
    longjmp(P->jb, 1);
}

static const char *tok_desc(const sq_token *t)
{
    switch (t->kind) {
    case TK_EOF: return "end of query";
    case TK_IRIREF: return "IRI";
    case TK_PNAME_NS:
    case TK_PNAME_LN: return "prefixed name";
    case TK_BLANK: return "blank node";
    case TK_VAR: return "variable";
    case TK_LANGTAG: return "language tag";
    case TK_INTEGER:
    case TK_DECIMAL:
    case TK_DOUBLE: return "number";
    case TK_STRING: return "string";
    case TK_NIL: return "'()'";
    case TK_ANON: return "'[]'";
    default: return NULL;
    }
}

static _Noreturn void fail_expect(parser *P, const char *what)
{
    const char *d = tok_desc(&P->tok);
    char found[80];
    if (d) {
        snprintf(found, sizeof found, "%s", d);
    } else {
        snprintf(found, sizeof found, "'%.60s'", P->tok.text ? P->tok.text : "");
    }
    fail_at(P, P->tok.line, P->tok.col, "expected %s, found %s", what, found);
}

static void next(parser *P)
{
    sq_token_clear(&P->tok);
    sq_lexer_next(&P->lx, &P->tok);
    if (P->tok.kind == TK_ERROR) {
        fail_at(P, P->tok.line, P->tok.col, "%s", P->lx.errmsg);
    }
}

static bool is_punct(parser *P, const char *s)
{
    return P->tok.kind == TK_PUNCT && !strcmp(P->tok.text, s);
}

static bool is_word(parser *P, const char *s)
{
    return P->tok.kind == TK_WORD && !strcasecmp(P->tok.text, s);
}

static bool accept_punct(parser *P, const char *s)
{
    if (is_punct(P, s)) {
        next(P);
        return true;
    }
    return false;
}

static bool accept_word(parser *P, const char *s)
{
    if (is_word(P, s)) {
        next(P);
        return true;
    }
    return false;
}

static void expect_punct(parser *P, const char *s)
{
    if (!accept_punct(P, s)) {
        char what[16];
        snprintf(what, sizeof what, "'%s'", s);
        fail_expect(P, what);
    }
}

static void expect_word(parser *P, const char *s)
{
    if (!accept_word(P, s)) {
        fail_expect(P, s);
    }
}

static void enter(parser *P)
{
    if (++P->depth > SQ_MAX_DEPTH) {
        fail_at(P, P->tok.line, P->tok.col, "nesting deeper than %d levels", SQ_MAX_DEPTH);
    }
}

static void leave(parser *P)
{
    P->depth--;
}

/* ---- variables ---- */

static int var_slot_in(parser *P, sq_select *s, const char *name)
{
    for (size_t i = 0; i < s->n_vars; i++) {
        if (!strcmp(s->var_names[i], name)) {
            return (int)i;
        }
    }
    PUSH(P->q, s->var_names, s->n_vars, sq_strdup(P->q, name));
    return (int)s->n_vars - 1;
}

static int var_slot(parser *P, const char *name)
{
    return var_slot_in(P, P->sel, name);
}

static int hidden_var(parser *P, const char *kind)
{
    char name[48];
    snprintf(name, sizeof name, ".%s%u", kind, P->anon++);
    return var_slot(P, name);
}

static sq_term var_term(int slot)
{
    sq_term t = {.kind = SQ_T_VAR, .var = slot};
    return t;
}

/* ---- IRIs ---- */

static char *resolve(parser *P, const char *iri)
{
    if (!P->base) {
        return sq_strdup(P->q, iri);
    }
    /* an absolute IRI has a scheme */
    const char *c = iri;
    if (isalpha((unsigned char)*c)) {
        while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.') {
            c++;
        }
        if (*c == ':') {
            return sq_strdup(P->q, iri);
        }
    }
    SerdNode n = serd_node_new_uri_from_string((const uint8_t *)iri, &P->base_uri, NULL);
    char *out = sq_strdup(P->q, n.buf ? (const char *)n.buf : iri);
    serd_node_free(&n);
    return out;
}

static void set_base(parser *P, const char *iri)
{
    char *abs = P->base ? resolve(P, iri) : sq_strdup(P->q, iri);
    serd_node_free(&P->base_node);
    P->base_node = serd_node_new_uri_from_string((const uint8_t *)abs, NULL, &P->base_uri);
    P->base = abs;
    P->q->base = abs;
}

static const char *prefix_iri(parser *P, const char *name)
{
    for (size_t i = P->q->n_prefixes; i-- > 0;) {
        if (!strcmp(P->q->prefix_names[i], name)) {
            return P->q->prefix_iris[i];
        }
    }
    return NULL;
}

static char *pname_iri(parser *P)
{
    const char *ns = prefix_iri(P, P->tok.text);
    if (!ns) {
        fail_at(P, P->tok.line, P->tok.col, "undefined prefix '%s:'", P->tok.text);
    }
    ts_buf b = {0};
    ts_buf_puts(&b, ns);
    if (P->tok.kind == TK_PNAME_LN) {
        ts_buf_puts(&b, P->tok.text2);
    }
    char *r = sq_strdup(P->q, ts_buf_str(&b));
    ts_buf_free(&b);
    return r;
}

static bool at_iri(parser *P)
{
    return P->tok.kind == TK_IRIREF || P->tok.kind == TK_PNAME_NS || P->tok.kind == TK_PNAME_LN;
}

static char *parse_iri(parser *P)
{
    char *r;
    if (P->tok.kind == TK_IRIREF) {
        r = resolve(P, P->tok.text);
    } else if (P->tok.kind == TK_PNAME_NS || P->tok.kind == TK_PNAME_LN) {
        r = pname_iri(P);
    } else {
        fail_expect(P, "IRI");
    }
    next(P);
    return r;
}

static sq_term iri_term(parser *P, const char *iri)
{
    sq_term t = {.kind = SQ_T_IRI, .var = -1, .value = sq_strdup(P->q, iri)};
    return t;
}

/* ---- literals ---- */

static sq_term number_term(parser *P, const char *sign)
{
    sq_term t = {.kind = SQ_T_LITERAL, .var = -1};
    ts_buf b = {0};
    ts_buf_puts(&b, sign);
    ts_buf_puts(&b, P->tok.text);
    t.value = sq_strdup(P->q, ts_buf_str(&b));
    ts_buf_free(&b);
    t.dt = sq_strdup(P->q, P->tok.kind == TK_INTEGER   ? TS_NS_XSD "integer"
                           : P->tok.kind == TK_DECIMAL ? TS_NS_XSD "decimal"
                                                       : TS_NS_XSD "double");
    next(P);
    return t;
}

static sq_term string_literal(parser *P)
{
    sq_term t = {.kind = SQ_T_LITERAL, .var = -1};
    t.value = sq_strndup(P->q, P->tok.text, P->tok.len);
    next(P);
    if (P->tok.kind == TK_LANGTAG) {
        t.lang = sq_strdup(P->q, P->tok.text);
        for (char *c = t.lang; *c; c++) {
            *c = (char)tolower((unsigned char)*c);
        }
        next(P);
    } else if (accept_punct(P, "^^")) {
        t.dt = parse_iri(P);
    }
    return t;
}

static bool at_number(parser *P)
{
    return P->tok.kind == TK_INTEGER || P->tok.kind == TK_DECIMAL || P->tok.kind == TK_DOUBLE;
}

/* A constant or variable in a triple or VALUES (GraphTerm | Var). */
static bool try_term(parser *P, sq_term *out, bool allow_var, bool allow_bnode)
{
    sq_token *t = &P->tok;
    if (t->kind == TK_VAR && allow_var) {
        *out = var_term(var_slot(P, t->text));
        next(P);
        return true;
    }
    if (at_iri(P)) {
        *out = iri_term(P, parse_iri(P));
        return true;
    }
    if (t->kind == TK_STRING) {
        *out = string_literal(P);
        return true;
    }
    if (at_number(P)) {
        *out = number_term(P, "");
        return true;
    }
    if (is_punct(P, "+") || is_punct(P, "-")) {
        const char *sign = t->text[0] == '-' ? "-" : "+";
        next(P);
        if (!at_number(P)) {
            fail_expect(P, "number");
        }
        *out = number_term(P, sign);
        return true;
    }
    if (is_word(P, "true") || is_word(P, "false")) {
        sq_term b = {.kind = SQ_T_LITERAL, .var = -1};
        b.value = sq_strdup(P->q, is_word(P, "true") ? "true" : "false");
        b.dt = sq_strdup(P->q, TS_NS_XSD "boolean");
        next(P);
        *out = b;
        return true;
    }
    if (t->kind == TK_NIL) {
        *out = iri_term(P, TS_NS_RDF "nil");
        next(P);
        return true;
    }
    if (allow_bnode && t->kind == TK_BLANK) {
        if (!P->in_template) {
            size_t i = 0;
            while (i < P->n_labels && strcmp(P->labels[i], t->text)) {
                i++;
            }
            if (i < P->n_labels && P->label_block[i] != P->block) {
                fail_at(P, t->line, t->col, "blank node _:%.60s is used in two graph patterns",
                        t->text);
            }
            if (i == P->n_labels) {
                P->labels = grow(P->q, P->labels, P->n_labels, sizeof *P->labels);
                P->label_block = grow(P->q, P->label_block, P->n_labels, sizeof *P->label_block);
                P->labels[P->n_labels] = sq_strdup(P->q, t->text);
                P->label_block[P->n_labels++] = P->block;
            }
        }
        char name[300];
        snprintf(name, sizeof name, "._:%.290s", t->text);
        *out = var_term(var_slot(P, name));
        next(P);
        return true;
    }
    if (allow_bnode && t->kind == TK_ANON) {
        *out = var_term(hidden_var(P, "anon"));
        next(P);
        return true;
    }
    return false;
}

/* ---- expressions ---- */

static sq_expr *new_expr(parser *P, sq_expr_op op)
{
    sq_expr *e = sq_alloc(P->q, sizeof *e);
    e->op = op;
    e->term.var = -1;
    return e;
}

static sq_expr *binary(parser *P, sq_expr_op op, sq_expr *a, sq_expr *b)
{
    sq_expr *e = new_expr(P, op);
    e->args = sq_alloc(P->q, 2 * sizeof *e->args);
    e->args[0] = a;
    e->args[1] = b;
    e->n_args = 2;
    return e;
}

static sq_expr *parse_expr(parser *P);
static sq_pattern *parse_group(parser *P);

static void parse_arg_list(parser *P, sq_expr *e, bool allow_distinct)
{
    if (P->tok.kind == TK_NIL) {
        next(P);
        return;
    }
    expect_punct(P, "(");
    if (allow_distinct && accept_word(P, "DISTINCT")) {
        fail_at(P, P->tok.line, P->tok.col, "DISTINCT in a call of a non-aggregate function");
    }
    if (accept_punct(P, ")")) {
        return;
    }
    do {
        PUSH(P->q, e->args, e->n_args, parse_expr(P));
    } while (accept_punct(P, ","));
    expect_punct(P, ")");
}

static const struct {
    const char *name;
    sq_agg_kind kind;
} aggregate_names[] = {
    {"COUNT", AGG_COUNT}, {"SUM", AGG_SUM},       {"MIN", AGG_MIN},
    {"MAX", AGG_MAX},     {"AVG", AGG_AVG},       {"SAMPLE", AGG_SAMPLE},
    {"GROUP_CONCAT", AGG_GROUP_CONCAT},
};

static sq_expr *parse_aggregate(parser *P, sq_agg_kind kind)
{
    unsigned line = P->tok.line, col = P->tok.col;
    if (!P->allow_aggregates) {
        fail_at(P, line, col, "aggregate not allowed here");
    }
    if (P->in_aggregate) {
        fail_at(P, line, col, "aggregate inside an aggregate");
    }
    next(P);
    sq_aggregate a = {.kind = kind};
    expect_punct(P, "(");
    a.distinct = accept_word(P, "DISTINCT");
    P->in_aggregate = true;
    if (kind == AGG_COUNT && accept_punct(P, "*")) {
        a.star = true;
    } else {
        a.arg = parse_expr(P);
    }
    if (kind == AGG_GROUP_CONCAT && accept_punct(P, ";")) {
        expect_word(P, "SEPARATOR");
        expect_punct(P, "=");
        if (P->tok.kind != TK_STRING) {
            fail_expect(P, "string");
        }
        a.separator = sq_strndup(P->q, P->tok.text, P->tok.len);
        next(P);
    }
    P->in_aggregate = false;
    expect_punct(P, ")");
    a.var = hidden_var(P, "agg");
    PUSH(P->q, P->sel->aggs, P->sel->n_aggs, a);
    P->sel->has_aggregates = true;
    sq_expr *e = new_expr(P, E_AGG);
    e->term = var_term(a.var);
    return e;
}

static sq_expr *parse_primary(parser *P)
{
    sq_token *t = &P->tok;
    if (accept_punct(P, "(")) {
        sq_expr *e = parse_expr(P);
        expect_punct(P, ")");
        return e;
    }
    if (t->kind == TK_VAR) {
        sq_expr *e = new_expr(P, E_TERM);
        e->term = var_term(var_slot(P, t->text));
        next(P);
        return e;
    }
    if (at_iri(P)) {
        char *iri = parse_iri(P);
        if (is_punct(P, "(") || P->tok.kind == TK_NIL) {
            sq_expr *e = new_expr(P, E_FUNC);
            e->fname = iri;
            if (P->tok.kind == TK_NIL) {
                next(P);
            } else {
                expect_punct(P, "(");
                if (accept_word(P, "DISTINCT")) {
                    fail_at(P, P->tok.line, P->tok.col, "DISTINCT in a call of a non-aggregate function");
                }
                if (!accept_punct(P, ")")) {
                    do {
                        PUSH(P->q, e->args, e->n_args, parse_expr(P));
                    } while (accept_punct(P, ","));
                    expect_punct(P, ")");
                }
            }
            return e;
        }
        sq_expr *e = new_expr(P, E_TERM);
        e->term = iri_term(P, iri);
        return e;
    }
    if (t->kind == TK_STRING || at_number(P) ||
        is_word(P, "true") || is_word(P, "false")) {
        sq_expr *e = new_expr(P, E_TERM);
        try_term(P, &e->term, false, false);
        return e;
    }
    if (t->kind == TK_WORD) {
        unsigned line = t->line, col = t->col;
        for (size_t i = 0; i < sizeof aggregate_names / sizeof aggregate_names[0]; i++) {
            if (!strcasecmp(t->text, aggregate_names[i].name)) {
                return parse_aggregate(P, aggregate_names[i].kind);
            }
        }
        if (is_word(P, "NOT")) {
            next(P);
            expect_word(P, "EXISTS");
            sq_expr *e = new_expr(P, E_NOTEXISTS);
            e->pattern = parse_group(P);
            return e;
        }
        if (is_word(P, "EXISTS")) {
            next(P);
            sq_expr *e = new_expr(P, E_EXISTS);
            e->pattern = parse_group(P);
            return e;
        }
        int min_args, max_args;
        int id = sq_builtin_id(t->text, &min_args, &max_args);
        if (id < 0) {
            fail_at(P, line, col, "unknown function '%.60s'", t->text);
        }
        sq_expr *e = new_expr(P, E_CALL);
        e->fname = sq_strdup(P->q, t->text);
        for (char *c = e->fname; *c; c++) {
            *c = (char)toupper((unsigned char)*c);
        }
        e->fn = id;
        next(P);
        parse_arg_list(P, e, false);
        if ((int)e->n_args < min_args || (max_args >= 0 && (int)e->n_args > max_args)) {
            fail_at(P, line, col, "%s takes %d%s argument%s, not %zu", e->fname, min_args,
                    max_args < 0 ? " or more" : max_args != min_args ? " to more" : "",
                    min_args == 1 && max_args == 1 ? "" : "s", e->n_args);
        }
        return e;
    }
    fail_expect(P, "expression");
}

static sq_expr *parse_unary(parser *P)
{
    enter(P);
    sq_expr *r;
    if (accept_punct(P, "!")) {
        r = new_expr(P, E_NOT);
        PUSH(P->q, r->args, r->n_args, parse_unary(P));
    } else if (accept_punct(P, "-")) {
        r = new_expr(P, E_NEG);
        PUSH(P->q, r->args, r->n_args, parse_unary(P));
    } else if (accept_punct(P, "+")) {
        r = new_expr(P, E_PLUS);
        PUSH(P->q, r->args, r->n_args, parse_unary(P));
    } else {
        r = parse_primary(P);
    }
    leave(P);
    return r;
}

static sq_expr *parse_mul(parser *P)
{
    sq_expr *e = parse_unary(P);
    for (;;) {
        if (accept_punct(P, "*")) {
            e = binary(P, E_MUL, e, parse_unary(P));
        } else if (accept_punct(P, "/")) {
            e = binary(P, E_DIV, e, parse_unary(P));
        } else {
            return e;
        }
    }
}

static sq_expr *parse_add(parser *P)
{
    sq_expr *e = parse_mul(P);
    for (;;) {
        if (accept_punct(P, "+")) {
            e = binary(P, E_ADD, e, parse_mul(P));
        } else if (accept_punct(P, "-")) {
            e = binary(P, E_SUB, e, parse_mul(P));
        } else {
            return e;
        }
    }
}

static sq_expr *parse_relational(parser *P)
{
    sq_expr *e = parse_add(P);
    static const struct {
        const char *p;
        sq_expr_op op;
    } ops[] = {{"=", E_EQ}, {"!=", E_NE}, {"<", E_LT}, {">", E_GT}, {"<=", E_LE}, {">=", E_GE}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (accept_punct(P, ops[i].p)) {
            return binary(P, ops[i].op, e, parse_add(P));
        }
    }
    bool neg = false;
    if (is_word(P, "NOT")) {
        next(P);
        neg = true;
        if (!is_word(P, "IN")) {
            fail_expect(P, "IN");
        }
    }
    if (accept_word(P, "IN")) {
        sq_expr *r = new_expr(P, neg ? E_NOTIN : E_IN);
        PUSH(P->q, r->args, r->n_args, e);
        if (P->tok.kind == TK_NIL) {
            next(P);
            return r;
        }
        expect_punct(P, "(");
        do {
            PUSH(P->q, r->args, r->n_args, parse_expr(P));
        } while (accept_punct(P, ","));
        expect_punct(P, ")");
        return r;
    }
    return e;
}

static sq_expr *parse_and(parser *P)
{
    sq_expr *e = parse_relational(P);
    while (accept_punct(P, "&&")) {
        e = binary(P, E_AND, e, parse_relational(P));
    }
    return e;
}

static sq_expr *parse_expr(parser *P)
{
    enter(P);
    sq_expr *e = parse_and(P);
    while (accept_punct(P, "||")) {
        e = binary(P, E_OR, e, parse_and(P));
    }
    leave(P);
    return e;
}

/* Constraint: BrackettedExpression | BuiltInCall | FunctionCall */
static sq_expr *parse_constraint(parser *P)
{
    if (is_punct(P, "(")) {
        next(P);
        sq_expr *e = parse_expr(P);
        expect_punct(P, ")");
        return e;
    }
    if (P->tok.kind == TK_WORD || at_iri(P)) {
        sq_expr *e = parse_primary(P);
        if (e->op == E_TERM) {
            fail_at(P, P->tok.line, P->tok.col, "expected a function call or '('");
        }
        return e;
    }
    fail_expect(P, "'(' or a function call");
}

/* ---- property paths ---- */

static sq_path *new_path(parser *P, sq_path_op op)
{
    sq_path *p = sq_alloc(P->q, sizeof *p);
    p->op = op;
    return p;
}

static sq_path *parse_path(parser *P);

static sq_path *parse_path_primary(parser *P)
{
    if (at_iri(P)) {
        sq_path *p = new_path(P, PATH_LINK);
        p->iri = iri_term(P, parse_iri(P));
        return p;
    }
    if (P->tok.kind == TK_WORD && !strcmp(P->tok.text, "a")) {
        next(P);
        sq_path *p = new_path(P, PATH_LINK);
        p->iri = iri_term(P, TS_NS_RDF "type");
        return p;
    }
    if (accept_punct(P, "(")) {
        sq_path *p = parse_path(P);
        expect_punct(P, ")");
        return p;
    }
    if (accept_punct(P, "!")) {
        sq_path *p = new_path(P, PATH_NEG);
        bool paren = accept_punct(P, "(");
        if (paren && P->tok.kind == TK_NIL) {
            fail_expect(P, "IRI");
        }
        do {
            bool inv = accept_punct(P, "^");
            sq_term t;
            if (P->tok.kind == TK_WORD && !strcmp(P->tok.text, "a")) {
                next(P);
                t = iri_term(P, TS_NS_RDF "type");
            } else {
                t = iri_term(P, parse_iri(P));
            }
            if (inv) {
                PUSH(P->q, p->neg_inv, p->n_neg_inv, t);
            } else {
                PUSH(P->q, p->neg, p->n_neg, t);
            }
        } while (paren && accept_punct(P, "|"));
        if (paren) {
            expect_punct(P, ")");
        }
        return p;
    }
    fail_expect(P, "path");
}

static sq_path *parse_path_elt(parser *P)
{
    enter(P);
    sq_path *p;
    if (accept_punct(P, "^")) {
        p = new_path(P, PATH_INV);
        p->a = parse_path_elt(P);
        leave(P);
        return p;
    }
    p = parse_path_primary(P);
    for (;;) {
        sq_path_op op;
        if (is_punct(P, "*")) {
            op = PATH_STAR;
        } else if (is_punct(P, "+")) {
            op = PATH_PLUS;
        } else if (is_punct(P, "?")) {
            op = PATH_OPT;
        } else {
            break;
        }
        next(P);
        sq_path *m = new_path(P, op);
        m->a = p;
        p = m;
    }
    leave(P);
    return p;
}

static sq_path *parse_path_seq(parser *P)
{
    sq_path *p = parse_path_elt(P);
    while (accept_punct(P, "/")) {
        sq_path *s = new_path(P, PATH_SEQ);
        s->a = p;
        s->b = parse_path_elt(P);
        p = s;
    }
    return p;
}

static sq_path *parse_path(parser *P)
{
    enter(P);
    sq_path *p = parse_path_seq(P);
    while (accept_punct(P, "|")) {
        sq_path *s = new_path(P, PATH_ALT);
        s->a = p;
        s->b = parse_path_seq(P);
        p = s;
    }
    leave(P);
    return p;
}

/* ---- triples ---- */

typedef struct {
    sq_triple *items;
    size_t n;
} triple_list;

static void add_triple(parser *P, triple_list *tl, sq_term s, sq_term p, sq_term o)
{
    sq_triple t = {.s = s, .p = p, .o = o};
    PUSH(P->q, tl->items, tl->n, t);
}

static sq_path *invert(parser *P, sq_path *p)
{
    switch (p->op) {
    case PATH_INV: return p->a;
    case PATH_SEQ: {
        sq_path *s = new_path(P, PATH_SEQ);
        s->a = invert(P, p->b);
        s->b = invert(P, p->a);
        return s;
    }
    case PATH_ALT: {
        sq_path *s = new_path(P, PATH_ALT);
        s->a = invert(P, p->a);
        s->b = invert(P, p->b);
        return s;
    }
    default: {
        sq_path *s = new_path(P, PATH_INV);
        s->a = p;
        return s;
    }
    }
}

/* Paths that are plain joins become triples (so the planner can order them). */
static void add_path(parser *P, triple_list *tl, sq_term s, sq_path *path, sq_term o, bool allow_expand)
{
    if (path->op == PATH_LINK) {
        add_triple(P, tl, s, path->iri, o);
        return;
    }
    if (path->op == PATH_INV && path->a->op == PATH_LINK) {
        add_triple(P, tl, o, path->a->iri, s);
        return;
    }
    if (path->op == PATH_INV && (path->a->op == PATH_SEQ || path->a->op == PATH_INV)) {
        add_path(P, tl, s, invert(P, path->a), o, allow_expand);
        return;
    }
    if (path->op == PATH_SEQ && allow_expand) {
        sq_term mid = var_term(hidden_var(P, "path"));
        add_path(P, tl, s, path->a, mid, allow_expand);
        add_path(P, tl, mid, path->b, o, allow_expand);
        return;
    }
    sq_triple t = {.s = s, .o = o, .path = path};
    PUSH(P->q, tl->items, tl->n, t);
}

static bool parse_node(parser *P, triple_list *tl, sq_term *out, bool path_allowed);

static void parse_object_list(parser *P, triple_list *tl, sq_term s, sq_term *verb,
                              sq_path *path, bool path_allowed)
{
    do {
        sq_term o;
        if (!parse_node(P, tl, &o, path_allowed)) {
            fail_expect(P, "object");
        }
        if (path) {
            add_path(P, tl, s, path, o, true);
        } else {
            add_triple(P, tl, s, *verb, o);
        }
    } while (accept_punct(P, ","));
}

/* PropertyListNotEmpty / PropertyListPathNotEmpty; false if no verb here. */
static bool parse_property_list(parser *P, triple_list *tl, sq_term s, bool path_allowed)
{
    bool any = false;
    for (;;) {
        sq_term verb = {0};
        sq_path *path = NULL;
        if (P->tok.kind == TK_VAR) {
            verb = var_term(var_slot(P, P->tok.text));
            next(P);
        } else if (P->tok.kind == TK_WORD && !strcmp(P->tok.text, "a")) {
            next(P);
            verb = iri_term(P, TS_NS_RDF "type");
        } else if (path_allowed && (at_iri(P) || is_punct(P, "^") || is_punct(P, "(") ||
                                    is_punct(P, "!"))) {
            path = parse_path(P);
            if (path->op == PATH_LINK) {
                verb = path->iri;
                path = NULL;
            }
        } else if (at_iri(P)) {
            verb = iri_term(P, parse_iri(P));
        } else {
            if (!any) {
                return false;
            }
            return true;
        }
        any = true;
        parse_object_list(P, tl, s, &verb, path, path_allowed);
        if (!accept_punct(P, ";")) {
            return true;
        }
        while (accept_punct(P, ";")) {
        }
    }
}

/* A subject or object: term, blank node property list or collection. */
static bool parse_node(parser *P, triple_list *tl, sq_term *out, bool path_allowed)
{
    enter(P);
    bool ok = true;
    if (accept_punct(P, "[")) {
        *out = var_term(hidden_var(P, "anon"));
        if (!parse_property_list(P, tl, *out, path_allowed)) {
            fail_expect(P, "predicate");
        }
        expect_punct(P, "]");
    } else if (accept_punct(P, "(")) {
        sq_term head = {0}, prev = {0};
        bool first = true;
        while (!accept_punct(P, ")")) {
            sq_term cell = var_term(hidden_var(P, "list"));
            sq_term item;
            if (!parse_node(P, tl, &item, path_allowed)) {
                fail_expect(P, "list item or ')'");
            }
            if (first) {
                head = cell;
                first = false;
            } else {
                add_triple(P, tl, prev, iri_term(P, TS_NS_RDF "rest"), cell);
            }
            add_triple(P, tl, cell, iri_term(P, TS_NS_RDF "first"), item);
            prev = cell;
        }
        if (first) {
            fail_at(P, P->tok.line, P->tok.col, "empty list");
        }
        add_triple(P, tl, prev, iri_term(P, TS_NS_RDF "rest"), iri_term(P, TS_NS_RDF "nil"));
        *out = head;
    } else {
        ok = try_term(P, out, true, true);
    }
    leave(P);
    return ok;
}

/* TriplesSameSubject(Path); false when no subject starts here. */
static bool parse_triples_same_subject(parser *P, triple_list *tl, bool path_allowed)
{
    sq_term s;
    bool bracket = is_punct(P, "[") || is_punct(P, "(");
    if (!parse_node(P, tl, &s, path_allowed)) {
        return false;
    }
    if (bracket) {
        parse_property_list(P, tl, s, path_allowed);
    } else if (!parse_property_list(P, tl, s, path_allowed)) {
        fail_expect(P, "predicate");
    }
    return true;
}

/* ---- graph patterns ---- */

static sq_pattern *new_pattern(parser *P, sq_pat_kind kind)
{
    sq_pattern *p = sq_alloc(P->q, sizeof *p);
    p->kind = kind;
    p->var = -1;
    return p;
}

static void add_step(parser *P, sq_pattern *g, sq_pattern *step)
{
    PUSH(P->q, g->steps, g->n_steps, step);
}

static sq_pattern *parse_values_block(parser *P)
{
    sq_pattern *v = new_pattern(P, P_VALUES);
    bool single = false;
    if (P->tok.kind == TK_VAR) {
        single = true;
        PUSH(P->q, v->vars, v->n_vars, var_slot(P, P->tok.text));
        next(P);
    } else if (P->tok.kind == TK_NIL) {
        next(P);
    } else {
        expect_punct(P, "(");
        while (P->tok.kind == TK_VAR) {
            PUSH(P->q, v->vars, v->n_vars, var_slot(P, P->tok.text));
            next(P);
        }
        expect_punct(P, ")");
    }
    expect_punct(P, "{");
    while (!accept_punct(P, "}")) {
        sq_term **row = sq_alloc(P->q, sizeof *row);
        *row = sq_alloc(P->q, (v->n_vars + 1) * sizeof **row);
        sq_term *cells = *row;
        if (single) {
            if (accept_word(P, "UNDEF")) {
                cells[0].kind = SQ_T_VAR;
                cells[0].var = -1;
            } else if (!try_term(P, &cells[0], false, false)) {
                fail_expect(P, "value or '}'");
            }
        } else {
            if (P->tok.kind == TK_NIL && v->n_vars == 0) {
                next(P);
            } else {
                expect_punct(P, "(");
                for (size_t i = 0; i < v->n_vars; i++) {
                    if (accept_word(P, "UNDEF")) {
                        cells[i].kind = SQ_T_VAR;
                        cells[i].var = -1;
                    } else if (!try_term(P, &cells[i], false, false)) {
                        fail_expect(P, "value");
                    }
                }
                expect_punct(P, ")");
            }
        }
        PUSH(P->q, v->rows, v->n_rows, cells);
    }
    return v;
}

static sq_select *parse_subselect(parser *P);
static void scan_scope(const sq_pattern *p, bool *seen);
static void expand_star(ts_sparql_query *q, sq_select *s);

static sq_pattern *parse_group_or_union(parser *P)
{
    sq_pattern *g = parse_group(P);
    while (accept_word(P, "UNION")) {
        sq_pattern *u = new_pattern(P, P_UNION);
        u->a = g;
        u->b = parse_group(P);
        g = u;
    }
    return g;
}

static void flush_triples(parser *P, sq_pattern *g, triple_list *tl)
{
    if (tl->n == 0) {
        return;
    }
    /* consecutive triples blocks (split by FILTER) join as one BGP */
    if (g->n_steps && g->steps[g->n_steps - 1]->kind == P_BGP) {
        sq_pattern *b = g->steps[g->n_steps - 1];
        for (size_t i = 0; i < tl->n; i++) {
            PUSH(P->q, b->triples, b->n_triples, tl->items[i]);
        }
    } else {
        sq_pattern *b = new_pattern(P, P_BGP);
        b->triples = tl->items;
        b->n_triples = tl->n;
        add_step(P, g, b);
    }
    tl->items = NULL;
    tl->n = 0;
}

static sq_pattern *parse_group(parser *P)
{
    enter(P);
    expect_punct(P, "{");
    unsigned outer_block = P->block;
    P->block = ++P->n_blocks;
    sq_pattern *g = new_pattern(P, P_GROUP);
    if (is_word(P, "SELECT")) {
        sq_pattern *s = new_pattern(P, P_SUBQUERY);
        sq_select *outer = P->sel;
        s->sub = parse_subselect(P);
        expand_star(P->q, s->sub);
        P->sel = outer;
        s->sub_map = sq_alloc(P->q, (s->sub->n_proj + 1) * sizeof(int));
        for (size_t i = 0; i < s->sub->n_proj; i++) {
            s->sub_map[i] = var_slot(P, s->sub->var_names[s->sub->proj[i].var]);
        }
        add_step(P, g, s);
        expect_punct(P, "}");
        P->block = outer_block;
        leave(P);
        return g;
    }
    triple_list tl = {0};
    sq_pattern *filters = NULL;
    for (;;) {
        if (parse_triples_same_subject(P, &tl, true)) {
            if (accept_punct(P, ".")) {
                continue;
            }
        }
        flush_triples(P, g, &tl);
        unsigned line = P->tok.line, col = P->tok.col;
        sq_pattern *step = NULL;
        if (is_punct(P, "{")) {
            step = parse_group_or_union(P);
        } else if (accept_word(P, "OPTIONAL")) {
            step = new_pattern(P, P_OPTIONAL);
            step->a = parse_group(P);
        } else if (accept_word(P, "MINUS")) {
            step = new_pattern(P, P_MINUS);
            step->a = parse_group(P);
        } else if (accept_word(P, "GRAPH")) {
            step = new_pattern(P, P_GRAPH);
            if (P->tok.kind == TK_VAR) {
                step->graph = var_term(var_slot(P, P->tok.text));
                next(P);
            } else {
                step->graph = iri_term(P, parse_iri(P));
            }
            step->a = parse_group(P);
        } else if (accept_word(P, "SERVICE")) {
            step = new_pattern(P, P_SERVICE);
            accept_word(P, "SILENT");
            if (P->tok.kind == TK_VAR) {
                step->graph = var_term(var_slot(P, P->tok.text));
                next(P);
            } else {
                step->graph = iri_term(P, parse_iri(P));
            }
            step->a = parse_group(P);
        } else if (accept_word(P, "FILTER")) {
            /* FILTER(a && b) is FILTER(a) FILTER(b): each part can then run
               as soon as its own variables are bound */
            sq_expr *stack[64];
            size_t n_stack = 0;
            stack[n_stack++] = parse_constraint(P);
            while (n_stack) {
                sq_expr *e = stack[--n_stack];
                if (e->op == E_AND && n_stack + 2 <= 64) {
                    stack[n_stack++] = e->args[1];
                    stack[n_stack++] = e->args[0];
                    continue;
                }
                sq_pattern *f = new_pattern(P, P_FILTER);
                f->expr = e;
                f->next_cached = filters; /* reused as the list link while parsing */
                filters = f;
            }
        } else if (accept_word(P, "BIND")) {
            step = new_pattern(P, P_BIND);
            expect_punct(P, "(");
            step->expr = parse_expr(P);
            expect_word(P, "AS");
            if (P->tok.kind != TK_VAR) {
                fail_expect(P, "variable");
            }
            step->var = var_slot(P, P->tok.text);
            /* BIND may not rebind a variable already in scope of the group */
            bool *seen = ts_calloc(P->sel->n_vars + 1, 1);
            for (size_t i = 0; i < g->n_steps; i++) {
                scan_scope(g->steps[i], seen);
            }
            bool clash = seen[step->var];
            free(seen);
            if (clash) {
                fail_at(P, P->tok.line, P->tok.col, "BIND of ?%s, already in scope", P->tok.text);
            }
            next(P);
            expect_punct(P, ")");
        } else if (accept_word(P, "VALUES")) {
            step = parse_values_block(P);
        } else {
            break;
        }
        (void)line;
        (void)col;
        if (step) {
            add_step(P, g, step);
            /* the next triples start another basic graph pattern */
            P->block = ++P->n_blocks;
        }
        accept_punct(P, ".");
    }
    expect_punct(P, "}");
    /* filters apply to the whole group: they go last, in order */
    sq_pattern *rev = NULL;
    while (filters) {
        sq_pattern *n = filters->next_cached;
        filters->next_cached = rev;
        rev = filters;
        filters = n;
    }
    while (rev) {
        sq_pattern *n = rev->next_cached;
        rev->next_cached = NULL;
        add_step(P, g, rev);
        rev = n;
    }
    P->block = outer_block;
    leave(P);
    return g;
}

/* ---- queries ---- */

static sq_select *new_select(parser *P)
{
    sq_select *s = sq_alloc(P->q, sizeof *s);
    s->limit = -1;
    return s;
}

static void parse_dataset(parser *P)
{
    while (accept_word(P, "FROM")) {
        if (accept_word(P, "NAMED")) {
            PUSH(P->q, P->q->from_named, P->q->n_from_named, parse_iri(P));
        } else {
            PUSH(P->q, P->q->from, P->q->n_from, parse_iri(P));
        }
    }
}

static long long parse_count(parser *P)
{
    if (P->tok.kind != TK_INTEGER) {
        fail_expect(P, "integer");
    }
    long long v = strtoll(P->tok.text, NULL, 10);
    next(P);
    return v;
}

static void parse_modifiers(parser *P, sq_select *s)
{
    if (accept_word(P, "GROUP")) {
        expect_word(P, "BY");
        P->allow_aggregates = false;
        do {
            sq_expr *e;
            int var = -1;
            if (accept_punct(P, "(")) {
                e = parse_expr(P);
                if (accept_word(P, "AS")) {
                    if (P->tok.kind != TK_VAR) {
                        fail_expect(P, "variable");
                    }
                    var = var_slot(P, P->tok.text);
                    next(P);
                }
                expect_punct(P, ")");
            } else if (P->tok.kind == TK_VAR) {
                e = new_expr(P, E_TERM);
                e->term = var_term(var_slot(P, P->tok.text));
                var = e->term.var;
                next(P);
            } else {
                e = parse_constraint(P);
            }
            if (var < 0) {
                var = hidden_var(P, "group");
            }
            PUSH(P->q, s->group_by, s->n_group, e);
            s->group_vars = grow(P->q, s->group_vars, s->n_group - 1, sizeof(int));
            s->group_vars[s->n_group - 1] = var;
        } while (P->tok.kind == TK_VAR || is_punct(P, "(") || at_iri(P) ||
                 (P->tok.kind == TK_WORD && !is_word(P, "HAVING") && !is_word(P, "ORDER") &&
                  !is_word(P, "LIMIT") && !is_word(P, "OFFSET") && !is_word(P, "VALUES")));
        s->has_aggregates = true;
    }
    P->allow_aggregates = true;
    if (accept_word(P, "HAVING")) {
        do {
            PUSH(P->q, s->having, s->n_having, parse_constraint(P));
        } while (is_punct(P, "(") || (P->tok.kind == TK_WORD && !is_word(P, "ORDER") &&
                                      !is_word(P, "LIMIT") && !is_word(P, "OFFSET") &&
                                      !is_word(P, "VALUES")) ||
                 at_iri(P));
        s->has_aggregates = true;
    }
    if (accept_word(P, "ORDER")) {
        expect_word(P, "BY");
        do {
            sq_order o = {0};
            if (is_word(P, "ASC") || is_word(P, "DESC")) {
                o.desc = is_word(P, "DESC");
                next(P);
                if (!is_punct(P, "(")) {
                    fail_expect(P, "'('");
                }
                next(P);
                o.expr = parse_expr(P);
                expect_punct(P, ")");
            } else if (P->tok.kind == TK_VAR) {
                o.expr = new_expr(P, E_TERM);
                o.expr->term = var_term(var_slot(P, P->tok.text));
                next(P);
            } else {
                o.expr = parse_constraint(P);
            }
            PUSH(P->q, s->order, s->n_order, o);
        } while (P->tok.kind == TK_VAR || is_punct(P, "(") ||
                 (P->tok.kind == TK_WORD && !is_word(P, "LIMIT") && !is_word(P, "OFFSET") &&
                  !is_word(P, "VALUES")) ||
                 at_iri(P));
    }
    P->allow_aggregates = false;
    for (int i = 0; i < 2; i++) {
        if (accept_word(P, "LIMIT")) {
            s->limit = parse_count(P);
        } else if (accept_word(P, "OFFSET")) {
            s->offset = parse_count(P);
        }
    }
}

static void parse_select_clause(parser *P, sq_select *s)
{
    expect_word(P, "SELECT");
    if (accept_word(P, "DISTINCT")) {
        s->distinct = true;
    } else if (accept_word(P, "REDUCED")) {
        s->reduced = true;
    }
    if (accept_punct(P, "*")) {
        s->star = true;
        return;
    }
    P->allow_aggregates = true;
    do {
        sq_projection pr = {.var = -1};
        if (P->tok.kind == TK_VAR) {
            pr.var = var_slot(P, P->tok.text);
            next(P);
        } else if (accept_punct(P, "(")) {
            pr.expr = parse_expr(P);
            expect_word(P, "AS");
            if (P->tok.kind != TK_VAR) {
                fail_expect(P, "variable");
            }
            unsigned line = P->tok.line, col = P->tok.col;
            pr.var = var_slot(P, P->tok.text);
            for (size_t i = 0; i < s->n_proj; i++) {
                if (s->proj[i].var == pr.var) {
                    fail_at(P, line, col, "?%s projected twice", P->tok.text);
                }
            }
            next(P);
            expect_punct(P, ")");
        } else {
            fail_expect(P, "variable, '(' or '*'");
        }
        PUSH(P->q, s->proj, s->n_proj, pr);
    } while (P->tok.kind == TK_VAR || is_punct(P, "("));
    P->allow_aggregates = false;
}

static void parse_where(parser *P, sq_select *s, bool required)
{
    if (!accept_word(P, "WHERE") && required && !is_punct(P, "{")) {
        fail_expect(P, "WHERE or '{'");
    }
    s->where = parse_group(P);
}

static sq_select *parse_subselect(parser *P)
{
    enter(P);
    sq_select *s = new_select(P);
    P->sel = s;
    parse_select_clause(P, s);
    parse_where(P, s, true);
    parse_modifiers(P, s);
    if (accept_word(P, "VALUES")) {
        s->values = parse_values_block(P);
    }
    leave(P);
    return s;
}

static void parse_prologue(parser *P)
{
    for (;;) {
        if (accept_word(P, "BASE")) {
            if (P->tok.kind != TK_IRIREF) {
                fail_expect(P, "IRI");
            }
            set_base(P, P->tok.text);
            next(P);
        } else if (accept_word(P, "PREFIX")) {
            if (P->tok.kind != TK_PNAME_NS) {
                fail_expect(P, "prefix name ending in ':'");
            }
            char *name = sq_strdup(P->q, P->tok.text);
            next(P);
            if (P->tok.kind != TK_IRIREF) {
                fail_expect(P, "IRI");
            }
            char *iri = resolve(P, P->tok.text);
            next(P);
            PUSH(P->q, P->q->prefix_names, P->q->n_prefixes, name);
            P->q->n_prefixes--;
            PUSH(P->q, P->q->prefix_iris, P->q->n_prefixes, iri);
        } else {
            return;
        }
    }
}

/* Template triples (no paths) for CONSTRUCT. */
static void parse_template(parser *P, triple_list *tl)
{
    P->in_template = true;
    while (parse_triples_same_subject(P, tl, false)) {
        if (!accept_punct(P, ".")) {
            break;
        }
    }
    P->in_template = false;
}

static void check_projection(parser *P, sq_select *s);

static void parse_query(parser *P)
{
    ts_sparql_query *q = P->q;
    parse_prologue(P);
    sq_select *s = new_select(P);
    q->sel = s;
    P->sel = s;
    if (is_word(P, "SELECT")) {
        q->form = TS_SPARQL_SELECT;
        parse_select_clause(P, s);
        parse_dataset(P);
        parse_where(P, s, true);
        parse_modifiers(P, s);
    } else if (accept_word(P, "ASK")) {
        q->form = TS_SPARQL_ASK;
        parse_dataset(P);
        parse_where(P, s, true);
        parse_modifiers(P, s);
    } else if (accept_word(P, "CONSTRUCT")) {
        q->form = TS_SPARQL_CONSTRUCT;
        s->star = true;
        triple_list tl = {0};
        if (accept_punct(P, "{")) {
            parse_template(P, &tl);
            expect_punct(P, "}");
            parse_dataset(P);
            parse_where(P, s, true);
        } else {
            parse_dataset(P);
            expect_word(P, "WHERE");
            unsigned line = P->tok.line, col = P->tok.col;
            expect_punct(P, "{");
            parse_template(P, &tl);
            expect_punct(P, "}");
            s->where = new_pattern(P, P_GROUP);
            sq_pattern *b = new_pattern(P, P_BGP);
            b->triples = tl.items;
            b->n_triples = tl.n;
            for (size_t i = 0; i < tl.n; i++) {
                if (tl.items[i].path) {
                    fail_at(P, line, col, "property path in a CONSTRUCT WHERE template");
                }
            }
            if (tl.n) {
                add_step(P, s->where, b);
            }
        }
        q->tmpl = tl.items;
        q->n_tmpl = tl.n;
        parse_modifiers(P, s);
    } else if (accept_word(P, "DESCRIBE")) {
        q->form = TS_SPARQL_DESCRIBE;
        s->star = true;
        if (accept_punct(P, "*")) {
            q->describe_star = true;
        } else {
            do {
                sq_term t;
                if (P->tok.kind == TK_VAR) {
                    t = var_term(var_slot(P, P->tok.text));
                    next(P);
                } else {
                    t = iri_term(P, parse_iri(P));
                }
                PUSH(P->q, q->describe, q->n_describe, t);
            } while (P->tok.kind == TK_VAR || at_iri(P));
        }
        parse_dataset(P);
        if (is_word(P, "WHERE") || is_punct(P, "{")) {
            parse_where(P, s, false);
        } else {
            s->where = new_pattern(P, P_GROUP);
        }
        parse_modifiers(P, s);
    } else {
        fail_expect(P, "SELECT, ASK, CONSTRUCT or DESCRIBE");
    }
    if (accept_word(P, "VALUES")) {
        s->values = parse_values_block(P);
    }
    if (P->tok.kind != TK_EOF) {
        fail_expect(P, "end of query");
    }
}

/* ---- checks the grammar alone does not make ---- */

static bool expr_uses_var(const sq_expr *e, int var)
{
    if (!e) {
        return false;
    }
    if (e->op == E_TERM && e->term.kind == SQ_T_VAR && e->term.var == var) {
        return true;
    }
    for (size_t i = 0; i < e->n_args; i++) {
        if (expr_uses_var(e->args[i], var)) {
            return true;
        }
    }
    return false;
}

static bool is_group_var(const sq_select *s, int var)
{
    for (size_t i = 0; i < s->n_group; i++) {
        if (s->group_vars[i] == var) {
            return true;
        }
    }
    return false;
}

/* Outside aggregates, a grouped query may use only group variables. */
static bool expr_grouped_ok(const sq_select *s, const sq_expr *e, const sq_projection *proj, size_t n_before)
{
    if (!e) {
        return true;
    }
    if (e->op == E_AGG) {
        return true;
    }
    if (e->op == E_TERM && e->term.kind == SQ_T_VAR) {
        if (is_group_var(s, e->term.var)) {
            return true;
        }
        for (size_t i = 0; i < n_before; i++) {
            if (proj[i].var == e->term.var && proj[i].expr) {
                return true;
            }
        }
        return false;
    }
    for (size_t i = 0; i < e->n_args; i++) {
        if (!expr_grouped_ok(s, e->args[i], proj, n_before)) {
            return false;
        }
    }
    return true;
}

static void scan_scope(const sq_pattern *p, bool *seen);

static void check_projection(parser *P, sq_select *s)
{
    if (s->star && s->has_aggregates && P->q->form == TS_SPARQL_SELECT && s == P->q->sel) {
        fail_at(P, 1, 1, "SELECT * with GROUP BY or aggregates");
    }
    bool *seen = ts_calloc(s->n_vars + 1, 1);
    scan_scope(s->where, seen);
    for (size_t i = 0; i < s->n_proj; i++) {
        const sq_projection *pr = &s->proj[i];
        if (s->has_aggregates) {
            bool ok = pr->expr ? expr_grouped_ok(s, pr->expr, s->proj, i)
                               : is_group_var(s, pr->var);
            if (!ok) {
                free(seen);
                fail_at(P, 1, 1, "?%s is neither grouped nor aggregated", s->var_names[pr->var]);
            }
        }
        if (pr->expr && seen[pr->var]) {
            free(seen);
            fail_at(P, 1, 1, "?%s is already in scope and cannot be projected with AS",
                    s->var_names[pr->var]);
        }
    }
    free(seen);
}

static void mark_triple_vars(const sq_triple *t, bool *seen)
{
    if (t->s.kind == SQ_T_VAR) {
        seen[t->s.var] = true;
    }
    if (!t->path && t->p.kind == SQ_T_VAR) {
        seen[t->p.var] = true;
    }
    if (t->o.kind == SQ_T_VAR) {
        seen[t->o.var] = true;
    }
}

static void scan_scope(const sq_pattern *p, bool *seen)
{
    if (!p) {
        return;
    }
    switch (p->kind) {
    case P_GROUP:
        for (size_t i = 0; i < p->n_steps; i++) {
            scan_scope(p->steps[i], seen);
        }
        break;
    case P_BGP:
        for (size_t i = 0; i < p->n_triples; i++) {
            mark_triple_vars(&p->triples[i], seen);
        }
        break;
    case P_OPTIONAL:
    case P_SERVICE: scan_scope(p->a, seen); break;
    case P_UNION:
        scan_scope(p->a, seen);
        scan_scope(p->b, seen);
        break;
    case P_GRAPH:
        if (p->graph.kind == SQ_T_VAR) {
            seen[p->graph.var] = true;
        }
        scan_scope(p->a, seen);
        break;
    case P_BIND: seen[p->var] = true; break;
    case P_VALUES:
        for (size_t i = 0; i < p->n_vars; i++) {
            seen[p->vars[i]] = true;
        }
        break;
    case P_SUBQUERY:
        for (size_t i = 0; i < p->sub->n_proj; i++) {
            seen[p->sub_map[i]] = true;
        }
        break;
    case P_MINUS:
    case P_FILTER: break;
    }
}

static void check_selects(parser *P, sq_select *s);

static void check_pattern(parser *P, sq_pattern *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n_steps; i++) {
        check_pattern(P, p->steps[i]);
    }
    check_pattern(P, p->a);
    check_pattern(P, p->b);
    if (p->kind == P_SUBQUERY) {
        check_selects(P, p->sub);
    }
}

static void check_selects(parser *P, sq_select *s)
{
    check_projection(P, s);
    check_pattern(P, s->where);
    (void)expr_uses_var;
}

/* Fill in SELECT *: every visible variable in scope, in order of appearance. */
static void expand_star(ts_sparql_query *q, sq_select *s)
{
    if (!s->star) {
        return;
    }
    bool *seen = ts_calloc(s->n_vars + 1, 1);
    scan_scope(s->where, seen);
    if (s->values) {
        scan_scope(s->values, seen);
    }
    size_t n = 0;
    for (size_t i = 0; i < s->n_vars; i++) {
        if (seen[i] && s->var_names[i][0] != '.') {
            n++;
        }
    }
    s->proj = sq_alloc(q, (n + 1) * sizeof *s->proj);
    s->n_proj = 0;
    for (size_t i = 0; i < s->n_vars; i++) {
        if (seen[i] && s->var_names[i][0] != '.') {
            s->proj[s->n_proj].var = (int)i;
            s->proj[s->n_proj].expr = NULL;
            s->n_proj++;
        }
    }
    free(seen);
}

static void expand_all(ts_sparql_query *q, sq_pattern *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n_steps; i++) {
        expand_all(q, p->steps[i]);
    }
    expand_all(q, p->a);
    expand_all(q, p->b);
}

ts_status ts_sparql_parse(const char *text, size_t len, const char *base,
                          ts_sparql_query **out, ts_error *err)
{
    *out = NULL;
    ts_error_clear(err);
    parser *P = ts_calloc(1, sizeof *P);
    P->q = ts_calloc(1, sizeof *P->q);
    P->err = err;
    P->base_node = SERD_NODE_NULL;
    sq_lexer_init(&P->lx, text, len);
    if (setjmp(P->jb)) {
        sq_token_clear(&P->tok);
        serd_node_free(&P->base_node);
        ts_sparql_free(P->q);
        free(P);
        return TS_ERR_SYNTAX;
    }
    if (base && *base) {
        set_base(P, base);
    }
    next(P);
    parse_query(P);
    sq_select *s = P->q->sel;
    /* sub-selects first expand their own stars; their map was built while parsing */
    if (s->star && P->q->form == TS_SPARQL_SELECT) {
        expand_star(P->q, s);
    }
    check_selects(P, s);
    expand_all(P->q, s->where);
    sq_token_clear(&P->tok);
    serd_node_free(&P->base_node);
    *out = P->q;
    free(P);
    return TS_OK;
}

void ts_sparql_free(ts_sparql_query *q)
{
    if (!q) {
        return;
    }
    for (size_t i = 0; i < q->n_regexes; i++) {
        sq_regex_free(q->regexes[i]);
    }
    free(q->regexes);
    sq_chunk *c = q->arena;
    while (c) {
        sq_chunk *n = c->next;
        free(c);
        c = n;
    }
    free(q);
}

ts_sparql_form ts_sparql_query_form(const ts_sparql_query *q)
{
    return q->form;
}

size_t ts_sparql_var_count(const ts_sparql_query *q)
{
    return q->form == TS_SPARQL_SELECT ? q->sel->n_proj : 0;
}

const char *ts_sparql_var_name(const ts_sparql_query *q, size_t i)
{
    return q->sel->var_names[q->sel->proj[i].var];
}

size_t ts_sparql_from_count(const ts_sparql_query *q, bool named)
{
    return named ? q->n_from_named : q->n_from;
}

const char *ts_sparql_from(const ts_sparql_query *q, bool named, size_t i)
{
    return named ? q->from_named[i] : q->from[i];
}

size_t ts_sparql_prefix_count(const ts_sparql_query *q)
{
    return q->n_prefixes;
}

void ts_sparql_prefix(const ts_sparql_query *q, size_t i, const char **name, const char **iri)
{
    *name = q->prefix_names[i];
    *iri = q->prefix_iris[i];
}
