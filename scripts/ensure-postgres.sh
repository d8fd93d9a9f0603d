#!/usr/bin/env bash
# Makes sure the PostgreSQL server the tests use answers on 127.0.0.1:5432,
# starting the local cluster if it is down, and drops databases that earlier
# test runs left behind. Fails when PostgreSQL cannot be had.
set -euo pipefail

PGURL="${STEWARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

ready() { pg_isready -d "$PGURL" -q 2>/dev/null; }

if ! ready; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        for version in $(ls /etc/postgresql); do
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        done
    fi
    for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
if ! ready; then
    echo "PostgreSQL is not reachable at $PGURL; the PostgreSQL tests need it" >&2
    exit 1
fi

# Leftovers of killed runs go; one still in use (a benchmark running beside
# the tests) stays, and is no reason to stop.
psql "$PGURL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'steward\_t\_%' OR datname LIKE 'steward\_bench\_%'" |
    while read -r db; do
        psql "$PGURL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || echo "left $db: it is in use"
    done
echo "PostgreSQL is ready at $PGURL"
