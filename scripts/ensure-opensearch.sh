#!/usr/bin/env bash
# Installs OpenSearch (Apache-2.0) from its Maven integ-test zip into .vigil/cache/opensearch-<v>,
# beside the Kafka and Elasticsearch the services install: the real cluster the opensearch sink's
# integration test indexes into (test/integration/opensearch-sink.test.ts). Nothing is started
# here: the test runs it on free loopback ports of its own (test/support/opensearch.ts).
# 2.x because 3.x needs Java 21 and the services run on Java 17. The zip carries only the
# transport-netty4 module, which is all bulk indexing and search need. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
V="${VIGIL_OPENSEARCH_VERSION:-2.19.6}"
CACHE="${VIGIL_STATE_DIR:-$ROOT/.vigil}/cache"
HOME_DIR="$CACHE/opensearch-$V"
[ -x "$HOME_DIR/bin/opensearch" ] && exit 0
for cmd in java mvn unzip; do
  if ! command -v "$cmd" >/dev/null; then
    echo "vigil: $cmd missing; the OpenSearch sink integration test will skip" >&2
    exit 0
  fi
done
echo "vigil: installing OpenSearch $V (Maven integ-test zip) into $HOME_DIR"
mvn -q dependency:get -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$V:zip" -Dtransitive=false
ZIP="$HOME/.m2/repository/org/opensearch/distribution/integ-test-zip/opensearch/$V/opensearch-$V.zip"
mkdir -p "$CACHE"
TMP="$(mktemp -d "$CACHE/opensearch-unzip.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
unzip -q "$ZIP" -d "$TMP"
# Readable by the unprivileged user it runs as (it refuses to run as root).
chmod -R a+rX "$TMP/opensearch-$V"
# A concurrent install may have finished first: theirs is as good as ours.
mv -T "$TMP/opensearch-$V" "$HOME_DIR" 2>/dev/null || [ -x "$HOME_DIR/bin/opensearch" ]
