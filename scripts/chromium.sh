#!/usr/bin/env bash
# Make sure Debian's Chromium is installed (for the browser tests of the dashboard) and print its path.
# Installs it with apt-get when it is missing and this runs as root; otherwise exits 1 saying what to do.
# MARSAD_CHROMIUM=/path/to/chromium picks another build. Safe to re-run.
set -euo pipefail

CHROMIUM=${MARSAD_CHROMIUM:-/usr/bin/chromium}

works() { "$1" --version >/dev/null 2>&1; }

if [ -x "$CHROMIUM" ] && works "$CHROMIUM"; then
  echo "$CHROMIUM"
  exit 0
fi
if [ -n "${MARSAD_CHROMIUM:-}" ]; then
  echo "scripts/chromium.sh: MARSAD_CHROMIUM=$MARSAD_CHROMIUM does not run; point it at a Chromium binary" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/chromium.sh: $CHROMIUM is missing; install it as root (apt-get install chromium) and re-run" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "scripts/chromium.sh: $CHROMIUM is missing and there is no apt-get; install Chromium and set MARSAD_CHROMIUM" >&2
  exit 1
fi
echo "scripts/chromium.sh: installing chromium with apt-get…" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq chromium; } >&2; then
  echo "scripts/chromium.sh: apt-get could not install chromium (no network or no such package?)" >&2
  exit 1
fi
if ! [ -x "$CHROMIUM" ] || ! works "$CHROMIUM"; then
  echo "scripts/chromium.sh: chromium was installed but $CHROMIUM does not run" >&2
  exit 1
fi
echo "$CHROMIUM"
