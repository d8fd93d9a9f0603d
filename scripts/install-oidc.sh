#!/bin/sh
# Installs npm's oidc-provider, the real OpenID Connect provider the single
# sign-on tests start (crates/web/tests/api/oidc.rs runs
# crates/web/tests/oidc_provider/provider.mjs with node), from the committed
# package.json and package-lock.json with `npm ci`, into
# crates/web/tests/oidc_provider/node_modules (ignored by git). Does nothing
# when the locked version is there. Installs Debian's nodejs and npm when
# they are missing.
#
#   scripts/install-oidc.sh
#
# Without it the test fails and names this script.
set -eu

cd "$(dirname "$0")/.."
DIR=crates/web/tests/oidc_provider
VERSION=$(sed -n 's/.*"oidc-provider": "\([0-9.]*\)".*/\1/p' "$DIR/package.json")

if [ -f "$DIR/node_modules/oidc-provider/package.json" ] &&
    grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/oidc-provider/package.json" && command -v node >/dev/null 2>&1; then
    echo "oidc-provider $VERSION is installed in $DIR"
    exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    . scripts/apt-install.sh
    apt_install install-oidc nodejs npm
fi
(cd "$DIR" && npm ci --no-audit --no-fund --ignore-scripts)
test -f "$DIR/node_modules/oidc-provider/package.json"
echo "installed oidc-provider $VERSION in $DIR"
