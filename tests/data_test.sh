#!/usr/bin/env bash
# Checks the bundled knowledge-graph files: every .ttl under ontology/ and
# sample-graphs/ loads with `tinyscope --strict` and 0 errors; every Thing
# Description under sample-graphs/td/ is valid JSON with the parts a TD needs
# and states the same board as its Turtle twin in sample-graphs/paper/boards/;
# every term of our namespaces that the sample graphs, the views or (when
# ../shared is there) the published graph use is defined, with a label and a
# comment, in ontology/.
set -u
root="${TS_SOURCE_ROOT:?TS_SOURCE_ROOT not set}"
bin="${TINYSCOPE_BIN:?TINYSCOPE_BIN not set}"
failed=0
checked=0

# The check must be able to fail: a broken file has to be refused.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '<urn:a> <urn:b> "unterminated .\n' >"$tmp/broken.ttl"
if "$bin" --strict "$tmp/broken.ttl" >/dev/null 2>&1; then
    echo "FAIL: tinyscope --strict accepted a broken Turtle file"
    exit 1
fi

while IFS= read -r -d '' f; do
    checked=$((checked + 1))
    out="$("$bin" --strict "$f" 2>&1)"
    rc=$?
    if [ "$rc" -ne 0 ] || ! printf '%s\n' "$out" | grep -q ', 0 errors$'; then
        echo "FAIL: $f (exit $rc)"
        printf '%s\n' "$out" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done < <(find "$root/ontology" "$root/sample-graphs" -name '*.ttl' -print0 | sort -z)

if [ "$checked" -lt 10 ]; then
    echo "FAIL: only $checked Turtle files found under ontology/ and sample-graphs/"
    failed=$((failed + 1))
fi

if ! python3 "$root/tests/data/check_td.py" "$root/sample-graphs"; then
    failed=$((failed + 1))
fi

seed="${TS_SHARED_DIR:-}/seed-kg/semantic_schema"
if [ -d "$seed" ]; then
    python3 "$root/tests/data/check_vocab.py" "$root" "$seed" || failed=$((failed + 1))
else
    echo "note: $seed not present; the published graph's terms are not checked"
    python3 "$root/tests/data/check_vocab.py" "$root" || failed=$((failed + 1))
fi

echo "$checked Turtle files checked, $failed failures"
[ "$failed" -eq 0 ]
