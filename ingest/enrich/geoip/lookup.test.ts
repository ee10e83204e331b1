/**
 * Lookups through databases with known entries (built by test/support/geoip/build-mmdb.py), the
 * private-address rule, and the startup errors for missing or corrupt files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../../core/errors/index.js';
import { parseAddress } from '../../../core/net/ip.js';
import { LONDON_GEO, buildGeoipFixtures, canBuildGeoipFixtures, type GeoipFixtures } from '../../../test/support/geoip-fixtures.js';
import { openAsn, openDatabases, openGeo } from './databases.js';
import { enrichEvent } from './enrich.js';
import { GeoipLookup, lookupText } from './lookup.js';

describe.skipIf(!canBuildGeoipFixtures())('GeoIP lookups over fixture databases', () => {
  let fx: GeoipFixtures;
  beforeAll(() => {
    fx = buildGeoipFixtures();
  });
  afterAll(() => fx?.remove());

  it('maps a GeoLite2 City and ASN record to ECS geo and as', () => {
    const lookup = new GeoipLookup(openGeo(fx.city), [openAsn(fx.asn)], 10);
    expect(lookup.lookup('81.2.69.142')).toEqual({
      geo: LONDON_GEO,
      as: { number: 20712, organization: { name: 'Andrews & Arnold Ltd' } },
    });
    expect(lookup.lookup('2a02:cf40::7')).toEqual({
      geo: { continent_code: 'EU', continent_name: 'Europe', country_iso_code: 'NO', country_name: 'Norway' },
      as: { number: 64512 },
    });
    expect(lookup.lookup('::ffff:81.2.69.1').geo?.city_name).toBe('London');
  });

  it('maps an ip-location-db city record', () => {
    const lookup = new GeoipLookup(openGeo(fx.flatCity), [], 10);
    expect(lookup.lookup('89.160.20.9').geo).toMatchObject({
      country_iso_code: 'SE',
      city_name: 'Linköping',
      region_name: 'Östergötland',
      location: { lat: 58.4167, lon: 15.6167 },
    });
    expect(lookup.lookup('2001:218::1')).toEqual({
      geo: { continent_code: 'AS', continent_name: 'Asia', country_iso_code: 'JP', country_name: 'Japan' },
    });
  });

  it('never looks up a private or reserved address, even where the database has an answer', () => {
    const geo = openGeo(fx.city);
    expect(geo.lookup('10.1.2.3')?.country_iso_code).toBe('AU'); // the database's (wrong) answer
    const lookup = new GeoipLookup(geo, [openAsn(fx.asn)], 10);
    expect(lookup.lookup('10.1.2.3')).toEqual({});
    const event = { source: { ip: '10.1.2.3' }, destination: { ip: '81.2.69.142' } };
    expect(enrichEvent(event, lookup)).toBe(1);
    expect(event.source).toEqual({ ip: '10.1.2.3' });
    expect(event.destination).toMatchObject({ geo: { city_name: 'London' }, as: { number: 20712 } });
  });

  it('never throws on what is not an IP address, and caches what it looked up', () => {
    const lookup = new GeoipLookup(openGeo(fx.city), [openAsn(fx.asn)], 2);
    for (const bad of ['', 'not-an-ip', '81.2.69', '81.2.69.142.1', '::ffff:zz', '🙂', '1'.repeat(1000), `2a02:cf40::7%${'z'.repeat(60)}`])
      expect(lookup.lookup(bad)).toEqual({});
    expect(lookup.lookup('2a02:cf40::7%eth0').geo?.country_iso_code).toBe('NO');
    const before = lookup.cacheStats.hits;
    lookup.lookup('81.2.69.142');
    lookup.lookup('81.2.69.142');
    expect(lookup.cacheStats.hits).toBe(before + 1);
    expect(lookup.cacheStats.size).toBeLessThanOrEqual(2);
  });

  it('adds geo and as to source, destination, client and server, and keeps a vendor’s own', () => {
    const lookup = new GeoipLookup(openGeo(fx.city), [openAsn(fx.asn)], 10);
    const event: Record<string, unknown> = {
      source: { ip: '81.2.69.142', port: 443 },
      destination: { ip: 'not an ip' },
      client: { ip: '2a02:cf40::1', geo: { city_name: 'Oslo' } },
      server: { ip: 42 },
      host: { ip: ['81.2.69.142'] },
    };
    expect(enrichEvent(event, lookup)).toBe(2);
    expect(event.source).toMatchObject({ ip: '81.2.69.142', port: 443, geo: { country_iso_code: 'GB' }, as: { number: 20712 } });
    expect(event.destination).toEqual({ ip: 'not an ip' });
    expect(event.client).toEqual({ ip: '2a02:cf40::1', geo: { city_name: 'Oslo' }, as: { number: 64512 } });
    expect(event.server).toEqual({ ip: 42 });
    expect(event.host).toEqual({ ip: ['81.2.69.142'] });
  });

  it('takes the first ASN database that knows the address', () => {
    const csv = join(fx.dir, 'asn.csv');
    writeFileSync(csv, '81.2.69.0,81.2.69.255,65001,First Co\n');
    const lookup = new GeoipLookup(undefined, [openAsn(csv), openAsn(fx.asn)], 10);
    expect(lookup.lookup('81.2.69.142').as).toEqual({ number: 65001, organization: { name: 'First Co' } });
    expect(lookup.lookup('2a02:cf40::1').as).toEqual({ number: 64512 });
  });

  it('never asks an IPv4-only ASN database about an IPv6 address, and asks it about an IPv4-mapped one as IPv4', () => {
    const v4Only = openAsn(fx.asnIpv4);
    expect(v4Only.lookup('81.2.69.1', parseAddress('81.2.69.1')!)).toEqual({ number: 65010, organization: { name: 'IPv4 Only Co' } });
    // 2a02:cf40::7 read as IPv4 is 42.2.207.64, which the file places in AS65099.
    expect(v4Only.lookup('2a02:cf40::7', parseAddress('2a02:cf40::7')!)).toBeUndefined();

    const lookup = new GeoipLookup(undefined, [v4Only, openAsn(fx.asn)], 10);
    expect(lookup.lookup('2a02:cf40::7').as).toEqual({ number: 64512 });
    expect(lookup.lookup('::ffff:81.2.69.1').as).toEqual({ number: 65010, organization: { name: 'IPv4 Only Co' } });
    expect(lookup.lookup('::FFFF:5102:4501').as).toEqual({ number: 65010, organization: { name: 'IPv4 Only Co' } });
  });

  it('refuses a truncated MaxMind DB at open, naming the file', () => {
    const cut = join(fx.dir, 'cut.mmdb');
    writeFileSync(cut, readFileSync(fx.city).subarray(0, 200));
    expect(() => openGeo(cut)).toThrow(expect.objectContaining({ code: 'GEOIP_DATABASE', message: expect.stringContaining(cut) }));
  });
});

describe('a missing or corrupt database fails at startup with GEOIP_DATABASE naming the path', () => {
  const dir = process.env.TMPDIR ?? '/tmp';
  const caught = (fn: () => unknown): VigilError => {
    try {
      fn();
    } catch (err) {
      if (isVigilError(err, 'GEOIP_DATABASE')) return err;
      throw err;
    }
    throw new Error('did not throw');
  };

  it('a geo file that does not exist', () => {
    const path = join(dir, `vigil-no-such-${process.pid}.mmdb`);
    const err = caught(() => openDatabases({ geo: path }));
    expect(err.message).toContain(path);
    expect(err.message).toContain('ENOENT');
    expect(err.location).toEqual({ file: path, path: 'enrich.geoip' });
  });

  it('a geo file that is not a MaxMind DB', () => {
    const path = join(dir, `vigil-garbage-${process.pid}.mmdb`);
    writeFileSync(path, 'this is not a database\n'.repeat(100));
    expect(caught(() => openDatabases({ geo: path })).message).toMatch(new RegExp(`${path} is not a MaxMind DB file`));
  });

  it('an ASN CSV with a broken row, or with no rows', () => {
    const path = join(dir, `vigil-bad-asn-${process.pid}.csv`);
    writeFileSync(path, '1.0.0.0,1.0.0.255,13335,ok\nnot,a,valid,row\n');
    expect(caught(() => openDatabases({ asn: [path] })).message).toMatch(new RegExp(`${path} is not an ASN CSV.*line 2`));
    writeFileSync(path, '\n');
    expect(caught(() => openAsn(path)).message).toContain('holds no ASN ranges');
  });
});

describe('lookupText', () => {
  it('gives an IPv4-mapped address the dotted form databases are keyed by', () => {
    expect(lookupText(parseAddress('::ffff:1.2.3.4')!, '::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(lookupText(parseAddress('::FFFF:0102:0304')!, '::FFFF:0102:0304')).toBe('1.2.3.4');
  });

  it('gives IPv6 as written, without its zone', () => {
    expect(lookupText(parseAddress('2001:db8::1%eth0')!, '2001:db8::1%eth0')).toBe('2001:db8::1');
    expect(lookupText(parseAddress('2001:DB8::1')!, '2001:DB8::1')).toBe('2001:DB8::1');
  });
});
