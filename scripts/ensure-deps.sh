#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than the lock file. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "vigil: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
