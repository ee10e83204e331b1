#!/usr/bin/env bash
# `cargo-install.sh CRATE VERSION BIN`: builds BIN from the published crate and its lock file
# (`--locked`: the newest dependencies may need a newer rustc than Debian's) into
# .vigil/cache/<BIN>-<VERSION>/bin, unless it is there already, and prints the binary's path.
# The reference tools the benchmarks measure against (evtx_dump, rsigma) come this way.
set -euo pipefail
CRATE="$1" V="$2" BIN="$3"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${VIGIL_STATE_DIR:-$ROOT/.vigil}/cache/${BIN//_/-}-$V"
if [ ! -x "$DIR/bin/$BIN" ]; then
  if ! command -v cargo >/dev/null; then
    echo "vigil: cargo missing; cannot build $BIN $V" >&2
    exit 1
  fi
  echo "vigil: building $BIN $V (cargo install $CRATE) into $DIR" >&2
  cargo install --quiet --locked "$CRATE" --version "$V" --root "$DIR" >&2
fi
echo "$DIR/bin/$BIN"
