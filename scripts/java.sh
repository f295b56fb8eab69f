#!/usr/bin/env bash
# Make sure a Java runtime >= 17 is there for Spark (marsad batch, tests/test_batch.py).
# Prints the JAVA_HOME to use on stdout and exits 0; installs Debian's default-jre-headless
# with apt-get when Java is missing or too old and this runs as root; otherwise exits 1 saying why.
# Usage: export JAVA_HOME=$(bash scripts/java.sh)
set -euo pipefail
NEED=${JAVA_MIN_VERSION:-17}

java_major() {  # the major version of the java executable $1, or nothing
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)\(\.\([0-9][0-9]*\)\)\{0,1\}.*/\1 \3/p' | head -n1 |
    awk '{ if ($1 == 1) print $2; else print $1 }'
}

find_java() {  # the java Spark would start: $JAVA_HOME/bin/java, else the one on PATH
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; return; fi
  command -v java || true
}

java_ok() {
  local j v
  j=$(find_java)
  [ -n "$j" ] || return 1
  v=$(java_major "$j")
  [ -n "$v" ] && [ "$v" -ge "$NEED" ]
}

print_home() {
  local j
  j=$(readlink -f "$(find_java)")
  dirname "$(dirname "$j")"
}

if java_ok; then print_home; exit 0; fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "scripts/java.sh: no Java runtime >= $NEED found (JAVA_HOME=${JAVA_HOME:-unset}, java on PATH: $(command -v java || echo none));" \
       "install one (e.g. apt-get install default-jre-headless) or set JAVA_HOME" >&2
  exit 1
fi

echo "scripts/java.sh: installing default-jre-headless with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
# the JRE's post-install step needs the man page folders that slim images leave out
mkdir -p /usr/share/man/man1
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends default-jre-headless >&2
unset JAVA_HOME
hash -r
if java_ok; then print_home; exit 0; fi
echo "scripts/java.sh: default-jre-headless was installed but no Java >= $NEED is on PATH;" \
     "install a newer JRE (e.g. openjdk-17-jre-headless) or set JAVA_HOME" >&2
exit 1
