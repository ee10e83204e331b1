#!/usr/bin/env bash
# Installs evtx_dump (crates.io `evtx`, MIT/Apache-2.0), the reference .evtx decoder our reader
# (ingest/parsers/evtx/) is checked against, built with cargo from its published crate and lock
# file into .vigil/cache/evtx-dump-<v>/bin. Only scripts/evtx-fixtures.py (regenerating
# test/fixtures/evtx/) and bench/evtx.ts run it; the tests read its saved output and need nothing
# installed. Prints the binary's path. Idempotent; takes a few minutes the first time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
V="${VIGIL_EVTX_DUMP_VERSION:-0.15.1}"
DIR="${VIGIL_STATE_DIR:-$ROOT/.vigil}/cache/evtx-dump-$V"
if [ ! -x "$DIR/bin/evtx_dump" ]; then
  if ! command -v cargo >/dev/null; then
    echo "vigil: cargo missing; cannot build evtx_dump $V" >&2
    exit 1
  fi
  echo "vigil: building evtx_dump $V (cargo install evtx) into $DIR" >&2
  cargo install --quiet --locked evtx --version "$V" --root "$DIR" >&2
fi
echo "$DIR/bin/evtx_dump"
