/**
 * Small MaxMind DB files with known entries for the GeoIP tests, built by `geoip/build-mmdb.py`
 * with mmdb-writer (installed by scripts/ensure-mmdb-writer.sh) into a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = join(process.env.VIGIL_MMDB_WRITER_DIR ?? join(homedir(), '.cache/vigil/mmdb-writer'), 'bin/python');
const SCRIPT = fileURLToPath(new URL('./geoip/build-mmdb.py', import.meta.url));

export interface GeoipFixtures {
  dir: string;
  /** GeoLite2-City form: 81.2.69.0/24 London GB (AS20712), 2a02:cf40::/29 NO (AS64512), and 10.0.0.0/8 "AU". */
  city: string;
  /** ip-location-db city form: 89.160.20.0/24 Linköping SE, 2001:218::/32 JP. */
  flatCity: string;
  /** GeoLite2-ASN form, for the networks of `city`. */
  asn: string;
  /**
   * GeoLite2-ASN form, IPv4 only: 81.2.69.0/24 AS65010, and 42.2.0.0/16 AS65099 (what the first
   * 32 bits of 2a02:cf40::/29 read as, were an IPv6 address walked through it).
   */
  asnIpv4: string;
  remove(): void;
}

/**
 * The ECS `geo` of the London record (81.2.69.0/24 in `city`), as Elastic's geoip processor maps
 * it: the first subdivision only, and English names.
 */
export const LONDON_GEO = {
  continent_code: 'EU',
  continent_name: 'Europe',
  country_iso_code: 'GB',
  country_name: 'United Kingdom',
  region_iso_code: 'GB-ENG',
  region_name: 'England',
  city_name: 'London',
  postal_code: 'SW1A',
  timezone: 'Europe/London',
  location: { lat: 51.5142, lon: -0.0931 },
} as const;

/** Whether mmdb-writer is installed (scripts/ensure-mmdb-writer.sh). */
export const canBuildGeoipFixtures = (): boolean => existsSync(PYTHON);

export function buildGeoipFixtures(): GeoipFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-geoip-'));
  execFileSync(PYTHON, [SCRIPT, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    dir,
    city: join(dir, 'city.mmdb'),
    flatCity: join(dir, 'flat-city.mmdb'),
    asn: join(dir, 'asn.mmdb'),
    asnIpv4: join(dir, 'asn-ipv4.mmdb'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
