#!/usr/bin/env bash
# Resource bounds on hostile input: huge literals and arrays load within
# bounded memory; catastrophic regular expressions, cartesian products and
# deep nesting stop with a clear message instead of hanging or crashing.
# The large inputs are generated here, never committed.
. "$(dirname "$0")/lib.sh"

# measured CMD...: like run, and $peak_mb is the largest resident size.
measured() {
    peak_mb=$("$PY" - "$TMP/out" "$TMP/err" "$@" <<'PY'
import resource, subprocess, sys
with open(sys.argv[1], 'wb') as out, open(sys.argv[2], 'wb') as err:
    rc = subprocess.call(sys.argv[3:], stdout=out, stderr=err)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, rc)
PY
)
    rc=${peak_mb#* }
    peak_mb=${peak_mb% *}
}

expect_peak_below() {
    checks=$((checks + 1))
    [ "$peak_mb" -lt "$1" ] || fail "$2: peak memory ${peak_mb} MB, bound $1 MB"
}

# A 100 MB literal in Turtle loads, in bounded memory.
"$PY" - "$TMP/big.ttl" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('@prefix e: <http://example.org/> .\ne:s e:p "')
    chunk = 'x' * (1 << 20)
    for _ in range(100):
        f.write(chunk)
    f.write('" .\ne:s e:q "after" .\n')
PY
measured "$TS" stats "$TMP/big.ttl"
expect_rc 0 "100 MB literal"
expect_out "triples   2"
expect_peak_below 2048 "100 MB literal"
rm -f "$TMP/big.ttl"

# A JSON-LD value that is an array of 1,000,000 numbers.
"$PY" - "$TMP/array.jsonld" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('{"@id": "http://example.org/s", "http://example.org/p": [')
    f.write(','.join(str(i) for i in range(1000000)))
    f.write(']}')
PY
measured "$TS" stats "$TMP/array.jsonld"
expect_rc 0 "1,000,000-element array"
expect_out "triples   1000000"
expect_peak_below 2048 "1,000,000-element array"
rm -f "$TMP/array.jsonld"

# Regular expressions that backtrack catastrophically give up with a message.
printf '@prefix e: <http://example.org/> .\ne:s e:label "%s!" .\n' \
    "$(printf 'a%.0s' $(seq 60))" >"$TMP/label.ttl"
run "$TS" query -e 'SELECT ?l WHERE { ?s ?p ?l FILTER(REGEX(?l, "^(a|aa)+$")) }' "$TMP/label.ttl"
expect_rc 1 "SPARQL REGEX"
expect_err "REGEX gave up: the pattern backtracks too much"
run "$TS" devices --filter 'name~^((((((((((a*)*)*)*)*)*)*)*)*)*)$' 
expect_rc 0 "quick filter"
expect_err "a ~ pattern backtracks too much"

# A cartesian product stops at the row or the time limit, with a message.
cartesian='SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }'
run "$TS" query --max-rows 5000 --format csv -e "$cartesian"
expect_rc 1 "row limit"
expect_err "stopped at the row limit (5000 rows)"
run "$TS" query --timeout 300 --format csv -e "$cartesian"
expect_rc 1 "time limit"
expect_err "stopped at the time limit (300 ms)"

# Deep nesting is an error at the place it happens, not a stack overflow.
nest() { # nest OPEN CLOSE N: OPEN repeated N times, then CLOSE N times
    "$PY" -c 'import sys; o, c, n = sys.argv[1], sys.argv[2], int(sys.argv[3]); sys.stdout.write(o * n + c * n)' "$@"
}
{ echo '@prefix e: <http://example.org/> .'; printf 'e:s e:p '; nest '(' ')' 100000; echo ' .'; } >"$TMP/list.ttl"
run "$TS" stats "$TMP/list.ttl"
expect_rc 0 "nested collections"
expect_err "list.ttl:2:265: collections and blank nodes nested deeper than 256 levels"
{ echo '@prefix e: <http://example.org/> .'; printf 'e:s e:p '; nest '[ e:p ' ']' 100000; echo ' .'; } >"$TMP/bnodes.ttl"
run "$TS" stats --strict "$TMP/bnodes.ttl"
expect_rc 1 "nested blank nodes"
expect_err "nested deeper than 256 levels"
{ echo '@prefix e: <http://example.org/> .'; printf 'e:s e:p "(((" , <http://example.org/(> , """[[[""" ; # comment ((( \n'; printf ' e:q ( ( "x" ) ) .\n'; } >"$TMP/shallow.ttl"
run "$TS" stats --strict "$TMP/shallow.ttl"
expect_rc 0 "brackets inside strings, IRIs and comments are not nesting"

nest '[' ']' 100000 >"$TMP/deep.jsonld"
run "$TS" stats "$TMP/deep.jsonld"
expect_err "maximum parsing depth"
{ printf '{"@id": "http://example.org/s", "http://example.org/p": '; nest '{"http://example.org/p": ' '}' 1000 | sed 's/ }/ 1}/'; printf '}'; } >"$TMP/objects.jsonld"
run "$TS" stats "$TMP/objects.jsonld"
expect_rc 0 "nested JSON-LD objects"
expect_err "nested deeper than"

# JSON-LD contexts that would multiply work without end are cut off.
"$PY" - "$TMP/contexts.jsonld" <<'PY'
import json, sys
ctx = {"t%d" % i: "http://example.org/t%d" % i for i in range(300)}
doc = {"@context": [ctx] * 1000, "@id": "http://example.org/s", "t1": "x"}
json.dump(doc, open(sys.argv[1], "w"))
PY
run "$TS" stats "$TMP/contexts.jsonld"
expect_err "more than 200000 term definitions"

for q in "SELECT * WHERE { $(nest '{ ' '} ' 5000) }" \
         "SELECT * WHERE { FILTER($(nest '(' ')' 5000)) }" \
         "SELECT * WHERE { FILTER($(nest '!' '' 5000)true) }" \
         "SELECT * WHERE { ?s $(nest '(' ')' 5000 | sed 's/()/(<http:\/\/e\/p>)/') ?o }" \
         "SELECT * WHERE { ?s $(nest '^(' ')' 5000 | sed 's/()/(<http:\/\/e\/p>)/') ?o }"; do
    printf '%s\n' "$q" >"$TMP/deep.rq"
    run "$TS" query -f "$TMP/deep.rq"
    expect_rc 1 "deep query ${q:0:24}"
    expect_err "nesting deeper than"
done

finish
