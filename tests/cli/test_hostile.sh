#!/usr/bin/env bash
# Terminal safety: labels crafted to move the cursor, clear the screen, set
# the title, change colours or reorder text reach a terminal escaped, in
# tables and in CSV/TSV written to a terminal; files and pipes get the data
# byte for byte; JSON stays valid whatever bytes a file name holds.
. "$(dirname "$0")/lib.sh"
H="$DATA/hostile.ttl"

# bad_bytes FILE: fails when FILE holds anything a terminal would act on:
# C0 controls but newline and tab (and CR before LF), DEL, C1 controls,
# bidirectional controls, or bytes that are not UTF-8.
bad_bytes() {
    "$PY" - "$1" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
try:
    text = data.decode('utf-8')
except UnicodeDecodeError as e:
    sys.exit('not UTF-8 at byte %d' % e.start)
text = text.replace('\r\n', '\n')
bad = re.search('[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]', text)
if bad:
    sys.exit('raw %r at %d' % (bad.group(), bad.start()))
PY
}

expect_clean() {
    checks=$((checks + 1))
    local why
    why=$(bad_bytes "$TMP/out" 2>&1) || fail "$1: stdout: $why"
    why=$(bad_bytes "$TMP/err" 2>&1) || fail "$1: stderr: $why"
}

# on_tty CMD...: run CMD with stdout on a pseudo-terminal (stderr a file);
# what the terminal received lands in $TMP/out.
on_tty() {
    "$PY" - "$TMP/out" "$@" 2>"$TMP/err" <<'PY'
import os, pty, sys
out = open(sys.argv[1], 'wb')
pid, fd = pty.fork()
if pid == 0:
    # no echo, no output processing: the bytes as the program wrote them
    import termios
    attrs = termios.tcgetattr(1)
    attrs[1] &= ~termios.OPOST
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(1, termios.TCSANOW, attrs)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.execvp(sys.argv[2], sys.argv[2:])
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out.write(chunk)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
PY
    rc=$?
}

# Tables: every label shown, escaped.
for cmd in devices models; do
    run "$TS" "$cmd" "$H"
    expect_rc 0 "$cmd"
    expect_clean "$cmd table"
done
run "$TS" devices "$H"
expect_out 'Cursor\e[2J\e[H\e[10;10Hmoved\rover'
expect_out 'Title\e]0;pwned\x07set\e]2;owned\e\end'
run "$TS" models "$H"
expect_out 'Colour\e[41;97mred\u009B31mcsi'
expect_out 'Bidi\u202Eevil\u202C\u2066iso\u2069\u200Fend'
# The loader's message about bytes that are not UTF-8 names the place.
expect_err 'hostile.ttl:15:'

run "$TS" query -e 'SELECT ?label WHERE { ?s ?p ?label FILTER(isLiteral(?label)) }' "$H"
expect_rc 0 "query table"
expect_clean "query table"
expect_out 'Colour\e[41;97mred\u009B31mcsi'

# CSV and TSV on a terminal pass the sanitiser, lines and fields intact.
for cmd in devices models; do
    on_tty "$TS" "$cmd" --format csv "$H"
    expect_rc 0 "$cmd csv on a tty"
    expect_clean "$cmd csv on a tty"
done
# matrix and fits write their records through the same gate.
for cmd in "matrix --format csv" "matrix --format json"; do
    on_tty "$TS" $cmd "$H"
    expect_rc 0 "$cmd on a tty"
    expect_clean "$cmd on a tty"
done
on_tty "$TS" models --format csv "$H"
expect_out 'Colour\e[41;97mred\u009B31mcsi,'
for fmt in csv tsv json; do
    on_tty "$TS" query --format "$fmt" -e 'SELECT ?label WHERE { ?s ?p ?label FILTER(isLiteral(?label)) }' "$H"
    expect_rc 0 "query $fmt on a tty"
    expect_clean "query $fmt on a tty"
done
on_tty "$TS" query --format tsv -e 'SELECT ?a ?b WHERE { ?a ?p ?b } LIMIT 2' "$H"
checks=$((checks + 1))
grep -q $'\t' "$TMP/out" || fail "TSV on a tty lost its tabs"

# Files and pipes get the data itself.
run "$TS" models --format csv "$H"
checks=$((checks + 1))
grep -qF $'Colour\e[41;97mred\xc2\x9b31mcsi' "$TMP/out" || fail "CSV to a pipe is not byte-exact"
run "$TS" query --format tsv -e 'SELECT ?label WHERE { ?s ?p ?label FILTER(isLiteral(?label)) }' "$H"
checks=$((checks + 1))
grep -qF $'Bidi\xe2\x80\xaeevil' "$TMP/out" || fail "TSV to a pipe is not byte-exact"

# JSON stays JSON: a .tflite file name that is not UTF-8 and carries ESC.
bad_name=$(printf 'model\xff\xfe\x1b[31m.tflite')
cp "$TS_SOURCE_ROOT/tests/fuzz/corpus/tflite/conv_fc.tflite" "$TMP/$bad_name"
run "$TS" models --format json "$TMP/$bad_name"
expect_rc 0 "models json"
checks=$((checks + 1))
"$PY" -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); assert d[0]["name"].startswith("model\ufffd\ufffd\x1b[31m"), d[0]["name"]' \
    "$TMP/out" 2>"$TMP/why" || fail "models json: $(cat "$TMP/why")"
run "$TS" models "$TMP/$bad_name"
expect_rc 0 "models table"
expect_clean "models table, odd file name"
expect_out 'model\xFF\xFE\e[31m'
run "$TS" matrix --format json "$TMP/$bad_name" "$H"
expect_rc 0 "matrix json"
checks=$((checks + 1))
"$PY" -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$TMP/out" 2>"$TMP/why" ||
    fail "matrix json is not JSON: $(tail -1 "$TMP/why")"

finish
