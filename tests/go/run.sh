#!/usr/bin/env bash
# tests/go/run.sh FAKE_BIN PROTO_ROOT SCENARIO OUTDIR
#
# MOIA's guide's Go flow (guide/main.go: create, list with PageSize:
# &pageSize, add, list and remove a flag, delete, protojson output), built
# offline from Debian's Go packages by build.sh, run against the fake with
# only the connection set-up being the fake's:
#   1. plaintext;
#   2. plaintext in a namespace of its own (x-fake-namespace);
#   3. TLS, trusting the CA of the fake's --tls-self-signed;
#   4. a flag the scenario does not know: the program fails.
# Ends with "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
[ $# -eq 4 ] || { echo "usage: $0 FAKE_BIN PROTO_ROOT SCENARIO OUTDIR" >&2; exit 2; }
FAKE_BIN=$1 PROTO_ROOT=$2 SCENARIO=$3 OUTDIR=$4
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$HERE/build.sh" "$OUTDIR" "$PROTO_ROOT" || exit 1
CLIENT=$OUTDIR/bin/customer-guide
WORK=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start NAME ARGS...: a fake in the background, its pid kept for cleanup
# (so not in a $(...) subshell, whose pids+= the cleanup would not see).
start() {
  local name=$1; shift
  "$FAKE_BIN" serve --listen 127.0.0.1:0 --scenario "$SCENARIO" \
    --log-level warn "$@" >"$WORK/$name.log" 2>&1 &
  pids+=($!)
}
# address_of NAME: the address the fake NAME listens on, from its log.
address_of() {
  local name=$1
  for _ in $(seq 100); do
    local addr; addr=$(sed -n 's/^listening on //p' "$WORK/$name.log" | head -1)
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    sleep 0.1
  done
  echo "no 'listening on' line:" >&2; cat "$WORK/$name.log" >&2; return 1
}
start plain
start tls --tls-self-signed "$WORK/tls"
ADDR=$(address_of plain) || exit 1
TLS_ADDR=$(address_of tls) || exit 1
# The certificate names localhost: dial it by that name.
TLS_ADDR=localhost:${TLS_ADDR##*:}

passed=0 failed=0
check() {  # NAME WANT_RC VAR=VALUE...
  local name=$1 want=$2; shift 2
  env "$@" "$CLIENT" >"$WORK/out" 2>&1; local rc=$?
  if { [ "$want" = 0 ] && [ $rc = 0 ] && grep -q 'reason=CUSTOMER_NOT_FOUND' "$WORK/out"; } ||
     { [ "$want" != 0 ] && [ $rc != 0 ]; }; then
    passed=$((passed + 1)); echo "PASS $name: $(tail -1 "$WORK/out")"
  else
    failed=$((failed + 1)); echo "FAIL $name (exit $rc, want $want):"; cat "$WORK/out"
  fi
}
check plaintext    0 API_URL="$ADDR" ACCESS_TOKEN=go-guide
check namespace    0 API_URL="$ADDR" ACCESS_TOKEN=go-guide FAKE_NAMESPACE=go-guide
check tls          0 API_URL="$TLS_ADDR" ACCESS_TOKEN=go-guide TLS_CA="$WORK/tls/ca.pem"
check unknown-flag 1 API_URL="$ADDR" ACCESS_TOKEN=go-guide CUSTOMER_FLAG=NO_SUCH_FLAG
echo "$passed passed, $failed failed"
[ $failed = 0 ]
