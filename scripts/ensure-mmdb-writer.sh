#!/usr/bin/env bash
# Installs mmdb-writer (PyPI, MIT) into a virtualenv under ~/.cache/vigil/mmdb-writer: the writer
# test/support/geoip/build-mmdb.py uses to build small MaxMind DB files with known entries for the
# GeoIP enrichment tests (ingest/enrich/geoip/). Idempotent.
set -euo pipefail
DIR="${VIGIL_MMDB_WRITER_DIR:-$HOME/.cache/vigil/mmdb-writer}"
[ -x "$DIR/bin/python" ] && "$DIR/bin/python" -c 'import mmdb_writer' 2>/dev/null && exit 0
if ! command -v python3 >/dev/null; then
  echo "vigil: python3 missing; the GeoIP fixture tests will skip" >&2
  exit 0
fi
echo "vigil: installing mmdb-writer (pip) into $DIR"
mkdir -p "$(dirname "$DIR")"
python3 -m venv "$DIR"
"$DIR/bin/pip" install -q --disable-pip-version-check 'mmdb-writer==0.2.*'
