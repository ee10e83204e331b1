#!/usr/bin/env bash
# Installs OpenSSH's server and nftables from Debian (openssh-server, nftables), which the
# firewall-block integration test runs inside a network namespace of its own
# (test/integration/playbook-nftables.test.ts): the nftables.block_address action reaches sshd
# there with the system ssh client and adds the address to a real nft set. Nothing is started here
# (RUNLEVEL=1 keeps the package's service down): the test starts sshd with a config of its own.
# Idempotent; a no-op when both are present.
set -euo pipefail
[ -x /usr/sbin/sshd ] && [ -x /usr/sbin/nft ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "vigil: sshd or nft missing; install openssh-server and nftables as root with apt-get, or the nftables tests will skip" >&2
  exit 0
fi
echo "vigil: installing openssh-server and nftables (apt-get)"
export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
apt-get install -y -qq --no-install-recommends openssh-server nftables >/dev/null 2>&1 || {
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openssh-server nftables >/dev/null
}
