#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then runs the bundled attack sample end to end.
# Pass --keep to leave the services and the pipeline's data in place afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec node bin/vigil.js demo "$@"
