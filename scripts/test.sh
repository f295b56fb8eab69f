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
# A loopback PostgreSQL for the store tests: required in CI; elsewhere they skip, saying why, when it cannot start.
if [ -z "${MARSAD_TEST_PG:-}" ]; then
  if ! MARSAD_TEST_PG=$(bash scripts/postgres.sh); then
    if [ -n "${CI:-}" ]; then echo "scripts/test.sh: PostgreSQL could not be started" >&2; exit 1; fi
    echo "scripts/test.sh: warning: PostgreSQL not available; the PostgreSQL store tests will skip" >&2
    MARSAD_TEST_PG=""
  fi
fi
export MARSAD_TEST_PG
# Java >= 17 for the Spark batch tests (tests/test_batch.py): required in CI; elsewhere they skip, saying why.
if JAVA_HOME_FOUND=$(bash scripts/java.sh); then
  export JAVA_HOME="$JAVA_HOME_FOUND"
elif [ -n "${CI:-}" ]; then
  echo "scripts/test.sh: no Java runtime for Spark (see scripts/java.sh)" >&2; exit 1
else
  echo "scripts/test.sh: warning: no Java; the Spark batch tests will skip" >&2
fi
# Debian's Chromium for the dashboard's browser tests (tests/test_web_browser.py): required in CI; elsewhere they skip, saying why.
if ! bash scripts/chromium.sh >/dev/null; then
  if [ -n "${CI:-}" ]; then echo "scripts/test.sh: Chromium could not be installed" >&2; exit 1; fi
  echo "scripts/test.sh: warning: Chromium not available; the browser tests will skip" >&2
fi
.venv/bin/pytest "$@"
