#!/usr/bin/env bash
# JSON-LD benchmark: converts N Thing Descriptions (default 10,000), one
# document each, with tinyscope and with jsonld.js (the npm package
# `jsonld`, installed into a cache directory when missing) using the same
# local contexts, and prints TDs/s and triples/s for both.
#
# usage: tests/bench/jsonld_td.sh [BUILD_DIR] [N]
# The TD is the paper's (../shared/seed-kg/ssi_web_td.jsonld) when present,
# else the bundled sample-graphs/td/siemens_ssi_web.jsonld.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
n="${2:-10000}"
shared="${TS_SHARED_DIR:-$root/../shared}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tinyscope/bench"

td="$shared/seed-kg/ssi_web_td.jsonld"
[ -f "$td" ] || td="$root/sample-graphs/td/siemens_ssi_web.jsonld"
[ -x "$build/tests/bench_jsonld" ] || { echo "build first: ninja -C $build" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# N documents, each a file of its own naming its own Thing.
python3 - "$td" "$work" "$n" <<'PY'
import re, sys
src, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, encoding='utf-8').read()
top_id = re.compile(r'^(  "id":\s*"[^"]*)"', re.M)
with open(work + '/list', 'w') as out:
    for i in range(n):
        path = '%s/td%05d.jsonld' % (work, i)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(top_id.sub(lambda m: '%s-%d"' % (m.group(1), i), text, count=1))
        out.write(path + '\n')
PY
echo "$n copies of $td"

"$build/tests/bench_jsonld" "$work/list"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "jsonld.js: skipped (node and npm are needed)"
    exit 0
fi
if [ ! -d "$cache/node_modules/jsonld" ]; then
    echo "installing jsonld.js into $cache"
    mkdir -p "$cache"
    npm install --silent --no-audit --no-fund --prefix "$cache" jsonld >/dev/null
fi
node "$root/tests/bench/jsonld_td.mjs" "$cache" "$root/ontology/contexts" "$work/list"
