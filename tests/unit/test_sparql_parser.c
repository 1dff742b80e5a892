/* The SPARQL lexer and parser: tokens, algebra, and errors with positions. */
#include "../../src/sparql/sparql_internal.h"
#include "test.h"
#include "tinyscope/sparql.h"

static void check_tokens(const char *text, const char *want)
{
    sq_lexer lx;
    sq_lexer_init(&lx, text, strlen(text));
    ts_buf b = {0};
    static const char *const kinds[] = {
        [TK_EOF] = "eof",       [TK_IRIREF] = "iri",   [TK_PNAME_NS] = "ns",
        [TK_PNAME_LN] = "pname", [TK_BLANK] = "bnode", [TK_VAR] = "var",
        [TK_LANGTAG] = "lang",  [TK_INTEGER] = "int",  [TK_DECIMAL] = "dec",
        [TK_DOUBLE] = "dbl",    [TK_STRING] = "str",   [TK_NIL] = "nil",
        [TK_ANON] = "anon",     [TK_WORD] = "word",    [TK_PUNCT] = "p",
        [TK_ERROR] = "error",
    };
    for (;;) {
        sq_token t;
        sq_lexer_next(&lx, &t);
        ts_buf_printf(&b, "%s%s", b.len ? " " : "", kinds[t.kind]);
        if (t.text) {
            ts_buf_printf(&b, ":%s", t.text);
        }
        if (t.text2) {
            ts_buf_printf(&b, ":%s", t.text2);
        }
        sq_token_clear(&t);
        if (t.kind == TK_EOF || t.kind == TK_ERROR) {
            break;
        }
    }
    CHECK_STR(ts_buf_str(&b), want);
    ts_buf_free(&b);
}

static void test_lexer(void)
{
    check_tokens("SELECT ?x $y WHERE", "word:SELECT var:x var:y word:WHERE eof");
    check_tokens("<http://a/b> ex:c :d ex:", "iri:http://a/b pname:ex:c pname::d ns:ex eof");
    check_tokens("1 1.5 .5 1e3 1.0E-2", "int:1 dec:1.5 dec:.5 dbl:1e3 dbl:1.0E-2 eof");
    check_tokens("\"a\\tb\" 'c' \"\"\"x\ny\"\"\" @en-GB", "str:a\tb str:c str:x\ny lang:en-GB eof");
    check_tokens("( ) [ ] _:b1 ^^ && || != <= >=", "nil:() anon:[] bnode:b1 p:^^ p:&& p:|| p:!= p:<= p:>= eof");
    /* '<' is an operator unless an IRI follows */
    check_tokens("?a < ?b", "var:a p:< var:b eof");
    check_tokens("ex:a.b. ex:c", "pname:ex:a.b p:. pname:ex:c eof");
    check_tokens("# comment\n?x", "var:x eof");
    check_tokens("\"\\u00e9\"", "str:\xc3\xa9 eof");
    check_tokens("\"open", "error");
    check_tokens("~", "error");
}

static void check_algebra(const char *query, const char *want)
{
    ts_sparql_query *q = NULL;
    ts_error err;
    ts_status st = ts_sparql_parse(query, strlen(query), NULL, &q, &err);
    CHECK(st == TS_OK);
    if (st != TS_OK) {
        fprintf(stderr, "  %s: %u:%u: %s\n", query, err.line, err.col, err.message);
        return;
    }
    char *a = ts_sparql_algebra(q);
    CHECK_STR(a, want);
    free(a);
    ts_sparql_free(q);
}

static void test_algebra(void)
{
    check_algebra("SELECT * { ?s ?p ?o }",
                  "(select (project ?s ?p ?o) (group (bgp (triple ?s ?p ?o))))");
    check_algebra("PREFIX ex: <http://e/> SELECT ?s { ?s a ex:C ; ex:p 1, \"x\"@en }",
                  "(select (project ?s) (group (bgp (triple ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C>) "
                  "(triple ?s <http://e/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>) (triple ?s <http://e/p> \"x\"@en))))");
    /* filters go last in their group, split at && */
    check_algebra("SELECT ?s { FILTER(?s && ?o) ?s ?p ?o OPTIONAL { ?o ?q ?r } }",
                  "(select (project ?s) (group (bgp (triple ?s ?p ?o)) (optional (group (bgp (triple ?o ?q ?r)))) "
                  "(filter ?s) (filter ?o)))");
    check_algebra("SELECT ?x { { ?x ?p 1 } UNION { ?x ?p 2 } MINUS { ?x ?p 3 } }",
                  "(select (project ?x) (group (union (group (bgp (triple ?x ?p \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>))) "
                  "(group (bgp (triple ?x ?p \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>)))) "
                  "(minus (group (bgp (triple ?x ?p \"3\"^^<http://www.w3.org/2001/XMLSchema#integer>))))))");
    /* a sequence path becomes a join; repetition stays a path */
    check_algebra("SELECT ?y { <http://a> <http://p>/<http://q> ?y . ?y (<http://r>|^<http://s>)* ?z }",
                  "(select (project ?y) (group (bgp (triple <http://a> <http://p> ?.path0) (triple ?.path0 <http://q> ?y) "
                  "(path ?y (path* (alt <http://r> (reverse <http://s>))) ?z))))");
    check_algebra("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x ?p ?o } GROUP BY ?p HAVING (COUNT(?x) > 1) ORDER BY DESC(?n) LIMIT 5 OFFSET 2",
                  "(select (project (?n ?.agg0)) (group (bgp (triple ?x ?p ?o))) (group-by ?p) "
                  "(having (> ?.agg1 \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>)) (order (desc ?n)) (limit 5) (offset 2))");
    check_algebra("SELECT ?x { ?x ?p ?o FILTER NOT EXISTS { ?x ?q 1 } BIND(STR(?o) AS ?s) VALUES ?x { <http://a> UNDEF } }",
                  "(select (project ?x) (group (bgp (triple ?x ?p ?o)) (extend ?s (STR ?o)) (table (row <http://a>) (row UNDEF)) "
                  "(filter (notexists (group (bgp (triple ?x ?q \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>)))))))");
    check_algebra("ASK { GRAPH ?g { ?s ?p ?o } }", "(ask (group (graph ?g (group (bgp (triple ?s ?p ?o))))))");
    check_algebra("BASE <http://b/dir/> SELECT ?x { <a> <../p> ?x }",
                  "(select (project ?x) (group (bgp (triple <http://b/dir/a> <http://b/p> ?x))))");
    check_algebra("SELECT ?x { ?x <http://p> (1 2) }",
                  "(select (project ?x) (group (bgp (triple ?.list0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "
                  "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>) (triple ?.list0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> ?.list1) "
                  "(triple ?.list1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>) "
                  "(triple ?.list1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>) "
                  "(triple ?x <http://p> ?.list0))))");
    check_algebra("SELECT ?v { ?x <http://p> -1.5 ; <http://q> true } ",
                  "(select (project ?v) (group (bgp (triple ?x <http://p> \"-1.5\"^^<http://www.w3.org/2001/XMLSchema#decimal>) "
                  "(triple ?x <http://q> \"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>))))");
}

static void check_error(const char *query, unsigned line, unsigned col, const char *msg_part)
{
    ts_sparql_query *q = NULL;
    ts_error err;
    ts_status st = ts_sparql_parse(query, strlen(query), NULL, &q, &err);
    CHECK(st == TS_ERR_SYNTAX);
    CHECK(q == NULL);
    CHECK_INT(err.line, line);
    CHECK_INT(err.col, col);
    if (!strstr(err.message, msg_part)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, msg_part);
        CHECK(false);
    }
}

static void test_errors(void)
{
    check_error("SELECT ?x WHERE { ?x ?p }", 1, 25, "expected object");
    check_error("SELECT ?x\nWHERE {\n  ?x ex:p ?y }", 3, 6, "undefined prefix 'ex:'");
    check_error("SELECT ?x WHERE { ?x ?p ?o FILTER(?o > ) }", 1, 40, "expected expression");
    check_error("SELECT ?x WHERE { ?x ?p ?o } LIMIT x", 1, 36, "expected integer");
    check_error("SELEKT ?x WHERE { }", 1, 1, "expected SELECT, ASK, CONSTRUCT or DESCRIBE");
    check_error("SELECT ?x WHERE { ?x ?p \"abc }", 1, 25, "unterminated string");
    check_error("SELECT (FOO(?x) AS ?y) WHERE { }", 1, 9, "unknown function 'FOO'");
    check_error("SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?x ORDER BY ?x }", 1, 54, "expected end of query");
    /* columns count characters, not bytes */
    check_error("SELECT ?x WHERE { ?x ?p \"é\" ~ }", 1, 29, "unexpected character");
    check_error("SELECT ?x WHERE { ?x ?p ?o BIND(1 AS ?o) }", 1, 38, "already in scope");
    check_error("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o }", 1, 1, "neither grouped nor aggregated");
    check_error("SELECT (STRLEN(?x, ?y) AS ?n) WHERE { ?x ?p ?o }", 1, 9, "STRLEN takes 1 argument");
    /* deep nesting is an error, not a crash */
    ts_buf deep = {0};
    ts_buf_puts(&deep, "SELECT ?x WHERE { ");
    for (int i = 0; i < 5000; i++) {
        ts_buf_puts(&deep, "{ ");
    }
    check_error(ts_buf_str(&deep), 1, 19 + 2 * (SQ_MAX_DEPTH - 1), "nesting deeper than");
    ts_buf_free(&deep);
    ts_buf_puts(&deep, "SELECT ?x WHERE { FILTER(");
    for (int i = 0; i < 5000; i++) {
        ts_buf_puts(&deep, "(");
    }
    ts_sparql_query *q = NULL;
    ts_error err;
    CHECK(ts_sparql_parse(deep.data, deep.len, NULL, &q, &err) == TS_ERR_SYNTAX);
    CHECK(strstr(err.message, "nesting deeper than") != NULL);
    ts_buf_free(&deep);
}

static void test_accessors(void)
{
    const char *text = "PREFIX ex: <http://e/> SELECT ?a (1 AS ?b) FROM <http://g1> FROM NAMED <http://g2> { ?a ?p ?o }";
    ts_sparql_query *q = NULL;
    ts_error err;
    CHECK(ts_sparql_parse(text, strlen(text), NULL, &q, &err) == TS_OK);
    CHECK(ts_sparql_query_form(q) == TS_SPARQL_SELECT);
    CHECK_INT(ts_sparql_var_count(q), 2);
    CHECK_STR(ts_sparql_var_name(q, 1), "b");
    CHECK_INT(ts_sparql_from_count(q, false), 1);
    CHECK_STR(ts_sparql_from(q, true, 0), "http://g2");
    CHECK_INT(ts_sparql_prefix_count(q), 1);
    const char *name, *iri;
    ts_sparql_prefix(q, 0, &name, &iri);
    CHECK_STR(name, "ex");
    CHECK_STR(iri, "http://e/");
    ts_sparql_free(q);
    ts_sparql_free(NULL);
}

int main(void)
{
    test_lexer();
    test_algebra();
    test_errors();
    test_accessors();
    return test_done();
}
