#!/usr/bin/env bash
# Installs nginx from Debian (nginx-light), the TLS reverse proxy that the integration tests put
# in front of the local Elasticsearch (test/integration/es-tls.test.ts): the minimal
# Elasticsearch build has no security plugin, so TLS and API-key checks happen in the proxy.
# Nothing is started here (RUNLEVEL=1 keeps the package's service down): the test runs nginx in
# the foreground with a config of its own. Idempotent; a no-op when nginx is present.
set -euo pipefail
command -v nginx >/dev/null && exit 0
[ -x /usr/sbin/nginx ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "vigil: nginx missing; install nginx-light as root with apt-get, or the Elasticsearch TLS tests will skip" >&2
  exit 0
fi
echo "vigil: installing nginx-light (apt-get)"
export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 || {
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
}
