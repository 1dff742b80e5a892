/*
 * SPARQL 1.1 built-in functions and XSD casts. REGEX and REPLACE use PCRE2;
 * a pattern given as a constant is compiled once per query.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <pcre2.h>
#include <serd/serd.h>

#include "sparql_internal.h"
#include "tinyscope/sanitize.h"

enum {
    F_STR, F_LANG, F_LANGMATCHES, F_DATATYPE, F_BOUND, F_IRI, F_URI, F_BNODE, F_RAND, F_ABS,
    F_CEIL, F_FLOOR, F_ROUND, F_CONCAT, F_STRLEN, F_UCASE, F_LCASE, F_ENCODE_FOR_URI,
    F_CONTAINS, F_STRSTARTS, F_STRENDS, F_STRBEFORE, F_STRAFTER, F_YEAR, F_MONTH, F_DAY,
    F_HOURS, F_MINUTES, F_SECONDS, F_TIMEZONE, F_TZ, F_NOW, F_UUID, F_STRUUID, F_MD5, F_SHA1,
    F_SHA256, F_SHA384, F_SHA512, F_COALESCE, F_IF, F_STRLANG, F_STRDT, F_SAMETERM, F_ISIRI,
    F_ISURI, F_ISBLANK, F_ISLITERAL, F_ISNUMERIC, F_REGEX, F_SUBSTR, F_REPLACE,
};

static const struct {
    const char *name;
    int id, min, max;
} builtins[] = {
    {"STR", F_STR, 1, 1},           {"LANG", F_LANG, 1, 1},
    {"LANGMATCHES", F_LANGMATCHES, 2, 2}, {"DATATYPE", F_DATATYPE, 1, 1},
    {"BOUND", F_BOUND, 1, 1},       {"IRI", F_IRI, 1, 1},
    {"URI", F_URI, 1, 1},           {"BNODE", F_BNODE, 0, 1},
    {"RAND", F_RAND, 0, 0},         {"ABS", F_ABS, 1, 1},
    {"CEIL", F_CEIL, 1, 1},         {"FLOOR", F_FLOOR, 1, 1},
    {"ROUND", F_ROUND, 1, 1},       {"CONCAT", F_CONCAT, 0, -1},
    {"STRLEN", F_STRLEN, 1, 1},     {"UCASE", F_UCASE, 1, 1},
    {"LCASE", F_LCASE, 1, 1},       {"ENCODE_FOR_URI", F_ENCODE_FOR_URI, 1, 1},
    {"CONTAINS", F_CONTAINS, 2, 2}, {"STRSTARTS", F_STRSTARTS, 2, 2},
    {"STRENDS", F_STRENDS, 2, 2},   {"STRBEFORE", F_STRBEFORE, 2, 2},
    {"STRAFTER", F_STRAFTER, 2, 2}, {"YEAR", F_YEAR, 1, 1},
    {"MONTH", F_MONTH, 1, 1},       {"DAY", F_DAY, 1, 1},
    {"HOURS", F_HOURS, 1, 1},       {"MINUTES", F_MINUTES, 1, 1},
    {"SECONDS", F_SECONDS, 1, 1},   {"TIMEZONE", F_TIMEZONE, 1, 1},
    {"TZ", F_TZ, 1, 1},             {"NOW", F_NOW, 0, 0},
    {"UUID", F_UUID, 0, 0},         {"STRUUID", F_STRUUID, 0, 0},
    {"MD5", F_MD5, 1, 1},           {"SHA1", F_SHA1, 1, 1},
    {"SHA256", F_SHA256, 1, 1},     {"SHA384", F_SHA384, 1, 1},
    {"SHA512", F_SHA512, 1, 1},     {"COALESCE", F_COALESCE, 0, -1},
    {"IF", F_IF, 3, 3},             {"STRLANG", F_STRLANG, 2, 2},
    {"STRDT", F_STRDT, 2, 2},       {"SAMETERM", F_SAMETERM, 2, 2},
    {"ISIRI", F_ISIRI, 1, 1},       {"ISURI", F_ISURI, 1, 1},
    {"ISBLANK", F_ISBLANK, 1, 1},   {"ISLITERAL", F_ISLITERAL, 1, 1},
    {"ISNUMERIC", F_ISNUMERIC, 1, 1}, {"REGEX", F_REGEX, 2, 3},
    {"SUBSTR", F_SUBSTR, 2, 3},     {"REPLACE", F_REPLACE, 3, 4},
};

int sq_builtin_id(const char *name, int *min_args, int *max_args)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        if (!strcasecmp(name, builtins[i].name)) {
            *min_args = builtins[i].min;
            *max_args = builtins[i].max;
            return builtins[i].id;
        }
    }
    return -1;
}

void sq_regex_free(void *code)
{
    pcre2_code_free(code);
}

static const char *str_of(sq_node n)
{
    return (const char *)sord_node_get_string(n);
}

static const char *lang_of(sq_node n)
{
    const char *l = sord_node_get_language(n);
    return l && *l ? l : NULL;
}

static bool is_lit(sq_node n)
{
    return n && sord_node_get_type(n) == SORD_LITERAL;
}

static sq_node bool_node(sq_ctx *cx, bool b)
{
    return b ? cx->true_node : cx->false_node;
}

/* A string literal result with the language of like (if any). */
static sq_node string_like(sq_ctx *cx, const char *s, sq_node like)
{
    const char *lang = like ? lang_of(like) : NULL;
    if (lang) {
        return sq_literal(cx, s, NULL, lang);
    }
    if (like && sord_node_get_datatype(like) == cx->xsd_string) {
        return sq_keep(cx, sord_new_literal(cx->world, cx->xsd_string, (const uint8_t *)s, NULL));
    }
    return sq_literal(cx, s, NULL, NULL);
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

/* Byte offset of code point index i in s (or strlen when past the end). */
static size_t utf8_offset(const char *s, size_t i)
{
    size_t b = 0;
    while (s[b] && i > 0) {
        b++;
        while (s[b] && ((unsigned char)s[b] & 0xC0) == 0x80) {
            b++;
        }
        i--;
    }
    return b;
}

/* Argument compatibility for CONTAINS, STRSTARTS...: both strings and languages agree. */
static bool compatible(sq_ctx *cx, sq_node a, sq_node b)
{
    if (!sq_is_plain_or_lang(cx, a) || !sq_is_plain_or_lang(cx, b)) {
        return false;
    }
    const char *la = lang_of(a), *lb = lang_of(b);
    if (!lb) {
        return true;
    }
    return la && !strcasecmp(la, lb);
}

static pcre2_code *compile_regex(sq_ctx *cx, const char *pattern, const char *flags)
{
    uint32_t opts = PCRE2_UTF;
    for (const char *f = flags ? flags : ""; *f; f++) {
        switch (*f) {
        case 'i': opts |= PCRE2_CASELESS; break;
        case 's': opts |= PCRE2_DOTALL; break;
        case 'm': opts |= PCRE2_MULTILINE; break;
        case 'x': opts |= PCRE2_EXTENDED; break;
        case 'q': opts |= PCRE2_LITERAL; break;
        default: return NULL;
        }
    }
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
    (void)cx;
    return code;
}

/* The compiled pattern: cached when pattern and flags are constants. */
static pcre2_code *regex_for(sq_ctx *cx, sq_expr *e, sq_node pat, sq_node flags, bool *owned)
{
    *owned = false;
    bool constant = e->args[1]->op == E_TERM && e->args[1]->term.kind != SQ_T_VAR &&
                    (!flags || (e->args[e->fn == F_REPLACE ? 3 : 2]->op == E_TERM &&
                                e->args[e->fn == F_REPLACE ? 3 : 2]->term.kind != SQ_T_VAR));
    if (constant && e->regex_tried) {
        return e->regex;
    }
    pcre2_code *code = compile_regex(cx, str_of(pat), flags ? str_of(flags) : NULL);
    if (constant) {
        e->regex_tried = true;
        e->regex = code;
        if (code) {
            ts_sparql_query *q = cx->query;
            if (q->n_regexes == q->cap_regexes) {
                q->cap_regexes = q->cap_regexes ? q->cap_regexes * 2 : 8;
                q->regexes = ts_reallocarray(q->regexes, q->cap_regexes, sizeof *q->regexes);
            }
            q->regexes[q->n_regexes++] = code;
        }
        return code;
    }
    *owned = true;
    return code;
}

static sq_node fn_regex(sq_ctx *cx, sq_expr *e, sq_node *args)
{
    sq_node text = args[0], pat = args[1], flags = e->n_args > 2 ? args[2] : NULL;
    if (!sq_is_plain_or_lang(cx, text) || !sq_is_string_literal(cx, pat) ||
        (flags && !sq_is_string_literal(cx, flags))) {
        return NULL;
    }
    bool owned;
    pcre2_code *code = regex_for(cx, e, pat, flags, &owned);
    if (!code) {
        return NULL;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    /* A pattern that backtracks catastrophically gives up early, and the
     * query stops with a message rather than answer wrongly. */
    pcre2_match_context *mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(mctx, SQ_REGEX_MATCH_LIMIT);
    int rc = pcre2_match(code, (PCRE2_SPTR)str_of(text), strlen(str_of(text)), 0, 0, md, mctx);
    pcre2_match_context_free(mctx);
    pcre2_match_data_free(md);
    if (owned) {
        pcre2_code_free(code);
    }
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT) {
        if (cx->stop == TS_OK) {
            ts_error_set(cx->err, TS_ERR_LIMIT, "<query>", 0, 0,
                         "REGEX gave up: the pattern backtracks too much (more than %d steps)",
                         SQ_REGEX_MATCH_LIMIT);
            cx->stop = TS_ERR_LIMIT;
        }
        return NULL;
    }
    if (rc < -1) {
        return NULL;
    }
    return bool_node(cx, rc >= 0);
}

static sq_node fn_replace(sq_ctx *cx, sq_expr *e, sq_node *args)
{
    sq_node text = args[0], pat = args[1], rep = args[2], flags = e->n_args > 3 ? args[3] : NULL;
    if (!sq_is_plain_or_lang(cx, text) || !sq_is_string_literal(cx, pat) ||
        !sq_is_string_literal(cx, rep) || (flags && !sq_is_string_literal(cx, flags))) {
        return NULL;
    }
    bool owned;
    pcre2_code *code = regex_for(cx, e, pat, flags, &owned);
    if (!code) {
        return NULL;
    }
    const char *s = str_of(text);
    PCRE2_SIZE outlen = strlen(s) * 2 + strlen(str_of(rep)) + 64;
    sq_node result = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        PCRE2_UCHAR *out = ts_malloc(outlen + 1);
        PCRE2_SIZE len = outlen;
        int rc = pcre2_substitute(code, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0,
                                  PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
                                      PCRE2_SUBSTITUTE_UNSET_EMPTY, NULL,
                                  NULL, (PCRE2_SPTR)str_of(rep), PCRE2_ZERO_TERMINATED, out, &len);
        if (rc == PCRE2_ERROR_NOMEMORY) {
            free(out);
            outlen = len + 1;
            continue;
        }
        if (rc >= 0) {
            out[len] = 0;
            result = string_like(cx, (const char *)out, text);
        }
        free(out);
        break;
    }
    if (owned) {
        pcre2_code_free(code);
    }
    return result;
}

/* Components of an xsd:dateTime lexical form. */
typedef struct {
    int year, month, day, hour, minute;
    double second;
    char sec_text[32];
    bool has_tz;
    int tz_minutes;
    bool tz_z;
} dt_parts;

static bool split_datetime(sq_node n, dt_parts *p)
{
    if (!is_lit(n)) {
        return false;
    }
    const SordNode *dt = sord_node_get_datatype(n);
    if (!dt || (strcmp(str_of(dt), TS_NS_XSD "dateTime") && strcmp(str_of(dt), TS_NS_XSD "date"))) {
        return false;
    }
    const char *s = str_of(n);
    memset(p, 0, sizeof *p);
    int consumed = 0;
    bool neg = *s == '-';
    if (neg) {
        s++;
    }
    if (sscanf(s, "%d-%d-%d%n", &p->year, &p->month, &p->day, &consumed) != 3) {
        return false;
    }
    if (neg) {
        p->year = -p->year;
    }
    s += consumed;
    if (*s == 'T') {
        s++;
        if (sscanf(s, "%d:%d:%n", &p->hour, &p->minute, &consumed) != 2) {
            return false;
        }
        s += consumed;
        size_t k = 0;
        while ((isdigit((unsigned char)s[k]) || s[k] == '.') && k < sizeof p->sec_text - 1) {
            p->sec_text[k] = s[k];
            k++;
        }
        p->sec_text[k] = '\0';
        p->second = strtod(p->sec_text, NULL);
        s += k;
    }
    if (*s == 'Z') {
        p->has_tz = p->tz_z = true;
    } else if (*s == '+' || *s == '-') {
        int h, m;
        if (sscanf(s + 1, "%d:%d", &h, &m) != 2) {
            return false;
        }
        p->has_tz = true;
        p->tz_minutes = (h * 60 + m) * (*s == '-' ? -1 : 1);
    }
    return true;
}

static sq_node int_node(sq_ctx *cx, long long v)
{
    sq_num n = {NUM_INTEGER, v, (double)v};
    return sq_num_node(cx, n);
}

static void random_uuid(char out[37])
{
    static bool seeded;
    if (!seeded) {
        srand((unsigned)time(NULL) ^ (unsigned)clock());
        seeded = true;
    }
    unsigned char b[16];
    for (int i = 0; i < 16; i++) {
        b[i] = (unsigned char)(rand() & 0xFF);
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

static sq_node case_map(sq_ctx *cx, sq_node a, bool upper)
{
    if (!sq_is_plain_or_lang(cx, a)) {
        return NULL;
    }
    char *s = ts_strdup(str_of(a));
    for (char *c = s; *c; c++) {
        *c = (char)(upper ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
    }
    sq_node r = string_like(cx, s, a);
    free(s);
    return r;
}

sq_node sq_call_builtin(sq_ctx *cx, sq_expr *e, sq_node *row)
{
    /* functions that look at their arguments lazily */
    switch (e->fn) {
    case F_BOUND:
        return e->args[0]->op == E_TERM && e->args[0]->term.kind == SQ_T_VAR
                   ? bool_node(cx, row[e->args[0]->term.var] != NULL)
                   : NULL;
    case F_COALESCE:
        for (size_t i = 0; i < e->n_args; i++) {
            sq_node v = sq_eval_expr(cx, e->args[i], row);
            if (v) {
                return v;
            }
        }
        return NULL;
    case F_IF: {
        sq_node c = sq_eval_expr(cx, e->args[0], row);
        int b = c ? sq_ebv(cx, c) : -1;
        if (b < 0) {
            return NULL;
        }
        return sq_eval_expr(cx, e->args[b ? 1 : 2], row);
    }
    case F_NOW:
        if (!cx->now) {
            time_t t = time(NULL);
            struct tm tm;
            gmtime_r(&t, &tm);
            char buf[40];
            strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
            cx->now = (SordNode *)sq_literal(cx, buf, cx->xsd_datetime, NULL);
        }
        return cx->now;
    case F_RAND: {
        sq_num n = {NUM_DOUBLE, 0, (double)rand() / ((double)RAND_MAX + 1.0)};
        return sq_num_node(cx, n);
    }
    case F_UUID:
    case F_STRUUID: {
        char u[37], buf[64];
        random_uuid(u);
        if (e->fn == F_UUID) {
            snprintf(buf, sizeof buf, "urn:uuid:%s", u);
            return sq_iri(cx, buf);
        }
        return sq_literal(cx, u, NULL, NULL);
    }
    case F_BNODE:
        if (e->n_args == 0) {
            return sq_fresh_blank(cx);
        }
        break;
    default: break;
    }
    sq_node args[4] = {NULL, NULL, NULL, NULL};
    sq_node *argv = e->n_args <= 4 ? args : ts_calloc(e->n_args, sizeof *argv);
    for (size_t i = 0; i < e->n_args; i++) {
        argv[i] = sq_eval_expr(cx, e->args[i], row);
        if (!argv[i]) {
            if (argv != args) {
                free(argv);
            }
            return NULL;
        }
    }
    sq_node a = e->n_args ? argv[0] : NULL;
    sq_node b = e->n_args > 1 ? argv[1] : NULL;
    sq_node r = NULL;
    switch (e->fn) {
    case F_STR:
        if (sord_node_get_type(a) != SORD_BLANK) {
            r = sq_literal(cx, str_of(a), NULL, NULL);
        }
        break;
    case F_LANG:
        if (is_lit(a)) {
            r = sq_literal(cx, lang_of(a) ? lang_of(a) : "", NULL, NULL);
        }
        break;
    case F_LANGMATCHES:
        if (sq_is_string_literal(cx, a) && sq_is_string_literal(cx, b)) {
            const char *tag = str_of(a), *range = str_of(b);
            bool m;
            if (!strcmp(range, "*")) {
                m = *tag != '\0';
            } else {
                size_t n = strlen(range);
                m = !strncasecmp(tag, range, n) && (tag[n] == '\0' || tag[n] == '-');
            }
            r = bool_node(cx, m);
        }
        break;
    case F_DATATYPE:
        if (is_lit(a)) {
            const SordNode *dt = sord_node_get_datatype(a);
            r = dt ? dt : lang_of(a) ? cx->rdf_langstring : cx->xsd_string;
        }
        break;
    case F_IRI:
    case F_URI:
        if (sord_node_get_type(a) == SORD_URI) {
            r = a;
        } else if (sq_is_string_literal(cx, a)) {
            const char *base = cx->query->base;
            if (base && !strchr(str_of(a), ':')) {
                SerdURI bu;
                SerdNode bn = serd_node_new_uri_from_string((const uint8_t *)base, NULL, &bu);
                SerdNode n = serd_node_new_uri_from_string((const uint8_t *)str_of(a), &bu, NULL);
                r = sq_iri(cx, (const char *)n.buf);
                serd_node_free(&n);
                serd_node_free(&bn);
            } else {
                r = sq_iri(cx, str_of(a));
            }
        }
        break;
    case F_BNODE:
        if (sq_is_string_literal(cx, a)) {
            r = sq_bnode_for(cx, a);
        }
        break;
    case F_ABS:
    case F_CEIL:
    case F_FLOOR:
    case F_ROUND: {
        sq_num n;
        if (!sq_node_num(cx, a, &n)) {
            break;
        }
        if (n.type == NUM_INTEGER) {
            if (e->fn == F_ABS && n.i < 0) {
                n.i = -n.i;
            }
        } else {
            n.d = e->fn == F_ABS ? fabs(n.d)
                  : e->fn == F_CEIL ? ceil(n.d)
                  : e->fn == F_FLOOR ? floor(n.d)
                                     : floor(n.d + 0.5);
        }
        r = sq_num_node(cx, n);
        break;
    }
    case F_CONCAT: {
        ts_buf buf = {0};
        const char *lang = NULL;
        bool same_lang = true, all_xsd_string = true;
        bool ok = true;
        for (size_t i = 0; i < e->n_args && ok; i++) {
            if (!sq_is_plain_or_lang(cx, argv[i])) {
                ok = false;
                break;
            }
            const char *l = lang_of(argv[i]);
            if (i == 0) {
                lang = l;
            } else if (!l || !lang || strcasecmp(l, lang)) {
                same_lang = false;
            }
            if (!l && i == 0) {
                same_lang = false;
            }
            if (sord_node_get_datatype(argv[i]) != cx->xsd_string) {
                all_xsd_string = false;
            }
            ts_buf_puts(&buf, str_of(argv[i]));
        }
        if (ok) {
            if (e->n_args && same_lang && lang) {
                r = sq_literal(cx, ts_buf_str(&buf), NULL, lang);
            } else if (e->n_args && all_xsd_string) {
                r = sq_keep(cx, sord_new_literal(cx->world, cx->xsd_string,
                                                 (const uint8_t *)ts_buf_str(&buf), NULL));
            } else {
                r = sq_literal(cx, ts_buf_str(&buf), NULL, NULL);
            }
        }
        ts_buf_free(&buf);
        break;
    }
    case F_STRLEN:
        if (sq_is_plain_or_lang(cx, a)) {
            r = int_node(cx, (long long)utf8_len(str_of(a)));
        }
        break;
    case F_UCASE: r = case_map(cx, a, true); break;
    case F_LCASE: r = case_map(cx, a, false); break;
    case F_ENCODE_FOR_URI:
        if (sq_is_plain_or_lang(cx, a)) {
            ts_buf buf = {0};
            for (const unsigned char *c = (const unsigned char *)str_of(a); *c; c++) {
                if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~') {
                    ts_buf_putc(&buf, (char)*c);
                } else {
                    ts_buf_printf(&buf, "%%%02X", *c);
                }
            }
            r = sq_literal(cx, ts_buf_str(&buf), NULL, NULL);
            ts_buf_free(&buf);
        }
        break;
    case F_CONTAINS:
    case F_STRSTARTS:
    case F_STRENDS:
        if (compatible(cx, a, b)) {
            const char *s = str_of(a), *t = str_of(b);
            size_t sl = strlen(s), tl = strlen(t);
            bool m = e->fn == F_CONTAINS    ? strstr(s, t) != NULL
                     : e->fn == F_STRSTARTS ? !strncmp(s, t, tl)
                                            : sl >= tl && !strcmp(s + sl - tl, t);
            r = bool_node(cx, m);
        }
        break;
    case F_STRBEFORE:
    case F_STRAFTER:
        if (compatible(cx, a, b)) {
            const char *s = str_of(a), *t = str_of(b);
            const char *hit = strstr(s, t);
            if (!hit) {
                r = sq_literal(cx, "", NULL, NULL);
            } else if (e->fn == F_STRBEFORE) {
                char *pre = ts_strndup(s, (size_t)(hit - s));
                r = string_like(cx, pre, *t || *pre ? a : a);
                free(pre);
            } else {
                r = string_like(cx, hit + strlen(t), a);
            }
        }
        break;
    case F_YEAR:
    case F_MONTH:
    case F_DAY:
    case F_HOURS:
    case F_MINUTES:
    case F_SECONDS:
    case F_TIMEZONE:
    case F_TZ: {
        dt_parts p;
        if (!split_datetime(a, &p)) {
            break;
        }
        switch (e->fn) {
        case F_YEAR: r = int_node(cx, p.year); break;
        case F_MONTH: r = int_node(cx, p.month); break;
        case F_DAY: r = int_node(cx, p.day); break;
        case F_HOURS: r = int_node(cx, p.hour); break;
        case F_MINUTES: r = int_node(cx, p.minute); break;
        case F_SECONDS: r = sq_typed(cx, p.sec_text[0] ? p.sec_text : "0", TS_NS_XSD "decimal"); break;
        case F_TIMEZONE:
            if (p.has_tz) {
                char buf[40];
                int m = p.tz_minutes < 0 ? -p.tz_minutes : p.tz_minutes;
                if (m == 0) {
                    snprintf(buf, sizeof buf, "PT0S");
                } else if (m % 60) {
                    snprintf(buf, sizeof buf, "%sPT%dH%dM", p.tz_minutes < 0 ? "-" : "", m / 60, m % 60);
                } else {
                    snprintf(buf, sizeof buf, "%sPT%dH", p.tz_minutes < 0 ? "-" : "", m / 60);
                }
                r = sq_typed(cx, buf, TS_NS_XSD "dayTimeDuration");
            }
            break;
        default: {
            char buf[16] = "";
            if (p.tz_z) {
                snprintf(buf, sizeof buf, "Z");
            } else if (p.has_tz) {
                int m = p.tz_minutes < 0 ? -p.tz_minutes : p.tz_minutes;
                snprintf(buf, sizeof buf, "%c%02d:%02d", p.tz_minutes < 0 ? '-' : '+', m / 60, m % 60);
            }
            r = sq_literal(cx, buf, NULL, NULL);
        }
        }
        break;
    }
    case F_MD5:
    case F_SHA1:
    case F_SHA256:
    case F_SHA384:
    case F_SHA512:
        if (sq_is_string_literal(cx, a)) {
            char digest[160];
            if (sq_hash(e->fname, str_of(a), digest, sizeof digest)) {
                r = sq_literal(cx, digest, NULL, NULL);
            }
        }
        break;
    case F_STRLANG:
        if (sq_is_string_literal(cx, a) && sq_is_string_literal(cx, b) && *str_of(b)) {
            r = sq_literal(cx, str_of(a), NULL, str_of(b));
        }
        break;
    case F_STRDT:
        if (sq_is_string_literal(cx, a) && sord_node_get_type(b) == SORD_URI) {
            r = sq_literal(cx, str_of(a), b, NULL);
        }
        break;
    case F_SAMETERM: r = bool_node(cx, a == b); break;
    case F_ISIRI:
    case F_ISURI: r = bool_node(cx, sord_node_get_type(a) == SORD_URI); break;
    case F_ISBLANK: r = bool_node(cx, sord_node_get_type(a) == SORD_BLANK); break;
    case F_ISLITERAL: r = bool_node(cx, is_lit(a)); break;
    case F_ISNUMERIC: {
        sq_num n;
        r = bool_node(cx, sq_node_num(cx, a, &n));
        break;
    }
    case F_REGEX: r = fn_regex(cx, e, argv); break;
    case F_REPLACE: r = fn_replace(cx, e, argv); break;
    case F_SUBSTR: {
        sq_num start, len = {NUM_NONE, 0, 0};
        if (!sq_is_plain_or_lang(cx, a) || !sq_node_num(cx, b, &start) ||
            (e->n_args > 2 && !sq_node_num(cx, argv[2], &len))) {
            break;
        }
        const char *s = str_of(a);
        double st = start.type == NUM_INTEGER ? (double)start.i : floor(start.d + 0.5);
        double ln = e->n_args > 2 ? (len.type == NUM_INTEGER ? (double)len.i : floor(len.d + 0.5))
                                  : INFINITY;
        if (isnan(st) || isnan(ln)) {
            r = string_like(cx, "", a);
            break;
        }
        double from = st < 1 ? 1 : st;
        double to = st + ln; /* exclusive, in 1-based positions */
        size_t n = utf8_len(s);
        if (to > (double)n + 1) {
            to = (double)n + 1;
        }
        if (to <= from) {
            r = string_like(cx, "", a);
            break;
        }
        size_t b0 = utf8_offset(s, (size_t)from - 1), b1 = utf8_offset(s, (size_t)to - 1);
        char *sub = ts_strndup(s + b0, b1 - b0);
        r = string_like(cx, sub, a);
        free(sub);
        break;
    }
    default: break;
    }
    if (argv != args) {
        free(argv);
    }
    return r;
}

/* ---- casts: xsd:type(value) ---- */

static char *trimmed(const char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) {
        n--;
    }
    return ts_strndup(s, n);
}

sq_node sq_call_iri(sq_ctx *cx, sq_expr *e, sq_node *row)
{
    const char *f = e->fname;
    if (strncmp(f, TS_NS_XSD, sizeof TS_NS_XSD - 1) || e->n_args != 1) {
        return NULL;
    }
    const char *type = f + sizeof TS_NS_XSD - 1;
    sq_node a = sq_eval_expr(cx, e->args[0], row);
    if (!a || sord_node_get_type(a) == SORD_BLANK) {
        return NULL;
    }
    bool iri = sord_node_get_type(a) == SORD_URI;
    const SordNode *dtn = iri ? NULL : sord_node_get_datatype(a);
    const char *dt = dtn ? str_of(dtn) : NULL;
    bool is_str = !iri && sq_is_string_literal(cx, a);
    bool is_bool = dt && !strcmp(dt, TS_NS_XSD "boolean");
    sq_num n;
    bool is_num = !iri && sq_node_num(cx, a, &n);
    if (!iri && dt && !is_bool && !is_num && strcmp(dt, TS_NS_XSD "string") &&
        strcmp(dt, TS_NS_XSD "dateTime")) {
        /* ill-formed numerics and unknown types only cast to string */
        if (strcmp(type, "string")) {
            return NULL;
        }
    }
    if (!strcmp(type, "string")) {
        if (lang_of(a)) {
            return NULL;
        }
        const uint8_t *lex = sord_node_get_string(a);
        char buf[64];
        /* typed values cast to their canonical lexical form */
        if (is_bool) {
            int b = !strcmp((const char *)lex, "true") || !strcmp((const char *)lex, "1");
            lex = (const uint8_t *)(b ? "true" : "false");
        } else if (is_num && n.type == NUM_INTEGER) {
            snprintf(buf, sizeof buf, "%lld", n.i);
            lex = (const uint8_t *)buf;
        } else if (is_num && n.type == NUM_DECIMAL && isfinite(n.d)) {
            snprintf(buf, sizeof buf, "%.15g", n.d);
            if (!strpbrk(buf, "eE")) {
                lex = (const uint8_t *)buf;
            }
        } else if (is_num && isfinite(n.d) &&
                   (n.d == 0 || (fabs(n.d) >= 1e-6 && fabs(n.d) < 1e6))) {
            /* XPath writes mid-sized doubles without an exponent */
            for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, sizeof buf, "%.*g", prec, n.d);
                double back = strtod(buf, NULL);
                if (back == n.d || (n.type == NUM_FLOAT && (float)back == (float)n.d)) {
                    break;
                }
            }
            lex = (const uint8_t *)buf;
        } else if (is_num) {
            sq_node canon = sq_num_node(cx, n);
            if (canon) {
                lex = sord_node_get_string(canon);
            }
        }
        return sq_keep(cx, sord_new_literal(cx->world, cx->xsd_string, lex, NULL));
    }
    if (iri) {
        return NULL;
    }
    char *s = trimmed(str_of(a));
    sq_node r = NULL;
    if (!strcmp(type, "boolean")) {
        if (is_bool) {
            /* canonical: "1" becomes "true" */
            if (!strcmp(s, "true") || !strcmp(s, "1")) {
                r = cx->true_node;
            } else if (!strcmp(s, "false") || !strcmp(s, "0")) {
                r = cx->false_node;
            }
        } else if (is_num) {
            double d = n.type == NUM_INTEGER ? (double)n.i : n.d;
            r = bool_node(cx, d != 0 && !isnan(d));
        } else if (is_str) {
            if (!strcmp(s, "true") || !strcmp(s, "1")) {
                r = cx->true_node;
            } else if (!strcmp(s, "false") || !strcmp(s, "0")) {
                r = cx->false_node;
            }
        }
    } else if (!strcmp(type, "integer") || !strcmp(type, "int") || !strcmp(type, "long")) {
        sq_num out = {NUM_INTEGER, 0, 0};
        bool ok = false;
        if (is_bool) {
            out.i = !strcmp(s, "true") || !strcmp(s, "1");
            ok = true;
        } else if (is_num) {
            if (n.type == NUM_INTEGER) {
                out.i = n.i;
                ok = true;
            } else if (isfinite(n.d)) {
                out.i = (long long)trunc(n.d);
                ok = true;
            }
        } else if (is_str) {
            sq_node tmp = sq_typed(cx, s, TS_NS_XSD "integer");
            sq_num t;
            if (sq_node_num(cx, tmp, &t) && t.type == NUM_INTEGER) {
                out.i = t.i;
                ok = true;
            }
        }
        if (ok) {
            r = sq_num_node(cx, out);
        }
    } else if (!strcmp(type, "decimal")) {
        sq_num out = {NUM_DECIMAL, 0, 0};
        bool ok = false;
        if (is_bool) {
            out.d = !strcmp(s, "true") || !strcmp(s, "1");
            ok = true;
        } else if (is_num) {
            out.d = n.type == NUM_INTEGER ? (double)n.i : n.d;
            ok = isfinite(out.d);
        } else if (is_str && !strpbrk(s, "eEIN")) {
            sq_node tmp = sq_typed(cx, s, TS_NS_XSD "decimal");
            sq_num t;
            if (sq_node_num(cx, tmp, &t)) {
                out.d = t.d;
                ok = true;
            }
        }
        if (ok) {
            r = sq_num_node(cx, out);
        }
    } else if (!strcmp(type, "double") || !strcmp(type, "float")) {
        sq_num out = {!strcmp(type, "float") ? NUM_FLOAT : NUM_DOUBLE, 0, 0};
        bool ok = false;
        if (is_bool) {
            out.d = !strcmp(s, "true") || !strcmp(s, "1");
            ok = true;
        } else if (is_num) {
            out.d = n.type == NUM_INTEGER ? (double)n.i : n.d;
            ok = true;
        } else if (is_str) {
            sq_node tmp = sq_typed(cx, s, TS_NS_XSD "double");
            sq_num t;
            if (sq_node_num(cx, tmp, &t)) {
                out.d = t.d;
                ok = true;
            }
        }
        if (ok) {
            if (out.type == NUM_FLOAT) {
                out.d = (double)(float)out.d;
            }
            r = sq_num_node(cx, out);
        }
    } else if (!strcmp(type, "dateTime")) {
        if (dt && !strcmp(dt, TS_NS_XSD "dateTime")) {
            r = a;
        } else if (is_str) {
            sq_node tmp = sq_typed(cx, s, TS_NS_XSD "dateTime");
            dt_parts p;
            if (split_datetime(tmp, &p) && strchr(s, 'T')) {
                r = tmp;
            }
        }
    }
    free(s);
    return r;
}
