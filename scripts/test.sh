#!/usr/bin/env bash
# `npm test`: installs what is missing, starts the local services it needs (Kafka, Redis,
# Elasticsearch), type-checks, lints, runs every unit and integration test, and stops only
# the services it started itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

started_here=0
if ! node bin/vigil.js status >/dev/null 2>&1; then
  started_here=1
fi
stop_services() {
  if [ "$started_here" = 1 ] && [ -z "${VIGIL_KEEP_SERVICES:-}" ]; then
    node bin/vigil.js down || true
  fi
}
trap stop_services EXIT
node bin/vigil.js up

echo "vigil: type-check"
npx tsc --noEmit
echo "vigil: lint"
npx eslint . --max-warnings 0
npx prettier --check . --log-level warn
echo "vigil: tests"
npx vitest run "$@"
