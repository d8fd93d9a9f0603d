#!/bin/sh
# Installs axe-core, the accessibility engine the browser tests inject into
# every page (crates/web/tests/browser/accessibility.rs), from the npm
# registry at a pinned version, into .cache/axe (ignored by git). Does
# nothing when that version is already there.
#
#   scripts/install-axe.sh
#
# The test reads .cache/axe/node_modules/axe-core/axe.min.js (override with
# AXE_CORE_JS); without it the test fails and names this script.
set -eu

VERSION=4.14.1
cd "$(dirname "$0")/.."
DIR=.cache/axe
JS="$DIR/node_modules/axe-core/axe.min.js"

if [ -f "$JS" ] && grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/axe-core/package.json"; then
    echo "axe-core $VERSION is installed in $DIR"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    . scripts/apt-install.sh
    apt_install install-axe npm
fi
mkdir -p "$DIR"
npm install --prefix "$DIR" --no-save --no-audit --no-fund --ignore-scripts "axe-core@$VERSION"
test -f "$JS"
echo "installed axe-core $VERSION in $DIR"
