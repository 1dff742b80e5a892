#!/usr/bin/env bash
# tinyscope against a real SPARQL server: a private Virtuoso Open Source
# instance on 127.0.0.1 (its own virtuoso.ini and database in a temporary
# directory). Loads the sample graphs with 'tinyscope push', then checks
# that devices, models, matrix, fits and queries answer over the endpoint
# exactly as on local files. Installs nothing: skips (77) without
# virtuoso-t (Debian: apt-get install virtuoso-opensource).
. "$(dirname "$0")/../cli/lib.sh"
VIRTUOSO=$(command -v virtuoso-t || true)
if [ -z "$VIRTUOSO" ]; then
    echo "skipped: virtuoso-t not found (apt-get install virtuoso-opensource)" >&2
    exit 77
fi
export no_proxy=127.0.0.1
export HOME="$TMP/home"
mkdir -p "$HOME" "$TMP/db"

# two free loopback ports: SQL and HTTP
read -r SQL_PORT HTTP_PORT < <("$PY" -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
VSP=/var/lib/virtuoso-opensource-7/vsp
[ -d "$VSP" ] || VSP="$TMP/db"
cat >"$TMP/db/virtuoso.ini" <<INI
[Database]
DatabaseFile = $TMP/db/virtuoso.db
ErrorLogFile = $TMP/db/virtuoso.log
LockFile = $TMP/db/virtuoso.lck
TransactionFile = $TMP/db/virtuoso.trx
xa_persistent_file = $TMP/db/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = $TMP/db/virtuoso-temp.db
TransactionFile = $TMP/db/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:$SQL_PORT
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
CaseMode = 2
[HTTPServer]
ServerPort = 127.0.0.1:$HTTP_PORT
ServerRoot = $VSP
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
INI

(cd "$TMP/db" && exec "$VIRTUOSO" +configfile "$TMP/db/virtuoso.ini" +foreground) \
    >"$TMP/db/stdout.log" 2>&1 &
server=$!
stop_server() {
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
}
trap 'stop_server; rm -rf "$TMP"' EXIT

URL="http://127.0.0.1:$HTTP_PORT/sparql"
started=$(date +%s)
until "$TS" query -e 'ASK {}' --timeout 2000 --endpoint "$URL" >/dev/null 2>&1; do
    if ! kill -0 "$server" 2>/dev/null || [ $(($(date +%s) - started)) -gt 180 ]; then
        echo "Virtuoso did not start; its log:" >&2
        tail -20 "$TMP/db/virtuoso.log" "$TMP/db/stdout.log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "Virtuoso up on 127.0.0.1:$HTTP_PORT after $(($(date +%s) - started)) s"

# Updates go to /sparql-auth with digest authentication as dba (the fresh
# database's administrator), credentials from ~/.netrc.
printf 'machine 127.0.0.1\nlogin dba\npassword dba\n' >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
AUTH="http://127.0.0.1:$HTTP_PORT/sparql-auth"

run "$TS" push --endpoint "$URL" tests/data/mini.ttl
expect_rc 1 "anonymous update refused"

run "$TS" push --endpoint "$AUTH" --batch 2000
expect_rc 0 "push of the sample graphs"
expect_err "triples in"

compare() { # compare LABEL LOCAL-ARGS... -- REMOTE-ARGS...
    local label="$1"; shift
    local local_args=() remote_args=()
    while [ "$1" != "--" ]; do local_args+=("$1"); shift; done
    shift
    remote_args=("$@")
    run "$TS" "${local_args[@]}"
    mv "$TMP/out" "$TMP/local"
    run "$TS" "${remote_args[@]}"
    expect_rc 0 "$label over the endpoint"
    checks=$((checks + 1))
    if ! cmp -s "$TMP/local" "$TMP/out"; then
        fail "$label differs over the endpoint"
        diff "$TMP/local" "$TMP/out" | head -20 >&2
    fi
}

for cmd in devices models matrix; do
    for fmt in table json; do
        compare "$cmd --format $fmt" $cmd --format $fmt -- $cmd --format $fmt --endpoint "$URL"
    done
done
for name in Arduino_Nano_33_BLE_Sense "Syntiant-TinyML-Board_1"; do
    compare "fits $name" fits "$name" --format json -- fits "$name" --format json --endpoint "$URL"
done
run "$TS" models --format json
: >"$TMP/names"
"$PY" -c 'import json,sys; [print(m["name"]) for m in json.load(open(sys.argv[1]))[:3]]' \
    "$TMP/out" >"$TMP/names"
while read -r name; do
    compare "fits $name" fits "$name" -- fits "$name" --endpoint "$URL"
done <"$TMP/names"

# queries: the case studies when present, and a few of our own
QUERIES=()
if [ -d "$TS_SOURCE_ROOT/ontology/examples" ]; then
    while IFS= read -r -d '' f; do QUERIES+=("$f"); done \
        < <(find "$TS_SOURCE_ROOT/ontology/examples" -name '*.rq' -print0 | sort -z)
else
    echo "note: ontology/examples absent; the case-study queries are not compared"
fi
# Stores keep numbers by value ("83.0" comes back as "83"), and rows of a
# query without ORDER BY come in any order: the answers are compared as
# sets of rows with numbers compared by value. A difference in how often a
# row repeats is reported but not failed.
same_rows() {
    "$PY" - "$1" "$2" <<'PY'
import csv, sys
def rows(path):
    out = []
    for r in csv.reader(open(path, newline="")):
        cells = []
        for c in r:
            try:
                cells.append(repr(float(c)))
            except ValueError:
                cells.append(c)
        out.append(tuple(cells))
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
if set(a) != set(b):
    sys.exit(1)
if sorted(a) != sorted(b):
    print(f"note: {sys.argv[2]}: same rows, other multiplicities ({len(a)} local, {len(b)} remote)")
PY
}
for f in "${QUERIES[@]}"; do
    run "$TS" query --format csv -f "$f"
    mv "$TMP/out" "$TMP/local"
    run "$TS" query --format csv -f "$f" --endpoint "$URL"
    expect_rc 0 "$(basename "$f") over the endpoint"
    checks=$((checks + 1))
    same_rows "$TMP/local" "$TMP/out" || fail "$(basename "$f") differs over the endpoint"
done
Q='PREFIX s3n: <http://w3id.org/s3n/>
SELECT ?b (COUNT(?sub) AS ?n) WHERE { ?b a s3n:SmartSensor ; <http://www.w3.org/ns/ssn/hasSubSystem> ?sub }
GROUP BY ?b ORDER BY ?b'
compare "GROUP BY ... ORDER BY query" query --format csv -e "$Q" -- \
    query --format csv -e "$Q" --endpoint "$URL"
compare "query ASK" query -e 'ASK { ?s a <http://w3id.org/s3n/SmartSensor> }' -- \
    query -e 'ASK { ?s a <http://w3id.org/s3n/SmartSensor> }' --endpoint "$URL"

# the UI on the endpoint, headless: the Devices pane and one Inspector open
# (a CONSTRUCT request Virtuoso must understand), then a board whose
# predicates are labelled by the ontology only, and r (the page again)
boards=$("$TS" devices --format csv | tail -n +2 | wc -l)
PICO=https://w3id.org/tinyscope/board/raspberry-pi-pico
cpu_label=$("$TS" query --format csv -e 'SELECT ?l WHERE { tiny:cpu rdfs:label ?l }' |
    sed -n 2p | tr -d '\r')
cat >"$TMP/ui-script" <<S
:save-display $TMP/ui-devices.screen
i
:save-display $TMP/ui-inspect.screen
6o$PICO<Enter>
:save-display $TMP/ui-pico.screen
r
:save-display $TMP/ui-reloaded.screen
S
t0=$(date +%s%N)
COLUMNS=200 LINES=30 TERM=xterm-256color TINYSCOPE_SCRIPT="$TMP/ui-script" \
    XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config" \
    "$TS" --endpoint "$URL" >"$TMP/out" 2>"$TMP/err"
rc=$?
echo "UI on Virtuoso: catalog and one Inspector open in $((($(date +%s%N) - t0) / 1000000)) ms," \
    "$(grep -o '[0-9]* requests' "$TMP/ui-inspect.screen")"
expect_rc 0 "the UI on the endpoint"
checks=$((checks + 1))
grep -qF "Devices: row 1 of $boards" "$TMP/ui-devices.screen" ||
    fail "the Devices pane over the endpoint: $(grep -F 'Devices:' "$TMP/ui-devices.screen")"
checks=$((checks + 1))
grep -qF "from $URL" "$TMP/ui-inspect.screen" && grep -qF "back 1, forward 0" "$TMP/ui-inspect.screen" &&
    grep -qF "s3n:SmartSensor" "$TMP/ui-inspect.screen" ||
    fail "the Inspector over the endpoint: $(tail -n 2 "$TMP/ui-inspect.screen")"
for screen in ui-pico ui-reloaded; do
    checks=$((checks + 1))
    [ -n "$cpu_label" ] && grep -qF "tiny:cpu  $cpu_label" "$TMP/$screen.screen" &&
        grep -qF "back 2, forward 0" "$TMP/$screen.screen" ||
        fail "no predicate label '$cpu_label' on the Pico's page ($screen): $(cat "$TMP/$screen.screen")"
done

# the UI on the endpoint in a real terminal (tmux, 120x30): Devices, then
# the Matrix, then one Inspector open, all answered by Virtuoso
if command -v tmux >/dev/null 2>&1; then
    sock="tinyscope-virtuoso-$$"
    screen() { tmux -L "$sock" capture-pane -p -t ui 2>/dev/null; }
    # wait_screen TEXT: until the pane shows TEXT (60 s at most)
    wait_screen() {
        for _ in $(seq 600); do
            screen | grep -qF -- "$1" && return 0
            sleep 0.1
        done
        return 1
    }
    tmux -L "$sock" new-session -d -s ui -x 120 -y 30 \
        "env TERM=xterm-256color XDG_STATE_HOME=$TMP/state XDG_CONFIG_HOME=$TMP/config $TS --endpoint $URL"
    checks=$((checks + 1))
    wait_screen "Devices: row 1 of $boards" || fail "tmux: no Devices pane over Virtuoso: $(screen | tail -n 2)"
    tmux -L "$sock" send-keys -t ui 3
    checks=$((checks + 1))
    wait_screen "Matrix" && wait_screen " on " || fail "tmux: no Matrix over Virtuoso: $(screen | tail -n 2)"
    tmux -L "$sock" send-keys -t ui 1 i
    checks=$((checks + 1))
    wait_screen "back 1, forward 0" || fail "tmux: no Inspector page over Virtuoso: $(screen | tail -n 2)"
    tmux -L "$sock" send-keys -t ui q
    sleep 0.5
    tmux -L "$sock" kill-server 2>/dev/null
else
    echo "note: tmux is not installed; the UI on Virtuoso is checked headless only"
fi

# one graph: --graph on push and on the commands
G=http://example.org/tinyscope-test/mini
run "$TS" push --endpoint "$AUTH" --graph "$G" "$DATA/mini.ttl" "$TS_SOURCE_ROOT/ontology"
expect_rc 0 "push --graph"
compare "devices --graph" devices --format json "$DATA/mini.ttl" -- \
    devices --format json --endpoint "$URL" --graph "$G"

# pushing again adds no ground triple (RDF set semantics)
GROUND='SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER (!isBlank(?s) && !isBlank(?o)) }'
run "$TS" query --format csv -e "$GROUND" --endpoint "$URL" --graph "$G"
mv "$TMP/out" "$TMP/before"
run "$TS" push --endpoint "$AUTH" --graph "$G" --batch 7 "$DATA/mini.ttl"
expect_rc 0 "second push"
run "$TS" query --format csv -e "$GROUND" --endpoint "$URL" --graph "$G"
checks=$((checks + 1))
cmp -s "$TMP/before" "$TMP/out" || fail "a second push changed the ground triples: $(cat "$TMP/before") vs $(cat "$TMP/out")"

# an endpoint error is shown with the server's own words
run "$TS" query -e 'SELECT ?x WHERE { ?x <http://e/p> }' --endpoint "$URL"
expect_rc 1 "bad query"
expect_err "HTTP 400"
expect_err "Virtuoso"

finish
