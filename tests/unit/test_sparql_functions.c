/* Built-in functions and casts, each on constants (one row, one column). */
#include "sparql_test_util.h"
#include "test.h"

#define P "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "

static ts_store *st;

/* The value of one expression, as put_cell writes it ("-" when an error). */
static void check_value(const char *expr, const char *want)
{
    char *q = ts_asprintf(P "SELECT (%s AS ?v) WHERE {}", expr);
    char *got = answer_of(st, q, true);
    if (!got || strcmp(got, want)) {
        fprintf(stderr, "  %s\n", expr);
    }
    CHECK_STR(got, want);
    free(got);
    free(q);
}

int main(void)
{
    st = store_from("<http://example.org/a> <http://example.org/p> 1 .");
    /* strings */
    check_value("STRLEN(\"Grüße\")", "5^^int");
    check_value("SUBSTR(\"Grüße\", 3)", "üße");
    check_value("SUBSTR(\"abcdef\", 2, 3)", "bcd");
    check_value("SUBSTR(\"abc\"@en, 0, 2)", "a@en");
    check_value("UCASE(\"abc\"@en)", "ABC@en");
    check_value("LCASE(\"ABC\")", "abc");
    check_value("CONCAT(\"a\", \"b\", \"c\")", "abc");
    check_value("CONCAT(\"a\"@en, \"b\"@en)", "ab@en");
    check_value("CONCAT(\"a\"@en, \"b\")", "ab");
    check_value("CONTAINS(\"banana\", \"nan\")", "true^^bool");
    check_value("STRSTARTS(\"banana\", \"ban\")", "true^^bool");
    check_value("STRENDS(\"banana\", \"nab\")", "false^^bool");
    check_value("STRBEFORE(\"abc\"@en, \"c\")", "ab@en");
    check_value("STRAFTER(\"abc\", \"x\")", "");
    check_value("STRAFTER(\"a-b-c\", \"-\")", "b-c");
    check_value("CONTAINS(\"abc\"@en, \"b\"@fr)", "-");
    check_value("ENCODE_FOR_URI(\"a b/é\")", "a%20b%2F%C3%A9");
    check_value("REPLACE(\"banana\", \"a(n)\", \"[$1]\")", "b[n][n]a");
    check_value("REPLACE(\"ABC\", \"b\", \"x\", \"i\")", "AxC");
    check_value("REGEX(\"Yes/No model\", \"yes/no\", \"i\")", "true^^bool");
    check_value("REGEX(\"line1\\nline2\", \"^line2$\", \"m\")", "true^^bool");
    check_value("REGEX(\"abc\", \"(\")", "-");
    check_value("STR(<http://example.org/x>)", "http://example.org/x");
    check_value("LANG(\"x\"@en-GB)", "en-gb");
    check_value("LANGMATCHES(\"en-GB\", \"en\")", "true^^bool");
    check_value("LANGMATCHES(\"fr\", \"*\")", "true^^bool");
    check_value("DATATYPE(1.5)", "<http://www.w3.org/2001/XMLSchema#decimal>");
    check_value("DATATYPE(\"x\"@en)", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>");
    check_value("STRDT(\"5\", xsd:integer)", "5^^int");
    check_value("STRLANG(\"chat\", \"fr\")", "chat@fr");
    check_value("IRI(\"http://example.org/y\")", "ex:y");
    check_value("isIRI(<http://a>)", "true^^bool");
    check_value("isLITERAL(1)", "true^^bool");
    check_value("isNUMERIC(\"1\")", "false^^bool");
    check_value("isBLANK(BNODE())", "true^^bool");
    check_value("sameTerm(1, 1.0)", "false^^bool");
    /* numbers */
    check_value("ABS(-2)", "2^^int");
    check_value("CEIL(1.2)", "2.0^^dec");
    check_value("FLOOR(-1.2)", "-2.0^^dec");
    check_value("ROUND(2.5)", "3.0^^dec");
    check_value("ROUND(-2.5)", "-2.0^^dec");
    check_value("7 / 2", "3.5^^dec");
    check_value("\"x\" + 1", "-");
    /* dates */
    check_value("YEAR(\"2024-02-29T13:45:30.5-05:00\"^^xsd:dateTime)", "2024^^int");
    check_value("MONTH(\"2024-02-29T13:45:30.5-05:00\"^^xsd:dateTime)", "2^^int");
    check_value("DAY(\"2024-02-29T13:45:30.5-05:00\"^^xsd:dateTime)", "29^^int");
    check_value("HOURS(\"2024-02-29T13:45:30.5-05:00\"^^xsd:dateTime)", "13^^int");
    check_value("MINUTES(\"2024-02-29T13:45:30.5-05:00\"^^xsd:dateTime)", "45^^int");
    check_value("SECONDS(\"2024-02-29T13:45:30.5-05:00\"^^xsd:dateTime)", "30.5^^dec");
    check_value("TZ(\"2024-02-29T13:45:30-05:00\"^^xsd:dateTime)", "-05:00");
    check_value("TIMEZONE(\"2024-02-29T13:45:30Z\"^^xsd:dateTime)", "PT0S^^dayTimeDuration");
    check_value("\"2024-01-01T00:00:00Z\"^^xsd:dateTime < \"2024-01-01T00:00:01Z\"^^xsd:dateTime",
                "true^^bool");
    check_value("DATATYPE(NOW())", "<http://www.w3.org/2001/XMLSchema#dateTime>");
    /* hashes */
    check_value("MD5(\"abc\")", "900150983cd24fb0d6963f7d28e17f72");
    check_value("SHA1(\"abc\")", "a9993e364706816aba3e25717850c26c9cd0d89d");
    check_value("SHA256(\"abc\")", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_value("SHA384(\"\")",
                "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
    check_value("SHA512(\"abc\")",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    /* conditionals */
    check_value("IF(1 > 2, \"yes\", \"no\")", "no");
    check_value("COALESCE(?unbound, 1/0, \"third\")", "third");
    check_value("BOUND(?unbound)", "false^^bool");
    check_value("STRLEN(STRUUID()) = 36", "true^^bool");
    check_value("RAND() < 1", "true^^bool");
    /* casts */
    check_value("xsd:integer(\"42\")", "42^^int");
    check_value("xsd:integer(\"4.2\")", "-");
    check_value("xsd:integer(4.7)", "4^^int");
    check_value("xsd:decimal(\"1.50\")", "1.5^^dec");
    check_value("xsd:double(\"1e3\")", "1.0E3^^dbl");
    check_value("xsd:boolean(\"1\")", "true^^bool");
    check_value("xsd:boolean(0.0)", "false^^bool");
    check_value("xsd:string(12)", "12");
    check_value("xsd:dateTime(\"2024-01-02T03:04:05Z\")", "2024-01-02T03:04:05Z^^dateTime");
    ts_store_free(st);
    return test_done();
}
