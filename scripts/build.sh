#!/usr/bin/env bash
# Installs what is missing, then configures and builds the given preset
# (default: Release): every target, or only the targets named after it
# (scripts/build.sh default customer-fake). Incremental: quick when nothing
# changed.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
bash scripts/setup.sh >&2
[ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >&2
shift $(( $# > 0 ? 1 : 0 ))
cmake --build --preset "$preset" ${1:+--target "$@"} >&2
