#!/usr/bin/env bash
# wheelhouse.sh DIR [ARCH...] - download every Python package the lab's venv
# needs (pyproject.toml: dependencies, the dev extra, the build backend) as
# wheels into DIR, for hosts that cannot reach a package index.  Point the
# playbooks at it with aeslab_wheelhouse=DIR: the build role copies it to each
# host and `make deps` installs from it with no index.
#
# ARCH (x86_64, aarch64; default: this machine's) picks the wheels' platform;
# for another architecture than this one, wheels are chosen for CPython
# $PYVER (default 3.11, Debian bookworm's) on manylinux.  Needs pip and the
# package index on this machine only.
set -euo pipefail
dir=${1:?usage: wheelhouse.sh DIR [ARCH...]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${PYTHON:-$root/.venv/bin/python}
[ -x "$py" ] || py=python3
pyver=${PYVER:-3.11}
here=$(uname -m)
[ $# -gt 0 ] || set -- "$here"

mapfile -t reqs < <("$py" - "$root/pyproject.toml" <<'PY'
import sys
try:
    import tomllib
except ImportError:          # Python < 3.11
    import tomli as tomllib
with open(sys.argv[1], "rb") as f:
    p = tomllib.load(f)
reqs = list(p["project"].get("dependencies", []))
reqs += p["project"].get("optional-dependencies", {}).get("dev", [])
reqs += p.get("build-system", {}).get("requires", []) + ["wheel"]
print("\n".join(reqs))
PY
)
mkdir -p "$dir"
for arch in "$@"; do
  if [ "$arch" = "$here" ]; then
    "$py" -m pip download -q --disable-pip-version-check -d "$dir" "${reqs[@]}"
  else
    "$py" -m pip download -q --disable-pip-version-check -d "$dir" --only-binary=:all: \
      --implementation cp --python-version "$pyver" \
      --platform "manylinux2014_$arch" --platform "manylinux_2_28_$arch" --platform "manylinux_2_34_$arch" \
      "${reqs[@]}"
  fi
done
echo "wheelhouse: $(find "$dir" -name '*.whl' | wc -l) wheels in $dir"
