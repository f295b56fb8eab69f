#!/usr/bin/env bash
# Run `marsad extract` over the dev gold documents of ../shared and score the events.
# Usage: scripts/eval_dev.sh [PIPELINE.toml]   (prints score.py's report; last line strict_f1=… event_f1=…)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${MARSAD_SHARED:-$here/../shared}"
if [ ! -d "$shared/corpus/dev" ]; then
  echo "eval_dev.sh: $shared/corpus/dev not found; set MARSAD_SHARED to the shared folder" >&2
  exit 2
fi
marsad="$here/.venv/bin/marsad"
[ -x "$marsad" ] || marsad="marsad"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat "$shared"/corpus/dev/*.docs.jsonl > "$tmp/d.jsonl"
cat "$shared"/corpus/dev/*.gold.jsonl > "$tmp/g.jsonl"
if [ $# -ge 1 ]; then
  "$marsad" extract --pipeline "$1" "$tmp/d.jsonl" > "$tmp/p.jsonl"
else
  "$marsad" extract "$tmp/d.jsonl" > "$tmp/p.jsonl"
fi
python3 "$shared/eval/score.py" --gold "$tmp/g.jsonl" --pred "$tmp/p.jsonl"
