# Shared by the UI benchmarks that read tinyscope's own trace
# (TINYSCOPE_TRACE): waiting for its lines and reading figures from them.
# Sourced, not run.

# wait_trace TRACE PATTERN COUNT [SECONDS]: until PATTERN occurs COUNT times
# in TRACE (60 s at most, or SECONDS).
wait_trace() {
    local tries=$((${4:-60} * 20))
    for _ in $(seq 1 "$tries"); do
        local n
        n=$(grep -c "$2" "$1" 2>/dev/null)
        if [ "${n:-0}" -ge "$3" ]; then
            return 0
        fi
        sleep 0.05
    done
    echo "timed out waiting for $2 in $1" >&2
    return 1
}

# field NAME: the value of NAME= on stdin lines.
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

# median: of the numbers on stdin, one per line.
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "n/a" }'; }
