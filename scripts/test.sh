#!/usr/bin/env bash
# Runs every test: unit, integration on SQLite and PostgreSQL, and the
# browser test. Installs and starts what they need first.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-postgres.sh
bash scripts/install-browser.sh
bash scripts/install-mail.sh
bash scripts/install-inventory.sh
bash scripts/install-plugins.sh
bash scripts/install-alertmanager.sh
bash scripts/install-proxy.sh
bash scripts/install-ldap.sh
bash scripts/install-axe.sh
bash scripts/install-oidc.sh
bash scripts/install-python-tools.sh

if ! cargo nextest --version >/dev/null 2>&1; then
    cargo install --locked cargo-nextest
fi
cargo nextest run --workspace --all-targets --no-fail-fast "$@"
