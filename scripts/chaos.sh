#!/usr/bin/env bash
# `npm run chaos`: the fault suite at full length (every stage killed, the broker stopped for
# 60 s, Elasticsearch down for 5 minutes, Redis restarted during playbook runs, a slow sink, a
# broker of a 3-node cluster and stage instances killed under load),
# then one table of every outcome. Faults that hit a service use private instances of it; the
# shared services (`vigil up`) only carry the test's own topics and indices.
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/vigil.js up
report="$(mktemp -t vigil-chaos-XXXXXX.jsonl)"
status=0
VIGIL_CHAOS=full VIGIL_CHAOS_REPORT="$report" npx vitest run test/chaos "$@" || status=$?
node --import tsx --input-type=module -e "
  const { formatChaosTable, readChaosReport } = await import('./test/support/chaos-report.ts');
  console.log('\nFaults (full form)\n' + formatChaosTable(readChaosReport(process.argv[1])));
" "$report"
rm -f "$report"
exit "$status"
