/**
 * `enrich.geoip.geo: dbip-city`: DB-IP's IP to City Lite, installed by scripts/ensure-geoip-city.sh
 * (run by scripts/ensure-deps.sh; run here too, a no-op once installed). Expected values are read
 * from the database files themselves, so a newer release does not break the test; what is
 * asserted is where they land in ECS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'mmdb-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabases, openGeo, openSharedDatabases } from './databases.js';
import { enrichEvent } from './enrich.js';
import { GeoipLookup } from './lookup.js';
import { dbipCityPaths } from './named.js';

type CityRecord = { city: string; state1: string; country_code: string; latitude: number; longitude: number };
const recordIn = (file: string, ip: string) =>
  new Reader<Record<string, unknown>>(readFileSync(file)).get(ip) as unknown as CityRecord | null;

describe('the DB-IP City Lite database (enrich.geoip.geo: dbip-city)', () => {
  let installed: string[];
  let db: ReturnType<typeof openDatabases>;
  beforeAll(() => {
    installed = execFileSync('bash', ['scripts/ensure-geoip-city.sh'], { encoding: 'utf8', timeout: 300_000 }).trim().split('\n');
    db = openDatabases({ geo: 'dbip-city' });
  }, 300_000);

  it('is installed where the name resolves to', () => {
    expect(installed).toEqual(dbipCityPaths());
  });

  it('gives 8.8.8.8 the city, region and location the IPv4 file holds, in ECS', () => {
    const [v4] = dbipCityPaths();
    const record = recordIn(v4!, '8.8.8.8')!;
    expect(record.city).not.toBe('');
    const event = { source: { ip: '8.8.8.8' } };
    enrichEvent(event, new GeoipLookup(db.geo, db.asn, 10));
    expect(event.source).toMatchObject({
      geo: {
        country_iso_code: record.country_code,
        region_name: record.state1,
        city_name: record.city,
        location: { lat: record.latitude, lon: record.longitude },
      },
      as: { number: 15169 },
    });
  });

  it('looks IPv6 addresses up in the IPv6 file, not as IPv4 in the IPv4 file', () => {
    const [v4, v6] = dbipCityPaths();
    const record = recordIn(v6!, '2606:4700:4700::1111')!;
    expect(db.geo.lookup('2606:4700:4700::1111')).toMatchObject({ city_name: record.city, country_iso_code: record.country_code });
    // The IPv4-only file alone answers nothing for an IPv6 address (its first 32 bits are no IPv4 address).
    expect(openGeo(v4!).lookup('2606:4700:4700::1111')).toBeUndefined();
  });

  it('gives a frame worker the same answers from shared memory', () => {
    const worker = openSharedDatabases({ geo: db.geo.shared, asn: db.asn.map((a) => a.shared) });
    for (const ip of ['1.1.1.1', '8.8.8.8', '2001:4860:4860::8888']) {
      expect(worker.geo.lookup(ip)?.city_name).toBeTruthy();
      expect(worker.geo.lookup(ip)).toEqual(db.geo.lookup(ip));
    }
  });

  it('stops the start naming the install script when it is not installed', () => {
    const env = process.env.VIGIL_GEOIP_CITY_DIR;
    process.env.VIGIL_GEOIP_CITY_DIR = mkdtempSync(join(tmpdir(), 'vigil-no-city-'));
    try {
      expect(() => openDatabases({ geo: 'dbip-city' })).toThrow(
        expect.objectContaining({
          code: 'GEOIP_DATABASE_NOT_INSTALLED',
          message: expect.stringContaining('run scripts/ensure-geoip-city.sh'),
        }),
      );
    } finally {
      if (env === undefined) delete process.env.VIGIL_GEOIP_CITY_DIR;
      else process.env.VIGIL_GEOIP_CITY_DIR = env;
    }
  });
});
