#!/usr/bin/env bash
# Installs medallion (PyPI, BSD-3), the OASIS TAXII 2.1 reference server, into a virtualenv under
# ~/.cache/vigil/medallion: the real TAXII server the threat-intelligence client is tested against
# (intel/taxii.test.ts, intel/poller.test.ts). Nothing is started here: each test runs
# `medallion` on a free loopback port of its own with a memory backend. Idempotent.
set -euo pipefail
DIR="${VIGIL_MEDALLION_DIR:-$HOME/.cache/vigil/medallion}"
[ -x "$DIR/bin/medallion" ] && exit 0
if ! command -v python3 >/dev/null; then
  echo "vigil: python3 missing; the TAXII tests will skip" >&2
  exit 0
fi
echo "vigil: installing medallion (pip) into $DIR"
mkdir -p "$(dirname "$DIR")"
python3 -m venv "$DIR"
"$DIR/bin/pip" install -q --disable-pip-version-check 'medallion==3.*'
