#include "tinyscope/term.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinyscope/buf.h"
#include "tinyscope/store.h"

static char *dup_or_null(const char *s)
{
    return s ? ts_strdup(s) : NULL;
}

ts_term ts_term_iri(const char *iri)
{
    return (ts_term){TS_TERM_IRI, ts_strdup(iri), NULL, NULL};
}

ts_term ts_term_blank(const char *label)
{
    return (ts_term){TS_TERM_BLANK, ts_strdup(label), NULL, NULL};
}

ts_term ts_term_literal(const char *lexical, const char *dt, const char *lang)
{
    if (lang && !*lang) {
        lang = NULL;
    }
    /* A language-tagged literal's datatype is implied. */
    if (lang) {
        dt = NULL;
    }
    return (ts_term){TS_TERM_LITERAL, ts_strdup(lexical), dup_or_null(dt),
                     dup_or_null(lang)};
}

void ts_term_clear(ts_term *t)
{
    if (!t) {
        return;
    }
    free(t->value);
    free(t->datatype);
    free(t->lang);
    *t = (ts_term){TS_TERM_NONE, NULL, NULL, NULL};
}

ts_term ts_term_copy(const ts_term *t)
{
    return (ts_term){t->kind, dup_or_null(t->value), dup_or_null(t->datatype),
                     dup_or_null(t->lang)};
}

static const char *effective_datatype(const ts_term *t)
{
    if (t->datatype) {
        return t->datatype;
    }
    return t->lang ? TS_NS_RDF "langString" : TS_NS_XSD "string";
}

bool ts_term_equal(const ts_term *a, const ts_term *b)
{
    if (a->kind != b->kind) {
        return false;
    }
    if (a->kind == TS_TERM_NONE) {
        return true;
    }
    if (strcmp(a->value, b->value)) {
        return false;
    }
    if (a->kind != TS_TERM_LITERAL) {
        return true;
    }
    if ((a->lang == NULL) != (b->lang == NULL)) {
        return false;
    }
    if (a->lang && strcasecmp(a->lang, b->lang)) {
        return false;
    }
    return !strcmp(effective_datatype(a), effective_datatype(b));
}

ts_term ts_term_from_sord(const SordNode *node)
{
    if (!node) {
        return (ts_term){TS_TERM_NONE, NULL, NULL, NULL};
    }
    const char *s = (const char *)sord_node_get_string(node);
    switch (sord_node_get_type(node)) {
    case SORD_URI:
        return ts_term_iri(s);
    case SORD_BLANK:
        return ts_term_blank(s);
    case SORD_LITERAL:
        break;
    }
    const SordNode *dt = sord_node_get_datatype(node);
    return ts_term_literal(s, dt ? (const char *)sord_node_get_string(dt) : NULL,
                           sord_node_get_language(node));
}

SordNode *ts_term_to_sord(SordWorld *world, const ts_term *t)
{
    switch (t->kind) {
    case TS_TERM_IRI:
        return sord_new_uri(world, (const uint8_t *)t->value);
    case TS_TERM_BLANK:
        return sord_new_blank(world, (const uint8_t *)t->value);
    case TS_TERM_LITERAL:
        break;
    case TS_TERM_NONE:
        return NULL;
    }
    SordNode *dt = NULL;
    /* Sord stores simple literals without a datatype node. */
    if (t->datatype && strcmp(t->datatype, TS_NS_XSD "string") &&
        strcmp(t->datatype, TS_NS_RDF "langString")) {
        dt = sord_new_uri(world, (const uint8_t *)t->datatype);
    }
    SordNode *lit = sord_new_literal(world, dt, (const uint8_t *)t->value, t->lang);
    sord_node_free(world, dt);
    return lit;
}

ts_status ts_term_number(const ts_term *t, double *out)
{
    if (!t || t->kind != TS_TERM_LITERAL) {
        return TS_ERR_NOT_A_NUMBER;
    }
    return ts_literal_number(t->value, t->datatype, t->lang, out);
}
