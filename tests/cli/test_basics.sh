#!/usr/bin/env bash
# The command line: help, version, usage errors, loading, stats, exit codes.
. "$(dirname "$0")/lib.sh"

run "$TS" --help
expect_rc 0 "--help"
expect_out "usage: tinyscope"
expect_out "stats"

run "$TS" --version
expect_rc 0
expect_out "tinyscope "

run "$TS" --no-such-option
expect_rc 2 "unknown option"

run "$TS" stats --format yaml "$DATA/mini.ttl"
expect_rc 2 "unknown format"
expect_err "unknown format"

run "$TS" stats --help
expect_rc 0
expect_out "usage: tinyscope stats"

# No files: the bundled sample graphs, found in the source tree when the
# binary runs from the build tree.
run "$TS"
expect_rc 0 "sample graphs"
expect_out "sample-graphs/paper/models.ttl"
expect_out " 0 errors"

# TINYSCOPE_DATADIR points elsewhere (as an installed data directory would).
mkdir -p "$TMP/datadir/sample-graphs"
cp "$DATA/mini.ttl" "$TMP/datadir/sample-graphs/only.ttl"
run env TINYSCOPE_DATADIR="$TMP/datadir" "$TS"
expect_rc 0
expect_out "only.ttl"
expect_out "62  triples in 1 source"

# A good file.
run "$TS" "$DATA/mini.ttl"
expect_rc 0
expect_out "mini.ttl"
expect_out "(turtle)"

run "$TS" stats "$DATA/mini.ttl"
expect_rc 0
expect_out "graph <file://"
expect_out "nnet:NeuralNetwork"
expect_out "s3n:SmartSensor"

run "$TS" stats --format json "$DATA/mini.ttl"
expect_rc 0
expect_json 'len(j["graphs"])' 1
expect_json 'j["graphs"][0]["path"].endswith("mini.ttl")' True
expect_json 'j["graphs"][0]["errors"]' 0
expect_json '{c["name"]: c["count"] for c in j["total"]["classes"]}["nnet:NeuralNetwork"]' 2
expect_json '{c["name"]: c["count"] for c in j["total"]["classes"]}["s3n:SmartSensor"]' 2
expect_json '{c["name"]: c["count"] for c in j["total"]["predicates"]}["schema:minValue"]' 4
expect_json 'j["total"]["triples"] == j["graphs"][0]["triples"] == j["graphs"][0]["statements"]' True
# Subjects counted once each: 2 boards, 2 models, 2 sensors and 19 blank nodes.
expect_json 'j["total"]["subjects"]' 25

# The same data twice: two graphs, but the union counts each triple once.
cp "$DATA/mini.ttl" "$TMP/copy.ttl"
run "$TS" stats --format json "$DATA/mini.ttl" "$TMP/copy.ttl"
expect_rc 0
expect_json 'len(j["graphs"])' 2
expect_json 'j["total"]["triples"] < j["graphs"][0]["triples"] + j["graphs"][1]["triples"]' True

# A broken file: reported with file:line:col, what could be read is kept.
run "$TS" stats --format json "$DATA/broken/unterminated.ttl"
expect_rc 0 "lax mode"
expect_err "unterminated.ttl:3:26: line end in short string"
expect_json 'j["graphs"][0]["errors"]' 1
expect_json 'j["graphs"][0]["triples"]' 2

run "$TS" --strict "$DATA/broken/unterminated.ttl"
expect_rc 1 "strict"
expect_err "unterminated.ttl:3:26:"

run "$TS" stats --strict "$DATA/mini.ttl" "$DATA/broken/unterminated.ttl"
expect_rc 1 "strict stats"

# A missing file is an error naming it.
run "$TS" "$TMP/does-not-exist.ttl"
expect_rc 1 "missing file"
expect_err "does-not-exist.ttl: cannot open: No such file or directory"

# A directory is read recursively.
mkdir -p "$TMP/dir/sub"
cp "$DATA/mini.ttl" "$TMP/dir/sub/a.ttl"
printf '<http://e/s> <http://e/p> "x" .\n' >"$TMP/dir/b.nt"
run "$TS" stats --format json "$TMP/dir"
expect_rc 0
expect_json 'len(j["graphs"])' 2
expect_json '[g["path"].split("/")[-1] for g in j["graphs"]]' "['b.nt', 'a.ttl']"

# Escape sequences in IRIs and labels never reach the terminal.
run "$TS" stats "$DATA/escapes.ttl"
expect_rc 0
expect_no_esc
expect_out 'Thing\e[31mRed'

# Built with mimalloc, the binary turns on its 2 MiB pages before the first
# allocation, unless the user's environment says otherwise.
if ldd "$TS" | grep -q libmimalloc; then
    run env MIMALLOC_VERBOSE=1 "$TS" --version
    expect_rc 0 "mimalloc verbose"
    expect_err "option 'large_os_pages': 1"
    run env MIMALLOC_VERBOSE=1 MIMALLOC_LARGE_OS_PAGES=0 "$TS" --version
    expect_rc 0 "mimalloc large pages off"
    expect_err "option 'large_os_pages': 0"
fi

finish
