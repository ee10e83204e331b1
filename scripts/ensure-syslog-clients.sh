#!/usr/bin/env bash
# Installs the real syslog clients the integration tests drive (test/integration/syslog-clients.test.ts,
# test/integration/relp.test.ts, bench/ingest-syslog.ts): rsyslog with its TLS (gtls), Kafka
# (omkafka) and RELP (omrelp) modules from Debian, and syslog-ng. Debian's syslog-ng-core and
# rsyslog conflict (both provide system-log-daemon), so syslog-ng-core is unpacked with dpkg-deb
# into .vigil/cache/syslog-ng instead of installed; its shared-library dependencies are ordinary
# packages. Nothing is started: the tests run each client in the foreground with a config of
# their own. Idempotent; a no-op when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."
RSYSLOG_MODULES=/usr/lib/x86_64-linux-gnu/rsyslog
SYSLOG_NG_HOME="${VIGIL_STATE_DIR:-.vigil}/cache/syslog-ng"

need_apt=()
command -v logger >/dev/null || need_apt+=(bsdutils)
command -v rsyslogd >/dev/null || need_apt+=(rsyslog)
[ -e "$RSYSLOG_MODULES/lmnsd_gtls.so" ] || need_apt+=(rsyslog-gnutls)
[ -e "$RSYSLOG_MODULES/omkafka.so" ] || need_apt+=(rsyslog-kafka)
[ -e "$RSYSLOG_MODULES/omrelp.so" ] || need_apt+=(rsyslog-relp)
command -v kcat >/dev/null || need_apt+=(kcat)
for lib in libivykis0 libnet1 libwrap0 libpcre3; do
  dpkg -s "$lib" >/dev/null 2>&1 || need_apt+=("$lib")
done

if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "vigil: syslog clients missing (${need_apt[*]}); install them as root with apt-get, or the client tests will skip" >&2
    exit 0
  fi
  echo "vigil: installing ${need_apt[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$SYSLOG_NG_HOME/usr/sbin/syslog-ng" ] && command -v apt-get >/dev/null; then
  echo "vigil: unpacking syslog-ng-core into $SYSLOG_NG_HOME (it conflicts with rsyslog as a package)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download -qq syslog-ng-core >/dev/null 2>&1) || { apt-get update -qq && (cd "$tmp" && apt-get download -qq syslog-ng-core); }
  mkdir -p "$SYSLOG_NG_HOME.tmp"
  dpkg-deb -x "$tmp"/syslog-ng-core_*.deb "$SYSLOG_NG_HOME.tmp"
  rm -rf "$SYSLOG_NG_HOME" "$tmp"
  mv "$SYSLOG_NG_HOME.tmp" "$SYSLOG_NG_HOME"
fi
