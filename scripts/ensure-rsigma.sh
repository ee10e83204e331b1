#!/usr/bin/env bash
# Installs rsigma (crates.io, MIT), the Sigma engine bench/hunt.ts measures `vigil hunt` against,
# built with cargo from its published crate and lock file (`--locked`: its newest dependencies
# need a newer rustc than Debian's) into .vigil/cache/rsigma-<v>/bin. Only bench/hunt.ts runs it;
# no test needs it. Prints the binary's path. Idempotent; the first build takes about 25 minutes
# on two cores.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
V="${VIGIL_RSIGMA_VERSION:-0.23.0}"
DIR="${VIGIL_STATE_DIR:-$ROOT/.vigil}/cache/rsigma-$V"
if [ ! -x "$DIR/bin/rsigma" ]; then
  if ! command -v cargo >/dev/null; then
    echo "vigil: cargo missing; cannot build rsigma $V" >&2
    exit 1
  fi
  echo "vigil: building rsigma $V (cargo install rsigma) into $DIR" >&2
  cargo install --quiet --locked rsigma --version "$V" --root "$DIR" >&2
fi
echo "$DIR/bin/rsigma"
