#!/usr/bin/env bash
# Installs the API contract tools and the feed reader, pinned, into a venv
# the contract tests (crates/web/tests/contract) and the feed's API tests
# (crates/web/tests/api/calendar_feeds.rs) use:
#   openapi-spec-validator  checks the OpenAPI document is valid 3.1
#   schemathesis            fuzzes the live API against the document
#   openapi-python-client   generates a client from it
#   icalendar               reads the change calendar feed (tests/api/calendar_feeds.rs)
#   openpyxl                reads the XLSX exports back (tests/api/exports.rs)
# Idempotent, and quick when the pins are already installed. The venv is
# $STEWARD_PY_VENV (default target/python-tools, beside the build output).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${STEWARD_PY_VENV:-$PWD/target/python-tools}"
PINS=(
    "openapi-spec-validator==0.9.0"
    "schemathesis==4.32.5"
    "openapi-python-client==0.29.1"
    "icalendar==7.3.2"
    "openpyxl==3.1.5"
)
STAMP="$VENV/.pins"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "${PINS[*]}" ]]; then
    exit 0
fi
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    . scripts/apt-install.sh
    apt_install install-python-tools python3-venv
fi
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
echo "${PINS[*]}" >"$STAMP"
echo "install-python-tools: ${PINS[*]} in $VENV"
