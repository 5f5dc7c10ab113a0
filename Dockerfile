# aeslab in a container: the harness, the own kernels and (by default) every
# peer library that builds from source, verified by `aesbench list` while the
# image is built.  Multi-arch: the same file builds natively on amd64 and
# arm64 (the build runs `make` for the architecture it runs on; nothing is
# cross-compiled).
#
#   docker build -t aeslab .                          # all peers (~20 min on 2 cores)
#   docker build --build-arg PEERS=none -t aeslab .   # own kernels + distro libraries only
#   docker buildx build --platform linux/amd64,linux/arm64 -t aeslab .
#   docker run --rm -v "$PWD/results:/results" --hostname "$(hostname)" aeslab
#
# podman and buildah read the same file (`podman build`, `buildah bud`).
# The run-time user is the unprivileged `aeslab` (uid 10001); results go to
# /results, a folder or volume mounted there, under the machine id of the
# host (a container has its host's CPU, hence its machine id: its runs sit
# beside the host's own in results/<machine-id>/).  See docs/fleet.md.

# Any Debian bookworm image; the CI test passes one it made with debootstrap.
ARG BASE=debian:bookworm
FROM ${BASE}

# PEERS=all builds every peer library from source (OpenSSL newest, BoringSSL,
# AWS-LC, the Linux-derived code; their sources come from crates and Debian
# packages at build time and stay in a build cache, but the plugins built from
# them are in the image: mind their licences, see README, before publishing
# one).  PEERS=none leaves those out: own kernels and distro-packaged peers.
ARG PEERS=all
ARG MAKE_JOBS=2
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
    PATH=/opt/aeslab/.venv/bin:/opt/aeslab/build:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /opt/aeslab

# Debian packages first, in a layer of their own that only changes with the
# package list.  The list is the lab's own (scripts/apt-packages.txt), less the
# tools that only the tests on a developer machine use (container build, test
# SSH hosts, headless browser, debugger, valgrind, the arm64 cross toolchain
# and emulator); peers built from source also need a Rust toolchain recent
# enough for the sparse crates index (bookworm's cargo-web), CMake and ninja.
COPY scripts/apt-packages.txt /tmp/apt-packages.txt
RUN set -eu; \
    arch=$(dpkg --print-architecture); \
    pkgs=$(awk -v arch="$arch" ' \
        /^[ \t]*(#|$)/ { next } \
        $2 ~ /^arch=/ && $2 != "arch=" arch { next } \
        $1 ~ /^(buildah|debootstrap|openssh-server|chromium|gdb|valgrind|qemu-user.*)$/ { next } \
        $1 ~ /-(aarch64-linux-gnu|arm64-cross)$/ { next } \
        { print $1 }' /tmp/apt-packages.txt); \
    case "$PEERS" in \
      all) pkgs="$pkgs cargo-web cmake ninja-build perl" ;; \
      none) ;; \
      *) echo "PEERS must be all or none, not '$PEERS'" >&2; exit 2 ;; \
    esac; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends ca-certificates $pkgs; \
    apt-get clean; \
    rm -f /tmp/apt-packages.txt

# The project venv with the Python dependencies and the build backend, in a
# layer that only changes with pyproject.toml (the project itself is installed
# further down, without a download).
COPY pyproject.toml /opt/aeslab/pyproject.toml
RUN set -eu; \
    python3 -m venv /opt/aeslab/.venv; \
    python3 -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb")); print("\n".join(p["project"]["dependencies"] + p["build-system"]["requires"] + ["wheel"]))' \
      | xargs -d '\n' /opt/aeslab/.venv/bin/pip install -q --no-cache-dir --disable-pip-version-check

# The source, then the build.  The aeslab package is installed in place (as
# `make deps` does) so that it finds build/aesbench beside it; the stamp tells
# scripts/deps.sh that the venv is done.  .git comes along (it is small) so
# that results name the commit they were measured at; it is marked safe for
# the run-time user, who does not own it (`git -C /`: from a git worktree,
# .git is only a pointer to a folder outside the build context, and git
# refuses any command run inside such a tree - the image is then built
# without a commit, and its results say so).  `aesbench list` verifies every
# implementation (CAVP vectors, differential and tamper checks): a failure
# fails the image.
COPY . /opt/aeslab
RUN --mount=type=cache,target=/root/.cache/aeslab,sharing=locked \
    set -eu; \
    .venv/bin/pip install -q --no-cache-dir --disable-pip-version-check --no-deps --no-build-isolation -e .; \
    touch .venv/.aeslab-deps; \
    git -C / config --system --add safe.directory /opt/aeslab; \
    if [ "$PEERS" = none ]; then peers="OPTIONAL_PLUGINS="; else peers=""; fi; \
    make -j"$MAKE_JOBS" build $peers; \
    rm -rf build/obj; \
    aesbench list; \
    aesbench list --json | python3 -c 'import json, sys; bad = [i["name"] + " " + i["alg"] + ": " + i["status"] for i in json.load(sys.stdin) if i["status"] not in ("pass", "unsupported", "baseline")]; print("\n".join(bad)); sys.exit(1 if bad else 0)'; \
    rm -rf /var/lib/apt/lists/*

# Run time: an unprivileged user; results go to /results, where the user
# mounts a folder or volume (-v "$PWD/results:/results").  No VOLUME line: it
# would only hide a forgotten -v behind an anonymous volume.
RUN useradd --create-home --uid 10001 --user-group --shell /bin/bash aeslab \
    && mkdir -p /results && chown aeslab:aeslab /results
USER aeslab
LABEL org.opencontainers.image.title="aeslab" \
      org.opencontainers.image.description="AES-GCM and AES-XTS benchmarking lab: own kernels beside peer libraries, verified before timing"
CMD ["aeslab", "run", "--preset", "quick", "--results", "/results"]
