#!/usr/bin/env bash
# Shows that vendor/sqlx-core is the published sqlx-core crate plus
# vendor/sqlx-core-tcp-nodelay.patch and nothing else. The published crate's
# LICENSE-* files are dangling links ("../LICENSE-APACHE"); the vendored copy
# holds the texts they point to, taken from the published `sqlx` crate of the
# same release (the workspace root they link to).
#
#   scripts/check-vendored-sqlx.sh [VENDORED_DIR]
#
# Reads both crates from cargo's registry cache and fetches them with cargo
# (from crates.io) when they are not there. Exits 0 when the copy matches,
# 1 with the differences printed when it does not.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
vendored="${1:-$root/vendor/sqlx-core}"
patch_file="$root/vendor/sqlx-core-tcp-nodelay.patch"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$vendored/Cargo.toml" | head -n 1)"
registry="${CARGO_HOME:-$HOME/.cargo}/registry/cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

find_crate() {
    find "$registry" -maxdepth 2 -name "$1-$version.crate" 2>/dev/null | head -n 1
}

if [[ -z "$(find_crate sqlx-core)" || -z "$(find_crate sqlx)" ]]; then
    # A throwaway project without the workspace's [patch], so cargo
    # downloads the published crates into its cache.
    mkdir -p "$work/fetch/src"
    touch "$work/fetch/src/lib.rs"
    cat >"$work/fetch/Cargo.toml" <<EOF
[package]
name = "fetch-published-sqlx"
version = "0.0.0"
edition = "2021"
[dependencies]
sqlx = { version = "=$version", default-features = false }
sqlx-core = { version = "=$version", default-features = false }
EOF
    (cd "$work/fetch" && cargo fetch --quiet)
fi

tar -xzf "$(find_crate sqlx-core)" -C "$work"
tar -xzf "$(find_crate sqlx)" -C "$work"
published="$work/sqlx-core-$version"
for licence in LICENSE-APACHE LICENSE-MIT; do
    cp "$work/sqlx-$version/$licence" "$published/$licence"
done
(cd "$published" && patch --quiet -p1 <"$patch_file")
if diff -r "$published" "$vendored"; then
    echo "vendor/sqlx-core is sqlx-core $version with $(basename "$patch_file") and the licence texts"
else
    echo "vendor/sqlx-core differs from sqlx-core $version beyond its patch (above)" >&2
    exit 1
fi
