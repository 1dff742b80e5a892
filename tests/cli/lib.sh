# Helpers for CLI tests: run the real binary, compare outputs, count failures.
# Expects TINYSCOPE_BIN and TS_SOURCE_ROOT in the environment (set by meson).
set -u
TS="${TINYSCOPE_BIN:?}"
DATA="${TS_SOURCE_ROOT:?}/tests/data"
fails=0
checks=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# run CMD...: runs with stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run() {
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

fail() {
    echo "FAIL: $*" >&2
    echo "  stdout: $(head -c 600 "$TMP/out")" >&2
    echo "  stderr: $(head -c 600 "$TMP/err")" >&2
    fails=$((fails + 1))
}

expect_rc() {
    checks=$((checks + 1))
    [ "$rc" -eq "$1" ] || fail "expected exit $1, got $rc (${2:-})"
}

expect_out() {
    checks=$((checks + 1))
    grep -qF -- "$1" "$TMP/out" || fail "stdout lacks '$1'"
}

expect_err() {
    checks=$((checks + 1))
    grep -qF -- "$1" "$TMP/err" || fail "stderr lacks '$1'"
}

expect_no_esc() {
    checks=$((checks + 1))
    if LC_ALL=C grep -q $'\x1b' "$TMP/out" "$TMP/err"; then
        fail "a raw ESC reached the output"
    fi
}

# json_get EXPR: evaluate a Python expression on the JSON in $TMP/out (as j).
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

json_get() {
    "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/out" "$1"
}

expect_json() {
    checks=$((checks + 1))
    local got
    got=$(json_get "$1" 2>&1)
    [ "$got" = "$2" ] || fail "json $1: expected '$2', got '$got'"
}

finish() {
    if [ "$fails" -ne 0 ]; then
        echo "$fails of $checks checks failed" >&2
        exit 1
    fi
    echo "$checks checks passed"
    exit 0
}
