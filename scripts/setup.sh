#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the clients need.
# Quick when they are all present already: apt is only called for missing ones.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-14 clang-format
  libfuzzer-14-dev libclang-rt-14-dev
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev libprotoc-dev protobuf-compiler
  libabsl-dev libyaml-dev libgtest-dev libgmock-dev libcpp-httplib-dev libssl-dev
  libjemalloc-dev
  python3 python3-grpcio python3-protobuf
  nghttp2-client
  # bench-yaml-scan's comparison row: yaml-cpp, which the fake used before
  # libyaml
  libyaml-cpp-dev
  # the dashboard's browser tests (tests/browser): headless chromium
  chromium
  # scripts/package: the man page (from --help and --version)
  help2man
  # MOIA's guide's Go flow (tests/go): Go, grpc-go and protobuf-go from
  # Debian; protobuf 1.5, not the 1.3 grpc-go pulls in by default, whose
  # codec cannot marshal current generated code.
  golang-go protoc-gen-go-grpc golang-google-protobuf-dev
  golang-github-golang-protobuf-1-5-dev golang-google-grpc-dev
  golang-google-genproto-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages present"
fi

# Node (for the TypeScript and buf clients) comes with the machine image; Debian's
# nodejs is only a fallback, since its npm conflicts with the image's own build.
command -v npm >/dev/null || "${sudo_cmd[@]}" apt-get install -y -qq nodejs npm >/dev/null
