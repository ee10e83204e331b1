#!/usr/bin/env bash
# Writes screenshots of the responder console (the incident queue and an incident page) to
# docs/screenshots/ (or $1), from Chromium headless against the API on the local Kafka, Redis and
# Elasticsearch with sample incidents (bench/console.ts --screenshots). Needs `vigil up`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
exec node --import tsx bench/console.ts --screenshots "${1:-docs/screenshots}"
