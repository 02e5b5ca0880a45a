#!/usr/bin/env bash
# Runs the Node/TypeScript (nice-grpc + ts-proto) and buf curl clients
# against one customer-fake process.
#
#   tests/clients.sh BINARY
#
# Installs tests/node's locked packages (npm ci) when node_modules is missing
# or was installed from another package-lock.json, generates and compiles
# the TypeScript definitions, starts `BINARY serve --listen 127.0.0.1:0`,
# runs tests/node (node --test) and tests/buf/guide.sh, stops the fake with
# SIGTERM and checks that it exits 0. Ends with `N passed, N failed`; exit
# status 1 when anything failed.
set -uo pipefail

if [[ $# -ne 1 || ! -x "$1" ]]; then
  echo "usage: $0 BINARY (the customer-fake executable)" >&2
  exit 2
fi
BINARY=$(realpath "$1")
TESTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_DIR="$TESTS/node"
WORK=$(mktemp -d)
FAKE_PID=

passed=0 failed=0
pass() { passed=$((passed + $1)); }
fail() { failed=$((failed + $1)); }

cleanup() {
  if [[ -n "$FAKE_PID" ]] && kill -0 "$FAKE_PID" 2>/dev/null; then
    kill -KILL "$FAKE_PID" 2>/dev/null
    wait "$FAKE_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # so that cleanup runs when CTest stops us

finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit
}

# --- npm ci when needed ----------------------------------------------------
lock_sum=$(sha256sum "$NODE_DIR/package-lock.json" | cut -d' ' -f1)
stamp="$NODE_DIR/node_modules/.installed-from-lock"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]]; then
  echo "# npm ci in tests/node"
  if (cd "$NODE_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
       >"$WORK/npm.log" 2>&1; then
    echo "$lock_sum" >"$stamp"
  else
    echo "not ok - npm ci in tests/node"; sed 's/^/    /' "$WORK/npm.log"
    fail 1; finish
  fi
fi

# --- ts-proto definitions, compiled with the tests -------------------------
if ! bash "$NODE_DIR/gen.sh" >"$WORK/gen.log" 2>&1; then
  echo "not ok - protoc (ts-proto) and tsc in tests/node"; sed 's/^/    /' "$WORK/gen.log"
  fail 1; finish
fi

# --- the fake ----------------------------------------------------------------
mkfifo "$WORK/stdout"
"$BINARY" serve --listen 127.0.0.1:0 <"/dev/null" >"$WORK/stdout" 2>"$WORK/fake.err" &
FAKE_PID=$!
exec 3<"$WORK/stdout"
first=
read -r -t 10 -u 3 first
# Keep draining the fake's stdout so it never blocks on a full pipe.
cat <&3 >"$WORK/fake.out" &
exec 3<&-
if [[ "$first" != "listening on "* ]]; then
  echo "not ok - the fake starts: first line '$first'"; sed 's/^/    /' "$WORK/fake.err"
  fail 1; finish
fi
ADDRESS=${first#listening on }
echo "# customer-fake listening on $ADDRESS"

# --- Node: nice-grpc with ts-proto definitions -------------------------------
echo "# node --test tests/node/guide.test.ts"
(cd "$NODE_DIR" && FAKE_ADDRESS="$ADDRESS" timeout 60 node --test \
   --test-reporter=spec --test-reporter-destination=stdout \
   --test-reporter=tap --test-reporter-destination="$WORK/node.tap" \
   gen/js/guide.test.js) 2>&1 | sed 's/^/  /'
node_rc=${PIPESTATUS[0]}
tap_count() { sed -n "s/^# $1 \([0-9]*\)\$/\1/p" "$WORK/node.tap" 2>/dev/null | tail -1; }
node_pass=$(tap_count pass)
node_fail=$(tap_count fail)
node_cancelled=$(tap_count cancelled)
if [[ -z "$node_pass" || -z "$node_fail" ]]; then
  echo "not ok - node --test ended without counts (exit code $node_rc)"
  fail 1
else
  pass "$node_pass"; fail $((node_fail + ${node_cancelled:-0}))
  if [[ $node_rc -ne 0 && $((node_fail + ${node_cancelled:-0})) -eq 0 ]]; then
    echo "not ok - node --test exit code $node_rc"; fail 1
  fi
fi

# --- buf curl through server reflection --------------------------------------
echo "# tests/buf/guide.sh"
timeout 60 bash "$TESTS/buf/guide.sh" "$ADDRESS" >"$WORK/buf.log" 2>&1
buf_rc=$?
sed 's/^/  /' "$WORK/buf.log"
counts=$(tail -1 "$WORK/buf.log")
if [[ "$counts" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  pass "${BASH_REMATCH[1]}"; fail "${BASH_REMATCH[2]}"
  if [[ $buf_rc -ne 0 && ${BASH_REMATCH[2]} -eq 0 ]]; then
    echo "not ok - buf/guide.sh exit code $buf_rc"; fail 1
  fi
else
  echo "not ok - buf/guide.sh ended without counts (exit code $buf_rc)"
  fail 1
fi

# --- SIGTERM: the fake exits 0 -----------------------------------------------
kill -TERM "$FAKE_PID"
for _ in $(seq 100); do
  kill -0 "$FAKE_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$FAKE_PID" 2>/dev/null; then
  echo "not ok - the fake exits within 10 s of SIGTERM"; fail 1
else
  wait "$FAKE_PID"
  code=$?
  if [[ $code -eq 0 ]]; then
    echo "ok - the fake exits 0 on SIGTERM"; pass 1
  else
    echo "not ok - the fake exits 0 on SIGTERM: exit code $code"
    sed 's/^/    /' "$WORK/fake.err"; fail 1
  fi
fi
FAKE_PID=
finish
