#!/usr/bin/env bash
# The Bench pane of the real binary in tmux, with simulated boards on
# pseudo-terminals (`tinyscope sim`, `tinyscope --demo`) and a fake sysfs
# for USB hot-plug. Polls the screen with bounded waits (no fixed sleeps).
# Skips (77) without tmux, but for the headless case "history".
# Usage: bench.sh CASE
. "$(dirname "$0")/lib.sh"
[ "$1" = history ] || need_tmux

KG="$ROOT/tests/data/bench/boards.ttl"
RESULTS="$XDG_DATA_HOME/tinyscope/bench.nt"
SIMS=()

stop_sims() {
    for pid in "${SIMS[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    SIMS=()
}
trap 'stop_sims; cleanup' EXIT

# start_sim LINK ARGS...: a simulated board whose pty is reachable as LINK.
start_sim() {
    local link=$1
    shift
    "$BIN" sim --link "$link" "$@" >"$WORK/sim.out" 2>&1 &
    SIMS+=("$!")
    local i=0
    while [ ! -e "$link" ] && [ "$i" -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    [ -e "$link" ] || fail "the simulated board did not start: $(cat "$WORK/sim.out")"
}

# runs_in FILE: how many benchmark runs the results file holds.
runs_in() {
    grep -c '<https://w3id.org/tinyscope/ns#BenchmarkRun>' "$1" 2>/dev/null || echo 0
}

query() {
    "$BIN" query --format csv -e "PREFIX tiny: <https://w3id.org/tinyscope/ns#> $1" "$KG"
}

# Start a run from the pane, see results stream in, stop it; the results
# are in the results file and `tinyscope query` sees them afterwards.
case_results_80x24() {
    start_sim "$WORK/board" --protocol jsonl --board bench-board --model kws01 --speed 0.2
    tmux_start 80x24 --port "$WORK/board" "$KG"
    wait_for "Devices: row 1 of" || return
    tmux_keys 5
    wait_for "board  " || return
    wait_for "idle" || return
    tmux_keys x
    wait_for "no run on board to stop" || return
    tmux_keys b
    wait_for "board: run started" || return
    wait_for "bench-board Keyword_Spotting" || return
    wait_for "Recent median latency" || return
    capture >"$WORK/running"
    [ "$(wc -l <"$WORK/running")" -eq 24 ] || fail "not 24 lines"
    [ "$(wc -L <"$WORK/running")" -le 80 ] || fail "a line wider than 80"
    grep -q "< {\"v\":1" "$WORK/running" || fail "the raw lines are not in the log"
    tmux_keys x
    wait_for "board: run stopped" || return
    wait_for " done " || return
    capture >"$WORK/stopped"
    grep -qE "board +bench-board +done +jsonl" "$WORK/stopped" || fail "the port does not show done"
    local shown
    # The port's row ends "Latest us, Results, Skipped │".
    shown=$(awk '$1 == "│board" && $NF == "│" { print $(NF - 2) }' "$WORK/stopped" | head -1)
    [ -n "$shown" ] || fail "no results count on the port's row"
    sleep 0.5
    capture >"$WORK/later"
    cmp -s "$WORK/stopped" "$WORK/later" || fail "results still arrive after the run was stopped"
    local n
    n=$(runs_in "$RESULTS")
    [ "$n" -gt 0 ] || fail "no run in $RESULTS"
    tmux_keys q
    wait_gone "Bench:" || return
    query 'SELECT (COUNT(?r) AS ?n) WHERE { ?r a tiny:BenchmarkRun ; tiny:port ?p ;
             tiny:device ?d . ?d <http://www.w3.org/2000/01/rdf-schema#label> "bench-board" }' \
        >"$WORK/q.csv" || fail "query failed"
    [ "$(sed -n 2p "$WORK/q.csv" | tr -d '\r')" = "$n" ] ||
        fail "query counts $(sed -n 2p "$WORK/q.csv") runs, the results file $n"
    [ "$shown" = "$n" ] || fail "the pane showed $shown results, the file has $n"
}

# While a run goes on, the Query pane sees its results in the store.
case_query_160x50() {
    start_sim "$WORK/board" --protocol mlperf --board mlperf-board --model kws01 --speed 0.05
    tmux_start 160x50 --port "$WORK/board" "$KG"
    wait_for "Devices: row 1 of" || return
    tmux_keys 5 b
    wait_for "mlperf-board" || return
    wait_for "Recent median latency" || return
    capture >"$WORK/screen"
    [ "$(wc -l <"$WORK/screen")" -eq 50 ] || fail "not 50 lines"
    grep -q "MAC/s" "$WORK/screen" || fail "no MAC/s column at 160 columns"
    grep -q "mlperf-board *Keyword_Spotting .*[0-9][0-9.]*[kMG]" "$WORK/screen" ||
        fail "no MAC/s figure (the model's MACs are known)"
    tmux_keys 4 Enter C-x \
        'SELECT ?run ?median WHERE { ?run a tiny:BenchmarkRun ; tiny:latencyMedianUs ?median }' C-r
    # As many rows as runs have been recorded so far: one or more.
    wait_match "^ ?[0-9]+ rows? in " || return
    capture >"$WORK/rows"
    grep -q "urn:uuid:" "$WORK/rows" || fail "the Query pane does not see the runs"
    tmux_keys Escape 5 x
    wait_for "run stopped" || return
}

# B opens the start form: protocol, a model of the graph found by typing,
# a number of runs. The run records what was chosen and stops by itself.
case_setup_100x30() {
    cat >"$WORK/more.ttl" <<'TTL'
@prefix nnet: <http://tinyml-schema.org/networkschema#> .
@prefix schema: <https://schema.org/> .
<http://example.org/model/pd> a nnet:NeuralNetwork ;
    schema:name "Person_Detection" .
<http://example.org/model/ad> a nnet:NeuralNetwork ;
    schema:name "Anomaly_Detection" .
TTL
    start_sim "$WORK/board" --protocol jsonl --board bench-board --model kws01 --speed 0.05
    tmux_start 100x30 --port "$WORK/board" "$KG" "$WORK/more.ttl"
    wait_for "Devices: row 1 of" || return
    tmux_keys 5
    wait_for "idle" || return
    tmux_keys B
    wait_for "Start a run on" || return
    wait_for "< auto (from the first lines) >" || return
    wait_for "Enter start  <Esc> cancel" || return
    wait_for "< as the board reports >  3 models: type to find" || return
    # Right twice: MLPerf Tiny, then JSON lines.
    tmux_keys Right Right
    wait_for "< JSON lines >" || return
    tmux_keys Down p e r s
    wait_for "< Person_Detection >  found by \"pers\"" || return
    tmux_keys x
    wait_for 'no model name contains "persx"' || return
    tmux_keys Down 3 a 0
    wait_for "[30    ] results, then stop" || return
    tmux_keys BSpace Escape
    wait_gone "Start a run on" || return
    grep -q "run started" <(capture) && fail "Escape started a run"
    # The form opens afresh with the defaults; choose again and start.
    tmux_keys B Right Right Down a n o Down 3 Enter
    wait_for "board: run started" || return
    wait_for " done " 15 || return
    capture >"$WORK/done"
    grep -qE "bench-board +Anomaly_Detection +3 " "$WORK/done" ||
        fail "the results table does not show 3 runs of the chosen model"
    local n
    n=$(grep -c '<https://w3id.org/tinyscope/ns#model> <http://example.org/model/ad>' "$RESULTS")
    [ "$n" = 3 ] || fail "the results file has $n runs of the chosen model, not 3"
    [ "$(runs_in "$RESULTS")" = 3 ] || fail "the results file has $(runs_in "$RESULTS") runs"
    n=$(grep -c '<https://w3id.org/tinyscope/ns#protocol> "jsonl"' "$RESULTS")
    [ "$n" = 3 ] || fail "$n runs recorded as JSON lines, not 3"
    tmux_keys q
}

# The board unplugs during a run: the pane says so, and the run goes on
# when it comes back.
case_disconnect() {
    start_sim "$WORK/board" --protocol jsonl --board flaky-board --model kws01 --speed 0.2 \
        --disconnect-after 3 --replug-ms 1500
    tmux_start 80x24 --port "$WORK/board" "$KG"
    wait_for "Devices: row 1 of" || return
    tmux_keys 5 b
    wait_for "disconnected" || return
    wait_for "board disconnected" || return
    capture >"$WORK/gone"
    grep -qE "flaky-board +disconnected +jsonl" "$WORK/gone" ||
        fail "the port does not show disconnected"
    wait_for "running " || return
    capture >"$WORK/back"
    grep -qE "board +flaky-board +running +jsonl" "$WORK/back" || fail "the run did not go on"
}

# tinyscope --demo: the Bench pane opens with two simulated boards running;
# their results stay out of the user's results file, and quitting stops them.
case_demo_160x50() {
    mkdir -p "$WORK/tmp"
    TS_EXTRA_ENV="TMPDIR=$WORK/tmp" tmux_start 160x50 --demo
    wait_for "Bench: 2 ports, 2 running" 15 || return
    wait_for "sim-nucleo-l4r5zi" 15 || return
    wait_for "sim-nano33ble" 15 || return
    wait_for "Person_Detection" 15 || return
    wait_for "Recent median latency" || return
    capture >"$WORK/demo"
    grep -q "^ 1 Devices.* 5 Bench" "$WORK/demo" || fail "no tab bar"
    grep -qE "sim-mlperf +sim-nucleo-l4r5zi +running +mlperf" "$WORK/demo" ||
        fail "the MLPerf board is not running"
    grep -qE "sim-jsonl +sim-nano33ble +running +jsonl" "$WORK/demo" ||
        fail "the JSON-lines board is not running"
    tmux_keys q
    wait_gone "Bench:" || return
    local i=0
    while [ -n "$(ls -A "$WORK/tmp")" ] && [ "$i" -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    [ -z "$(ls -A "$WORK/tmp")" ] || fail "--demo left files behind: $(ls -A "$WORK/tmp")"
    [ ! -e "$RESULTS" ] || fail "--demo wrote to the user's results file"
}

# A USB board plugged in shows within 2 s (matched to the graph's board by
# its USB ids); unplugged, it goes within 2 s.
case_hotplug() {
    tmux_start 80x24 "$KG"
    wait_for "Devices: row 1 of" || return
    tmux_keys 5
    wait_for "No boards attached" || return
    local dev="$TINYSCOPE_SYSFS/devices/usb1/1-1"
    mkdir -p "$dev/1-1:1.0" "$TINYSCOPE_SYSFS/class/tty/ttyACM7"
    echo 2341 >"$dev/idVendor"
    echo 805a >"$dev/idProduct"
    echo "Nano 33 BLE" >"$dev/product"
    ln -s ../../../devices/usb1/1-1/1-1:1.0 "$TINYSCOPE_SYSFS/class/tty/ttyACM7/device"
    wait_for "ttyACM7" 2 || return
    wait_for "Arduino Nano 33 BLE Sense 2341:805a idle" 2 || return
    rm -rf "$TINYSCOPE_SYSFS/class/tty/ttyACM7"
    wait_for "No boards attached" 2 || return
    wait_for "ttyACM7 unplugged" || return
}

# Runs already in the results file fill the table at start (headless, on a
# key script): one row per board and model, summed up, with the sparkline.
case_history() {
    mkdir -p "$XDG_DATA_HOME/tinyscope"
    local T='https://w3id.org/tinyscope/ns#' X='http://www.w3.org/2001/XMLSchema#'
    local i=0
    for median in 20000 21000 19000; do
        i=$((i + 1))
        local s="<urn:uuid:00000000-0000-4000-8000-00000000000$i>"
        cat <<NT
$s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${T}BenchmarkRun> .
$s <${T}device> <http://example.org/board/nano33ble> .
$s <${T}model> <http://example.org/model/kws> .
$s <${T}startedAt> "2026-01-0${i}T10:00:00Z"^^<${X}dateTime> .
$s <${T}inferences> "100"^^<${X}integer> .
$s <${T}latencyMinUs> "$((median - 500)).000"^^<${X}decimal> .
$s <${T}latencyMedianUs> "$median.000"^^<${X}decimal> .
$s <${T}latencyMaxUs> "$((median + 500)).000"^^<${X}decimal> .
$s <${T}inferencesPerSecond> "50.000"^^<${X}decimal> .
$s <${T}accuracy> "0.9$i"^^<${X}decimal> .
$s <${T}complete> "$([ "$i" = 2 ] && echo false || echo true)"^^<${X}boolean> .
NT
    done >"$RESULTS"
    # A click on the row puts the cursor in the results; i inspects the
    # row's latest run.
    cat >"$WORK/s" <<S
5
:click 7 5
:save-display $WORK/wide.screen
i
:save-display $WORK/inspect.screen
5
:resize 80x24
:save-display $WORK/narrow.screen
S
    run_script 160x50 "$WORK/s" "$KG" || fail "exit status $?"
    [ "$(wc -l <"$WORK/wide.screen")" -eq 50 ] || fail "not 50 lines"
    has "$WORK/wide.screen" "Arduino Nano 33 BLE… Keyword_Spotting 3 (1 cut)   18500      20000   21500  50.00            0.930"
    has "$WORK/wide.screen" "Recent median latency (3 runs): ▅█▁ 19000..21000 us"
    has "$WORK/wide.screen" "Bench: 0 ports, 0 running, 1 result row"
    has "$WORK/wide.screen" "<Enter> ports"
    has "$WORK/inspect.screen" "urn:uuid:00000000-0000-4000-8000-000000000003"
    has "$WORK/inspect.screen" "tiny:latencyMedianUs"
    [ "$(wc -L <"$WORK/narrow.screen")" -le 80 ] || fail "a line wider than 80"
    has "$WORK/narrow.screen" "Recent median latency (3 runs)"

    # A port that is not there: the run fails with the port's name and why.
    printf '5b\n:save-display %s\n' "$WORK/failed.screen" >"$WORK/s2"
    run_script 80x24 "$WORK/s2" --port "$WORK/no-such-board" "$KG" || fail "exit status $?"
    grep -qE "no-such-board +failed" "$WORK/failed.screen" || fail "the port does not show failed"
    has "$WORK/failed.screen" "$WORK/no-such-board: "

    # --demo and --port need a terminal.
    "$BIN" --demo </dev/null >/dev/null 2>"$WORK/err"
    [ $? -eq 2 ] || fail "--demo without a terminal: not exit status 2"
    has "$WORK/err" "--demo opens the terminal UI: run it on a terminal"
}

"case_$1"
finish
