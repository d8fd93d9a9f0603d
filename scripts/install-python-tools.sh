#!/usr/bin/env bash
# Installs the API contract tools (pinned) into a venv the contract tests
# use: openapi-spec-validator, schemathesis, openapi-python-client.
# Idempotent and fast when already installed. The venv lives in
# $STEWARD_PY_VENV (default: target/python-tools beside the build output).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${STEWARD_PY_VENV:-$PWD/target/python-tools}"
PINS=(
    "openapi-spec-validator==0.9.0"
    "schemathesis==4.32.5"
    "openapi-python-client==0.29.1"
)
STAMP="$VENV/.pins"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "${PINS[*]}" ]]; then
    exit 0
fi
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    bash scripts/apt-install.sh python3-venv
fi
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
echo "${PINS[*]}" >"$STAMP"
