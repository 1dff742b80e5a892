#!/usr/bin/env bash
# Query speed of tinyscope next to Oxigraph on generated TinyML knowledge
# graphs: the three case-study queries and the full model x board
# compatibility matrix (ontology/examples/*.rq). Prints the median
# evaluation time of each query in both engines and the ratio; asserts
# nothing.
#
#   tests/bench/query.sh [SIZE ...]      sizes in triples, default: 100k 1M
#
# BUILD_DIR (default: build) is a built tinyscope build directory; REPEAT
# (default 5) is how many evaluations each median is taken over;
# OXIGRAPH_TIMEOUT (default 240) bounds one Oxigraph query in seconds.
# Oxigraph (the npm package "oxigraph") is installed into
# ${XDG_CACHE_HOME:-~/.cache}/tinyscope-bench when missing; it needs node
# and npm. Without them only tinyscope's figures are printed.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
repeat=${REPEAT:-5}
ox_timeout=${OXIGRAPH_TIMEOUT:-240}
out=$root/tests/bench/out
cache=${XDG_CACHE_HOME:-$HOME/.cache}/tinyscope-bench
tinyscope=$build/tinyscope
kggen=$build/tests/bench/kggen
queries=(case-study-1-boards case-study-2-camera-models case-study-3-yes-no-models
         compatibility-matrix)

if [ ! -x "$tinyscope" ] || [ ! -x "$kggen" ]; then
    echo "query.sh: build first: meson setup build && ninja -C build" >&2
    exit 1
fi
[ $# -eq 0 ] && set -- 100k 1M
mkdir -p "$out" "$cache"

have_oxigraph=false
if command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -d "$cache/node_modules/oxigraph" ]; then
        echo "installing oxigraph into $cache ..." >&2
        npm install --silent --prefix "$cache" oxigraph >/dev/null 2>&1 || true
    fi
    [ -d "$cache/node_modules/oxigraph" ] && have_oxigraph=true
fi
if ! $have_oxigraph; then
    echo "query.sh: oxigraph unavailable (node/npm missing or offline): tinyscope only" >&2
fi

# Oxigraph: load once, then REPEAT evaluations of one query; prints
# "MEDIAN_MS ROWS".
cat >"$out/oxigraph_bench.js" <<'JS'
const fs = require('fs');
const ox = require(process.argv[2] + '/node_modules/oxigraph');
const [, , , dataPath, queryPath, repeatArg] = process.argv;
const store = new ox.Store();
store.load(fs.readFileSync(dataPath, 'utf8'), { format: 'text/turtle',
                                                  base_iri: 'file://' + dataPath });
const query = fs.readFileSync(queryPath, 'utf8');
const times = [];
let rows = 0;
for (let i = 0; i < Number(repeatArg); i++) {
  const t0 = process.hrtime.bigint();
  const r = store.query(query);
  rows = Array.isArray(r) ? r.length : (r ? 1 : 0);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const m = times.length % 2 ? times[(times.length - 1) / 2]
                           : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(m.toFixed(2) + ' ' + rows);
JS

version=$($have_oxigraph && node -e "console.log(require('$cache/node_modules/oxigraph/package.json').version)" || echo "-")
printf '%-6s  %-28s  %12s  %14s  %8s  %s\n' size query "tinyscope ms" "oxigraph $version ms" ratio rows
for size in "$@"; do
    n=${size/k/000}
    n=${n/M/000000}
    data=$out/kg-$size.ttl
    [ -f "$data" ] || "$kggen" --triples "$n" -o "$data" 2>/dev/null
    for q in "${queries[@]}"; do
        file=$root/ontology/examples/$q.rq
        line=$("$tinyscope" query -f "$file" --format tsv --timings --repeat "$repeat" "$data" \
               2>&1 >/dev/null | tail -n 1)
        ts_ms=$(sed -n 's/.*eval=\([0-9.]*\).*/\1/p' <<<"$line")
        ts_rows=$(sed -n 's/.*rows=\([0-9]*\).*/\1/p' <<<"$line")
        ox_ms="-"
        ox_rows="-"
        if $have_oxigraph; then
            if res=$(timeout "$ox_timeout" node "$out/oxigraph_bench.js" "$cache" "$data" "$file" \
                     "$repeat" 2>/dev/null); then
                read -r ox_ms ox_rows <<<"$res"
            else
                ox_ms=">$((ox_timeout * 1000))"
            fi
        fi
        ratio=$(awk -v a="$ts_ms" -v b="$ox_ms" 'BEGIN {
            more = gsub(">", "", b); if (b == "-" || a <= 0) print "-";
            else printf "%s%.1fx", more ? ">" : "", b / a }')
        printf '%-6s  %-28s  %12s  %14s  %8s  %s\n' "$size" "$q" "$ts_ms" "$ox_ms" "$ratio" \
               "$ts_rows/$ox_rows"
    done
done
