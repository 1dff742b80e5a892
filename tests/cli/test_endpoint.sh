#!/usr/bin/env bash
# --endpoint on every data command, against a loopback SPARQL endpoint that
# answers with the local engine: the same answers as on local files, a
# fixed number of requests for the catalog, credentials from the
# environment and ~/.netrc, and clear usage errors.
. "$(dirname "$0")/lib.sh"
export no_proxy=127.0.0.1
export HOME="$TMP/home"
mkdir -p "$HOME"

"$PY" "$(dirname "$0")/local_endpoint.py" "$TS" "$TMP/port" "$TMP/log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
    [ -s "$TMP/port" ] && break
    sleep 0.05
done
[ -s "$TMP/port" ] || { echo "the loopback endpoint did not start" >&2; exit 1; }
URL="http://127.0.0.1:$(cat "$TMP/port")/sparql"

# same answers, every output format
# (one format each: every request runs the local engine once)
for cmd_fmt in "devices json" "models json" "matrix table" "fits Arduino_Nano_33_BLE_Sense json"; do
    cmd=${cmd_fmt% *}
    for fmt in ${cmd_fmt##* }; do
        # shellcheck disable=SC2086
        run "$TS" $cmd --format $fmt
        mv "$TMP/out" "$TMP/local"
        : >"$TMP/log"
        # shellcheck disable=SC2086
        run "$TS" $cmd --format $fmt --endpoint "$URL"
        expect_rc 0 "$cmd --format $fmt --endpoint"
        checks=$((checks + 1))
        cmp -s "$TMP/local" "$TMP/out" || fail "$cmd --format $fmt differs over the endpoint"
    done
done

# the catalog costs one request per view query, not one per record
views=$(ls "$TS_SOURCE_ROOT"/ontology/views/*.rq | wc -l)
: >"$TMP/log"
run "$TS" matrix --endpoint "$URL"
checks=$((checks + 1))
n=$(wc -l <"$TMP/log")
[ "$n" -le "$views" ] && [ "$n" -gt 0 ] || fail "matrix sent $n requests (views: $views)"
: >"$TMP/log"

# query: SELECT, ASK and CONSTRUCT
Q='PREFIX s3n: <http://w3id.org/s3n/> SELECT ?b WHERE { ?b a s3n:SmartSensor } ORDER BY ?b'
for fmt in table csv json; do
    run "$TS" query --format $fmt -e "$Q"
    mv "$TMP/out" "$TMP/local"
    run "$TS" query --format $fmt -e "$Q" --endpoint "$URL"
    expect_rc 0 "query --format $fmt --endpoint"
    checks=$((checks + 1))
    cmp -s "$TMP/local" "$TMP/out" || fail "query --format $fmt differs over the endpoint"
done
run "$TS" query -e 'ASK { ?s ?p ?o }' --endpoint "$URL"
expect_rc 0
expect_out "yes"
C='PREFIX s3n: <http://w3id.org/s3n/> CONSTRUCT { ?b a s3n:SmartSensor } WHERE { ?b a s3n:SmartSensor }'
run "$TS" query --format ntriples -e "$C"
sort "$TMP/out" >"$TMP/local"
run "$TS" query --format ntriples -e "$C" --endpoint "$URL"
expect_rc 0
sort "$TMP/out" >"$TMP/remote"
checks=$((checks + 1))
cmp -s "$TMP/local" "$TMP/remote" || fail "CONSTRUCT differs over the endpoint"

# a long query goes as a POST
long="SELECT ?b WHERE { ?b ?p ?o } LIMIT 1 #$(printf 'x%.0s' $(seq 3000))"
: >"$TMP/log"
run "$TS" query -e "$long" --endpoint "$URL"
expect_rc 0 "long query"
checks=$((checks + 1))
grep -q '^POST /sparql' "$TMP/log" || fail "a long query was not POSTed: $(cat "$TMP/log")"

# endpoint errors are shown
run "$TS" query -e 'SELECT ?x WHERE { ?x }' --endpoint "$URL"
expect_rc 1
expect_err "HTTP 400"

# credentials: refused, from the environment, from ~/.netrc; never echoed
AUTH="http://127.0.0.1:$(cat "$TMP/port")/auth/sparql"
ASK='ASK { ?s ?p ?o }'
run "$TS" query -e "$ASK" --endpoint "$AUTH"
expect_rc 1 "no credentials"
expect_err "HTTP 401"
TINYSCOPE_ENDPOINT_USER=tester TINYSCOPE_ENDPOINT_PASSWORD=wrong-pw \
    run "$TS" query -e "$ASK" --endpoint "$AUTH"
expect_rc 1 "wrong password"
checks=$((checks + 1))
grep -q wrong-pw "$TMP/err" "$TMP/out" && fail "the password was echoed"
TINYSCOPE_ENDPOINT_USER=tester TINYSCOPE_ENDPOINT_PASSWORD=secret \
    run "$TS" query -e "$ASK" --endpoint "$AUTH"
expect_rc 0 "credentials from the environment"
expect_out "yes"
printf 'machine 127.0.0.1\nlogin tester\npassword secret\n' >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
run "$TS" query -e "$ASK" --endpoint "$AUTH"
expect_rc 0 "credentials from ~/.netrc"
rm "$HOME/.netrc"
run "$TS" devices --endpoint "http://tester:secret@127.0.0.1:1/sparql"
expect_rc 1 "credentials in the URL"
expect_err "netrc"

# push: bounded batches, a failed batch sent again, nothing sent twice
"$TS" push --dry-run --batch 8 "$DATA/mini.ttl" >"$TMP/dry"
batches=$(grep -c '^INSERT' "$TMP/dry")
UPD="http://127.0.0.1:$(cat "$TMP/port")/update"
run "$TS" push --endpoint "$UPD" --batch 8 "$DATA/mini.ttl"
expect_rc 0 "push with one failed batch"
expect_err "trying batch 2 again"
checks=$((checks + 1))
sent=$(wc -l <"$TMP/log.updates")
distinct=$(sort -u "$TMP/log.updates" | wc -l)
[ "$batches" -gt 2 ] && [ "$sent" -eq "$batches" ] && [ "$distinct" -eq "$batches" ] ||
    fail "push: $batches batches, $sent stored, $distinct distinct"
checks=$((checks + 1))
"$PY" -c 'import json,sys; sys.stdout.write("".join(json.loads(l) for l in open(sys.argv[1])))' \
    "$TMP/log.updates" >"$TMP/sent"
cmp -s "$TMP/dry" "$TMP/sent" || fail "push sent other requests than --dry-run prints"
checks=$((checks + 1))
grep -q '^_:' "$TMP/dry" && grep -q '^INSERT DATA' "$TMP/dry" ||
    fail "mini.ttl should give both template and INSERT DATA batches"
rm "$TMP/log.updates"
run "$TS" push --endpoint "$UPD" --batch 8 --skip 2 "$DATA/mini.ttl"
expect_rc 0 "push --skip"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/log.updates")" -eq $((batches - 2)) ] || fail "--skip 2 sent $(wc -l <"$TMP/log.updates")"
run "$TS" push --endpoint "$UPD-refused" --retries 1 "$DATA/mini.ttl"
expect_rc 1 "refused push"
expect_err "HTTP 400: not now"
expect_err "--skip 0"
run "$TS" push "$DATA/mini.ttl"
expect_rc 2 "push without --endpoint"

# usage errors
run "$TS" devices --graph http://example.org/g
expect_rc 2 "--graph without --endpoint"
expect_err "--graph goes with --endpoint"
run "$TS" models --endpoint "$URL" "$DATA/mini.ttl"
expect_rc 2 "files and --endpoint"
run "$TS" stats --endpoint "$URL"
expect_rc 2 "stats --endpoint"
expect_err "does not work with --endpoint"
run "$TS" devices --endpoint "ftp://127.0.0.1/sparql"
expect_rc 1
expect_err "not an http:// or https:// URL"
run "$TS" devices --endpoint "http://127.0.0.1:1/sparql"
expect_rc 1 "nobody listening"
expect_err "Failed to connect to 127.0.0.1 port 1"

finish
