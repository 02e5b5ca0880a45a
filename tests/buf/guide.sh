#!/usr/bin/env bash
# MOIA's guide "Managing Customers" replayed with `buf curl` against a running
# customer-fake, through server reflection only (no proto files), plus a
# fault rule added through the control service.
#
#   tests/buf/guide.sh HOST:PORT
#
# buf comes from the npm package @bufbuild/buf locked in tests/node (npm ci
# there first). Prints `ok - ...` / `not ok - ...` per check and ends with
# `N passed, N failed`; exit status 1 when a check failed.
set -uo pipefail

ADDRESS=${1:?usage: guide.sh HOST:PORT}
URL="http://$ADDRESS"
NODE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../node" && pwd)"
API=moia.trip.customer.v1.CustomerService
CONTROL=customerfake.control.v1.ControlService
ACCESS_TOKEN=guide-access-token
CUSTOMER_FLAG=AUTONOMOUS_TRIPS_ALLOWED
GUIDE_CUSTOMER='{"email_address":"test-customer@moia.io","family_name":"Customer","given_name":"Test","language_code":"en","phone_number":"+4997259173740"}'
UUID_V4='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; printf '%s\n' "$@" | sed 's/^/    /'; }

# expect NAME COMMAND...: a check that passes when COMMAND succeeds.
expect() {
  local name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name" "buf curl exit code $RC" "$OUT"; fi
}
# expect_ok NAME COMMAND...: the same, and the last call must have succeeded.
expect_ok() {
  local name=$1; shift
  if [[ $RC -eq 0 ]] && "$@"; then ok "$name"; else not_ok "$name" "buf curl exit code $RC" "$OUT"; fi
}

# npx starts node, which starts the Go binary of buf's platform package: a
# second or more per call on a busy machine. The other calls run that binary
# directly (or the package's node wrapper on other platforms).
case "$(uname -sm)" in
  "Linux x86_64") platform=linux-x64 ;;
  "Linux aarch64") platform=linux-aarch64 ;;
  "Darwin arm64") platform=darwin-arm64 ;;
  "Darwin x86_64") platform=darwin-x64 ;;
  *) platform=none ;;
esac
BUF="$NODE_DIR/node_modules/@bufbuild/buf-$platform/bin/buf"
[[ -x "$BUF" ]] || BUF="$NODE_DIR/node_modules/.bin/buf"

# bcurl NAMESPACE PATH [BODY]: one buf curl call; output in $OUT, exit code in $RC.
bcurl() {
  local namespace=$1 path=$2 body=${3-}
  local args=(curl --protocol grpc --http2-prior-knowledge --timeout 10s
              -H "authorization: Bearer $ACCESS_TOKEN" -H "x-fake-namespace: $namespace")
  [[ -n "$body" ]] && args+=(-d "$body")
  OUT=$("$BUF" "${args[@]}" "$URL/$path" 2>&1)
  RC=$?
}

# One node process answers all JSON questions: a line "EXPR<TAB>base64(text)"
# in, a line base64(result) out.
coproc JSON_EVAL {
  exec node -e '
    const rl = require("readline").createInterface({ input: process.stdin });
    rl.on("line", (line) => {
      const [expr, text] = line.split("\t");
      let v;
      try {
        const o = JSON.parse(Buffer.from(text, "base64").toString());
        v = (0, eval)("(o) => " + expr)(o);
      } catch { v = ""; }
      const s = typeof v === "string" ? v : JSON.stringify(v) ?? "";
      process.stdout.write(Buffer.from(s).toString("base64") + "\n");
    });'
}

# json EXPR: the JS expression EXPR evaluated on the JSON in $OUT (as `o`);
# strings print bare, anything else as JSON. Empty when $OUT is not JSON or
# EXPR throws.
json() {
  local answer
  printf '%s\t%s\n' "${1//$'\n'/ }" "$(printf '%s' "$OUT" | base64 -w0)" >&"${JSON_EVAL[1]}"
  read -r -t 10 answer <&"${JSON_EVAL[0]}" || return 1
  printf '%s' "$answer" | base64 -d
}

# detail TYPE VALUE: one error detail, as buf curl prints it (base64 without
# padding; buf decodes only types compiled into it), decoded with `buf
# convert` and the repository's protos/: the README's function.
PROTOS="$NODE_DIR/../../protos"
detail() {
  local v=$2; while ((${#v} % 4)); do v+="="; done
  printf '%s' "$v" | base64 -d |
    "$BUF" convert "$PROTOS" --type "$1" --from -#format=binpb; }
# detail_of TYPE: that detail of the error in $OUT, decoded, as JSON.
detail_of() {
  detail "$1" "$(json "o.details.find(d => d.type === \"$1\").value")"
}

# Server reflection (v1 and v1alpha on the fake), through
# `npx --no-install buf` exactly.
OUT=$(cd "$NODE_DIR" &&
      npx --no-install buf curl --protocol grpc --http2-prior-knowledge --list-methods "$URL" 2>&1)
RC=$?
if [[ $RC -ne 0 ]]; then
  not_ok "npx --no-install buf curl --list-methods (npm ci in tests/node first?)" "$OUT"
  echo "$passed passed, $failed failed"
  exit 1
fi

lists_all() {
  local method
  for method in "$API/"{CreateCustomer,ListCustomers,GetCustomer,DeleteCustomer} \
                "$API/"{AddCustomerFlag,ListCustomerFlags,RemoveCustomerFlag} \
                "$CONTROL/"{AddFaultRule,ListCalls}; do
    grep -qx "$method" <<<"$OUT" || return 1
  done
}
expect_ok "reflection lists the CustomerService and ControlService methods" lists_all

ns="buf-guide-$$"  # a fresh, empty namespace of the fake

# Creating a Customer
bcurl "$ns" "$API/CreateCustomer" "$GUIDE_CUSTOMER"
CUSTOMER_ID=$(json 'o.customer.id')
expect_ok "CreateCustomer returns the guide's customer with a generated id" \
  test "$(json '[o.customer.emailAddress, o.customer.familyName, o.customer.givenName,
                 o.customer.languageCode, o.customer.phoneNumber].join(" ")')" \
       = "test-customer@moia.io Customer Test en +4997259173740" -a -n "$CUSTOMER_ID"
[[ "$CUSTOMER_ID" =~ $UUID_V4 ]] && ok "the id is a UUID v4" || not_ok "the id is a UUID v4" "$CUSTOMER_ID"

# Listing all Customers: 6 in all, pages of 5 following next_page_token.
created=("$CUSTOMER_ID")
for _ in 1 2 3 4 5; do
  bcurl "$ns" "$API/CreateCustomer" "$GUIDE_CUSTOMER"
  created+=("$(json 'o.customer.id')")
done
bcurl "$ns" "$API/ListCustomers" '{"page_size":5}'
listed=$(json 'o.customers.map(c => c.id).join(" ")')
token=$(json 'o.nextPageToken')
expect_ok "ListCustomers {\"page_size\":5} returns the first 5 and a next_page_token" \
  test "$listed" = "${created[*]:0:5}" -a -n "$token"
bcurl "$ns" "$API/ListCustomers" "{\"page_size\":5,\"page_token\":\"$token\"}"
expect_ok "the next page has the last customer and no next_page_token" \
  test "$(json 'o.customers.map(c => c.id).join(" ")')" = "${created[5]}" \
       -a -z "$(json 'o.nextPageToken')"

# Managing Customer Flags
FLAG_BODY="{\"customer_id\":\"$CUSTOMER_ID\",\"flag\":\"$CUSTOMER_FLAG\"}"
bcurl "$ns" "$API/AddCustomerFlag" "$FLAG_BODY"
expect_ok "AddCustomerFlag answers {}" test "$(json 'o')" = "{}"
bcurl "$ns" "$API/ListCustomerFlags" "{\"customer_id\":\"$CUSTOMER_ID\",\"page_size\":5}"
expect_ok "ListCustomerFlags shows the flag" test "$(json 'o.flags')" = "[\"$CUSTOMER_FLAG\"]"
bcurl "$ns" "$API/RemoveCustomerFlag" "$FLAG_BODY"
expect_ok "RemoveCustomerFlag answers {}" test "$(json 'o')" = "{}"
bcurl "$ns" "$API/ListCustomerFlags" "{\"customer_id\":\"$CUSTOMER_ID\",\"page_size\":5}"
expect_ok "ListCustomerFlags is empty again" test "$(json 'o.flags ?? []')" = "[]"

# Deleting a Customer
bcurl "$ns" "$API/DeleteCustomer" "{\"id\":\"$CUSTOMER_ID\"}"
expect_ok "DeleteCustomer answers {}" test "$(json 'o')" = "{}"
bcurl "$ns" "$API/GetCustomer" "{\"id\":\"$CUSTOMER_ID\"}"
expect "GetCustomer of the deleted customer is not_found" \
  test "$RC" -ne 0 -a "$(json 'o.code')" = not_found
expect "its ErrorInfo is CUSTOMER_NOT_FOUND in MOIA's domain, naming the id" \
  test "$(detail_of google.rpc.ErrorInfo)" = \
       "{\"reason\":\"CUSTOMER_NOT_FOUND\",\"domain\":\"trip-api.moia-group.io\",\"metadata\":{\"customer_id\":\"$CUSTOMER_ID\"}}"

# A fault rule through the control service, in a namespace of its own (the
# journal's attempt numbers count equal requests per namespace).
ns="buf-fault-$$"
bcurl "$ns" "$CONTROL/AddFaultRule" \
  '{"yaml":"{method: CreateCustomer, sequence: [{code: UNAVAILABLE, retry_delay: 0.1s}, {code: UNAVAILABLE}, {code: OK}]}"}'
RULE_ID=$(json 'o.id')
expect_ok "AddFaultRule answers the rule's id" test -n "$RULE_ID"
bcurl "$ns" "$API/CreateCustomer" "$GUIDE_CUSTOMER"
expect "CreateCustomer fails with unavailable" test "$RC" -ne 0 -a "$(json 'o.code')" = unavailable
expect "the error carries a google.rpc.RetryInfo of 0.1s" \
  test "$(detail_of google.rpc.RetryInfo)" = '{"retryDelay":"0.100s"}'
codes=unavailable
for _ in 1 2 3 4; do  # retry until it succeeds, as a client would
  sleep 0.1
  bcurl "$ns" "$API/CreateCustomer" "$GUIDE_CUSTOMER"
  if [[ $RC -eq 0 ]]; then codes+=" ok"; break; fi
  codes+=" $(json 'o.code')"
done
expect_ok "retried: unavailable, unavailable, then created" \
  test "$codes" = "unavailable unavailable ok" -a -n "$(json 'o.customer.id')"
bcurl "$ns" "$CONTROL/ListCalls" '{"method":"CreateCustomer"}'
expect_ok "ListCalls shows attempts 1,2,3 with UNAVAILABLE, UNAVAILABLE, OK" \
  test "$(json 'o.calls.map(c => `${c.attempt}:${c.code}`).join(" ")')" \
       = "1:UNAVAILABLE 2:UNAVAILABLE 3:OK"
expect_ok "ListCalls names the rule on the failed attempts" \
  test "$(json 'o.calls.slice(0, 2).map(c => c.faultRule).join(" ")')" = "$RULE_ID $RULE_ID"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
