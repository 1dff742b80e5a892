/* Internals of the JSON-LD processor, shared by the files of src/jsonld only. */
#ifndef TINYSCOPE_JL_INTERNAL_H
#define TINYSCOPE_JL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tinyscope/buf.h"
#include "tinyscope/jsonld.h"
#include "tinyscope/status.h"

/* Bounds that keep hostile input from exhausting the stack or the CPU. */
enum {
    JL_MAX_DEPTH = 512,           /* nesting of the document during expansion */
    JL_MAX_REMOTE_CONTEXTS = 32,  /* remote contexts loaded by one chain */
    JL_MAX_CONTEXT_WORK = 200000, /* term definitions created per document */
    JL_MAX_MEMO = 64,             /* remembered context applications per context */
};

/* Container mapping bits. */
enum {
    JL_C_LIST = 1 << 0,
    JL_C_SET = 1 << 1,
    JL_C_INDEX = 1 << 2,
    JL_C_LANGUAGE = 1 << 3,
    JL_C_ID = 1 << 4,
    JL_C_TYPE = 1 << 5,
    JL_C_GRAPH = 1 << 6,
};

enum { JL_DIR_NONE = 0, JL_DIR_LTR, JL_DIR_RTL, JL_DIR_NULL };

/* Keyword aliases a context has, so that the common case of none can skip
 * expanding every key to look for them. */
enum { JL_ALIAS_TYPE = 1, JL_ALIAS_VALUE = 2, JL_ALIAS_ID = 4, JL_ALIAS_OTHER = 8 };

/* A term definition. Immutable once made and shared between contexts. */
typedef struct jl_term {
    unsigned refs;
    char *name;
    char *iri;          /* IRI mapping; NULL: the term maps to null */
    char *type;         /* type mapping, or NULL */
    char *index;        /* index mapping, or NULL */
    char *lang;         /* language mapping when has_lang (NULL: null) */
    char *nest;         /* nest value, or NULL */
    json_t *context;    /* scoped context when has_context */
    char *context_key;  /* its canonical text, made on first use */
    char *base_url;     /* base URL for the scoped context */
    json_t *type_json;  /* type as a JSON string, made on first use */
    json_t *lang_json;  /* lang as a JSON string, made on first use */
    unsigned container; /* JL_C_* bits */
    int dir;            /* JL_DIR_* when has_dir */
    bool has_lang, has_dir, has_context;
    bool prefix, protect, reverse;
} jl_term;

typedef struct jl_memo {
    char *key;
    json_t *local; /* the context applied (a reference): found by identity first */
    struct jl_ctx *result;
} jl_memo;

/* An active context. Immutable once built, reference counted. */
typedef struct jl_ctx {
    unsigned refs;
    char *base;        /* base IRI when !base_doc (NULL: none) */
    bool base_doc;     /* the base IRI is the document's */
    char *vocab;       /* NULL: none */
    char *lang;        /* default language, NULL: none */
    json_t *lang_json; /* lang as a JSON string, made on first use */
    int dir;           /* default base direction */
    struct jl_ctx *previous;
    jl_term **slots; /* open addressing by name */
    size_t cap;
    size_t count;
    size_t n_protected;
    bool persistent;  /* owned by a cache: may remember applications */
    unsigned aliases; /* JL_ALIAS_*: keywords some term maps to */
    jl_memo *memo;
    size_t n_memo;
} jl_ctx;

/* One segment of the JSON path to the value being processed. */
typedef struct {
    const char *key; /* NULL: an array index */
    size_t index;
} jl_seg;

/* The processing of one document. */
typedef struct jl_proc {
    const ts_jsonld_opts *opts;
    ts_jsonld_ctxstore *store;
    const char *doc_base; /* the document's base IRI (may be NULL) */
    bool mode10;          /* processing mode json-ld-1.0 */
    ts_error *err;
    const char *err_code; /* the JSON-LD error code of err */
    jl_seg *path;
    size_t depth;
    size_t path_cap;
    size_t work;        /* term definitions created */
    bool plain_values;  /* for toRdf: {"@value": x} alone is kept as x */
    unsigned rdepth;    /* recursion depth of expansion and toRdf */
    bool used_doc_base; /* context processing depended on the document base */
    /* toRdf */
    ts_jsonld_quad_fn emit;
    void *emit_ctx;
    size_t quads;
    unsigned long blank_seq;
    struct jl_blank {
        char *from;
        char *to;
    } * blanks;
    size_t n_blanks, cap_blanks;
    ts_buf scratch;
} jl_proc;

/* ---- reading JSON ---- */
/**
 * Read text as json_loadb does with JSON_DECODE_ANY, JSON_DECODE_INT_AS_REAL
 * and JSON_ALLOW_NUL (a new reference), faster; NULL for text jansson
 * would refuse (read it with jansson then, for the message). A key
 * repeated in an object is a warning in diags (may be NULL) naming source,
 * line and column.
 */
json_t *jl_json_read(const char *text, size_t len, const char *source, ts_diags *diags);

/* ---- errors and path ---- */
ts_status jl_fail(jl_proc *p, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Report the error already recorded under another JSON-LD error code. */
void jl_recode(jl_proc *p, const char *code);
void jl_warn(jl_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jl_push_key(jl_proc *p, const char *key);
void jl_push_index(jl_proc *p, size_t i);
void jl_pop(jl_proc *p);

/* ---- IRIs ---- */
bool jl_is_absolute_iri(const char *s);
bool jl_is_keyword(const char *s);
/** An absolute IRI that RDF can carry (no spaces, no second '#', ...). */
bool jl_is_well_formed_iri(const char *s);
bool jl_has_keyword_form(const char *s);
/** Resolve ref against base (RFC 3986 section 5.2). Caller frees. */
char *jl_resolve(const char *base, const char *ref);
/** True for a well-formed BCP47-ish language tag. */
bool jl_is_lang_tag(const char *s);

/* ---- contexts ---- */
jl_ctx *jl_ctx_new_initial(void);
jl_ctx *jl_ctx_ref(jl_ctx *c);
void jl_ctx_unref(jl_ctx *c);
const jl_term *jl_ctx_get(const jl_ctx *c, const char *name);
/** Equal definitions, apart from the protected flag. */
bool jl_term_same(const jl_term *a, const jl_term *b);
/** The base IRI in effect for c. */
const char *jl_ctx_base(const jl_proc *p, const jl_ctx *c);

/* The remote contexts being loaded, innermost first. */
typedef struct jl_chain {
    const char *url;
    const struct jl_chain *next;
    unsigned depth;
} jl_chain;

/**
 * Context processing (JSON-LD 1.1 API, 4.1.2). *out receives a new
 * reference. chain lists the remote contexts being loaded (NULL at the
 * top). local_text, when not NULL, is the canonical text of local (saves
 * making it for the memo).
 */
ts_status jl_process_context(jl_proc *p, jl_ctx *active, json_t *local, const char *local_text,
                             const char *base_url, const jl_chain *chain, bool override_protected,
                             bool propagate, bool validate_scoped, jl_ctx **out);
/* Shared JSON strings for the type and language values of expansion. */
json_t *jl_term_type_json(jl_term *t);
json_t *jl_term_lang_json(jl_term *t);
json_t *jl_ctx_lang_json(jl_ctx *c);
/** The canonical text of a term's scoped context, made once. */
const char *jl_term_context_key(jl_term *t);

/**
 * IRI expansion (5.2.2) outside context processing. Returns a string owned
 * by the context, by value, or by p->scratch; NULL for null. The result is
 * valid until the next call that uses the scratch buffer: copy it.
 */
const char *jl_expand_iri(jl_proc *p, const jl_ctx *c, const char *value, bool doc_relative,
                          bool vocab, char **owned);

/* ---- the context cache in the store ---- */
/** A remote context document by URL: its @context value (borrowed). */
ts_status jl_store_load(jl_proc *p, const char *url, json_t **context);
/** Register a context as persistent (the store keeps a reference). */
bool jl_store_adopt(ts_jsonld_ctxstore *s, jl_ctx *ctx);
/** The shared initial context (borrowed). */
jl_ctx *jl_store_initial(ts_jsonld_ctxstore *s);

/* ---- expansion ---- */
/** Expand the document (5.1.2 plus the top-level steps); *out is a new array. */
ts_status jl_expand(jl_proc *p, json_t *doc, jl_ctx *initial, json_t **out);

/* ---- toRdf ---- */
ts_status jl_to_rdf(jl_proc *p, json_t *expanded);
/** JSON Canonicalization Scheme (RFC 8785) text of v, appended to out. */
void jl_jcs(ts_buf *out, const json_t *v);
/** The canonical xsd:double form of d ("1.5E0"). */
void jl_double_canonical(char *out, size_t n, double d);

#endif
