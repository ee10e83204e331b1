#!/usr/bin/env bash
# Installs rsigma (crates.io, MIT), the Sigma engine bench/hunt.ts measures `vigil hunt` against,
# into .vigil/cache/rsigma-<v>/bin. Only bench/hunt.ts runs it; no test needs it. Prints the
# binary's path. Idempotent; the first build takes about 25 minutes on two cores.
set -euo pipefail
exec bash "$(dirname "$0")/cargo-install.sh" rsigma "${VIGIL_RSIGMA_VERSION:-0.23.0}" rsigma
