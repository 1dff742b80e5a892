#!/bin/sh
# Time importing the seed models: in process (bench_tflite), as one
# `tinyscope DIR` load of all of them as sources, and as one
# `tinyscope import` process per model. Prints figures; asserts nothing.
#   tests/bench/tflite_import.sh [BUILD_DIR] [MODELS_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
models=${2:-$here/../../../shared/seed-kg/collected_models}
bin=$build/tinyscope
if [ ! -d "$models" ]; then
    echo "no models in $models" >&2
    exit 77
fi
ms() { echo $(( $(date +%s%N) / 1000000 )); }

"$build/tests/bench_tflite" "$models"/*.tflite | tail -1

best=999999
for _ in 1 2 3 4 5; do
    t0=$(ms); "$bin" "$models" >/dev/null; t1=$(ms)
    [ $((t1 - t0)) -lt $best ] && best=$((t1 - t0))
done
echo "$best ms  tinyscope DIR: all models loaded as sources in one process (best of 5)"

t0=$(ms)
n=0
for f in "$models"/*.tflite; do
    "$bin" import "$f" >/dev/null
    n=$((n + 1))
done
t1=$(ms)
echo "$((t1 - t0)) ms  tinyscope import, one process per model ($n processes)"
