#!/usr/bin/env bash
# The UI loads what the commands load (one session, session.h): --context
# mappings, the --results file, the bundled vocabulary with the sample
# graphs, and reloads the same way. Headless on key scripts; the CLI's own
# summary is the reference. Usage: session.sh CASE
. "$(dirname "$0")/lib.sh"
J="$ROOT/tests/data/jsonld"
CONTEXT="https://webthings.example/schemas=$J/webthings_schemas.jsonld"
RUN="urn:uuid:5b1e7c9a-3f2d-4e8a-9c61-0d2b7a4e8f13"
TINY="https://w3id.org/tinyscope/ns#"

write_results() {
    cat >"$WORK/bench.nt" <<NT
<$RUN> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${TINY}BenchmarkRun> .
<$RUN> <${TINY}device> <http://example.org/kit/nano33> .
<$RUN> <${TINY}latencyMedianUs> "4321.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
NT
}

# summary_of SCREEN: "N triples in M sources" from the status line.
summary_of() {
    grep -o '[0-9]* triples in [0-9]* sources*' "$1" | head -1
}

# cli_summary ARGS...: the same words from `tinyscope ARGS | cat`.
cli_summary() {
    "$BIN" "$@" </dev/null 2>/dev/null | tail -1 |
        sed -E 's/^ *([0-9]+) +triples in ([0-9]+ sources?).*/\1 triples in \2/'
}

case_context_results() {
    write_results
    cat >"$WORK/s" <<S
:save-display $WORK/start.screen
4<Enter><C-x>SELECT ?lat WHERE { ?r a tiny:BenchmarkRun ; tiny:latencyMedianUs ?lat }<C-r>
:save-display $WORK/results.screen
<Enter><C-x>ASK { ?s a <https://webthings.example/schemas#OnOffSwitch> }<C-r>
:save-display $WORK/context.screen
<Esc>r
:save-display $WORK/reloaded.screen
S
    run_script 120x30 "$WORK/s" --context "$CONTEXT" --results "$WORK/bench.nt" \
        "$DATA" "$J/webthing.jsonld" || fail "exit status $?"
    lacks "$WORK/start.screen" "problem"
    lacks "$WORK/start.screen" "remote context"
    has "$WORK/results.screen" "4321.5"
    has "$WORK/context.screen" "ASK: true"
    has "$WORK/reloaded.screen" "reloaded:"
    # The UI and the CLI count the same triples in the same sources.
    want=$(cli_summary --context "$CONTEXT" --results "$WORK/bench.nt" "$DATA" "$J/webthing.jsonld")
    got=$(summary_of "$WORK/start.screen")
    [ -n "$want" ] && [ "$want" = "$got" ] || fail "UI loaded '$got', the CLI '$want'"
    [ "$(summary_of "$WORK/reloaded.screen")" = "$want" ] || fail "a reload loaded something else"
    case "$want" in
    *"in 3 sources") ;;
    *) fail "expected data, JSON-LD and results as 3 sources: $want" ;;
    esac
}

case_no_context() {
    # Without the mapping the JSON-LD file's remote context is missing: the
    # UI says so, as the commands do.
    cat >"$WORK/s" <<S
:save-display $WORK/start.screen
S
    run_script 160x30 "$WORK/s" "$DATA" "$J/webthing.jsonld" || fail "exit status $?"
    has "$WORK/start.screen" "loading remote context failed"
}

case_bad_context() {
    cat >"$WORK/s" <<S
:save-display $WORK/start.screen
S
    run_script 80x24 "$WORK/s" --context "https://x.example/c=$WORK/missing.jsonld" "$DATA" \
        2>"$WORK/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "a missing context file: exit status $rc, not 1"
    has "$WORK/err" "missing.jsonld"
}

case_samples() {
    # No files: the sample graphs with the vocabulary, as `tinyscope` prints.
    cat >"$WORK/s" <<S
:save-display $WORK/start.screen
S
    run_script 120x30 "$WORK/s" --results "$WORK/none.nt" || fail "exit status $?"
    want=$(cli_summary --results "$WORK/none.nt")
    got=$(summary_of "$WORK/start.screen")
    [ -n "$want" ] && [ "$want" = "$got" ] || fail "UI loaded '$got', the CLI '$want'"
    has "$WORK/start.screen" "Devices: row 1 of"
}

case_rdf_direction() {
    # --rdf-direction reaches the UI's loader as it reaches the commands'.
    cat >"$WORK/dir.jsonld" <<'JSON'
{"@id": "http://example.org/thing", "http://example.org/label":
  {"@value": "مرحبا", "@language": "ar", "@direction": "rtl"}}
JSON
    cat >"$WORK/s" <<S
4<Enter><C-x>ASK { ?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#direction> "rtl" }<C-r>
:save-display $WORK/compound.screen
S
    run_script 120x30 "$WORK/s" --rdf-direction compound-literal "$WORK/dir.jsonld" ||
        fail "exit status $?"
    has "$WORK/compound.screen" "ASK: true"
    run_script 120x30 "$WORK/s" "$WORK/dir.jsonld" || fail "exit status $?"
    has "$WORK/compound.screen" "ASK: false"
}

"case_$1"
finish
