#!/usr/bin/env bash
# Generates the ts-proto (nice-grpc) definitions from the project's protos into
# gen/ts and compiles them together with the tests into gen/js.
# Needs node_modules (npm ci) and /usr/bin/protoc with Debian's well-known
# types under /usr/include.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PROTOS=../../protos

rm -rf gen
mkdir -p gen/ts
/usr/bin/protoc -I"$PROTOS" -I/usr/include \
  --plugin=protoc-gen-ts_proto=./node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out=gen/ts \
  --ts_proto_opt=outputServices=nice-grpc,outputServices=generic-definitions,useExactTypes=false,esModuleInterop=true \
  moia/trip/customer/v1/customer.proto \
  customerfake/control/v1/control.proto \
  google/rpc/status.proto \
  google/rpc/error_details.proto
./node_modules/.bin/tsc -p tsconfig.json
