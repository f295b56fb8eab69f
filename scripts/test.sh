#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine and run the whole suite.
# Used by the README and by .ci/run. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"

.venv/bin/ruff check src tests scripts
export MARSAD_TEST_PG="${MARSAD_TEST_PG:-$(bash scripts/postgres.sh || true)}"  # a loopback PostgreSQL for the store tests (they skip, saying why, when empty)
.venv/bin/pytest "$@"
