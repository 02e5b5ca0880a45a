#!/usr/bin/env bash
# Runs the Node/TypeScript (nice-grpc + ts-proto) and buf curl clients
# against customer-fake processes.
#
#   tests/clients.sh BINARY
#
# Installs tests/node's locked packages (npm ci) when node_modules is missing
# or was installed from another package-lock.json, generates and compiles
# the TypeScript definitions, starts `BINARY serve --listen 127.0.0.1:0`,
# runs tests/node/guide.test.ts (node --test) and tests/buf/guide.sh, stops
# the fake with SIGTERM and checks that it exits 0; then the same with a fake
# serving TLS (--tls-self-signed) and tests/node/tls.test.ts, which trusts
# its ca.pem. Ends with `N passed, N failed`; exit status 1 when anything
# failed.
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
# Starts `BINARY serve --listen 127.0.0.1:0 ARGS...`; sets FAKE_PID and
# ADDRESS, or counts a failure and returns 1.
start_fake() {
  rm -f "$WORK/stdout"
  mkfifo "$WORK/stdout"
  "$BINARY" serve --listen 127.0.0.1:0 "$@" <"/dev/null" >"$WORK/stdout" 2>"$WORK/fake.err" &
  FAKE_PID=$!
  exec 3<"$WORK/stdout"
  local first=
  read -r -t 10 -u 3 first
  # Keep draining the fake's stdout so it never blocks on a full pipe.
  cat <&3 >"$WORK/fake.out" &
  exec 3<&-
  if [[ "$first" != "listening on "* ]]; then
    echo "not ok - the fake starts${*:+ ($*)}: first line '$first'"; sed 's/^/    /' "$WORK/fake.err"
    fail 1; return 1
  fi
  ADDRESS=${first#listening on }
  echo "# customer-fake${*:+ $*} listening on $ADDRESS"
}

# SIGTERM: the fake exits 0 (within 10 s).
stop_fake() {
  local what=$1
  kill -TERM "$FAKE_PID"
  for _ in $(seq 100); do
    kill -0 "$FAKE_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$FAKE_PID" 2>/dev/null; then
    echo "not ok - $what exits within 10 s of SIGTERM"; fail 1
  else
    wait "$FAKE_PID"
    local code=$?
    if [[ $code -eq 0 ]]; then
      echo "ok - $what exits 0 on SIGTERM"; pass 1
    else
      echo "not ok - $what exits 0 on SIGTERM: exit code $code"
      sed 's/^/    /' "$WORK/fake.err"; fail 1
    fi
  fi
  FAKE_PID=
}

# node --test on one compiled test file (variables for it before the name),
# counted from its TAP output.
run_node() {
  local file=$1; shift
  echo "# node --test tests/node/${file%.js}.ts"
  (cd "$NODE_DIR" && env "$@" timeout 60 node --test \
     --test-reporter=spec --test-reporter-destination=stdout \
     --test-reporter=tap --test-reporter-destination="$WORK/node.tap" \
     "gen/js/$file") 2>&1 | sed 's/^/  /'
  local node_rc=${PIPESTATUS[0]}
  tap_count() { sed -n "s/^# $1 \([0-9]*\)\$/\1/p" "$WORK/node.tap" 2>/dev/null | tail -1; }
  local node_pass node_fail node_cancelled
  node_pass=$(tap_count pass)
  node_fail=$(tap_count fail)
  node_cancelled=$(tap_count cancelled)
  if [[ -z "$node_pass" || -z "$node_fail" ]]; then
    echo "not ok - node --test $file ended without counts (exit code $node_rc)"
    fail 1
  else
    pass "$node_pass"; fail $((node_fail + ${node_cancelled:-0}))
    if [[ $node_rc -ne 0 && $((node_fail + ${node_cancelled:-0})) -eq 0 ]]; then
      echo "not ok - node --test $file exit code $node_rc"; fail 1
    fi
  fi
  rm -f "$WORK/node.tap"
}

start_fake || finish

# --- Node: nice-grpc with ts-proto definitions -------------------------------
run_node guide.test.js FAKE_ADDRESS="$ADDRESS"

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

stop_fake "the fake"

# --- Node over TLS: the client trusts the self-signed fake's ca.pem ----------
if start_fake --tls-self-signed "$WORK/tls"; then
  # By name, as integrators dial MOIA: the certificate covers localhost.
  run_node tls.test.js FAKE_TLS_ADDRESS="localhost:${ADDRESS##*:}" \
    FAKE_TLS_CA="$WORK/tls/ca.pem"
  stop_fake "the TLS fake"
fi
finish
