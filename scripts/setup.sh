#!/usr/bin/env bash
# Installs everything splitserve needs on a fresh Debian/Ubuntu machine: system packages, then npm packages.
# Usage: bash scripts/setup.sh [--runtime-only]
#   --runtime-only  skip what only the tests need (python3-xgboost, scipy, statsmodels, boto3, chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_pkgs=(libxgboost0)
test_pkgs=(python3-xgboost python3-boto3 python3-scipy python3-statsmodels python3-prometheus-client chromium)
pkgs=("${runtime_pkgs[@]}")
[ "${1:-}" = "--runtime-only" ] || pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "splitserve setup: these Debian packages are needed but apt-get is not available: ${missing[*]}" >&2
    echo "Install them with your system's package manager (XGBoost 1.7 shared library: libxgboost.so.0), then run this again." >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "splitserve setup: need root to install: ${missing[*]} (run as root or install them yourself)" >&2
      exit 1
    fi
  fi
  echo "splitserve setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node's postinstall would download binaries from outside the npm registry; its npm tarball
# already holds the CPU binaries we use (.npmrc sets onnxruntime-node-install=skip, the env var covers npm versions that ignore it).
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "splitserve setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The dashboard is bundled to static files at install time (no CDN: the machine may be offline).
node scripts/build-ui.mjs

# The tests need PostgreSQL (the server itself does not: SQLite is its default store).
[ "${1:-}" = "--runtime-only" ] || bash scripts/ensure-postgres.sh
