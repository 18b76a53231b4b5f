#!/usr/bin/env bash
# utils/scripts/install-deps.sh: installs what kvd needs to build and test, from Debian.
# Idempotent and quiet when everything is already present.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libevent-dev libjemalloc-dev
  tcl
  redis-server redis-tools
  clang libclang-rt-14-dev
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's redis-server package starts a system service on 6379; tests never use it.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
$SUDO service redis-server stop >/dev/null 2>&1 || true
