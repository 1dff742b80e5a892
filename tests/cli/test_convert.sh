#!/usr/bin/env bash
# tinyscope convert and JSON-LD loading: formats, atomic output, offline
# contexts, error messages, and a TD equal to its Turtle twin.
. "$(dirname "$0")/lib.sh"
J="$DATA/jsonld"

run "$TS" convert --help
expect_rc 0
expect_out "usage: tinyscope convert"

run "$TS" convert
expect_rc 2 "no input"
expect_err "no input files"

run "$TS" convert --to rdfxml "$J/lamp_td.jsonld"
expect_rc 2 "unknown output format"

# A TD and the same TD in Turtle give the same graph.
run "$TS" convert --to ntriples "$J/lamp_td.jsonld"
expect_rc 0
sort "$TMP/out" >"$TMP/from_jsonld"
expect_out '<urn:dev:lamp-1> <https://www.w3.org/2019/wot/td#title> "Lamp"@en .'
run "$TS" convert --to ntriples "$J/lamp_td.ttl"
expect_rc 0
sort "$TMP/out" >"$TMP/from_turtle"
checks=$((checks + 1))
cmp -s "$TMP/from_jsonld" "$TMP/from_turtle" || fail "JSON-LD and Turtle twin differ: $(diff "$TMP/from_jsonld" "$TMP/from_turtle" | head -5)"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/from_jsonld")" -eq 17 ] || fail "expected 17 triples from the lamp TD"

# Turtle by default; N-Quads keep the default graph as the default graph.
run "$TS" convert "$J/lamp_td.jsonld"
expect_rc 0
expect_out "td:hasPropertyAffordance"
run "$TS" convert --to nquads "$J/lamp_td.jsonld"
expect_rc 0
checks=$((checks + 1))
grep -q 'file:' "$TMP/out" && fail "the file's graph leaked into N-Quads"

# An unknown remote context is refused with its URL and the remedy.
run "$TS" convert "$J/webthing.jsonld"
expect_rc 1
expect_err "webthing.jsonld: /@context/1: loading remote context failed"
expect_err "--context https://webthings.example/schemas=FILE"

# --context supplies it; -o writes the file.
run "$TS" convert --context "https://webthings.example/schemas=$J/webthings_schemas.jsonld" \
    --to nt -o "$TMP/switch.nt" "$J/webthing.jsonld"
expect_rc 0
checks=$((checks + 1))
grep -q '<https://webthings.example/schemas#OnOffSwitch>' "$TMP/switch.nt" ||
    fail "the --context mapping was not used"

# The other commands take --context too.
run "$TS" stats --context "https://webthings.example/schemas=$J/webthings_schemas.jsonld" \
    "$J/webthing.jsonld"
expect_rc 0
run "$TS" devices "$J/webthing.jsonld"
expect_err "loading remote context failed"
run "$TS" devices --context="https://webthings.example/schemas=$J/webthings_schemas.jsonld" \
    "$J/webthing.jsonld"
expect_rc 0
checks=$((checks + 1))
grep -q "loading remote context failed" "$TMP/err" && fail "devices ignored --context"
run "$TS" --context "bad-argument" "$J/lamp_td.jsonld"
expect_rc 2 "--context without ="
expect_err "URL=FILE"
run "$TS" convert --context "https://x.example/c=$TMP/missing.jsonld" "$J/lamp_td.jsonld"
expect_rc 1 "missing context file"
expect_err "missing.jsonld"

# A contexts directory named by XDG_DATA_HOME, found by file name.
mkdir -p "$TMP/xdg/tinyscope/contexts"
cp "$J/webthings_schemas.jsonld" "$TMP/xdg/tinyscope/contexts/webthings.example_schemas.jsonld"
run env XDG_DATA_HOME="$TMP/xdg" "$TS" convert --to nt "$J/webthing.jsonld"
expect_rc 0
expect_out "schemas#OnOffSwitch"

# Errors leave an existing output untouched.
echo "previous" >"$TMP/keep.ttl"
printf '{"@id": 5}' >"$TMP/bad.jsonld"
run "$TS" convert -o "$TMP/keep.ttl" "$TMP/bad.jsonld"
expect_rc 1
expect_err "bad.jsonld: /: invalid @id value"
checks=$((checks + 1))
[ "$(cat "$TMP/keep.ttl")" = "previous" ] || fail "a failed convert changed its output"
checks=$((checks + 1))
ls "$TMP" | grep -q 'keep.ttl.tmp' && fail "a temporary file was left behind"

# JSON syntax errors name line and column; duplicate keys warn.
printf '{\n  "@id": "urn:a",\n  "urn:p": [1,,2]\n}\n' >"$TMP/syntax.jsonld"
run "$TS" convert "$TMP/syntax.jsonld"
expect_rc 1
expect_err "syntax.jsonld:3:"
printf '{"@id": "urn:a",\n "urn:p": 1,\n "urn:p": 2}\n' >"$TMP/dup.jsonld"
run "$TS" convert --to nt "$TMP/dup.jsonld"
expect_rc 0
expect_err 'dup.jsonld:3:2: duplicate key "urn:p"'
expect_out '<urn:a> <urn:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .'

# @direction: i18n-datatype unless --rdf-direction says otherwise.
printf '{"@context": {"@vocab": "urn:ex:", "@language": "ar", "@direction": "rtl"},\n "@id": "urn:ex:t", "title": "x"}\n' >"$TMP/dir.jsonld"
run "$TS" convert --to nt "$TMP/dir.jsonld"
expect_rc 0
expect_out '<urn:ex:t> <urn:ex:title> "x"^^<https://www.w3.org/ns/i18n#ar_rtl> .'
run "$TS" convert --rdf-direction none --to nt "$TMP/dir.jsonld"
expect_rc 0
expect_out '<urn:ex:t> <urn:ex:title> "x"@ar .'
run "$TS" convert --rdf-direction=compound-literal --to nt "$TMP/dir.jsonld"
expect_rc 0
expect_out '<http://www.w3.org/1999/02/22-rdf-syntax-ns#direction> "rtl" .'
expect_out '<http://www.w3.org/1999/02/22-rdf-syntax-ns#language> "ar" .'
run "$TS" convert --rdf-direction sideways "$TMP/dir.jsonld"
expect_rc 2
expect_err "--rdf-direction wants none, i18n-datatype or compound-literal, not 'sideways'"

# The loader reads .jsonld files in directories like Turtle.
run "$TS" "$J"
expect_rc 0
expect_out "lamp_td.jsonld  (json-ld)"
expect_out "webthing.jsonld  (json-ld, with errors: partial)"

finish
