/* Result writers: table, W3C CSV/TSV/JSON, and RDF for CONSTRUCT/DESCRIBE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/query.h"
#include "tinyscope/rdfout.h"
#include "tinyscope/sanitize.h"
#include "tinyscope/text_table.h"

struct ts_results_writer {
    FILE *out;
    ts_results_format fmt;
    const ts_store *prefixes;
    ts_query_form form;
    size_t n_vars;
    char **vars;
    size_t count;
    bool first;
    bool has_bool;
    bool boolean;
    ts_rdfout *rdf;
    /* table: every cell kept until finish */
    char **cells;
    size_t n_cells, cap_cells;
    ts_status status;
    bool tty; /* out is a terminal: text formats pass the sanitiser */
};

bool ts_results_format_from_name(const char *name, ts_results_format *out)
{
    static const struct {
        const char *name;
        ts_results_format fmt;
    } names[] = {
        {"table", TS_RESULTS_TABLE},   {"csv", TS_RESULTS_CSV},
        {"tsv", TS_RESULTS_TSV},       {"json", TS_RESULTS_JSON},
        {"ntriples", TS_RESULTS_NTRIPLES}, {"nt", TS_RESULTS_NTRIPLES},
        {"n-triples", TS_RESULTS_NTRIPLES}, {"turtle", TS_RESULTS_TURTLE},
        {"ttl", TS_RESULTS_TURTLE},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcmp(name, names[i].name)) {
            *out = names[i].fmt;
            return true;
        }
    }
    return false;
}

ts_results_writer *ts_results_writer_new(FILE *out, ts_results_format fmt,
                                         const ts_store *prefixes)
{
    ts_results_writer *w = ts_calloc(1, sizeof *w);
    w->out = out;
    w->fmt = fmt;
    w->prefixes = prefixes;
    w->first = true;
    w->tty = ts_sanitize_is_tty(out);
    return w;
}

size_t ts_results_writer_count(const ts_results_writer *w)
{
    return w->count;
}

void ts_results_writer_free(ts_results_writer *w)
{
    if (!w) {
        return;
    }
    for (size_t i = 0; i < w->n_vars; i++) {
        free(w->vars[i]);
    }
    free(w->vars);
    for (size_t i = 0; i < w->n_cells; i++) {
        free(w->cells[i]);
    }
    free(w->cells);
    ts_rdfout_free(w->rdf);
    free(w);
}

/* ---- term syntax ---- */

static void put_escaped(ts_buf *b, const char *s, bool tsv)
{
    for (; *s; s++) {
        switch (*s) {
        case '"': ts_buf_puts(b, "\\\""); break;
        case '\\': ts_buf_puts(b, "\\\\"); break;
        case '\n': ts_buf_puts(b, "\\n"); break;
        case '\r': ts_buf_puts(b, "\\r"); break;
        case '\t': ts_buf_puts(b, tsv ? "\\t" : "\t"); break;
        default: ts_buf_putc(b, *s);
        }
    }
}

/* N-Triples form of a term (TSV uses it too). */
static void nt_term(ts_buf *b, const ts_term *t, bool tsv)
{
    switch (t->kind) {
    case TS_TERM_NONE: break;
    case TS_TERM_IRI: ts_buf_printf(b, "<%s>", t->value); break;
    case TS_TERM_BLANK: ts_buf_printf(b, "_:%s", t->value); break;
    case TS_TERM_LITERAL:
        ts_buf_putc(b, '"');
        put_escaped(b, t->value, tsv);
        ts_buf_putc(b, '"');
        if (t->lang) {
            ts_buf_printf(b, "@%s", t->lang);
        } else if (t->datatype && strcmp(t->datatype, TS_NS_XSD "string")) {
            ts_buf_printf(b, "^^<%s>", t->datatype);
        }
        break;
    }
}

/* The short, readable form for tables. */
static char *table_term(const ts_results_writer *w, const ts_term *t)
{
    ts_buf b = {0};
    switch (t->kind) {
    case TS_TERM_NONE: break;
    case TS_TERM_IRI:
        if (w->prefixes) {
            char *s = ts_store_shorten_iri(w->prefixes, t->value);
            ts_buf_puts(&b, s);
            free(s);
        } else {
            ts_buf_printf(&b, "<%s>", t->value);
        }
        break;
    case TS_TERM_BLANK: ts_buf_printf(&b, "_:%s", t->value); break;
    case TS_TERM_LITERAL: {
        ts_buf_puts(&b, t->value);
        if (t->lang) {
            ts_buf_printf(&b, "@%s", t->lang);
        } else if (t->datatype && strncmp(t->datatype, TS_NS_XSD, sizeof TS_NS_XSD - 1)) {
            char *s = w->prefixes ? ts_store_shorten_iri(w->prefixes, t->datatype)
                                  : ts_asprintf("<%s>", t->datatype);
            ts_buf_printf(&b, "^^%s", s);
            free(s);
        }
        break;
    }
    }
    ts_buf out = {0};
    ts_sanitize_append(&out, b.data ? b.data : "", b.len);
    ts_buf_free(&b);
    return ts_buf_steal(&out);
}

/* one JSON string escaper for every writer: it keeps the output valid JSON */
static void json_string(ts_buf *b, const char *s)
{
    ts_json_string(b, s);
}

static void json_term(ts_buf *b, const ts_term *t)
{
    switch (t->kind) {
    case TS_TERM_IRI: ts_buf_puts(b, "{\"type\": \"uri\", \"value\": "); break;
    case TS_TERM_BLANK: ts_buf_puts(b, "{\"type\": \"bnode\", \"value\": "); break;
    default: ts_buf_puts(b, "{\"type\": \"literal\", \"value\": "); break;
    }
    json_string(b, t->value ? t->value : "");
    if (t->kind == TS_TERM_LITERAL) {
        if (t->lang) {
            ts_buf_puts(b, ", \"xml:lang\": ");
            json_string(b, t->lang);
        } else if (t->datatype && strcmp(t->datatype, TS_NS_XSD "string")) {
            ts_buf_puts(b, ", \"datatype\": ");
            json_string(b, t->datatype);
        }
    }
    ts_buf_putc(b, '}');
}

static void csv_field(ts_buf *b, const ts_term *t)
{
    const char *v = t->value ? t->value : "";
    ts_buf tmp = {0};
    if (t->kind == TS_TERM_BLANK) {
        ts_buf_printf(&tmp, "_:%s", v);
        v = ts_buf_str(&tmp);
    }
    if (strpbrk(v, "\",\n\r")) {
        ts_buf_putc(b, '"');
        for (const char *c = v; *c; c++) {
            if (*c == '"') {
                ts_buf_putc(b, '"');
            }
            ts_buf_putc(b, *c);
        }
        ts_buf_putc(b, '"');
    } else if (t->kind != TS_TERM_NONE) {
        ts_buf_puts(b, v);
    }
    ts_buf_free(&tmp);
}

/* ---- sink ---- */

static void write_buf(ts_results_writer *w, ts_buf *b)
{
    if (b->len && !ts_sanitize_fwrite(w->out, b->data, b->len, w->tty)) {
        w->status = TS_ERR_IO;
    }
    ts_buf_free(b);
}

static bool rdf_format(const ts_results_writer *w)
{
    return w->fmt == TS_RESULTS_NTRIPLES || w->fmt == TS_RESULTS_TURTLE;
}

static void header(ts_results_writer *w)
{
    ts_buf b = {0};
    switch (w->fmt) {
    case TS_RESULTS_CSV:
        for (size_t i = 0; i < w->n_vars; i++) {
            ts_buf_printf(&b, "%s%s", i ? "," : "", w->vars[i]);
        }
        ts_buf_puts(&b, "\r\n");
        break;
    case TS_RESULTS_TSV:
        for (size_t i = 0; i < w->n_vars; i++) {
            ts_buf_printf(&b, "%s?%s", i ? "\t" : "", w->vars[i]);
        }
        ts_buf_putc(&b, '\n');
        break;
    case TS_RESULTS_JSON:
        ts_buf_puts(&b, "{\n  \"head\": {\"vars\": [");
        for (size_t i = 0; i < w->n_vars; i++) {
            if (i) {
                ts_buf_puts(&b, ", ");
            }
            json_string(&b, w->vars[i]);
        }
        ts_buf_puts(&b, "]},\n  \"results\": {\"bindings\": [");
        break;
    default: break;
    }
    write_buf(w, &b);
}

static int w_begin(void *ctx, ts_query_form form, const char *const *vars, size_t n)
{
    ts_results_writer *w = ctx;
    w->form = form;
    if (form == TS_QUERY_CONSTRUCT || form == TS_QUERY_DESCRIBE) {
        static const char *const spo[] = {"subject", "predicate", "object"};
        vars = spo;
        n = 3;
        if (w->fmt == TS_RESULTS_TABLE) {
            /* a graph reads best as Turtle */
            w->fmt = TS_RESULTS_TURTLE;
        }
        if (rdf_format(w)) {
            w->rdf = ts_rdfout_new(w->out,
                                   w->fmt == TS_RESULTS_TURTLE ? TS_OUT_TURTLE : TS_OUT_NTRIPLES,
                                   w->fmt == TS_RESULTS_TURTLE ? w->prefixes : NULL);
            return 0;
        }
    }
    if (form == TS_QUERY_ASK) {
        return 0;
    }
    w->n_vars = n;
    w->vars = ts_calloc(n + 1, sizeof *w->vars);
    for (size_t i = 0; i < n; i++) {
        w->vars[i] = ts_strdup(vars[i]);
    }
    if (w->fmt != TS_RESULTS_TABLE) {
        header(w);
    }
    return 0;
}

static void keep_cell(ts_results_writer *w, char *s)
{
    if (w->n_cells == w->cap_cells) {
        w->cap_cells = w->cap_cells ? w->cap_cells * 2 : 64;
        w->cells = ts_reallocarray(w->cells, w->cap_cells, sizeof *w->cells);
    }
    w->cells[w->n_cells++] = s;
}

static int w_row(void *ctx, const ts_term *cells)
{
    ts_results_writer *w = ctx;
    w->count++;
    ts_buf b = {0};
    switch (w->fmt) {
    case TS_RESULTS_TABLE:
        for (size_t i = 0; i < w->n_vars; i++) {
            keep_cell(w, table_term(w, &cells[i]));
        }
        return 0;
    case TS_RESULTS_CSV:
        for (size_t i = 0; i < w->n_vars; i++) {
            if (i) {
                ts_buf_putc(&b, ',');
            }
            csv_field(&b, &cells[i]);
        }
        ts_buf_puts(&b, "\r\n");
        break;
    case TS_RESULTS_TSV:
    case TS_RESULTS_NTRIPLES:
    case TS_RESULTS_TURTLE:
        for (size_t i = 0; i < w->n_vars; i++) {
            if (i) {
                ts_buf_putc(&b, '\t');
            }
            nt_term(&b, &cells[i], true);
        }
        ts_buf_putc(&b, '\n');
        break;
    case TS_RESULTS_JSON: {
        ts_buf_puts(&b, w->first ? "\n    {" : ",\n    {");
        w->first = false;
        bool any = false;
        for (size_t i = 0; i < w->n_vars; i++) {
            if (cells[i].kind == TS_TERM_NONE) {
                continue;
            }
            ts_buf_puts(&b, any ? ", " : "");
            any = true;
            json_string(&b, w->vars[i]);
            ts_buf_puts(&b, ": ");
            json_term(&b, &cells[i]);
        }
        ts_buf_putc(&b, '}');
        break;
    }
    }
    write_buf(w, &b);
    return 0;
}

static int w_triple(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o)
{
    ts_results_writer *w = ctx;
    if (w->rdf) {
        w->count++;
        if (ts_rdfout_write(w->rdf, s, p, o, NULL) != TS_OK) {
            w->status = TS_ERR_IO;
            return 1;
        }
        return 0;
    }
    ts_term row[3] = {*s, *p, *o};
    return w_row(ctx, row);
}

static int w_boolean(void *ctx, bool v)
{
    ts_results_writer *w = ctx;
    w->has_bool = true;
    w->boolean = v;
    return 0;
}

static const ts_query_sink writer_sink = {w_begin, w_row, w_triple, w_boolean};

const ts_query_sink *ts_results_writer_sink(void)
{
    return &writer_sink;
}

static size_t display_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

static void print_table(ts_results_writer *w)
{
    size_t nv = w->n_vars;
    size_t rows = nv ? w->n_cells / nv : 0;
    size_t *width = ts_calloc(nv + 1, sizeof *width);
    char **heads = ts_calloc(nv + 1, sizeof *heads);
    for (size_t i = 0; i < nv; i++) {
        heads[i] = ts_asprintf("?%s", w->vars[i]);
        width[i] = display_width(heads[i]);
    }
    for (size_t r = 0; r < rows; r++) {
        for (size_t i = 0; i < nv; i++) {
            size_t d = display_width(w->cells[r * nv + i]);
            if (d > width[i]) {
                width[i] = d;
            }
        }
    }
    ts_buf b = {0};
    for (size_t line = 0; line < rows + 2; line++) {
        if (line == 1) {
            for (size_t i = 0; i < nv; i++) {
                for (size_t k = 0; k < width[i]; k++) {
                    ts_buf_putc(&b, '-');
                }
                ts_buf_puts(&b, i + 1 < nv ? "  " : "");
            }
            ts_buf_putc(&b, '\n');
            continue;
        }
        for (size_t i = 0; i < nv; i++) {
            const char *s = line == 0 ? heads[i] : w->cells[(line - 2) * nv + i];
            ts_buf_puts(&b, s);
            if (i + 1 < nv) {
                for (size_t k = display_width(s); k < width[i] + 2; k++) {
                    ts_buf_putc(&b, ' ');
                }
            }
        }
        ts_buf_putc(&b, '\n');
    }
    ts_buf_printf(&b, "(%zu row%s)\n", rows, rows == 1 ? "" : "s");
    write_buf(w, &b);
    for (size_t i = 0; i < nv; i++) {
        free(heads[i]);
    }
    free(heads);
    free(width);
}

ts_status ts_results_writer_finish(ts_results_writer *w)
{
    ts_buf b = {0};
    if (w->form == TS_QUERY_ASK) {
        switch (w->fmt) {
        case TS_RESULTS_JSON:
            ts_buf_printf(&b, "{\n  \"head\": {},\n  \"boolean\": %s\n}\n",
                          w->boolean ? "true" : "false");
            break;
        case TS_RESULTS_CSV:
        case TS_RESULTS_TSV: ts_buf_printf(&b, "%s\n", w->boolean ? "true" : "false"); break;
        default: ts_buf_printf(&b, "%s\n", w->boolean ? "yes" : "no"); break;
        }
        write_buf(w, &b);
    } else if (w->rdf) {
        if (ts_rdfout_finish(w->rdf) != TS_OK) {
            w->status = TS_ERR_IO;
        }
    } else if (w->fmt == TS_RESULTS_TABLE) {
        print_table(w);
    } else if (w->fmt == TS_RESULTS_JSON) {
        ts_buf_puts(&b, w->first ? "]}\n}\n" : "\n  ]}\n}\n");
        write_buf(w, &b);
    }
    if (fflush(w->out) != 0 || ferror(w->out)) {
        w->status = TS_ERR_IO;
    }
    return w->status;
}
