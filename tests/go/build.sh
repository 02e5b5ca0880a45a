#!/usr/bin/env bash
# tests/go/build.sh OUTDIR PROTO_ROOT
#
# Builds the Go version of MOIA's customer-management guide (guide/main.go
# beside this script) fully offline on Debian 12, from Debian packages only:
#
#   1. installs the Debian packages it needs (only those missing);
#   2. builds protoc-gen-go from the sources golang-google-protobuf-dev ships
#      -> OUTDIR/bin/protoc-gen-go;
#   3. generates Go code for moia/trip/customer/v1/customer.proto under
#      PROTO_ROOT -> OUTDIR/src/<import path> (import path given with protoc's
#      M option, so the .proto needs no go_package and keeps any it has);
#   4. go build (GOPATH mode, no network) -> OUTDIR/bin/customer-guide.
#
# google.rpc.ErrorInfo comes from Debian's genproto
# (google.golang.org/genproto/googleapis/rpc/errdetails). With
# LOCAL_ERRDETAILS=1, PROTO_ROOT/google/rpc/error_details.proto is generated
# into that import path under OUTDIR/src instead (it shadows genproto's copy;
# google/rpc/status.proto is never generated: grpc-go links genproto's own).
#
# Rerunnable: every step rewrites its outputs. Must run as root when packages
# are missing (apt-get). Each step prints its duration.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 OUTDIR PROTO_ROOT" >&2
  exit 2
fi
mkdir -p "$1"
OUTDIR=$(cd "$1" && pwd)
PROTO_ROOT=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUIDE_DIR=${GUIDE_DIR:-$HERE/guide}
CUSTOMER_PROTO=moia/trip/customer/v1/customer.proto
CUSTOMER_GO_PKG=${CUSTOMER_GO_PKG:-github.com/moia-oss/trip-api/gen/go/moia/trip/customer/v1}
CUSTOMER_GO_NAME=${CUSTOMER_GO_NAME:-customerv1}
ERRDETAILS_GO_PKG=google.golang.org/genproto/googleapis/rpc/errdetails

PACKAGES=(
  golang-go
  protobuf-compiler
  protoc-gen-go-grpc
  golang-google-protobuf-dev
  # 1.5, not the 1.3 that golang-google-grpc-dev pulls in by default: with
  # 1.3, grpc-go's codec cannot marshal messages made by current protoc-gen-go.
  golang-github-golang-protobuf-1-5-dev
  golang-google-grpc-dev
  golang-google-genproto-dev
)

# Timings in pure bash (5.x): EPOCHREALTIME without its dot = microseconds.
now_us() { echo "${EPOCHREALTIME/./}"; }
secs_since() { local d=$(( $(now_us) - $1 )); printf '%d.%01d' $((d / 1000000)) $((d % 1000000 / 100000)); }
step() { step_start=$(now_us); echo "==> $*"; }
step_done() { echo "    $1: $(secs_since "$step_start")s"; }
total_start=$(now_us)

# --- 1. packages ------------------------------------------------------------
step "Debian packages"
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "    installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_install() {
    apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "$@"
  }
  # A fresh machine has no package lists yet: update once, then retry.
  # (Listing the 1-5 package explicitly makes apt pick it over 1-3, and
  # replace 1-3 if that is installed: the two conflict.)
  if ! apt_install "${PACKAGES[@]}"; then
    apt-get update -o DPkg::Lock::Timeout=600
    apt_install "${PACKAGES[@]}"
  fi
else
  echo "    all present"
fi
step_done "packages"

# --- offline Go environment (GOPATH mode) -------------------------------------
export GO111MODULE=off        # GOPATH mode: no go.mod, no module downloads
export GOPROXY=off GOSUMDB=off GOFLAGS=
export GOPATH="$OUTDIR:/usr/share/gocode"   # ours first, Debian's sources second
export GOCACHE=${GOCACHE:-$OUTDIR/.cache/go-build}
export CGO_ENABLED=${CGO_ENABLED:-0}        # static binaries; no gcc needed
export GOMAXPROCS=${GOMAXPROCS:-2}
mkdir -p "$OUTDIR/bin" "$OUTDIR/src" "$GOCACHE"

# --- 2. protoc-gen-go ---------------------------------------------------------
step "build protoc-gen-go (google.golang.org/protobuf $(dpkg-query -W -f='${Version}' golang-google-protobuf-dev))"
go build -o "$OUTDIR/bin/protoc-gen-go" google.golang.org/protobuf/cmd/protoc-gen-go
"$OUTDIR/bin/protoc-gen-go" --version | sed 's/^/    /'
step_done "protoc-gen-go build"

# --- 3. code generation -----------------------------------------------------------
step "protoc: $CUSTOMER_PROTO -> $OUTDIR/src/$CUSTOMER_GO_PKG"
[ -f "$PROTO_ROOT/$CUSTOMER_PROTO" ] || { echo "no $PROTO_ROOT/$CUSTOMER_PROTO" >&2; exit 1; }
M="M$CUSTOMER_PROTO=$CUSTOMER_GO_PKG;$CUSTOMER_GO_NAME"
protos=("$CUSTOMER_PROTO")
rm -rf "${OUTDIR:?}/src/$CUSTOMER_GO_PKG"
if [ "${LOCAL_ERRDETAILS:-0}" = 1 ]; then
  M="$M,Mgoogle/rpc/error_details.proto=$ERRDETAILS_GO_PKG;errdetails"
  protos+=(google/rpc/error_details.proto)
  rm -rf "${OUTDIR:?}/src/$ERRDETAILS_GO_PKG"
elif [ ! -d "/usr/share/gocode/src/$ERRDETAILS_GO_PKG" ]; then
  echo "genproto errdetails missing (golang-google-genproto-dev); rerun with LOCAL_ERRDETAILS=1" >&2
  exit 1
fi
# -I /usr/include: google/protobuf/*.proto (libprotobuf-dev) for imports such
# as duration.proto; protoc knows where their Go code is.
protoc \
  --plugin=protoc-gen-go="$OUTDIR/bin/protoc-gen-go" \
  --plugin=protoc-gen-go-grpc=/usr/bin/protoc-gen-go-grpc \
  -I "$PROTO_ROOT" -I /usr/include \
  --go_out="$OUTDIR/src" --go_opt="$M" \
  --go-grpc_out="$OUTDIR/src" --go-grpc_opt="$M" \
  "${protos[@]}"
# (protoc-gen-go-grpc writes no file for error_details.proto: no service.)
for f in "${protos[@]}"; do
  d=$CUSTOMER_GO_PKG; [ "$f" = "$CUSTOMER_PROTO" ] || d=$ERRDETAILS_GO_PKG
  ls "$OUTDIR/src/$d"/*.go | sed "s|^$OUTDIR/|    |"
done
step_done "codegen"

# --- 4. the program -----------------------------------------------------------
step "go build $GUIDE_DIR -> $OUTDIR/bin/customer-guide"
# GOPATH mode refuses an absolute path as a package; "." in the folder works.
(cd "$GUIDE_DIR" && go build -o "$OUTDIR/bin/customer-guide" .)
step_done "go build"

echo "==> done in $(secs_since "$total_start")s: $OUTDIR/bin/customer-guide"
