#!/usr/bin/env bash
# Figures for the Bench pane while boards stream results: tinyscope --demo
# (two simulated boards) in tmux at 80x24 for SECONDS (20 by default):
#   1. the UI process's CPU time over that span;
#   2. key-to-frame (from its own trace, TINYSCOPE_TRACE) for j/k pressed
#      meanwhile, and how many frames the boards' output drew.
# Usage: tests/bench/bench-pane.sh [BUILD_DIR] [SECONDS]. Prints figures only.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
SECS=${2:-20}
BIN="$PWD/$BUILD/tinyscope"
OUT=$(mktemp -d "${TMPDIR:-/tmp}/tinyscope-bench-pane.XXXXXX")
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
SOCK="tinyscope-bench-pane-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$OUT"' EXIT
mkdir -p "$OUT/tmp"

tmux -L "$SOCK" -f /dev/null -u new-session -d -x 80 -y 24 \
    "env TERM=tmux-256color LC_ALL=C.UTF-8 HOME='$OUT' XDG_CONFIG_HOME='$OUT/config' \
     XDG_STATE_HOME='$OUT/state' XDG_DATA_HOME='$OUT/data' TMPDIR='$OUT/tmp' \
     TINYSCOPE_TRACE='$OUT/trace' '$BIN' --demo; sleep 600"
for _ in $(seq 1 200); do
    tmux -L "$SOCK" capture-pane -p | grep -q "Recent median latency" && break
    sleep 0.05
done
pane=$(tmux -L "$SOCK" list-panes -F '#{pane_pid}')
ui=$(pgrep -P "$pane" | head -1)
[ -n "$ui" ] || { echo "the UI did not start"; exit 1; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
t0=$(ticks "$ui")
frames0=$(grep -c "key=-" "$OUT/trace")
end=$((SECONDS + SECS))
while [ "$SECONDS" -lt "$end" ]; do
    tmux -L "$SOCK" send-keys j
    sleep 0.25
    tmux -L "$SOCK" send-keys k
    sleep 0.25
done
t1=$(ticks "$ui")
frames1=$(grep -c "key=-" "$OUT/trace")
hz=$(getconf CLK_TCK)
echo "== tinyscope --demo at 80x24 for $SECS s, j/k every 0.25 s"
awk -v t=$((t1 - t0)) -v hz="$hz" -v s="$SECS" \
    'BEGIN { printf "UI CPU time: %.2f s (%.1f%% of one core)\n", t / hz, 100 * t / hz / s }'
echo "frames drawn for the boards' output: $((frames1 - frames0))"
grep -E "key=(j|k)" "$OUT/trace" | sed -n 's/.*key_to_frame_ms=\([0-9.]*\).*/\1/p' | sort -n |
    awk '{ a[NR] = $1 } END { if (NR) printf "key-to-frame: %d keys, median %.3f ms, max %.3f ms\n",
        NR, a[int((NR + 1) / 2)], a[NR] }'
tmux -L "$SOCK" send-keys q
sleep 0.5
