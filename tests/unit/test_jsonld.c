/* The JSON-LD processor: each feature on small documents written here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/jsonld/jl_internal.h"
#include "test.h"
#include "tinyscope/buf.h"
#include "tinyscope/jsonld.h"

#define XSD "http://www.w3.org/2001/XMLSchema#"
#define RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/* Quads as N-Quads-like lines, one per quad, in the order produced. */
static void put_term(ts_buf *b, const ts_term *t)
{
    switch (t->kind) {
    case TS_TERM_IRI: ts_buf_printf(b, "<%s>", t->value); break;
    case TS_TERM_BLANK: ts_buf_printf(b, "_:%s", t->value); break;
    case TS_TERM_LITERAL:
        ts_buf_printf(b, "\"%s\"", t->value);
        if (t->lang) {
            ts_buf_printf(b, "@%s", t->lang);
        } else if (t->datatype) {
            ts_buf_printf(b, "^^<%s>", t->datatype);
        }
        break;
    default: break;
    }
}

static void on_quad(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o,
                    const ts_term *g)
{
    ts_buf *b = ctx;
    put_term(b, s);
    ts_buf_putc(b, ' ');
    put_term(b, p);
    ts_buf_putc(b, ' ');
    put_term(b, o);
    if (g->kind != TS_TERM_NONE) {
        ts_buf_putc(b, ' ');
        put_term(b, g);
    }
    ts_buf_puts(b, " .\n");
}

static ts_jsonld_ctxstore *contexts;
static ts_error last_error;
static ts_diags diags;

/* The quads of a document (caller frees), or NULL with last_error set. */
static char *rdf_of(const char *json, const ts_jsonld_opts *extra)
{
    ts_jsonld_opts o = {
        .source = "t.jsonld", .base = "http://ex.org/doc", .contexts = contexts, .diags = &diags};
    if (extra) {
        o = *extra;
        o.source = "t.jsonld";
        o.contexts = contexts;
        o.diags = &diags;
        if (!o.base) {
            o.base = "http://ex.org/doc";
        }
    }
    ts_buf b = {0};
    ts_status st = ts_jsonld_text_to_rdf(json, strlen(json), &o, on_quad, &b, &last_error);
    if (st != TS_OK) {
        ts_buf_free(&b);
        return NULL;
    }
    return ts_buf_steal(&b);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++) {
        n += *s == '\n';
    }
    return n;
}

#define HAS(out, quad)                                                                             \
    do {                                                                                           \
        test_checks++;                                                                             \
        if (!(out) || !strstr((out), (quad))) {                                                    \
            fprintf(stderr, "%s:%d: missing %s in:\n%s\n", __FILE__, __LINE__, quad,               \
                    (out) ? (out) : "(error)");                                                    \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define FAILS_WITH(json, text)                                                                     \
    do {                                                                                           \
        char *out_ = rdf_of((json), NULL);                                                         \
        test_checks++;                                                                             \
        if (out_ || !strstr(last_error.message, (text))) {                                         \
            fprintf(stderr, "%s:%d: expected error '%s', got '%s'\n", __FILE__, __LINE__, (text),  \
                    out_ ? "(no error)" : last_error.message);                                     \
            test_failures++;                                                                       \
        }                                                                                          \
        free(out_);                                                                                \
    } while (0)

static void test_terms_and_iris(void)
{
    char *out = rdf_of("{\"@context\": {\"ex\": \"http://ex.org/ns#\", \"name\": \"ex:name\","
                       " \"@vocab\": \"http://ex.org/v/\"},"
                       " \"@id\": \"thing/1\", \"name\": \"A\", \"ex:other\": \"B\","
                       " \"free\": \"C\", \"http://ex.org/full\": \"D\"}",
                       NULL);
    HAS(out, "<http://ex.org/thing/1> <http://ex.org/ns#name> \"A\" .");
    HAS(out, "<http://ex.org/thing/1> <http://ex.org/ns#other> \"B\" .");
    HAS(out, "<http://ex.org/thing/1> <http://ex.org/v/free> \"C\" .");
    HAS(out, "<http://ex.org/thing/1> <http://ex.org/full> \"D\" .");
    CHECK_INT(count_lines(out), 4);
    free(out);

    /* @base, and a term without a mapping is dropped. */
    out = rdf_of("{\"@context\": {\"@base\": \"http://b.org/x/y\"}, \"@id\": \"../z\","
                 " \"nothing\": 1, \"http://ex.org/p\": {\"@id\": \"#frag\"}}",
                 NULL);
    HAS(out, "<http://b.org/z> <http://ex.org/p> <http://b.org/x/y#frag> .");
    CHECK_INT(count_lines(out), 1);
    free(out);
}

static void test_literals(void)
{
    char *out = rdf_of("{\"@id\": \"http://ex.org/s\", \"http://ex.org/p\": [1, 1.5, 2.0, "
                       "true, 1e21, -0.25, \"plain\"]}",
                       NULL);
    HAS(out, "\"1\"^^<" XSD "integer>");
    HAS(out, "\"1.5E0\"^^<" XSD "double>");
    HAS(out, "\"2\"^^<" XSD "integer>");
    HAS(out, "\"true\"^^<" XSD "boolean>");
    HAS(out, "\"1.0E21\"^^<" XSD "double>");
    HAS(out, "\"-2.5E-1\"^^<" XSD "double>");
    HAS(out, "<http://ex.org/p> \"plain\" .");
    free(out);

    /* Typed, language-tagged, coerced. */
    out = rdf_of("{\"@context\": {\"@language\": \"en\", \"@vocab\": \"http://ex.org/\","
                 " \"d\": {\"@id\": \"http://ex.org/d\", \"@type\": \"http://www.w3.org/2001/"
                 "XMLSchema#date\"}, \"ref\": {\"@type\": \"@id\"}, \"v\": {\"@type\": "
                 "\"@vocab\"}, \"de\": {\"@language\": \"de\"}, \"none\": {\"@language\": null}},"
                 " \"@id\": \"http://ex.org/s\", \"d\": \"2024-01-02\", \"title\": \"Hi\","
                 " \"ref\": \"other\", \"v\": \"Thing\", \"de\": \"Hallo\", \"none\": \"x\"}",
                 NULL);
    HAS(out, "<http://ex.org/d> \"2024-01-02\"^^<" XSD "date> .");
    HAS(out, "<http://ex.org/title> \"Hi\"@en .");
    HAS(out, "<http://ex.org/ref> <http://ex.org/other> .");
    HAS(out, "<http://ex.org/v> <http://ex.org/Thing> .");
    HAS(out, "<http://ex.org/de> \"Hallo\"@de .");
    HAS(out, "<http://ex.org/none> \"x\" .");
    free(out);

    /* @json: canonical JSON text as an rdf:JSON literal. */
    out = rdf_of("{\"@context\": {\"j\": {\"@id\": \"http://ex.org/j\", \"@type\": \"@json\"}},"
                 " \"@id\": \"http://ex.org/s\", \"j\": {\"b\": 1.0, \"a\": [true, null, \"x\"]}}",
                 NULL);
    HAS(out, "\"{\"a\":[true,null,\"x\"],\"b\":1}\"^^<" RDF "JSON>");
    free(out);

    /* @direction as i18n datatype and as compound literal. */
    ts_jsonld_opts o = {.rdf_direction = TS_JSONLD_DIR_I18N};
    const char *dir_doc = "{\"@id\": \"http://ex.org/s\", \"http://ex.org/p\": {\"@value\": "
                          "\"x\", \"@language\": \"AR-EG\", \"@direction\": \"rtl\"}}";
    out = rdf_of(dir_doc, &o);
    HAS(out, "\"x\"^^<https://www.w3.org/ns/i18n#ar-eg_rtl>");
    free(out);
    o.rdf_direction = TS_JSONLD_DIR_COMPOUND;
    out = rdf_of(dir_doc, &o);
    HAS(out, "<" RDF "direction> \"rtl\"");
    HAS(out, "<" RDF "language> \"ar-eg\"");
    free(out);
    out = rdf_of(dir_doc, NULL);
    HAS(out, "\"x\"@AR-EG");
    free(out);

    /* The option by name, as --rdf-direction takes it. */
    ts_jsonld_direction d = TS_JSONLD_DIR_DROP;
    CHECK(ts_jsonld_direction_parse("i18n-datatype", &d) && d == TS_JSONLD_DIR_I18N);
    CHECK(ts_jsonld_direction_parse("compound-literal", &d) && d == TS_JSONLD_DIR_COMPOUND);
    CHECK(ts_jsonld_direction_parse("none", &d) && d == TS_JSONLD_DIR_DROP);
    CHECK(!ts_jsonld_direction_parse("rtl", &d) && d == TS_JSONLD_DIR_DROP);
    CHECK(!ts_jsonld_direction_parse(NULL, &d));
    for (int i = TS_JSONLD_DIR_DROP; i <= TS_JSONLD_DIR_COMPOUND; i++) {
        CHECK(ts_jsonld_direction_parse(ts_jsonld_direction_name((ts_jsonld_direction)i), &d) &&
              (int)d == i);
    }
}

static void test_lists_reverse_graphs(void)
{
    char *out = rdf_of("{\"@context\": {\"l\": {\"@id\": \"http://ex.org/l\", \"@container\": "
                       "\"@list\"}}, \"@id\": \"http://ex.org/s\", \"l\": [\"a\", \"b\"],"
                       " \"http://ex.org/e\": {\"@list\": []}}",
                       NULL);
    HAS(out, "<" RDF "first> \"a\"");
    HAS(out, "<" RDF "first> \"b\"");
    HAS(out, "<" RDF "rest> <" RDF "nil>");
    HAS(out, "<http://ex.org/s> <http://ex.org/e> <" RDF "nil> .");
    CHECK_INT(count_lines(out), 6);
    free(out);

    out = rdf_of("{\"@context\": {\"parentOf\": {\"@reverse\": \"http://ex.org/child\"}},"
                 " \"@id\": \"http://ex.org/p\", \"parentOf\": {\"@id\": \"http://ex.org/c\"},"
                 " \"@reverse\": {\"http://ex.org/knows\": {\"@id\": \"http://ex.org/k\"}}}",
                 NULL);
    HAS(out, "<http://ex.org/c> <http://ex.org/child> <http://ex.org/p> .");
    HAS(out, "<http://ex.org/k> <http://ex.org/knows> <http://ex.org/p> .");
    free(out);

    out = rdf_of("{\"@id\": \"http://ex.org/g\", \"@graph\": [{\"@id\": \"http://ex.org/s\","
                 " \"http://ex.org/p\": \"in g\"}], \"http://ex.org/about\": \"g\"}",
                 NULL);
    HAS(out, "<http://ex.org/s> <http://ex.org/p> \"in g\" <http://ex.org/g> .");
    HAS(out, "<http://ex.org/g> <http://ex.org/about> \"g\" .");
    free(out);

    /* A top-level @graph without an @id is the default graph. */
    out = rdf_of("{\"@graph\": [{\"@id\": \"http://ex.org/a\", \"@type\": \"http://ex.org/T\"}]}",
                 NULL);
    HAS(out, "<http://ex.org/a> <" RDF "type> <http://ex.org/T> .");
    free(out);
}

static void test_containers(void)
{
    char *out = rdf_of("{\"@context\": {\"@vocab\": \"http://ex.org/\","
                       " \"byIndex\": {\"@container\": \"@index\"},"
                       " \"byName\": {\"@container\": \"@index\", \"@index\": \"name\"},"
                       " \"byId\": {\"@container\": \"@id\"},"
                       " \"byType\": {\"@container\": \"@type\"},"
                       " \"byLang\": {\"@container\": \"@language\"},"
                       " \"graphs\": {\"@container\": \"@graph\"}},"
                       " \"@id\": \"http://ex.org/s\","
                       " \"byIndex\": {\"k\": \"v\"},"
                       " \"byName\": {\"temp\": {\"@id\": \"http://ex.org/t\"}},"
                       " \"byId\": {\"http://ex.org/i\": {\"label\": \"I\"}},"
                       " \"byType\": {\"Kind\": {\"@id\": \"http://ex.org/k\"}},"
                       " \"byLang\": {\"en\": \"hello\", \"fr\": [\"salut\", \"bonjour\"]},"
                       " \"graphs\": {\"@id\": \"http://ex.org/in\", \"label\": \"G\"}}",
                       NULL);
    HAS(out, "<http://ex.org/s> <http://ex.org/byIndex> \"v\" .");
    HAS(out, "<http://ex.org/t> <http://ex.org/name> \"temp\" .");
    HAS(out, "<http://ex.org/i> <http://ex.org/label> \"I\" .");
    HAS(out, "<http://ex.org/s> <http://ex.org/byId> <http://ex.org/i> .");
    HAS(out, "<http://ex.org/k> <" RDF "type> <http://ex.org/Kind> .");
    HAS(out, "\"hello\"@en");
    HAS(out, "\"bonjour\"@fr");
    HAS(out, "<http://ex.org/in> <http://ex.org/label> \"G\" _:");
    free(out);
}

/* The bundled TD 1.1 context, on a TD written here: each vocabulary
 * section's terms where the specification puts them. */
static void test_bundled_td11(void)
{
    const char *root = getenv("TS_SOURCE_ROOT");
    char *path = ts_asprintf("%s/ontology/contexts/td-1.1.jsonld", root ? root : ".");
    ts_error err;
    CHECK(ts_jsonld_ctxstore_add_file(contexts, "https://www.w3.org/2022/wot/td/v1.1", path,
                                      &err) == TS_OK);
    free(path);
    char *out = rdf_of(
        "{\"@context\": \"https://www.w3.org/2022/wot/td/v1.1\", \"id\": \"urn:dev:lamp\","
        " \"@type\": \"Thing\", \"title\": \"Lamp\", \"titles\": {\"de-DE\": \"Lampe\"},"
        " \"securityDefinitions\": {\"basic_sc\": {\"scheme\": \"basic\", \"in\": \"header\"}},"
        " \"security\": \"basic_sc\","
        " \"properties\": {\"status\": {\"type\": \"object\", \"readOnly\": true,"
        "   \"properties\": {\"level\": {\"type\": \"integer\", \"minimum\": 0,"
        "                               \"unit\": \"om:percent\"}},"
        "   \"forms\": [{\"href\": \"http://lamp.example/status\", \"op\": \"readproperty\","
        "               \"contentType\": \"application/json\"}]}},"
        " \"actions\": {\"toggle\": {\"input\": {\"type\": \"boolean\"}, \"safe\": false}},"
        " \"events\": {\"overheat\": {\"data\": {\"type\": \"string\"}}}}",
        NULL);
#define TD "https://www.w3.org/2019/wot/td#"
#define JS "https://www.w3.org/2019/wot/json-schema#"
#define SEC "https://www.w3.org/2019/wot/security#"
#define HCTL "https://www.w3.org/2019/wot/hypermedia#"
    HAS(out, "<urn:dev:lamp> <" RDF "type> <" TD "Thing> .");
    HAS(out, "<urn:dev:lamp> <" TD "title> \"Lamp\"@en .");
    HAS(out, "<urn:dev:lamp> <" TD "titleInLanguage> \"Lampe\"@de-de .");
    HAS(out, "<urn:dev:lamp> <" TD "hasSecurityConfiguration> \"basic_sc\" .");
    HAS(out, "<" RDF "type> <" SEC "BasicSecurityScheme> .");
    HAS(out, "<" SEC "in> \"header\" .");
    HAS(out, "<" TD "hasInstanceConfiguration> <http://ex.org/basic_sc> .");
    HAS(out, "<" TD "name> \"status\" .");
    HAS(out, "<" RDF "type> <" JS "ObjectSchema> .");
    HAS(out, "<" JS "readOnly> \"true\"^^<" XSD "boolean> .");
    HAS(out, "<" JS "propertyName> \"level\" .");
    HAS(out, "<" RDF "type> <" JS "IntegerSchema> .");
    HAS(out, "<" JS "minimum> \"0\"^^<" XSD "integer> .");
    HAS(out, "<" HCTL "hasTarget> \"http://lamp.example/status\"^^<" XSD "anyURI> .");
    HAS(out, "<" HCTL "hasOperationType> <" TD "readProperty> .");
    HAS(out, "<" HCTL "forContentType> \"application/json\" .");
    HAS(out, "<" TD "hasInputSchema> _:");
    HAS(out, "<" RDF "type> <" JS "BooleanSchema> .");
    HAS(out, "<" TD "isSafe> \"false\"^^<" XSD "boolean> .");
    HAS(out, "<" TD "hasNotificationSchema> _:");
    HAS(out, "<" RDF "type> <" JS "StringSchema> .");
#undef TD
#undef JS
#undef SEC
#undef HCTL
    free(out);
}

/* A property-valued index map whose term redefines itself in its own
 * scoped context takes the index mapping from there (the TD 1.1 context's
 * nested "properties"), as jsonld.js does. */
static void test_scoped_index_mapping(void)
{
    char *out = rdf_of("{\"@context\": {\"@vocab\": \"http://ex.org/\","
                       " \"props\": {\"@id\": \"http://ex.org/props\", \"@container\": \"@index\","
                       "   \"@index\": \"name\", \"@context\": {\"props\": {\"@id\":"
                       "   \"http://ex.org/props\", \"@container\": \"@index\","
                       "   \"@index\": \"inner\"}}}},"
                       " \"@id\": \"http://ex.org/s\","
                       " \"props\": {\"a\": {\"@id\": \"http://ex.org/a\"}}}",
                       NULL);
    HAS(out, "<http://ex.org/a> <http://ex.org/inner> \"a\" .");
    CHECK(!strstr(out, "<http://ex.org/name>"));
    free(out);
}

static void test_scoped_nest_included(void)
{
    /* Property-scoped, type-scoped (not propagated), @nest, @included. */
    char *out = rdf_of("{\"@context\": {\"@vocab\": \"http://ex.org/\","
                       " \"inner\": {\"@context\": {\"@vocab\": \"http://in.org/\"}},"
                       " \"Typed\": {\"@context\": {\"p\": \"http://typed.org/p\"}},"
                       " \"meta\": \"@nest\"},"
                       " \"@id\": \"http://ex.org/s\","
                       " \"inner\": {\"@id\": \"http://ex.org/x\", \"q\": 1},"
                       " \"meta\": {\"nested\": \"n\"},"
                       " \"@included\": [{\"@id\": \"http://ex.org/inc\", \"r\": true}],"
                       " \"child\": {\"@type\": \"Typed\", \"p\": \"typed\","
                       "            \"deeper\": {\"p\": \"not typed\"}}}",
                       NULL);
    HAS(out, "<http://ex.org/x> <http://in.org/q> \"1\"");
    HAS(out, "<http://ex.org/s> <http://ex.org/nested> \"n\" .");
    HAS(out, "<http://ex.org/inc> <http://ex.org/r> \"true\"");
    HAS(out, "<http://typed.org/p> \"typed\"");
    HAS(out, "<http://ex.org/p> \"not typed\"");
    free(out);
}

static void test_errors(void)
{
    /* The JSON path of the offending key, TD style. */
    const char *td = "{\"@context\": {\"@vocab\": \"http://ex.org/\", \"properties\": "
                     "{\"@container\": \"@index\", \"@index\": \"name\"}},"
                     " \"properties\": {\"temp\": {\"forms\": [{\"@id\": 5}]}}}";
    FAILS_WITH(td, "/properties/temp/forms/0: invalid @id value");
    CHECK_STR(last_error.source, "t.jsonld");

    FAILS_WITH("{\"@context\": {\"@version\": 1.1, \"p\": {\"@id\": \"http://ex.org/p\", "
               "\"@protected\": true}}, \"http://ex.org/x\": {\"@context\": {\"p\": "
               "\"http://other.org/p\"}, \"p\": 1}}",
               "protected term redefinition");
    FAILS_WITH("{\"@context\": {\"a\": \"b:x\", \"b\": \"a:y\"}, \"a\": 1}", "cyclic IRI mapping");
    FAILS_WITH("{\"@context\": {\"@vocab\": 5}}", "/@context/@vocab: invalid vocab mapping");
    FAILS_WITH("{\"@context\": \"https://nowhere.example/ctx\", \"x\": 1}",
               "https://nowhere.example/ctx is not available offline; supply it with "
               "--context https://nowhere.example/ctx=FILE");
    FAILS_WITH("{\"@id\": \"http://ex.org/s\", \"http://ex.org/p\": {\"@value\": \"x\","
               " \"@type\": \"http://ex.org/t\", \"@language\": \"en\"}}",
               "invalid value object");

    /* Context cycles: directly and through another context. */
    ts_error err;
    CHECK(ts_jsonld_ctxstore_add_text(contexts, "http://ctx.org/a",
                                      "{\"@context\": [\"http://ctx.org/b\"]}", &err) == TS_OK);
    CHECK(ts_jsonld_ctxstore_add_text(contexts, "http://ctx.org/b",
                                      "{\"@context\": \"http://ctx.org/a\"}", &err) == TS_OK);
    FAILS_WITH("{\"@context\": \"http://ctx.org/a\", \"x\": 1}", "recursive context inclusion");

    /* Deep nesting is refused, not a crash. */
    ts_buf deep = {0};
    for (int i = 0; i < 1500; i++) {
        ts_buf_puts(&deep, "{\"http://ex.org/p\": ");
    }
    ts_buf_puts(&deep, "1");
    for (int i = 0; i < 1500; i++) {
        ts_buf_putc(&deep, '}');
    }
    char *out = rdf_of(deep.data, NULL);
    CHECK(out == NULL);
    CHECK(strstr(last_error.message, "limit exceeded") != NULL);
    ts_buf_free(&deep);

    /* JSON syntax errors name line and column. */
    out = rdf_of("{\n  \"a\": [1,\n  2,,]\n}", NULL);
    CHECK(out == NULL);
    CHECK_INT(last_error.line, 3);
    CHECK(last_error.col > 0);
    CHECK(last_error.status == TS_ERR_SYNTAX);
}

static void test_duplicates(void)
{
    size_t before = diags.warnings;
    char *out = rdf_of("{\"@id\": \"http://ex.org/s\",\n \"@type\": \"http://ex.org/A\",\n"
                       " \"@type\": \"http://ex.org/B\"}",
                       NULL);
    HAS(out, "<http://ex.org/s> <" RDF "type> <http://ex.org/B> .");
    CHECK(!out || !strstr(out, "http://ex.org/A"));
    CHECK_INT(diags.warnings, before + 1);
    const ts_diag *d = &diags.items[diags.count - 1];
    CHECK_INT(d->err.line, 3);
    CHECK(strstr(d->err.message, "duplicate") != NULL);
    free(out);

    /* Quotes and backslashes inside strings do not confuse the scan; the
     * same key in two different objects is no duplicate. */
    before = diags.warnings;
    out = rdf_of("{\"@id\": \"http://ex.org/s\", \"http://ex.org/p\": \"a \\\" \\\\\",\n"
                 " \"http://ex.org/q\": {\"http://ex.org/p\": \"x\"},\n"
                 " \"http://ex.org/p\": \"b\"}",
                 NULL);
    HAS(out, "<http://ex.org/s> <http://ex.org/p> \"b\" .");
    CHECK_INT(diags.warnings, before + 1);
    CHECK_INT(diags.items[diags.count - 1].err.line, 3);
    free(out);
}

static void test_store(void)
{
    char dir[] = "/tmp/ts_jsonld_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *index = ts_asprintf("%s/index.json", dir);
    char *file = ts_asprintf("%s/mine.jsonld", dir);
    char *derived = ts_asprintf("%s/schemas.example.org_v1.jsonld", dir);
    FILE *f = fopen(index, "w");
    fputs("{\"http://mine.example/ctx\": \"mine.jsonld\"}", f);
    fclose(f);
    f = fopen(file, "w");
    fputs("{\"@context\": {\"mine\": \"http://mine.example/ns#mine\"}}", f);
    fclose(f);
    f = fopen(derived, "w");
    fputs("{\"@context\": {\"their\": \"http://their.example/their\"}}", f);
    fclose(f);
    ts_jsonld_ctxstore *s = ts_jsonld_ctxstore_new();
    ts_error err;
    CHECK(ts_jsonld_ctxstore_add_dir(s, dir, &err) == TS_OK);
    CHECK(ts_jsonld_ctxstore_has(s, "http://mine.example/ctx"));
    CHECK(ts_jsonld_ctxstore_has(s, "https://schemas.example.org/v1"));
    CHECK(!ts_jsonld_ctxstore_has(s, "https://schemas.example.org/v2"));
    ts_jsonld_opts o = {.contexts = s};
    ts_buf b = {0};
    const char *doc = "{\"@context\": [\"http://mine.example/ctx\", "
                      "\"https://schemas.example.org/v1\"], \"@id\": \"http://ex.org/s\","
                      " \"mine\": 1, \"their\": 2}";
    CHECK(ts_jsonld_text_to_rdf(doc, strlen(doc), &o, on_quad, &b, &err) == TS_OK);
    HAS(b.data, "<http://mine.example/ns#mine> \"1\"");
    HAS(b.data, "<http://their.example/their> \"2\"");
    /* The second document is answered from the cache and gives the same. */
    ts_buf b2 = {0};
    CHECK(ts_jsonld_text_to_rdf(doc, strlen(doc), &o, on_quad, &b2, &err) == TS_OK);
    CHECK_STR(b.data, b2.data);
    ts_buf_free(&b);
    ts_buf_free(&b2);
    /* A later mapping replaces an earlier one. */
    CHECK(ts_jsonld_ctxstore_add_text(s, "http://mine.example/ctx",
                                      "{\"@context\": {\"mine\": \"http://new.example/m\"}}",
                                      &err) == TS_OK);
    CHECK(ts_jsonld_text_to_rdf(doc, strlen(doc), &o, on_quad, &b, &err) == TS_OK);
    HAS(b.data, "<http://new.example/m> \"1\"");
    ts_buf_free(&b);
    /* A broken context file is an error naming it. */
    CHECK(ts_jsonld_ctxstore_add_text(s, "http://bad.example/", "{\"@context\": ", &err) ==
          TS_ERR_SYNTAX);
    ts_jsonld_ctxstore_free(s);
    ts_jsonld_ctxstore_free(NULL);
    unlink(index);
    unlink(file);
    unlink(derived);
    rmdir(dir);
    free(index);
    free(file);
    free(derived);
}

static void test_expand(void)
{
    json_t *doc = json_loads("{\"@context\": {\"n\": \"http://ex.org/n\"}, \"n\": \"v\"}", 0, NULL);
    json_t *out = NULL;
    ts_error err;
    ts_jsonld_opts o = {0};
    CHECK(ts_jsonld_expand(doc, &o, &out, &err) == TS_OK);
    char *text = json_dumps(out, JSON_COMPACT);
    CHECK_STR(text, "[{\"http://ex.org/n\":[{\"@value\":\"v\"}]}]");
    free(text);
    json_decref(out);
    json_decref(doc);
}

/*
 * The JSON reader against jansson: where it reads a text, jansson reads
 * the same values in the same order; texts it leaves to jansson are the
 * ones jansson refuses (or a few it may leave, never the reverse).
 */
static int reader_agrees(const char *text, size_t len)
{
    json_error_t je;
    json_t *want =
        json_loadb(text, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &je);
    json_t *got = jl_json_read(text, len, NULL, NULL);
    int ok = 1;
    if (got && !want) {
        ok = 0;
    } else if (got) {
        size_t flags = JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17);
        char *a = json_dumps(got, flags), *b = json_dumps(want, flags);
        ok = a && b && !strcmp(a, b) && json_equal(got, want);
        free(a);
        free(b);
    }
    json_decref(got);
    json_decref(want);
    return ok;
}

static void test_json_reader(void)
{
    static const char *const cases[] = {
        "{}",
        "[]",
        " [ 1 , 2 ] ",
        "\"x\"",
        "true",
        "false",
        "null",
        "0",
        "-0",
        "1.5",
        "-12.25e3",
        "1E400",
        "1e-400",
        "123456789012345678901234567890",
        "0.1",
        "3.14159",
        "9007199254740993",
        "1e22",
        "1e23",
        "0.000001",
        "[1,]",
        "[01]",
        "[1.]",
        "[.5]",
        "[-]",
        "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{,}",
        "{\"a\":1,}",
        "\"\\u00e9\\ud83d\\ude00\\n\\t\\/\"",
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\u0000x\"",
        "{\"\\u0000\":1}",
        "\"\\x\"",
        "\"\\u12\"",
        "\"a\tb\"",
        "\"\xc3\xa9\"",
        "\"\xc3\"",
        "\"\xe0\x80\x80\"",
        "\"\xed\xa0\x80\"",
        "\"\xf4\x90\x80\x80\"",
        "\"\xf0\x9f\x98\x80\"",
        "[true false]",
        "nul",
        "tru",
        "",
        "   ",
        "[1] x",
        "{\"k\": [ {\"n\": null} ] }",
        "\"unterminated",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!reader_agrees(cases[i], strlen(cases[i]))) {
            fprintf(stderr, "reader and jansson disagree on case %zu: %s\n", i, cases[i]);
            CHECK(0);
        }
    }
    /* Bytes changed at random in a document: never a value jansson would
     * not give. */
    const char *doc = "{\"@context\": [\"https://www.w3.org/2019/wot/td/v1\", {\"x\": \"urn:x#\"}],"
                      " \"id\": \"urn:dev:1\", \"title\": \"L\\u00e4mp\\\"e\\\"\","
                      " \"properties\": {\"on\": {\"type\": \"boolean\", \"minimum\": -1.5e2,"
                      " \"forms\": [{\"href\": \"/on\", \"n\": [0, 12, 3.25, true, null]}]}}}";
    size_t n = strlen(doc);
    char *buf = ts_malloc(n + 1);
    unsigned seed = 12345;
    size_t disagree = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(buf, doc, n + 1);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            static const char alphabet[] = "{}[]\",:\\ u0123456789.eE-+tfnlx\x80\xc3\xff";
            buf[at] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
        }
        seed = seed * 1103515245u + 12345u;
        size_t len = round % 5 == 0 ? (seed >> 8) % (n + 1) : n;
        disagree += !reader_agrees(buf, len);
    }
    free(buf);
    CHECK_INT(disagree, 0);
}

int main(void)
{
    contexts = ts_jsonld_ctxstore_new();
    test_json_reader();
    test_terms_and_iris();
    test_literals();
    test_lists_reverse_graphs();
    test_containers();
    test_scoped_nest_included();
    test_scoped_index_mapping();
    test_bundled_td11();
    test_errors();
    test_duplicates();
    test_store();
    test_expand();
    ts_jsonld_ctxstore_free(contexts);
    ts_diags_clear(&diags);
    return test_done();
}
