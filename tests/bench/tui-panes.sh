#!/usr/bin/env bash
# Figures for the catalog panes (Matrix, Models), read from the UI's own
# trace (TINYSCOPE_TRACE) while tmux drives it at 80x24, on kggen graphs of
# the sizes given (default 100000 and 1000000 triples):
#   - start to the first frame with data (load, catalog, panes open);
#   - key to frame in the Matrix pane (open, move the cell cursor both ways,
#     page, jump to the ends) and in the Models pane (move, which fetches
#     the layers of each model selected).
# The machine's load is printed alongside: figures on a busy machine are
# upper bounds. Usage: tests/bench/tui-panes.sh [BUILD_DIR] [TRIPLES...].
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
shift || true
SIZES=${*:-100000 1000000}
BIN="$PWD/$BUILD/tinyscope"
KGGEN="$PWD/$BUILD/tests/bench/kggen"
OUT="$PWD/tests/bench/out"
mkdir -p "$OUT"
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
[ -x "$KGGEN" ] || { echo "no $KGGEN: build first"; exit 1; }
SOCK="tinyscope-panes-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null' EXIT
export LC_ALL=C.UTF-8 XDG_CONFIG_HOME="$OUT/config" XDG_STATE_HOME="$OUT/state"
# The views from this tree, wherever the binary is.
export TINYSCOPE_DATADIR=${TINYSCOPE_DATADIR:-$PWD}

. tests/bench/tracelib.sh
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"; }

# keys TRACE KEY...: one key at a time, each waiting for its frame.
keys() {
    local t=$1
    shift
    local n
    n=$(grep -c '^frame' "$t")
    for key in "$@"; do
        tmux -L "$SOCK" send-keys "$key"
        n=$((n + 1))
        wait_trace "$t" '^frame' "$n" 300 || return 1
    done
}

# report LABEL FROM: key-to-frame figures of the frames after frame FROM.
report() {
    awk -v from="$2" '/^frame/ { split($2, a, "="); if (a[2] > from) print }' "$T" |
        grep -v 'key=-' >"$OUT/panes.frames"
    printf '%s: %s keys, key to frame median %s ms, max %s ms\n' "$1" \
        "$(wc -l <"$OUT/panes.frames")" \
        "$(field key_to_frame_ms <"$OUT/panes.frames" | median)" \
        "$(field key_to_frame_ms <"$OUT/panes.frames" | sort -n | tail -1)"
}

echo "== $("$BIN" --version 2>/dev/null | head -1), 80x24, $(load)"
for size in $SIZES; do
    KG="$OUT/kg-$size.ttl"
    [ -f "$KG" ] || "$KGGEN" --triples "$size" --seed 1 -o "$KG" 2>/dev/null
    T="$OUT/panes-$size.trace"
    rm -f "$T"
    tmux -L "$SOCK" -f /dev/null -u new-session -d -x 80 -y 24 \
        "env TERM=tmux-256color TINYSCOPE_TRACE='$T' '$BIN' '$KG'"
    wait_trace "$T" '^loaded' 1 300 || exit 1
    # The first frame after loading shows the data.
    for _ in $(seq 1 6000); do
        awk '/^loaded/ { on = 1; next } on && /^frame/ { found = 1 } END { exit !found }' "$T" &&
            break
        sleep 0.05
    done
    echo "-- $(grep '^loaded' "$T" | field triples) triples ($(load))"
    if tmux -L "$SOCK" capture-pane -p | grep -q "No device catalog"; then
        echo "no catalog: the figures would not be the panes'" >&2
        exit 1
    fi
    grep '^loaded' "$T" | field load_ms | sed 's/^/load, ms: /'
    awk '/^loaded/ { on = 1; next } on && /^frame/ { print; exit }' "$T" | field since_start_ms |
        sed 's/^/start to the first frame with data, ms: /'
    sleep 0.5
    from=$(grep -c '^frame' "$T")
    keys "$T" 3 l l l l l l l l j j j j j j PageDown PageDown l l h h k k G g || exit 1
    report "Matrix" "$from"
    from=$(grep -c '^frame' "$T")
    keys "$T" 2 j j j j j j PageDown k k G g || exit 1
    report "Models" "$from"
    tmux -L "$SOCK" send-keys q
    sleep 0.3
    tmux -L "$SOCK" kill-server 2>/dev/null
done
