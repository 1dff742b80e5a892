#!/usr/bin/env bash
# Each Turtle file of the published knowledge graph loads with the number of
# statements serdi reports, without errors.
. "$(dirname "$0")/lib.sh"

SEED="${TS_SHARED_DIR:-}/seed-kg/semantic_schema"
if [ ! -d "$SEED" ]; then
    echo "skipped: $SEED not present"
    exit 77
fi
if ! command -v serdi >/dev/null; then
    echo "skipped: serdi not installed"
    exit 77
fi

n=0
for f in "$SEED"/*.ttl; do
    want=$(serdi -i turtle -o ntriples "$f" 2>/dev/null | wc -l)
    run "$TS" stats --strict --format json "$f"
    expect_rc 0 "$f"
    checks=$((checks + 1))
    got=$(json_get 'j["graphs"][0]["statements"]')
    [ "$got" = "$want" ] || fail "$(basename "$f"): $got statements, serdi says $want"
    expect_json 'j["graphs"][0]["errors"]' 0
    n=$((n + 1))
done
checks=$((checks + 1))
[ "$n" -ge 17 ] || fail "expected at least 17 Turtle files, found $n"

# All of them together, as a directory.
run "$TS" --strict "$SEED"
expect_rc 0
expect_out "0 errors"

finish
