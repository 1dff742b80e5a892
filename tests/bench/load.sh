#!/usr/bin/env bash
# Loading speed and memory of tinyscope on generated TinyML knowledge graphs,
# next to serdi parsing the same file. Prints figures; asserts nothing.
#
#   tests/bench/load.sh [SIZE ...]     sizes in triples, default: 100k 1M
#
# BUILD_DIR (default: build) is a configured and built tinyscope build
# directory; REPEAT (default 3) is how many runs each figure is the best of.
# Needs /usr/bin/time (Debian package "time") and serdi (package "serdi").
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
repeat=${REPEAT:-3}
out=$root/tests/bench/out
tinyscope=$build/tinyscope
kggen=$build/tests/bench/kggen

for tool in /usr/bin/time serdi; do
    if ! command -v "$tool" >/dev/null; then
        echo "load.sh: $tool is missing (apt-get install time serdi)" >&2
        exit 1
    fi
done
if [ ! -x "$tinyscope" ] || [ ! -x "$kggen" ]; then
    echo "load.sh: build first: meson setup build && ninja -C build" >&2
    exit 1
fi
if [ $# -eq 0 ]; then
    set -- 100k 1M
fi
mkdir -p "$out"
# Without a terminal tinyscope loads, prints a summary and exits: that is
# what is timed here, not the interface.
unset TINYSCOPE_SCRIPT

# once CMD...: one run, output discarded, as "WALL_NS CPU_SECONDS PEAK_RSS_KB".
# CPU time (user + system) is the steadier figure on a machine that other
# work shares.
once() {
    local t0 t1 kb cpu
    t0=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$out/time.txt" "$@" </dev/null >/dev/null
    t1=$(date +%s%N)
    read -r kb cpu < <(tail -n 1 "$out/time.txt" | awk '{ print $1, $2 + $3 }')
    echo "$((t1 - t0)) $cpu $kb"
}

# best: the best of the lines "WALL_NS CPU_SECONDS PEAK_RSS_KB" on stdin, as
# "WALL_SECONDS CPU_SECONDS PEAK_RSS_KB".
best() {
    awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 < c { c = $2 }
         NR == 1 || $3 < k { k = $3 }
         END { printf "%.3f %.2f %d\n", w / 1e9, c, k }'
}

# run CMD...: the best of $repeat runs.
run() {
    local i
    for ((i = 0; i < repeat; i++)); do
        once "$@"
    done | best
}

# The cost of starting with nothing to hold: an empty file.
: >"$out/empty.ttl"
read -r _ _ empty_kb < <(run "$tinyscope" --strict "$out/empty.ttl")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)," \
     "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
     "load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
if ldd "$tinyscope" | grep -q libmimalloc; then
    if [ "${MIMALLOC_LARGE_OS_PAGES:-1}" = 1 ]; then
        allocator="mimalloc on 2 MiB pages"
    else
        allocator="mimalloc, MIMALLOC_LARGE_OS_PAGES=$MIMALLOC_LARGE_OS_PAGES"
    fi
else
    allocator="the C library's malloc"
fi
echo "tinyscope $("$tinyscope" --version | awk '{ print $2 }') ($allocator), serdi $(serdi -v 2>&1 | awk '{ print $2; exit }');" \
     "best of $repeat runs; empty load peak RSS $((empty_kb / 1024)) MB"
echo
printf '%-5s %8s %5s | %6s %6s %8s %7s %6s %6s | %6s %6s %8s | %5s %5s\n' \
    size triples MB wall_s cpu_s triples/s peak_MB B/tri dB/tri wall_s cpu_s triples/s ratio cpu_r
status=0
for size in "$@"; do
    file=$out/kg-$size.ttl
    summary=$("$kggen" --triples "$size" --seed 1 -o "$file" 2>&1)
    triples=$(awk '{ print $(NF - 1) }' <<<"$summary")
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
    loaded=$("$tinyscope" --strict "$file" </dev/null | tail -n 1 | awk '{ print $1 }')
    if [ "$loaded" != "$triples" ]; then
        echo "load.sh: tinyscope loaded $loaded triples of $triples" >&2
        status=1
    fi
    # The two alternate, so that both meet the same load from other work.
    : >"$out/ts.txt"
    : >"$out/serdi.txt"
    for ((i = 0; i < repeat; i++)); do
        once "$tinyscope" --strict "$file" >>"$out/ts.txt"
        once serdi -i turtle -o ntriples "$file" >>"$out/serdi.txt"
    done
    read -r load_s load_cpu load_kb < <(best <"$out/ts.txt")
    read -r serdi_s serdi_cpu _ < <(best <"$out/serdi.txt")
    awk -v size="$size" -v n="$triples" -v mb="$mb" -v ls="$load_s" -v lc="$load_cpu" \
        -v lkb="$load_kb" -v ekb="$empty_kb" -v ss="$serdi_s" -v sc="$serdi_cpu" 'BEGIN {
        lr = n / ls; sr = n / ss
        printf "%-5s %8d %5.0f | %6.2f %6.2f %8.0f %7.1f %6.0f %6.0f | %6.2f %6.2f %8.0f | %4.0f%% %4.0f%%\n",
            size, n, mb, ls, lc, lr, lkb / 1024, lkb * 1024 / n, (lkb - ekb) * 1024 / n,
            ss, sc, sr, 100 * lr / sr, (sc > 0 && lc > 0) ? 100 * sc / lc : 0
    }'
done
echo
echo "load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
cat <<'EOF'

Left: `tinyscope --strict FILE` (start, load, print the summary, free, exit);
right: `serdi -i turtle -o ntriples FILE > /dev/null`. Each figure is the best
of its runs; the two programs' runs alternate. cpu_s: user + system time. triples/s: per wall second.
B/tri: peak RSS per triple; dB/tri: the same over an empty run's peak RSS.
ratio: tinyscope's load rate / serdi's parse rate (wall); cpu_r: the same in CPU time.
Targets: ratio >= 50%, dB/tri <= 250.
EOF
exit $status
