# Sourced by scripts/container-check and scripts/package-check: podman with
# its own storage, and a clean Debian 12 base image made with debootstrap
# from this machine's own Debian mirror (a stand-in for Docker Hub's
# debian:bookworm), kept between runs with --cache DIR.
#
# Expects: $cache (a folder, or empty to remove everything on exit) and the
# functions step, fail, now and since. Sets: $work (removed on exit), $store,
# pm (podman on that storage), $tag, $base_image, $base_seconds, $base_size,
# the array containers (removed on exit) and an EXIT trap.

# ---- 1. packages -----------------------------------------------------------
step "packages"
bash scripts/setup.sh  # python3-grpcio and protoc, for the client
packages=(podman runc debootstrap containernetworking-plugins iptables)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
podman --version

# ---- podman set-up: its own storage, runc, file descriptor limits -----------
work="$(mktemp -d /var/tmp/container-check.XXXXXX)"
store="${cache:-$work}"
chmod 755 "$work"
nofile="$(ulimit -Hn)"
# crun fails on this machine's hybrid cgroups; runc works. Without systemd:
# cgroupfs and a file for events.
cat >"$work/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
export CONTAINERS_CONF="$work/containers.conf"
pm() {
  podman --root "$store/storage" --runroot "$store/run" --tmpdir "$store/tmp" "$@"
}

tag="$$"
base_image="localhost/customer-fake-base:bookworm"
containers=()
cleanup() {
  local code=$?
  set +e
  for c in "${containers[@]}"; do pm rm -f -t 0 "$c" >/dev/null 2>&1; done
  # With --cache the images stay: the next build reuses their layers.
  [ -n "$cache" ] || pm rmi -af >/dev/null 2>&1
  # Anything still mounted below $work (debootstrap's /proc after a failure,
  # an overlay) is unmounted, and rm never crosses into another file system.
  awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r |
    xargs -r -n1 umount -l 2>/dev/null
  rm -rf --one-file-system "$work" 2>/dev/null ||
    echo "container-check: could not remove $work" >&2
  exit "$code"
}
trap cleanup EXIT

# ---- 2. base image -----------------------------------------------------------
# The Debian archives this machine's apt uses (Origin: Debian), as
# "URI SUITE COMPONENT" lines.
debian_targets() {
  # shellcheck disable=SC2016  # apt's own $(FIELD) syntax, not the shell's
  apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
    'Identifier: Packages' 'Origin: Debian' | sort -u
}
step "base image: debootstrap --variant=minbase bookworm from this machine's mirror"
if pm image exists "$base_image"; then
  echo "reusing $base_image from $store"
  base_seconds="(cached)"
else
  started=$(now)
  [ -n "$(debian_targets)" ] || apt-get update -qq
  mirror=$(debian_targets | awk '$2 == "bookworm" { print $1; exit }')
  [ -n "$mirror" ] || fail "no Debian bookworm archive among apt's sources"
  echo "mirror: $mirror"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
  # apt inside the image uses the same archives (with updates and security).
  debian_targets | awk '{ c[$1 " " $2] = c[$1 " " $2] " " $3 }
    END { for (k in c) print "deb " k c[k] }' | sort >"$rootfs/etc/apt/sources.list"
  cat "$rootfs/etc/apt/sources.list"
  # Slim like Docker Hub's debian:bookworm-slim: no docs, man pages or
  # translations, now or from packages installed later; copyrights stay.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{info,lintian,locale,man}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/* "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*
  tar -C "$rootfs" --numeric-owner -c . | pm import -q - "$base_image" >/dev/null
  rm -rf "$rootfs"
  base_seconds=$(since "$started")
fi
base_size=$(pm image inspect --format '{{.Size}}' "$base_image")
echo "base image: $((base_size / 1000000)) MB, made in ${base_seconds} s"
