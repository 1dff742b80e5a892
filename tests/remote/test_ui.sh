#!/usr/bin/env bash
# The terminal UI on a SPARQL endpoint (--endpoint): a loopback endpoint
# that answers with the local engine (tests/cli/local_endpoint.py, one log
# line per request). Devices, Models, Matrix and Query come from the
# endpoint, the catalog costs one request per view query, each Inspector
# open costs one request and going back none; in tmux, a request that does
# not answer is cancelled with Ctrl-C and the UI stays.
. "$(dirname "$0")/../tui/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
export no_proxy=127.0.0.1

"$PY" "$ROOT/tests/cli/local_endpoint.py" "$BIN" "$WORK/port" "$WORK/log" &
server=$!
hang=
stop_servers() {
    kill "$server" $hang 2>/dev/null
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
