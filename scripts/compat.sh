#!/usr/bin/env bash
# `npm run test:compat -- <n8n version>`: this package on another n8n version (cached under .cache/n8n-<version> like
# the suite's), installed as Community Nodes does, and a short end-to-end set on it; JSON out, non-zero on a failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="${1:-}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: npm run test:compat -- <n8n version>, e.g. 1.123.81 or 2.41.1" >&2
  exit 2
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
export N8N_VERSION="$version"
export DINGTALK_N8N_WORK_DIR="$PWD/.compat/n8n-$version"
export DINGTALK_N8N_USER_FOLDER="$DINGTALK_N8N_WORK_DIR/n8n-user"
exec npx tsx scripts/compat.ts
