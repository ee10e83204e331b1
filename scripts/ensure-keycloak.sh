#!/usr/bin/env bash
# Installs Keycloak (Apache-2.0; the Quarkus distribution from Maven Central, run on the Debian
# Java 17) under ~/.cache/vigil/keycloak, the real identity provider that the keycloak.* library
# actions are tested against (test/integration/keycloak-actions.test.ts, harness
# test/support/keycloak.ts). Nothing is left running: the test starts its own server on free
# loopback ports. Idempotent; a no-op once the distribution is unpacked and built.
set -euo pipefail
VERSION="${VIGIL_KEYCLOAK_VERSION:-26.5.6}"
DIR="${VIGIL_KEYCLOAK_DIR:-$HOME/.cache/vigil/keycloak}"
HOME_DIR="$DIR/keycloak-$VERSION"
# The build-time options the harness starts with (`start --optimized`): an in-memory H2 database
# (a clean server each start, nothing shared between test files) and the health endpoints.
BUILD_OPTS=(--db=dev-mem --health-enabled=true)
MARK="$HOME_DIR/.vigil-built"
[ -f "$MARK" ] && [ "$(cat "$MARK")" = "${BUILD_OPTS[*]}" ] && exit 0
for tool in java mvn unzip; do
  if ! command -v "$tool" >/dev/null; then
    echo "vigil: $tool missing; the Keycloak action tests will skip" >&2
    exit 0
  fi
done
if [ ! -x "$HOME_DIR/bin/kc.sh" ]; then
  echo "vigil: installing Keycloak $VERSION (Maven Central) into $DIR"
  mvn -q dependency:get -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" -Dtransitive=false
  ZIP="$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$VERSION/keycloak-quarkus-dist-$VERSION.zip"
  mkdir -p "$DIR"
  # Unpacked beside the final name and moved into place, so an interrupted run never leaves a half tree.
  TMP="$(mktemp -d "$DIR/.unpack.XXXXXX")"
  unzip -q "$ZIP" -d "$TMP"
  mv "$TMP/keycloak-$VERSION" "$HOME_DIR"
  rmdir "$TMP"
fi
# The Quarkus build (10 s idle, 2 min on a loaded machine) runs here once, not at every start of
# the test's server, and never twice at once from two test files.
echo "vigil: building Keycloak for the tests (${BUILD_OPTS[*]})"
"$HOME_DIR/bin/kc.sh" build "${BUILD_OPTS[@]}" >/dev/null
echo "${BUILD_OPTS[*]}" >"$MARK"
