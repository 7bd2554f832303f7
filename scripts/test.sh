#!/usr/bin/env bash
# `npm test`: type-check, unit tests, then the end-to-end suite in a real n8n (installed once into .cache/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.json --noEmit
npx eslint nodes credentials index.ts
bash scripts/ensure-n8n.sh >/dev/null
npx jest --runInBand "$@"
