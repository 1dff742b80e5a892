#!/usr/bin/env bash
# The terminal UI on a SPARQL endpoint (--endpoint): a loopback endpoint
# that answers with the local engine (tests/cli/local_endpoint.py, one log
# line per request). Devices, Models, Matrix and Query come from the
# endpoint, the catalog costs one request per view query, each Inspector
# open costs one request and going back none; its pages label predicates
# as on local files; r fetches the page on screen again (one request) and
# the others when visited; in tmux, a request that does not answer is
# cancelled with Ctrl-C and the UI stays.
. "$(dirname "$0")/../tui/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
export no_proxy=127.0.0.1

# The endpoint serves a copy of the bundled data, which the tests change.
mkdir -p "$WORK/kg"
cp -r "$ROOT/sample-graphs" "$ROOT/ontology" "$WORK/kg/"
TINYSCOPE_DATADIR="$WORK/kg" "$PY" "$ROOT/tests/cli/local_endpoint.py" "$BIN" "$WORK/port" \
    "$WORK/log" &
server=$!
hang=
gone=
stop_servers() {
    kill "$server" $hang $gone 2>/dev/null
    cleanup
}
trap stop_servers EXIT
for _ in $(seq 100); do
    [ -s "$WORK/port" ] && break
    sleep 0.05
done
[ -s "$WORK/port" ] || { echo "the loopback endpoint did not start" >&2; exit 1; }
URL="http://127.0.0.1:$(cat "$WORK/port")/sparql"
requests() { wc -l <"$WORK/log"; }

# What the commands say on local files: the reference.
boards=$("$BIN" devices --format csv | tail -n +2 | wc -l)
models=$("$BIN" models --format csv | tail -n +2 | wc -l)
first_model=$("$BIN" models --format csv | sed -n 2p | cut -d, -f1)
[ "$boards" -gt 1 ] && [ "$models" -gt 1 ] || fail "no boards or models on local files"
# What the catalog costs the commands over the endpoint: the UI's share too.
: >"$WORK/log"
"$BIN" matrix --endpoint "$URL" >/dev/null || fail "matrix --endpoint failed"
VIEWS=$(requests)
[ "$VIEWS" -gt 0 ] && [ "$VIEWS" -le "$(ls "$ROOT"/ontology/views/*.rq | wc -l)" ] ||
    fail "the catalog costs $VIEWS requests"

# Off a terminal there is no UI to open: a usage error, as --graph alone.
"$BIN" --endpoint "$URL" </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ] || fail "--endpoint off a terminal: not a usage error"
has "$WORK/err" "name a command"
"$BIN" --graph http://example.org/g </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ] || fail "--graph without --endpoint: not a usage error"

# ---- headless: the panes, and the requests they cost ----------------------
: >"$WORK/log"
cat >"$WORK/s" <<S
:save-display $WORK/devices.screen
2
:save-display $WORK/models.screen
3
:save-display $WORK/matrix.screen
1i
:save-display $WORK/inspect.screen
<BS>
:save-display $WORK/back.screen
4<Enter><C-x>SELECT ?b WHERE { ?b a s3n:SmartSensor } ORDER BY ?b<C-r>
:save-display $WORK/query.screen
<Esc>6<Enter>
:save-display $WORK/classes.screen
S
run_script 120x30 "$WORK/s" --endpoint "$URL" || fail "exit status $?"
has "$WORK/devices.screen" "Devices: row 1 of $boards"
has "$WORK/devices.screen" "$URL, "
has "$WORK/models.screen" "Models: row 1 of $models"
has "$WORK/models.screen" "$first_model"
has "$WORK/matrix.screen" "$first_model on "
has "$WORK/inspect.screen" "from $URL"
has "$WORK/inspect.screen" "Properties ("
has "$WORK/inspect.screen" "s3n:SmartSensor"
has "$WORK/inspect.screen" "back 1, forward 0"
has "$WORK/back.screen" "back 0, forward 1"
has "$WORK/query.screen" "$boards rows in"
n=$(requests)
has "$WORK/classes.screen" "Classes ("
has "$WORK/classes.screen" "s3n:SmartSensor  $boards"
# the catalog's, one inspector open, one query, the classes: nothing per
# board or model
[ "$n" -eq $((VIEWS + 3)) ] || fail "$n requests: the catalog's $VIEWS, one open, one query, classes"
grep -o "[0-9]* requests" "$WORK/classes.screen" | grep -qx "$n requests" ||
    fail "the status line does not count $n requests"

# ---- headless, step by step: labels, and r ---------------------------------
# The script is a pipe fed as the checks go, so the data can change between
# two keys.
PICO=https://w3id.org/tinyscope/board/raspberry-pi-pico
PICO_FILE="$WORK/kg/sample-graphs/boards/raspberry_pi_pico.ttl"
# value QUERY: the one value a local query selects (plain text)
value() { "$BIN" query --format csv -e "$1" | sed -n 2p | tr -d '\r' | sed 's/^"\(.*\)"$/\1/'; }
cpu=$(value "SELECT ?c WHERE { <$PICO> tiny:cpu ?c }")
cpu_label=$(value 'SELECT ?l WHERE { tiny:cpu rdfs:label ?l }')
[ -n "$cpu" ] && [ -n "$cpu_label" ] || fail "no processor or label for $PICO on local files"
grep -qF "$cpu_label" "$ROOT"/sample-graphs/boards/*.ttl &&
    fail "the label '$cpu_label' is in the data, not only in the ontology"
# set_cpu TEXT: the endpoint's data now says the Pico's processor is TEXT.
set_cpu() {
    sed -i "s|tiny:cpu \"[^\"]*\"|tiny:cpu \"$1\"|" "$PICO_FILE"
    grep -qF "\"$1\"" "$PICO_FILE" || fail "could not change $PICO_FILE"
}
# the page's body: from its title to the end of the properties, blank
# node names aside (they depend on the order files are read in)
body() { sed -n '2,/^ Referenced by/p' "$1" | grep -v '^ from ' | sed 's/_:[A-Za-z0-9_]*/_:/'; }
# the row of the cursor line (the first coloured background below the tab
# bar), when it is above the status line
cursor_row() { awk '$1 > 0 && $1 < 38 && $5 != -1 { print $1; exit }' "$1"; }
wait_file() {
    for _ in $(seq 600); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    fail "$1 was not written"
    return 1
}
# piped_ui ARGS...: the UI headless on the pipe $WORK/keys (fd 3 writes).
piped_ui() {
    rm -f "$WORK/keys"
    mkfifo "$WORK/keys"
    run_script 120x40 "$WORK/keys" "$@" >"$WORK/ui.out" 2>&1 &
    ui=$!
    exec 3>"$WORK/keys"
}
send() { printf '%s\n' "$@" >&3; }
# snap NAME: save the screen and its colours, and wait until they are written.
snap() {
    send ":save-colors $WORK/$1.colors" ":save-display $WORK/$1.screen"
    wait_file "$WORK/$1.screen"
}
end_ui() {
    send q
    exec 3>&-
    wait "$ui" || fail "the UI exited with status $?: $(cat "$WORK/ui.out")"
}

# On local files: the reference page, and r shows the file as it is now.
mkdir -p "$WORK/local"
cp "$ROOT/sample-graphs/boards/raspberry_pi_pico.ttl" "$WORK/local/pico.ttl"
cp -r "$ROOT/ontology" "$WORK/local/"
rm -r "$WORK/local/ontology/views" "$WORK/local/ontology/examples" "$WORK/local/ontology/contexts"
piped_ui "$WORK/local/pico.ttl" "$WORK/local/ontology"
send "6o$PICO<Enter>" jj
snap local
PICO_FILE="$WORK/local/pico.ttl" set_cpu "local processor, edited"
send r
snap local-r
end_ui
has "$WORK/local.screen" "tiny:cpu  $cpu_label"
has "$WORK/local.screen" "$cpu"
has "$WORK/local-r.screen" "local processor, edited"
lacks "$WORK/local-r.screen" "$cpu"
has "$WORK/local-r.screen" "back 1, forward 0"
[ -n "$(cursor_row "$WORK/local.colors")" ] &&
    [ "$(cursor_row "$WORK/local.colors")" = "$(cursor_row "$WORK/local-r.colors")" ] ||
    fail "r moved the cursor on local files"

# On the endpoint holding the same data: the same page, predicate labels
# included, then r after the data changed.
: >"$WORK/log"
piped_ui --endpoint "$URL"
send "6o$PICO<Enter>" jj
snap pico
[ "$(requests)" -eq $((VIEWS + 1)) ] || fail "opening the Pico cost $(($(requests) - VIEWS)) requests"
body "$WORK/local.screen" >"$WORK/local.body"
body "$WORK/pico.screen" >"$WORK/pico.body"
diff "$WORK/local.body" "$WORK/pico.body" >&2 || fail "the endpoint's page differs from the local one"
has "$WORK/pico.screen" "tiny:cpu  $cpu_label"
# history: the class page, back to the Pico; nothing fetched twice
send "os3n:SmartSensor<Enter>" "<BS>"
snap history
[ "$(requests)" -eq $((VIEWS + 2)) ] || fail "history cost $(($(requests) - VIEWS - 2)) requests"
has "$WORK/history.screen" "back 1, forward 1"
set_cpu "RP2040, edited on the endpoint"
cat >"$WORK/kg/sample-graphs/boards/new_board.ttl" <<TTL
<https://example.org/board/fresh> a <http://w3id.org/s3n/SmartSensor> ;
    <https://www.w3.org/2019/wot/td#title> "Fresh board" .
TTL
before=$(requests)
send r
snap refreshed
[ "$(requests)" -eq $((before + VIEWS + 1)) ] ||
    fail "r cost $(($(requests) - before)) requests: the catalog's $VIEWS and the page on screen"
has "$WORK/refreshed.screen" "RP2040, edited on the endpoint"
lacks "$WORK/refreshed.screen" "$cpu"
has "$WORK/refreshed.screen" "tiny:cpu  $cpu_label"
has "$WORK/refreshed.screen" "back 1, forward 1"
[ -n "$(cursor_row "$WORK/pico.colors")" ] &&
    [ "$(cursor_row "$WORK/pico.colors")" = "$(cursor_row "$WORK/refreshed.colors")" ] ||
    fail "r moved the cursor on the endpoint"
# the page in history is fetched again when visited (one request), the
# page r fetched is kept
before=$(requests)
send u
snap forward
[ "$(requests)" -eq $((before + 1)) ] || fail "forward after r cost $(($(requests) - before)) requests"
has "$WORK/forward.screen" "Fresh board"
send "<BS>"
snap back-again
[ "$(requests)" -eq $((before + 1)) ] || fail "back after r fetched the page r fetched"
has "$WORK/back-again.screen" "RP2040, edited on the endpoint"
end_ui
rm "$WORK/kg/sample-graphs/boards/new_board.ttl"

# An endpoint that goes away: after r the page says it was not fetched,
# and why.
"$PY" "$ROOT/tests/cli/local_endpoint.py" "$BIN" "$WORK/gone-port" "$WORK/gone-log" &
gone=$!
for _ in $(seq 100); do
    [ -s "$WORK/gone-port" ] && break
    sleep 0.05
done
piped_ui --endpoint "http://127.0.0.1:$(cat "$WORK/gone-port")/sparql"
send "6o$PICO<Enter>"
snap gone-before
kill "$gone"
wait "$gone" 2>/dev/null
send r
snap gone-after
end_ui
has "$WORK/gone-before.screen" "tiny:cpu  $cpu_label"
has "$WORK/gone-after.screen" "not fetched"
has "$WORK/gone-after.screen" "r asks the endpoint again"
has "$WORK/gone-after.screen" "back 1, forward 0"
lacks "$WORK/gone-after.screen" "tiny:cpu"

# ---- tmux: the real terminal --------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
    echo "note: tmux is not installed; the interactive checks are skipped"
    finish
fi
: >"$WORK/log"
tmux_start 120x30 --endpoint "$URL"
wait_for "Devices: row 1 of $boards" 60 || finish
wait_for "$VIEWS requests" || finish
[ "$(requests)" -eq "$VIEWS" ] || fail "the catalog took $(requests) requests, not $VIEWS"
: >"$WORK/log"
tmux_keys i
wait_for "back 1, forward 0" 60 || finish
wait_for "from $URL" || finish
[ "$(requests)" -eq 1 ] || fail "one Inspector open sent $(requests) requests"
tmux_keys BSpace
wait_for "back 0, forward 1" || finish
tmux_keys u
wait_for "back 1, forward 0" || finish
[ "$(requests)" -eq 1 ] || fail "back and forward sent requests: $(requests) in all"
tmux_keys 1 j i
wait_for "back 2, forward 0" 60 || finish
[ "$(requests)" -eq 2 ] || fail "two Inspector opens sent $(requests) requests"
tmux_keys o
tmux_keys -l "$PICO"
tmux_keys Enter
wait_for "tiny:cpu  $cpu_label" 60 || finish
wait_for "RP2040, edited on the endpoint" || finish
[ "$(requests)" -eq 3 ] || fail "three Inspector opens sent $(requests) requests"
set_cpu "RP2040, edited again"
: >"$WORK/log"
tmux_keys r
wait_for "RP2040, edited again" 60 || finish
wait_for "reloaded" || finish
[ "$(requests)" -eq $((VIEWS + 1)) ] || fail "r sent $(requests) requests, not $((VIEWS + 1))"
wait_for "tiny:cpu  $cpu_label" || finish
wait_for "back 3, forward 0" || finish
tmux_keys q
tmux -L "$TMUX_SOCK" kill-server 2>/dev/null

# An endpoint that accepts and never answers: the UI waits, redraws,
# and Ctrl-C cancels the request without ending the program.
"$PY" - "$WORK/hang-port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept()
    held.append(c)
PY
hang=$!
for _ in $(seq 100); do
    [ -s "$WORK/hang-port" ] && break
    sleep 0.05
done
HANG="http://127.0.0.1:$(cat "$WORK/hang-port")/sparql"
tmux_start 120x30 --endpoint "$HANG"
wait_for "waiting" || finish
wait_for "(Ctrl-C cancels)" || finish
tmux_keys C-c
wait_for "request cancelled" || finish
tmux_keys 6
wait_for "Inspector: classes and sources" || finish
tmux_keys q
wait_gone "Inspector: classes and sources" || finish
finish
