#!/bin/sh
# Figures for the benchmark path, against simulated boards on ptys (run by
# hand, not a test): time to the first MLPerf Tiny result including protocol
# detection, JSON-lines results per second (each one appended and flushed
# with fdatasync before it is printed), and a sysfs scan by `boards`.
# Usage: tests/bench/serial.sh [path/to/tinyscope]
set -eu
bin=${1:-build/tinyscope}
tmp=$(mktemp -d)
trap 'kill $sim 2>/dev/null || true; rm -rf "$tmp"' EXIT
kg=$(dirname "$0")/../data/bench/boards.ttl

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

"$bin" sim --link "$tmp/m" --speed 0.01 > /dev/null & sim=$!
sleep 0.3
t0=$(now)
"$bin" bench --port "$tmp/m" --runs 5 --results "$tmp/r.nt" "$kg" > /dev/null 2>&1
t1=$(now)
echo "mlperf: 5 windows of infer 20 5 (board time 2.4 s, run at speed 0.01): $(calc "$t1 - $t0") s"
t0=$(now)
"$bin" bench --port "$tmp/m" --protocol mlperf --runs 5 --results "$tmp/r.nt" "$kg" > /dev/null 2>&1
t1=$(now)
echo "mlperf, protocol given: $(calc "$t1 - $t0") s"
kill $sim; wait $sim 2>/dev/null || true

n=500
"$bin" sim --link "$tmp/j" -P jsonl --speed 0.0005 > /dev/null & sim=$!
sleep 0.3
t0=$(now)
"$bin" bench --port "$tmp/j" --protocol jsonl --runs $n --results "$tmp/j.nt" "$kg" > /dev/null 2>&1
t1=$(now)
echo "jsonl: $n results recorded (one write + fdatasync each): $(calc "$n / ($t1 - $t0)") results/s"
echo "results file: $(wc -c < "$tmp/j.nt") bytes for $n runs"
t0=$(now)
XDG_DATA_HOME=$tmp/x "$bin" boards "$kg" > /dev/null
t1=$(now)
echo "boards (load graph + sysfs scan): $(calc "$t1 - $t0") s"
