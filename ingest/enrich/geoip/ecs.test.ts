import { describe, expect, it } from 'vitest';
import { LONDON_GEO } from '../../../test/support/geoip-fixtures.js';
import { asFromRecord, geoFromRecord } from './ecs.js';

describe('geoFromRecord', () => {
  it('maps a GeoIP2 City record as Elastic’s geoip processor does', () => {
    expect(
      geoFromRecord({
        continent: { code: 'EU', names: { en: 'Europe', de: 'Europa' } },
        country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
        subdivisions: [
          { iso_code: 'ENG', names: { en: 'England' } },
          { iso_code: 'WSM', names: { en: 'Westminster' } },
        ],
        city: { names: { en: 'London' } },
        postal: { code: 'SW1A' },
        location: { latitude: 51.5142, longitude: -0.0931, time_zone: 'Europe/London', accuracy_radius: 10 },
      }),
    ).toEqual(LONDON_GEO);
  });

  it('names the country and continent of a bare country code (ip-location-db)', () => {
    expect(geoFromRecord({ country_code: 'US' })).toEqual({
      continent_code: 'NA',
      continent_name: 'North America',
      country_iso_code: 'US',
      country_name: 'United States',
    });
    expect(geoFromRecord({ country_code: 'KR' })).toMatchObject({ continent_code: 'AS', country_name: 'South Korea' });
    expect(geoFromRecord({ country_code: 'BR' })).toMatchObject({ continent_name: 'South America' });
  });

  it('maps an ip-location-db city record', () => {
    expect(geoFromRecord({ city: 'Linköping', state1: 'Östergötland', country_code: 'SE', latitude: 58.4167, longitude: 15.6167 })).toEqual(
      {
        continent_code: 'EU',
        continent_name: 'Europe',
        country_iso_code: 'SE',
        country_name: 'Sweden',
        region_name: 'Östergötland',
        city_name: 'Linköping',
        location: { lat: 58.4167, lon: 15.6167 },
      },
    );
  });

  it('leaves out what the record does not hold, and guesses nothing for an unknown code', () => {
    expect(geoFromRecord({ country_code: 'ZZ' })).toEqual({ country_iso_code: 'ZZ' });
    expect(geoFromRecord({ location: { latitude: 1 } })).toBeUndefined();
    expect(geoFromRecord(null)).toBeUndefined();
    expect(geoFromRecord({})).toBeUndefined();
  });
});

describe('asFromRecord', () => {
  it('maps a GeoLite2-ASN record', () => {
    expect(asFromRecord({ autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' })).toEqual({
      number: 15169,
      organization: { name: 'Google LLC' },
    });
    expect(asFromRecord({ autonomous_system_number: 64512 })).toEqual({ number: 64512 });
    expect(asFromRecord({ autonomous_system_organization: 'x' })).toBeUndefined();
    expect(asFromRecord(null)).toBeUndefined();
  });
});
