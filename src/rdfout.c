#include "tinyscope/rdfout.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <serd/serd.h>

struct ts_rdfout {
    FILE *out;
    ts_out_format fmt;
    SerdEnv *env;
    SerdWriter *writer;
    bool failed;
    bool finished;
};

static size_t sink(const void *buf, size_t len, void *stream)
{
    ts_rdfout *w = stream;
    size_t n = fwrite(buf, 1, len, w->out);
    if (n != len) {
        w->failed = true;
    }
    return n;
}

bool ts_out_format_from_name(const char *name, ts_out_format *out)
{
    if (!strcasecmp(name, "turtle") || !strcasecmp(name, "ttl")) {
        *out = TS_OUT_TURTLE;
    } else if (!strcasecmp(name, "ntriples") || !strcasecmp(name, "n-triples") ||
               !strcasecmp(name, "nt")) {
        *out = TS_OUT_NTRIPLES;
    } else if (!strcasecmp(name, "nquads") || !strcasecmp(name, "n-quads") ||
               !strcasecmp(name, "nq")) {
        *out = TS_OUT_NQUADS;
    } else {
        return false;
    }
    return true;
}

ts_rdfout *ts_rdfout_new(FILE *out, ts_out_format fmt, const ts_store *prefixes)
{
    ts_rdfout *w = ts_calloc(1, sizeof *w);
    w->out = out;
    w->fmt = fmt;
    w->env = serd_env_new(NULL);
    SerdSyntax syntax = fmt == TS_OUT_TURTLE     ? SERD_TURTLE
                        : fmt == TS_OUT_NQUADS ? SERD_NQUADS
                                               : SERD_NTRIPLES;
    SerdStyle style = fmt == TS_OUT_TURTLE ? (SerdStyle)(SERD_STYLE_ABBREVIATED | SERD_STYLE_CURIED)
                                           : (SerdStyle)0;
    w->writer = serd_writer_new(syntax, style, w->env, NULL, sink, w);
    if (fmt == TS_OUT_TURTLE && prefixes) {
        for (size_t i = 0; i < ts_store_prefix_count(prefixes); i++) {
            const char *name, *ns;
            ts_store_prefix(prefixes, i, &name, &ns);
            SerdNode n = serd_node_from_string(SERD_LITERAL, (const uint8_t *)name);
            SerdNode u = serd_node_from_string(SERD_URI, (const uint8_t *)ns);
            serd_env_set_prefix(w->env, &n, &u);
            serd_writer_set_prefix(w->writer, &n, &u);
        }
    }
    return w;
}

static SerdNode term_node(const ts_term *t)
{
    switch (t ? t->kind : TS_TERM_NONE) {
    case TS_TERM_IRI:
        return serd_node_from_string(SERD_URI, (const uint8_t *)t->value);
    case TS_TERM_BLANK:
        return serd_node_from_string(SERD_BLANK, (const uint8_t *)t->value);
    case TS_TERM_LITERAL:
        return serd_node_from_string(SERD_LITERAL, (const uint8_t *)t->value);
    case TS_TERM_NONE:
        break;
    }
    return SERD_NODE_NULL;
}

ts_status ts_rdfout_write(ts_rdfout *w, const ts_term *s, const ts_term *p,
                          const ts_term *o, const ts_term *g)
{
    if (!s || !p || !o || s->kind == TS_TERM_NONE || p->kind == TS_TERM_NONE ||
        o->kind == TS_TERM_NONE) {
        return TS_ERR_BAD_ARG;
    }
    SerdNode sn = term_node(s), pn = term_node(p), on = term_node(o);
    SerdNode gn = (w->fmt == TS_OUT_NQUADS) ? term_node(g) : SERD_NODE_NULL;
    SerdNode dt = SERD_NODE_NULL, lang = SERD_NODE_NULL;
    if (o->kind == TS_TERM_LITERAL) {
        if (o->lang) {
            lang = serd_node_from_string(SERD_LITERAL, (const uint8_t *)o->lang);
        } else if (o->datatype && strcmp(o->datatype, TS_NS_XSD "string")) {
            dt = serd_node_from_string(SERD_URI, (const uint8_t *)o->datatype);
        }
    }
    SerdStatus st = serd_writer_write_statement(
        w->writer, 0, gn.type ? &gn : NULL, &sn, &pn, &on, dt.type ? &dt : NULL,
        lang.type ? &lang : NULL);
    if (st || w->failed) {
        w->failed = true;
        return TS_ERR_IO;
    }
    return TS_OK;
}

ts_status ts_rdfout_write_sord(ts_rdfout *w, const SordNode *s, const SordNode *p,
                               const SordNode *o, const SordNode *g)
{
    ts_term ts = ts_term_from_sord(s), tp = ts_term_from_sord(p),
            to = ts_term_from_sord(o), tg = ts_term_from_sord(g);
    ts_status st = ts_rdfout_write(w, &ts, &tp, &to, g ? &tg : NULL);
    ts_term_clear(&ts);
    ts_term_clear(&tp);
    ts_term_clear(&to);
    ts_term_clear(&tg);
    return st;
}

ts_status ts_rdfout_finish(ts_rdfout *w)
{
    if (!w->finished) {
        serd_writer_finish(w->writer);
        w->finished = true;
        if (fflush(w->out) != 0 || ferror(w->out)) {
            w->failed = true;
        }
    }
    return w->failed ? TS_ERR_IO : TS_OK;
}

void ts_rdfout_free(ts_rdfout *w)
{
    if (!w) {
        return;
    }
    ts_rdfout_finish(w);
    serd_writer_free(w->writer);
    serd_env_free(w->env);
    free(w);
}
