#!/usr/bin/env bash
# Installs evtx_dump (crates.io `evtx`, MIT/Apache-2.0), the reference .evtx decoder our reader
# (ingest/parsers/evtx/) is checked against, into .vigil/cache/evtx-dump-<v>/bin. Only
# scripts/evtx-fixtures.py (regenerating test/fixtures/evtx/) and bench/evtx.ts run it; the tests
# read its saved output and need nothing installed. Prints the binary's path. Idempotent; takes a
# few minutes the first time.
set -euo pipefail
exec bash "$(dirname "$0")/cargo-install.sh" evtx "${VIGIL_EVTX_DUMP_VERSION:-0.15.1}" evtx_dump
