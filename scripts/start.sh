#!/usr/bin/env bash
# `npm start`: a real n8n with this package installed and the demo flows imported, against the fake DingTalk
# unless DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET name a real app. Pass --check to run the demo once and exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
export DINGTALK_N8N_WORK_DIR="${DINGTALK_N8N_WORK_DIR:-$PWD/.demo}"
export DINGTALK_N8N_USER_FOLDER="${DINGTALK_N8N_USER_FOLDER:-$DINGTALK_N8N_WORK_DIR/n8n-user}"
exec npx tsx scripts/start.ts "$@"
