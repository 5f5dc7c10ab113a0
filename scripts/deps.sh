#!/usr/bin/env bash
# deps.sh - install what the lab needs and is missing: the Debian packages in
# scripts/apt-packages.txt (lines "pkg" or "pkg arch=amd64"), then the project
# venv (.venv) with the aeslab package.  Idempotent, and quick when nothing
# is missing.  Needs root or sudo only when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=$(dpkg --print-architecture)
missing=()
while read -r pkg rest; do
  case "$pkg" in ''|'#'*) continue ;; esac
  case "$rest" in arch=*) [ "${rest#arch=}" = "$arch" ] || continue ;; esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < scripts/apt-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
stamp=.venv/.aeslab-deps
if [ ! -x .venv/bin/python ]; then
  echo "deps: creating the project venv in .venv"
  python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "deps: installing the aeslab Python package and its dependencies into .venv"
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
