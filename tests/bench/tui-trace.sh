#!/usr/bin/env bash
# Figures for the terminal UI, read from its own trace (TINYSCOPE_TRACE)
# while tmux drives it at 80x24:
#   1. start to first frame, and start to loaded, on the sample graphs (or
#      the files given), median of 5 runs;
#   2. key-to-frame at about 1M triples (a generated N-Triples graph):
#      moving, opening panes, following links in the Inspector.
# Usage: tests/bench/tui-trace.sh [BUILD_DIR] [FILE...]. Prints figures only.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
shift || true
BIN="$PWD/$BUILD/tinyscope"
OUT="$PWD/tests/bench/out"
mkdir -p "$OUT"
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
SOCK="tinyscope-bench-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null' EXIT
export LC_ALL=C.UTF-8 XDG_CONFIG_HOME="$OUT/config" XDG_STATE_HOME="$OUT/state"

# start TRACE ARGS...: tinyscope in tmux with a trace file.
start() {
    local trace=$1
    shift
    rm -f "$trace"
    local args=""
    for a in "$@"; do args="$args '$a'"; done
    tmux -L "$SOCK" -f /dev/null -u new-session -d -x 80 -y 24 \
        "env TERM=tmux-256color TINYSCOPE_TRACE='$trace' '$BIN' $args"
}

. tests/bench/tracelib.sh

stop() {
    tmux -L "$SOCK" send-keys q 2>/dev/null
    sleep 0.2
    tmux -L "$SOCK" kill-server 2>/dev/null
}

echo "== startup (80x24, median of 5) on: ${*:-the bundled sample graphs}"
for i in 1 2 3 4 5; do
    start "$OUT/startup$i.trace" "$@"
    wait_trace "$OUT/startup$i.trace" '^loaded' 1 && wait_trace "$OUT/startup$i.trace" '^frame' 3
    stop
done
cat "$OUT"/startup?.trace | grep '^first-frame' | field since_start_ms | median |
    sed 's/^/start to first frame, ms: /'
cat "$OUT"/startup?.trace | grep '^loaded' | field since_start_ms | median |
    sed 's/^/start to loaded, ms: /'
# The first frame after loading shows the data (catalog built, panes open).
for f in "$OUT"/startup?.trace; do
    awk '/^loaded/ { on = 1; next } on && /^frame/ { print; exit }' "$f"
done | field since_start_ms | median | sed 's/^/start to the first frame with data, ms: /'
grep '^loaded' "$OUT/startup1.trace" | field triples | sed 's/^/triples: /'

# A synthetic TinyML graph of 1M triples from kggen (boards, models, layers),
# or, without it, a plain generated one.
KGGEN="$PWD/$BUILD/tests/bench/kggen"
BIG="$OUT/big-kg.ttl"
if [ -x "$KGGEN" ]; then
    [ -f "$BIG" ] || "$KGGEN" --triples 1000000 --seed 1 -o "$BIG" >/dev/null
else
    BIG="$OUT/big.nt"
fi
if [ ! -f "$BIG" ]; then
    # 100000 subjects x 10 triples, 50 classes, links between subjects.
    awk 'BEGIN {
        e = "<http://example.org/big/"
        for (i = 0; i < 100000; i++) {
            s = e "s" i ">"
            print s " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " e "C" (i % 50) "> ."
            print s " <http://www.w3.org/2000/01/rdf-schema#label> \"subject " i "\" ."
            print s " " e "value> \"" i "\"^^<http://www.w3.org/2001/XMLSchema#integer> ."
            print s " " e "next> " e "s" ((i + 1) % 100000) "> ."
            print s " " e "peer> " e "s" ((i * 7) % 100000) "> ."
            for (k = 0; k < 5; k++) print s " " e "p" k "> \"v" k "-" i "\" ."
        }
    }' >"$BIG"
fi
echo "== key to frame at 1M triples (80x24)"
T="$OUT/big.trace"
start "$T" "$BIG"
wait_trace "$T" '^loaded' 1 || exit 1
grep '^loaded' "$T" | field load_ms | sed 's/^/load, ms: /'
grep '^loaded' "$T" | field triples | sed 's/^/triples: /'
n=$(grep -c '^frame' "$T")
# One key at a time, each waiting for its frame.
for key in 6 j j Enter j Enter BSpace BSpace 2 3 4 5 1 Tab Tab Tab '?' PageDown q 6 j j j; do
    tmux -L "$SOCK" send-keys "$key"
    n=$((n + 1))
    wait_trace "$T" '^frame' "$n" || break
done
grep '^frame' "$T" | grep -v 'key=-' | tail -n +1 >"$OUT/big.frames"
echo "keys: $(wc -l <"$OUT/big.frames")"
field key_to_frame_ms <"$OUT/big.frames" | median | sed 's/^/key to frame, median ms: /'
field key_to_frame_ms <"$OUT/big.frames" | sort -n | tail -1 | sed 's/^/key to frame, max ms: /'
awk -F'\t' '{ split($4, a, "="); print a[2], $3 }' "$OUT/big.frames" | sort -g | tail -3 |
    sed 's/^/slowest (ms, key): /'
stop
