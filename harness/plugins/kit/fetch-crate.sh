#!/usr/bin/env bash
# fetch-crate.sh NAME VERSION DEST
#
# Puts the published source of the crate NAME at exactly VERSION into DEST,
# using nothing but the cargo client: a throwaway manifest that depends on
# "=VERSION" is resolved with `cargo metadata`, which downloads the crate
# (and, unavoidably, the manifests of its own dependencies) into cargo's
# registry cache and unpacks it; we copy the unpacked tree out of there.
# The registry is whatever cargo is configured to use on this machine.
#
# Shared by the OpenSSL-family peers (openssl-src, boring-sys, aws-lc-sys).
set -euo pipefail
name=$1 version=$2 dest=$3

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/Cargo.toml" <<TOML
[package]
name = "aeslab-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"

[dependencies]
$name = "=$version"
TOML
: > "$work/lib.rs"

meta=$(cargo metadata --quiet --format-version 1 --manifest-path "$work/Cargo.toml")
src=$(printf '%s' "$meta" | python3 -c '
import json, os, sys
name, version = sys.argv[1], sys.argv[2]
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == name and p["version"] == version:
        print(os.path.dirname(p["manifest_path"]))
        break
' "$name" "$version")
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "fetch-crate: cargo did not unpack $name $version" >&2
  exit 1
fi
rm -rf "$dest.tmp"
cp -a "$src" "$dest.tmp"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
