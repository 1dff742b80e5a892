#!/usr/bin/env bash
# Usage: tests/bench/catalog.sh [BUILD_DIR] [MODELS BOARDS]
# Generates a TinyML graph of MODELS x BOARDS (default 20000 x 2000) with
# kggen and prints the time to build the catalog from the views, to write
# the full matrix as CSV, and to compute one 40x20 screen of cells.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
models="${2:-20000}"
boards="${3:-2000}"
out=tests/bench/out
mkdir -p "$out"
ninja -C "$build" tests/bench/kggen tests/bench/bench_catalog >/dev/null
file="$out/catalog-${models}x${boards}.ttl"
[ -f "$file" ] || "$build/tests/bench/kggen" --models "$models" --boards "$boards" -o "$file"
echo "machine: $(nproc) cores, $(uname -m)"
"$build/tests/bench/bench_catalog" "$file"
