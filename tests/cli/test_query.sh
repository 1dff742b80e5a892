#!/usr/bin/env bash
# tinyscope query: every output format, query sources, errors with a caret,
# timings, limits.
. "$(dirname "$0")/lib.sh"

D="$DATA/query_formats.ttl"
P='PREFIX ex: <http://example.org/> '

run "$TS" query --help
expect_rc 0
expect_out "usage: tinyscope query"

# table (the default): prefixes shortened, unbound empty, a row count
run "$TS" query -e "$P SELECT ?s ?n WHERE { ?s ex:label ?l OPTIONAL { ?s ex:n ?n } } ORDER BY ?s" "$D"
expect_rc 0
expect_out "?s"
expect_out "(4 rows)"
expect_out "7"
expect_no_esc

# the store's prefixes need no PREFIX lines; errors point into the query as written
run "$TS" query -e 'ASK { ?m a nnet:NeuralNetwork }'
expect_rc 0
expect_out "yes"
run "$TS" query -e 'SELECT ?x WHERE {
  ?x a bogus:Thing }'
expect_rc 1
expect_err "<query>:2:8: syntax error: undefined prefix 'bogus:'"

# the query's own PREFIX declarations shorten IRIs the data does not bind
run "$TS" query -e "PREFIX mine: <http://other.example/> SELECT ?x WHERE { VALUES ?x { mine:thing } }" "$D"
expect_rc 0
expect_out "mine:thing"

# csv: W3C, header without '?', CRLF, quoting
run "$TS" query --format csv -e "$P SELECT ?s ?l WHERE { ?s ex:label ?l } ORDER BY ?l" "$D"
expect_rc 0
checks=$((checks + 1))
[ "$(head -n 1 "$TMP/out")" = $'s,l\r' ] || fail "csv header"
expect_out '"with, comma and ""quotes""'
expect_out "_:"

# tsv: W3C, header with '?', terms in Turtle syntax
run "$TS" query --format tsv -e "$P SELECT ?s ?o WHERE { ?s ex:lang|ex:n|ex:typed ?o } ORDER BY ?o" "$D"
expect_rc 0
checks=$((checks + 1))
[ "$(head -n 1 "$TMP/out")" = $'?s\t?o' ] || fail "tsv header"
expect_out '"Grüße"@de'
expect_out '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'
expect_out '<http://example.org/a>'

# json: W3C SPARQL 1.1 Query Results JSON
run "$TS" query --format json -e "$P SELECT ?s ?l ?none WHERE { ?s ex:label ?l OPTIONAL { ?s ex:none ?none } } ORDER BY ?l" "$D"
expect_rc 0
expect_json 'j["head"]["vars"]' "['s', 'l', 'none']"
expect_json 'len(j["results"]["bindings"])' "4"
expect_json 'sorted(b["s"]["type"] for b in j["results"]["bindings"])' "['bnode', 'uri', 'uri', 'uri']"
expect_json '"none" in j["results"]["bindings"][0]' "False"
run "$TS" query --format json -e "$P SELECT ?o WHERE { ex:a ex:lang ?o }" "$D"
expect_json 'j["results"]["bindings"][0]["o"]["xml:lang"]' "de"
run "$TS" query --format json -e "$P SELECT ?o WHERE { ex:a ex:n ?o }" "$D"
expect_json 'j["results"]["bindings"][0]["o"]["datatype"]' "http://www.w3.org/2001/XMLSchema#integer"
run "$TS" query --format json -e "$P ASK { ex:a ex:n 7 }" "$D"
expect_json 'j["boolean"]' "True"

# ASK in a table
run "$TS" query -e "$P ASK { ex:a ex:n 8 }" "$D"
expect_rc 0
expect_out "no"

# CONSTRUCT as N-Triples and Turtle (the default for graphs)
run "$TS" query --format ntriples -e "$P CONSTRUCT { ?s ex:copy ?n } WHERE { ?s ex:n ?n }" "$D"
expect_rc 0
expect_out '<http://example.org/a> <http://example.org/copy> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .'
run "$TS" query -e "$P DESCRIBE ex:b" "$D"
expect_rc 0
expect_out "anonymous"
expect_out "@prefix"

# the query from a file and from standard input
printf '%s SELECT ?n WHERE { ?s ex:n ?n }' "$P" >"$TMP/q.rq"
run "$TS" query --format csv -f "$TMP/q.rq" "$D"
expect_rc 0
expect_out "7"
run sh -c "printf '%s' 'SELECT (COUNT(*) AS ?c) WHERE { ?s ?p ?o }' | \"$TS\" query --format csv - \"$D\""
expect_rc 0
expect_out "8"

# a syntax error: line:col, the line, a caret under the place
run "$TS" query -e $'SELECT ?x\nWHERE { ?x ?p ?o FILTER(?o > ) }' "$D"
expect_rc 1 "syntax error"
expect_err "<query>:2:30: syntax error: expected expression"
expect_err "WHERE { ?x ?p ?o FILTER(?o > ) }"
checks=$((checks + 1))
[ "$(tail -n 1 "$TMP/err")" = "                               ^" ] || fail "caret position"
run "$TS" query -f "$TMP/missing.rq" "$D"
expect_rc 1 "missing query file"

# usage errors
run "$TS" query "$D"
expect_rc 2 "no query"
run "$TS" query -e "ASK {}" --format xml "$D"
expect_rc 2 "unknown format"
run "$TS" query -e "ASK {}" --repeat 0 "$D"
expect_rc 2 "bad repeat"

# timings: the last line on stderr
run "$TS" query --timings --repeat 3 -e "$P SELECT ?s WHERE { ?s ex:label ?l }" "$D"
expect_rc 0
checks=$((checks + 1))
tail -n 1 "$TMP/err" | grep -qE '^timings: load=[0-9.]+ parse=[0-9.]+ eval=[0-9.]+ rows=4$' ||
    fail "timings line"

# limits stop the query: rows so far stand, exit status 1
run "$TS" query --max-rows 2 --format csv -e "SELECT * WHERE { ?s ?p ?o }" "$D"
expect_rc 1 "max rows"
expect_err "limit"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 3 ] || fail "two rows and a header"

finish
