/**
 * The databases shipped as npm dependencies, looked up for addresses whose owners have not
 * changed in a decade: Google's and Cloudflare's public resolvers.
 */
import { describe, expect, it } from 'vitest';
import { openDatabases } from './databases.js';
import { enrichEvent } from './enrich.js';
import { GeoipLookup } from './lookup.js';

describe('the shipped GeoIP and ASN databases', () => {
  const { geo, asn } = openDatabases({});
  const lookup = new GeoipLookup(geo, asn, 100);

  it('puts 8.8.8.8 in the US, in Google’s AS15169', () => {
    expect(lookup.lookup('8.8.8.8')).toEqual({
      geo: { continent_code: 'NA', continent_name: 'North America', country_iso_code: 'US', country_name: 'United States' },
      as: { number: 15169, organization: { name: 'Google LLC' } },
    });
    expect(lookup.lookup('2001:4860:4860::8888')).toMatchObject({ geo: { country_iso_code: 'US' }, as: { number: 15169 } });
  });

  it('puts 1.1.1.1 and 2606:4700:4700::1111 in Cloudflare’s AS13335', () => {
    expect(lookup.lookup('1.1.1.1').as).toEqual({ number: 13335, organization: { name: 'Cloudflare, Inc.' } });
    expect(lookup.lookup('2606:4700:4700::1111').as?.number).toBe(13335);
  });

  it('leaves private addresses alone, though the country database has an entry for 192.168.0.0/16', () => {
    expect(geo.lookup('192.168.1.1')).toBeDefined();
    const event = { source: { ip: '192.168.1.1' }, destination: { ip: '8.8.8.8' } };
    enrichEvent(event, lookup);
    expect(event.source).toEqual({ ip: '192.168.1.1' });
    expect(event.destination).toMatchObject({ geo: { country_iso_code: 'US' }, as: { number: 15169 } });
  });
});
