#!/usr/bin/env bash
# `npm test`: type-check, lint, the formatter's check, unit tests, then the end-to-end suite in a real n8n (installed once into .cache/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.json --noEmit
npm run lint --silent
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo 'Not formatted: run npm run format' >&2; exit 1; }
bash scripts/ensure-n8n.sh >/dev/null
results="$(mktemp)"
status=0
npx jest --runInBand --json --outputFile="$results" "$@" || status=$?
# A table of the suites with their times, then one plain summary line any CI can read.
node scripts/test-summary.js "$results" || true
rm -f "$results"
exit "$status"
