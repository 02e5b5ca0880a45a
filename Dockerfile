# customer-fake as a container image: the fake serving on 0.0.0.0:50051 with
# scenarios/default.yaml, configured through CUSTOMER_FAKE_* variables (every
# flag of `customer-fake serve` has one; see docs/cli.md).
#
#   docker build -t customer-fake .
#   docker run --rm -p 50051:50051 customer-fake
#
# Both stages are Debian 12. BUILD_IMAGE and RUNTIME_IMAGE let a build use a
# locally made base instead (scripts/container-check makes one with
# debootstrap from the machine's own Debian mirror).
#
# VERSION, REVISION and SOURCE become the OCI labels (scripts/image and
# scripts/container-check pass them: VERSION from CMakeLists.txt's project()
# line, REVISION the commit, SOURCE the repository's URL); REVISION is also
# the commit `customer-fake --version` names, since .git is not copied in.
ARG BUILD_IMAGE=debian:bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build: only the customer-fake target, no tests, no benchmarks ----------
FROM ${BUILD_IMAGE} AS build
ARG JOBS=2
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake ninja-build g++ pkg-config dpkg-dev \
      libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev libprotoc-dev protobuf-compiler \
      libabsl-dev libyaml-dev libcpp-httplib-dev libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY protos/ protos/
COPY fake/ fake/
# Here, not earlier: a new commit rebuilds the binary, not the layers above.
ARG REVISION=unknown
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCUSTOMER_FAKE_BUILD_TESTS=OFF -DCUSTOMER_FAKE_BUILD_BENCH=OFF \
      -DCUSTOMER_FAKE_INSTALL=OFF -DCUSTOMER_FAKE_GIT_COMMIT="${REVISION}" \
 && cmake --build /build --target customer-fake -j "${JOBS}" \
 && strip /build/fake/customer-fake
# The Debian packages holding the binary's shared libraries, as
# dpkg-shlibdeps finds them: the runtime stage installs these and no more.
RUN mkdir -p /tmp/shlibs/debian && touch /tmp/shlibs/debian/control \
 && cd /tmp/shlibs \
 && dpkg-shlibdeps -O /build/fake/customer-fake 2>/dev/null \
    | sed -e 's/^shlibs:Depends=//' -e 's/ ([^)]*)//g' | tr ',' '\n' \
    | tr -d ' ' | grep . > /build/runtime-packages \
 && cat /build/runtime-packages

# ---- runtime: the binary, its libraries, the scenarios ----------------------
FROM ${RUNTIME_IMAGE}
COPY --from=build /build/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive xargs -a /tmp/runtime-packages \
      apt-get install -y --no-install-recommends \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
 && useradd --system --uid 10001 --user-group --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin customer-fake \
 && install -d -o 10001 -g 10001 /state
COPY --from=build /build/fake/customer-fake /usr/local/bin/customer-fake
# Baked in; mount a folder of your own on /scenarios to replace them.
COPY scenarios/ /scenarios/
COPY LICENSE /usr/share/doc/customer-fake/copyright
USER 10001:10001
# The binary's own default is loopback; in a container it has to be 0.0.0.0.
# The control service shares the API port unless CUSTOMER_FAKE_CONTROL_LISTEN
# is set.
ENV CUSTOMER_FAKE_LISTEN=0.0.0.0:50051 \
    CUSTOMER_FAKE_SCENARIO=/scenarios/default.yaml
# /state is writable by the fake's user: mount a volume there and set
# CUSTOMER_FAKE_STATE_FILE=/state/state.yaml to keep the sandbox's state.
# The OAuth token endpoint: CUSTOMER_FAKE_OAUTH_LISTEN=0.0.0.0:8080.
# TLS: CUSTOMER_FAKE_TLS_SELF_SIGNED=/state/tls makes (and on later starts
# with a volume there, reuses) a CA and a certificate for localhost,
# 127.0.0.1 and ::1 in /state/tls; clients trust /state/tls/ca.pem
# (CUSTOMER_FAKE_TLS_HOST adds the names they dial). Or mount your own:
# CUSTOMER_FAKE_TLS_CERT, CUSTOMER_FAKE_TLS_KEY, and CUSTOMER_FAKE_TLS_CA for
# the health check (CUSTOMER_FAKE_TLS_SERVER_NAME when the certificate does
# not cover 127.0.0.1).
EXPOSE 50051 8080
STOPSIGNAL SIGTERM
# grpc.health.v1 on the port CUSTOMER_FAKE_LISTEN names; over TLS when the
# fake serves it, since the command reads the same CUSTOMER_FAKE_TLS_*
# variables (the self-signed folder's ca.pem, or CUSTOMER_FAKE_TLS_CA).
HEALTHCHECK --interval=2s --timeout=3s --start-period=10s --retries=3 \
  CMD customer-fake health --addr "127.0.0.1:${CUSTOMER_FAKE_LISTEN##*:}" --timeout 2s || exit 1
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="customer-fake" \
      org.opencontainers.image.description="In-memory fake of MOIA's Trip API CustomerService (gRPC)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENTRYPOINT ["customer-fake"]
CMD ["serve"]
