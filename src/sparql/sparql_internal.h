/*
 * The SPARQL engine's own structures: tokens, the parsed query (already in
 * algebra form) and the evaluator's context. Private to src/sparql.
 */
#ifndef TINYSCOPE_SPARQL_INTERNAL_H
#define TINYSCOPE_SPARQL_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sord/sord.h>

#include "tinyscope/buf.h"
#include "tinyscope/ptrmap.h"
#include "tinyscope/sparql.h"
#include "tinyscope/status.h"
#include "tinyscope/store.h"

/* Deepest nesting of groups, expressions or paths the parser accepts. */
#define SQ_MAX_DEPTH 200
/* PCRE2 backtracking steps one REGEX match may take */
#define SQ_REGEX_MATCH_LIMIT 1000000

/* ---- lexer ---- */

typedef enum {
    TK_EOF,
    TK_IRIREF,     /* text: the IRI without <> (escapes decoded) */
    TK_PNAME_NS,   /* text: prefix (without ':') */
    TK_PNAME_LN,   /* text: prefix, text2: local name (escapes decoded) */
    TK_BLANK,      /* text: label */
    TK_VAR,        /* text: name */
    TK_LANGTAG,    /* text: tag without '@' */
    TK_INTEGER,
    TK_DECIMAL,
    TK_DOUBLE,
    TK_STRING,     /* text: decoded value */
    TK_NIL,        /* () */
    TK_ANON,       /* [] */
    TK_WORD,       /* keyword or function name; text as written */
    TK_PUNCT,      /* text: one of { } ( ) [ ] . , ; * / | ^ ? + ! = != < > <= >= && || - ^^ */
    TK_ERROR,
} sq_tok_kind;

typedef struct {
    sq_tok_kind kind;
    char *text;
    char *text2;
    size_t len; /* length of text (strings may hold NUL) */
    unsigned line, col;
    size_t offset; /* byte offset of the token's start */
} sq_token;

typedef struct {
    const char *src;
    size_t len;
    size_t pos;
    unsigned line, col;
    char errmsg[256];
} sq_lexer;

void sq_lexer_init(sq_lexer *lx, const char *src, size_t len);
/* Next token into tok (free its strings with sq_token_clear). */
void sq_lexer_next(sq_lexer *lx, sq_token *tok);
void sq_token_clear(sq_token *tok);

/* ---- terms and expressions ---- */

typedef enum { SQ_T_VAR, SQ_T_IRI, SQ_T_LITERAL, SQ_T_BLANK } sq_term_kind;

/* A term in a query: a variable slot or a constant. Constants are interned
 * in the store's world while a query runs (node). */
typedef struct {
    sq_term_kind kind;
    int var;       /* slot, for SQ_T_VAR (query blank nodes are variables) */
    char *value;
    char *dt;
    char *lang;
    SordNode *node;
} sq_term;

typedef enum {
    E_TERM, /* constant or variable */
    E_OR,
    E_AND,
    E_EQ,
    E_NE,
    E_LT,
    E_GT,
    E_LE,
    E_GE,
    E_IN,
    E_NOTIN,
    E_ADD,
    E_SUB,
    E_MUL,
    E_DIV,
    E_NOT,
    E_NEG,
    E_PLUS,
    E_EXISTS,
    E_NOTEXISTS,
    E_CALL,   /* built-in by name (fname), args */
    E_FUNC,   /* IRI function (casts), fname = IRI */
    E_AGG,    /* reference to an aggregate: term.var holds its slot */
} sq_expr_op;

struct sq_pattern;

typedef struct sq_expr {
    sq_expr_op op;
    sq_term term;
    char *fname;
    int fn;    /* built-in id (functions.c) */
    struct sq_expr **args;
    size_t n_args;
    struct sq_pattern *pattern; /* EXISTS */
    void *regex;                /* compiled constant pattern (pcre2_code) */
    bool regex_tried;
} sq_expr;

typedef enum { AGG_COUNT, AGG_SUM, AGG_MIN, AGG_MAX, AGG_AVG, AGG_SAMPLE, AGG_GROUP_CONCAT } sq_agg_kind;

typedef struct {
    sq_agg_kind kind;
    bool distinct;
    bool star;
    sq_expr *arg;
    char *separator;
    int var; /* hidden slot receiving the value */
} sq_aggregate;

/* ---- property paths ---- */

typedef enum { PATH_LINK, PATH_INV, PATH_SEQ, PATH_ALT, PATH_STAR, PATH_PLUS, PATH_OPT, PATH_NEG } sq_path_op;

typedef struct sq_path {
    sq_path_op op;
    sq_term iri;               /* PATH_LINK */
    struct sq_path *a, *b;     /* INV/STAR/PLUS/OPT: a; SEQ/ALT: a, b */
    sq_term *neg;              /* PATH_NEG: forward IRIs */
    size_t n_neg;
    sq_term *neg_inv;          /* PATH_NEG: inverse IRIs */
    size_t n_neg_inv;
} sq_path;

/* ---- graph patterns (algebra) ---- */

typedef struct {
    sq_term s, p, o;
    sq_path *path; /* when not NULL, p is unused */
} sq_triple;

typedef enum {
    P_GROUP,    /* ordered steps, joined left to right */
    P_BGP,      /* triples, joined in the order the planner picks */
    P_OPTIONAL, /* LeftJoin(current, a) with the filters of a */
    P_MINUS,
    P_UNION,    /* a, b */
    P_FILTER,   /* expr */
    P_BIND,     /* var, expr */
    P_VALUES,
    P_GRAPH,    /* graph term, a */
    P_SUBQUERY,
    P_SERVICE,  /* unsupported at run time */
} sq_pat_kind;

struct sq_select;

typedef struct sq_pattern {
    sq_pat_kind kind;
    struct sq_pattern **steps; /* P_GROUP */
    size_t n_steps;
    sq_triple *triples; /* P_BGP */
    size_t n_triples;
    struct sq_pattern *a, *b;
    sq_expr *expr;
    int var;
    sq_term graph;
    /* P_VALUES: n_vars columns, rows of terms (NULL = UNDEF) */
    int *vars;
    size_t n_vars;
    sq_term **rows;
    size_t n_rows;
    struct sq_select *sub;
    int *sub_map; /* outer slot of each projected variable of sub */
    /* analysis (eval.c) */
    uint64_t *scope;     /* variables possibly bound by this pattern */
    uint64_t *certain;   /* variables certainly bound by this pattern */
    uint64_t *mentioned; /* every variable occurring inside, expressions too */
    uint64_t *maybe;     /* in scope but not certainly bound (OPTIONAL, UNION...) */
    bool unsafe;         /* filters see variables from outside: evaluate alone */
    bool unsafe_body;    /* as unsafe, not counting the group's own filters */
    struct sq_pattern **seq; /* P_GROUP: steps without filters */
    size_t n_seq;
    sq_expr ***post;     /* P_GROUP: filters before seq[0] (post[0]) and after seq[i] */
    size_t *n_post;
    sq_expr **bfilters;  /* P_BGP: filters checked as soon as their variables are bound */
    uint64_t **bfilter_vars;
    size_t n_bfilters;
    int *bvars;          /* P_BGP: its variables; P_EXISTS memo key */
    size_t n_bvars;
    struct sq_memo *memo; /* EXISTS results by the values of mentioned variables */
    /* evaluation caches, cleared when an evaluation ends */
    struct sq_rows *cache;
    const SordNode *cache_graph;
    struct sq_plan *plans;
    struct sq_pattern *next_cached; /* list of patterns holding caches */
    bool listed;
} sq_pattern;

typedef struct {
    sq_expr *expr;
    int var; /* slot, or -1 */
} sq_projection;

typedef struct {
    sq_expr *expr;
    bool desc;
} sq_order;

/* One SELECT scope (the query itself or a sub-query) with its variables. */
typedef struct sq_select {
    char **var_names;
    size_t n_vars;
    size_t cap_vars;
    size_t n_words; /* uint64 words in a variable set */
    bool star;
    bool distinct, reduced;
    sq_projection *proj;
    size_t n_proj;
    sq_pattern *where;
    sq_expr **group_by;
    int *group_vars; /* slot of each GROUP BY expression (AS ?v or hidden) */
    size_t n_group;
    bool has_aggregates; /* grouping applies even without GROUP BY */
    sq_aggregate *aggs;
    size_t n_aggs;
    sq_expr **having;
    size_t n_having;
    sq_order *order;
    size_t n_order;
    long long limit;  /* -1: none */
    long long offset;
    sq_pattern *values; /* trailing VALUES */
} sq_select;

struct ts_sparql_query {
    ts_sparql_form form;
    sq_select *sel;
    sq_triple *tmpl; /* CONSTRUCT template */
    size_t n_tmpl;
    sq_term *describe; /* DESCRIBE targets */
    size_t n_describe;
    bool describe_star;
    char **from;
    size_t n_from;
    char **from_named;
    size_t n_from_named;
    char *base;
    char **prefix_names;
    char **prefix_iris;
    size_t n_prefixes;
    struct sq_chunk *arena; /* every parsed structure lives here */
    void **regexes;         /* compiled constant patterns */
    size_t n_regexes, cap_regexes;
};

/* Memory of a parsed query, freed all at once with the query. */
void *sq_alloc(ts_sparql_query *q, size_t n);
char *sq_strdup(ts_sparql_query *q, const char *s);


/* ---- evaluation ---- */

typedef const SordNode *sq_node;

/* A materialised bag of rows of width n_vars. */
typedef struct sq_rows {
    sq_node *data;
    size_t n_rows;
    size_t cap;
    size_t width;
} sq_rows;

void sq_rows_push(sq_rows *r, const sq_node *row);
void sq_rows_free(sq_rows *r);

typedef struct sq_ctx sq_ctx;

/* Continuation: called for each solution; returns non-zero to stop. */
typedef int (*sq_emit_fn)(sq_ctx *cx, void *data, sq_node *row);

struct sq_ctx {
    ts_sparql_query *query;
    ts_store *store;
    SordWorld *world;
    SordModel *model;
    sq_select *sel;   /* the scope being evaluated */
    const SordNode *active_graph; /* NULL: the default graph */
    const SordNode **defaults; /* FROM graphs (n_defaults > 0), else union */
    size_t n_defaults;
    bool default_empty;        /* FROM NAMED without FROM */
    const SordNode **named;    /* FROM NAMED graphs or NULL: every graph */
    size_t n_named;
    bool named_restricted;
    /* limits */
    const volatile sig_atomic_t *cancel;
    double deadline_ms; /* 0: none */
    unsigned long ticks;
    ts_status stop; /* TS_OK while running; the reason once stopped */
    /* nodes created during evaluation, freed at the end */
    SordNode **made;
    size_t n_made, cap_made;
    unsigned long bnode_counter;
    /* BNODE(str): one blank node per string and solution */
    void *bnode_map;
    unsigned long solution; /* counts solutions being extended (BIND, SELECT AS) */
    SordNode **bnode_nodes;
    size_t n_bnode_nodes;
    /* now() */
    SordNode *now;
    /* well-known nodes */
    SordNode *xsd_string, *xsd_integer, *xsd_decimal, *xsd_double, *xsd_float,
        *xsd_boolean, *xsd_datetime, *rdf_langstring, *rdf_type, *rdf_first, *rdf_rest, *rdf_nil,
        *true_node, *false_node;
    ts_error *err;
    struct sq_pattern *cached; /* patterns holding caches of this evaluation */
    const ts_sparql_index *index; /* the default graph by address, or NULL */
    int exists_depth;          /* > 0 inside EXISTS: substitute everywhere */
    ts_ptrmap num_cache;       /* node -> index in nums, SIZE_MAX: not a number */
    struct sq_num_s *nums;
    size_t n_nums, cap_nums;
};

double sq_now_ms(void);
/* Checks cancel flag and deadline every so often; returns true to stop. */
bool sq_should_stop(sq_ctx *cx);

/* Intern a node created for the query (freed with the context). */
sq_node sq_keep(sq_ctx *cx, SordNode *n);
sq_node sq_literal(sq_ctx *cx, const char *lex, const SordNode *dt, const char *lang);
sq_node sq_typed(sq_ctx *cx, const char *lex, const char *dt_iri);
sq_node sq_iri(sq_ctx *cx, const char *iri);
sq_node sq_fresh_blank(sq_ctx *cx);
/* The blank node of BNODE(str) in the solution row. */
sq_node sq_bnode_for(sq_ctx *cx, sq_node str);

/* Evaluate an expression on row; NULL is an error (unbound, type error...). */
sq_node sq_eval_expr(sq_ctx *cx, sq_expr *e, sq_node *row);
/* Effective boolean value: 1 true, 0 false, -1 error. */
int sq_ebv(sq_ctx *cx, sq_node v);
/* Compare for ORDER BY (total order). */
int sq_order_cmp(sq_ctx *cx, sq_node a, sq_node b);
/* The value-comparison of '<' etc.: -1/0/1, or 2 when not comparable. */
int sq_value_cmp(sq_ctx *cx, sq_node a, sq_node b, bool eq_only);
/* '=' : 1 equal, 0 not, -1 error. */
int sq_value_equal(sq_ctx *cx, sq_node a, sq_node b);

/* functions.c */
int sq_builtin_id(const char *name, int *min_args, int *max_args);
sq_node sq_call_builtin(sq_ctx *cx, sq_expr *e, sq_node *row);
sq_node sq_call_iri(sq_ctx *cx, sq_expr *e, sq_node *row);
void sq_regex_free(void *code);
/* hash.c: algo is MD5, SHA1, SHA256, SHA384 or SHA512; out gets lowercase hex. */
bool sq_hash(const char *algo, const char *text, char *out, size_t out_size);

/* numbers */
typedef enum { NUM_NONE, NUM_INTEGER, NUM_DECIMAL, NUM_FLOAT, NUM_DOUBLE } sq_numtype;
typedef struct sq_num_s {
    sq_numtype type;
    long long i;
    double d;
} sq_num;
bool sq_node_num(sq_ctx *cx, sq_node n, sq_num *out);
sq_node sq_num_node(sq_ctx *cx, sq_num v);
bool sq_is_string_literal(sq_ctx *cx, sq_node n); /* simple or xsd:string */
bool sq_is_plain_or_lang(sq_ctx *cx, sq_node n);  /* string literal incl. lang */

/* index.c: the default graph sorted by node address */
typedef struct {
    const SordNode *t[3];
} sq_triple3;

enum { SQ_SPO = 0, SQ_POS = 1, SQ_OSP = 2 };

/* Triples matching a pattern: count entries from begin, in `order`
   (SPO: s p o; POS: p o s; OSP: o s p). */
typedef struct {
    const sq_triple3 *begin;
    size_t count;
    int order;
    void *unused;
} sq_range;

sq_range sq_index_find(const ts_sparql_index *ix, const SordNode *s, const SordNode *p,
                       const SordNode *o);
size_t sq_index_size(const ts_sparql_index *ix);

/* eval.c entry used by EXISTS */
bool sq_exists(sq_ctx *cx, sq_pattern *p, sq_node *row);

/* parser entry for tests of the algebra */
char *sq_algebra_string(const ts_sparql_query *q);

#endif
