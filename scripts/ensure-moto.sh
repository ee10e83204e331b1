#!/usr/bin/env bash
# Installs moto's S3-compatible server (PyPI `moto[server]`, Apache-2.0) into a virtualenv under
# ~/.cache/vigil/moto, the real S3 API that the archive sink's integration test writes to
# (test/integration/archive-s3.test.ts), and the IAM API that aws.iam.deactivate_access_key is
# tested against (test/integration/playbook-aws-iam.test.ts). Nothing is started here: the test runs `moto_server` on a
# free loopback port of its own. Idempotent; a no-op when the server is already installed.
set -euo pipefail
DIR="${VIGIL_MOTO_DIR:-$HOME/.cache/vigil/moto}"
[ -x "$DIR/bin/moto_server" ] && exit 0
if ! command -v python3 >/dev/null; then
  echo "vigil: python3 missing; the archive S3 tests will skip" >&2
  exit 0
fi
echo "vigil: installing moto[server] (pip) into $DIR"
mkdir -p "$(dirname "$DIR")"
python3 -m venv "$DIR"
"$DIR/bin/pip" install -q --disable-pip-version-check 'moto[server]==5.*'
