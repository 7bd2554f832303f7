#!/usr/bin/env bash
# `npm test`: type-check, lint, unit tests, then the end-to-end suite in a real n8n (installed once into .cache/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.json --noEmit
npm run lint --silent
bash scripts/ensure-n8n.sh >/dev/null
results="$(mktemp)"
status=0
npx jest --runInBand --json --outputFile="$results" "$@" || status=$?
# One plain summary line any CI can read.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const broken = r.numRuntimeErrorTestSuites; console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken} failed` + (broken ? ` (${broken} test files failed to run)` : ""));' "$results" || true
rm -f "$results"
exit "$status"
