#!/usr/bin/env bash
# Installs Debian's Chromium (and a font, so that text renders in screenshots), the real browser
# the console's integration test, its bench and its screenshot script drive headless through
# playwright-core (test/integration/console.test.ts). Nothing is started here. Idempotent; a no-op
# when /usr/bin/chromium is already there.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "vigil: apt-get missing; install Chromium at /usr/bin/chromium for the console tests" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "vigil: installing chromium (apt)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
