/* Helpers shared by the SPARQL tests: a store from Turtle text, and query
 * answers as one compact string ("a b | c d", rows sorted unless ordered). */
#ifndef TINYSCOPE_SPARQL_TEST_UTIL_H
#define TINYSCOPE_SPARQL_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "tinyscope/buf.h"
#include "tinyscope/loader.h"
#include "tinyscope/query.h"
#include "tinyscope/store.h"

#define EX "http://example.org/"

static inline ts_store *store_from(const char *turtle)
{
    ts_store *st = ts_store_new();
    ts_load_opts opts = {.strict = true};
    if (ts_load_string(st, "test.ttl", TS_FMT_TURTLE, turtle, &opts, NULL) != TS_OK) {
        fprintf(stderr, "test data does not load\n");
        exit(1);
    }
    return st;
}

/* A compact form: ex: IRIs as "ex:x", literals as their lexical form
 * (with @lang, or ^^type for non-string literals: ^^int, ^^dec, ^^dbl,
 * ^^bool, else ^^<iri>), blank nodes as "_", unbound as "-". */
static inline void put_cell(ts_buf *b, const ts_term *t)
{
    switch (t->kind) {
    case TS_TERM_NONE: ts_buf_putc(b, '-'); break;
    case TS_TERM_BLANK: ts_buf_putc(b, '_'); break;
    case TS_TERM_IRI:
        if (!strncmp(t->value, EX, strlen(EX))) {
            ts_buf_printf(b, "ex:%s", t->value + strlen(EX));
        } else {
            ts_buf_printf(b, "<%s>", t->value);
        }
        break;
    case TS_TERM_LITERAL:
        ts_buf_puts(b, t->value);
        if (t->lang) {
            ts_buf_printf(b, "@%s", t->lang);
        } else if (t->datatype && strcmp(t->datatype, TS_NS_XSD "string")) {
            const char *dt = t->datatype;
            const char *x = TS_NS_XSD;
            if (!strncmp(dt, x, strlen(x))) {
                dt += strlen(x);
                ts_buf_printf(b, "^^%s", !strcmp(dt, "integer") ? "int"
                                         : !strcmp(dt, "decimal") ? "dec"
                                         : !strcmp(dt, "double")  ? "dbl"
                                         : !strcmp(dt, "boolean") ? "bool"
                                                                  : dt);
            } else {
                ts_buf_printf(b, "^^<%s>", dt);
            }
        }
        break;
    }
}

static inline int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run query; the answer as rows "c1 c2" joined by " | " (sorted unless
 * ordered), "true"/"false" for ASK, "ERROR:<status>" on failure. Caller frees. */
static inline char *answer_of(ts_store *st, const char *query, bool ordered)
{
    ts_dataset *ds = ts_dataset_local(st);
    ts_query_result res;
    ts_error err;
    ts_status s = ts_query_run(ds, query, NULL, &res, &err);
    ts_dataset_free(ds);
    if (s != TS_OK) {
        ts_query_result_clear(&res);
        if (getenv("TEST_VERBOSE")) {
            fprintf(stderr, "%u:%u: %s\n", err.line, err.col, err.message);
        }
        return ts_asprintf("ERROR:%s", ts_strerror(s));
    }
    if (res.form == TS_QUERY_ASK) {
        bool yes = res.boolean;
        ts_query_result_clear(&res);
        return ts_strdup(yes ? "true" : "false");
    }
    size_t n = res.form == TS_QUERY_SELECT ? res.n_rows : res.n_triples;
    size_t w = res.form == TS_QUERY_SELECT ? res.n_vars : 3;
    const ts_term *cells = res.form == TS_QUERY_SELECT ? res.cells : res.triples;
    char **rows = calloc(n + 1, sizeof *rows);
    for (size_t r = 0; r < n; r++) {
        ts_buf b = {0};
        for (size_t v = 0; v < w; v++) {
            if (v) {
                ts_buf_putc(&b, ' ');
            }
            put_cell(&b, &cells[r * w + v]);
        }
        rows[r] = ts_buf_steal(&b);
    }
    if (!ordered) {
        qsort(rows, n, sizeof *rows, cmp_str);
    }
    ts_buf out = {0};
    for (size_t r = 0; r < n; r++) {
        if (r) {
            ts_buf_puts(&out, " | ");
        }
        ts_buf_puts(&out, rows[r]);
        free(rows[r]);
    }
    free(rows);
    ts_query_result_clear(&res);
    return ts_buf_steal(&out);
}

/* CHECK_STR on a freshly allocated answer. */
#define CHECK_ANSWER(st, query, ordered, want)              \
    do {                                                   \
        char *got_ = answer_of((st), (query), (ordered));  \
        CHECK_STR(got_, (want));                           \
        free(got_);                                        \
    } while (0)

#endif
