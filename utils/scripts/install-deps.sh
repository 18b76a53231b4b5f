#!/usr/bin/env bash
# utils/scripts/install-deps.sh: installs what kvd needs to build and test, from Debian.
# Idempotent and quiet when everything is already present.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libevent-dev libjemalloc-dev
  liblua5.1-0-dev lua-cjson lua-bitop
  tcl
  redis-server redis-tools
  python3-redis libhiredis-dev
  clang libclang-rt-14-dev
  python3-celery python3-rq
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# node may come from elsewhere (nodesource, nvm): Debian's only when there is none at all
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's redis-server package starts a system service on 6379; tests never use it.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
  $SUDO service redis-server stop >/dev/null 2>&1 || true
fi

# ioredis and node-redis for tests/clients, at the exact versions of package-lock.json.
# The lock file's hash is kept in node_modules, so an edited lock reinstalls and an
# unchanged one costs nothing (timestamps would lie after a fresh clone).
NODE_DIR=$(cd "$(dirname "$0")/../.." && pwd)/tests/clients/node
lock_sum=$(sha256sum "$NODE_DIR/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$NODE_DIR/node_modules/.kvd-lock.sha256" 2>/dev/null)" != "$lock_sum" ]; then
  echo "install-deps: npm ci in tests/clients/node" >&2
  (cd "$NODE_DIR" && npm ci --silent --no-audit --no-fund)
  echo "$lock_sum" >"$NODE_DIR/node_modules/.kvd-lock.sha256"
fi
