#!/usr/bin/env bash
# The dashboard in Debian's headless chromium (puppeteer-core from npm)
# against the real binary.
#
#   tests/browser/run.sh BINARY PROTOS_DIR ARTIFACTS_DIR
#
# Installs tests/browser's locked packages (npm ci) when node_modules is
# missing or was installed from another package-lock.json, generates the
# Python gRPC modules the test's client imports, and runs
# dashboard.test.mjs (node --test). Screenshots of each view go to
# ARTIFACTS_DIR. scripts/setup.sh installs chromium.
set -euo pipefail

if [[ $# -ne 3 || ! -x "$1" ]]; then
  echo "usage: $0 BINARY PROTOS_DIR ARTIFACTS_DIR" >&2
  exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export BINARY=$(realpath "$1")
PROTOS=$(realpath "$2")
export ARTIFACTS=$(realpath -m "$3")
export GEN_DIR="$ARTIFACTS/python_gen"
mkdir -p "$ARTIFACTS"

if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "not ok - no chromium at ${CHROMIUM:-/usr/bin/chromium}: run scripts/setup.sh" >&2
  exit 1
fi

lock_sum=$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)
stamp="$HERE/node_modules/.installed-from-lock"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]]; then
  echo "# npm ci in tests/browser"
  (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
fi

/usr/bin/python3 -c "import sys; sys.path.insert(0, '$HERE/../python'); import protogen; protogen.generate('$PROTOS', '$GEN_DIR')"

cd "$HERE"
exec node --test --test-concurrency=1 dashboard.test.mjs
