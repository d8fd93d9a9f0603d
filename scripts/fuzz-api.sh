#!/usr/bin/env bash
# The contract tests with a longer schemathesis budget than CI's: every
# check against a demo server, as an admin and as a requester, on SQLite
# and PostgreSQL. SECONDS_PER_RUN defaults to 300 (the most the contract
# allows per run); BACKENDS narrows it, e.g.
#   BACKENDS=sqlite scripts/fuzz-api.sh
# Each run draws a new seed (SEED=N repeats one); CI uses a fixed one.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-postgres.sh
bash scripts/install-python-tools.sh
STEWARD_FUZZ_SEED="${SEED:-$RANDOM$RANDOM}" STEWARD_FUZZ_SECONDS="${SECONDS_PER_RUN:-300}" \
    cargo nextest run -p steward-web --test contract --profile fuzz \
    -E "test(/schemathesis/) and test(/${BACKENDS:-sqlite|postgres}/)"
