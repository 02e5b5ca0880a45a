#!/usr/bin/env bash
# Installs what is missing, then configures and builds the given preset
# (default: Release). Incremental: quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
bash scripts/setup.sh >&2
[ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >&2
cmake --build --preset "$preset" >&2
