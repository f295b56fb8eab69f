#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for marsad's tests and benchmarks.
#
# Idempotent: installs the Debian `postgresql` package when no server binaries are
# found, creates a private cluster (trust authentication, loopback only) under
# $MARSAD_PG_DIR (default /tmp/marsad-pg), starts it when it is not running, creates
# the database $MARSAD_PG_DB (default marsad_test) and prints its URL on stdout:
#
#     export MARSAD_TEST_PG="$(scripts/postgres.sh)"
#
# Stop it with:  scripts/postgres.sh stop
set -euo pipefail

PGDIR="${MARSAD_PG_DIR:-/tmp/marsad-pg}"
PORT="${MARSAD_PG_PORT:-54329}"
DB="${MARSAD_PG_DB:-marsad_test}"
log() { echo "postgres.sh: $*" >&2; }

find_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

BIN="$(find_bin || true)"
if [ -z "$BIN" ]; then
    if [ "$(id -u)" != 0 ]; then
        log "PostgreSQL is not installed and this is not root; run: sudo apt-get install -y postgresql"
        exit 1
    fi
    log "installing the Debian postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN="$(find_bin)"
fi

# initdb and postgres refuse to run as root: run them as the `postgres` user when we are root
RUNAS=()
OWNER="$(id -un)"
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    RUNAS=(runuser -u postgres --)
    OWNER=postgres
fi

if [ "${1:-}" = "stop" ]; then
    if [ -f "$PGDIR/data/postmaster.pid" ]; then
        "${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >&2
    fi
    exit 0
fi

mkdir -p "$PGDIR"
chown "$OWNER" "$PGDIR"
if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    log "creating a cluster in $PGDIR/data"
    "${RUNAS[@]}" "$BIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi

if ! "${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$PORT"
    "${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -k $PGDIR -c fsync=on" start >&2
fi

if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
    "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi
echo "postgresql://postgres@127.0.0.1:$PORT/$DB"
