/**
 * What one database record becomes in ECS (`*.geo`, `*.as`), field for field as Elastic's geoip
 * processor writes them. Three record shapes are read: MaxMind's GeoIP2/GeoLite2 City, Country
 * and ASN databases (nested `country.iso_code`, `names.en`, …), and ip-location-db's flat ones
 * (`country_code`; the city databases also `city`, `state1`, `latitude`, `longitude`, …). A value
 * the record does not hold is left out, never guessed.
 */
import { continentOf } from './continents.js';

export interface EcsGeo {
  continent_code?: string;
  continent_name?: string;
  country_iso_code?: string;
  country_name?: string;
  region_iso_code?: string;
  region_name?: string;
  city_name?: string;
  postal_code?: string;
  timezone?: string;
  location?: { lat: number; lon: number };
}

export interface EcsAs {
  number: number;
  organization?: { name: string };
}

type Rec = Record<string, unknown>;

const countryNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Rec | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined);
const en = (v: unknown): string | undefined => str(obj(obj(v)?.names)?.en);

export function geoFromRecord(record: unknown): EcsGeo | undefined {
  const r = obj(record);
  if (!r) return undefined;
  const geo: EcsGeo = {};
  const country = obj(r.country);
  const iso = str(country?.iso_code) ?? str(r.country_code);
  const continent = obj(r.continent);
  const fallback = iso ? continentOf(iso) : undefined;
  set(geo, 'continent_code', str(continent?.code) ?? fallback?.code);
  set(geo, 'continent_name', en(continent) ?? fallback?.name);
  set(geo, 'country_iso_code', iso);
  set(geo, 'country_name', en(country) ?? (iso ? safeCountryName(iso) : undefined));

  const subdivision = obj(Array.isArray(r.subdivisions) ? r.subdivisions[0] : undefined);
  const subIso = str(subdivision?.iso_code);
  set(geo, 'region_iso_code', subIso && iso ? `${iso}-${subIso}` : undefined);
  set(geo, 'region_name', en(subdivision) ?? str(r.state1));
  set(geo, 'city_name', en(r.city) ?? str(r.city));
  set(geo, 'postal_code', str(obj(r.postal)?.code) ?? str(r.postcode));

  const location = obj(r.location);
  set(geo, 'timezone', str(location?.time_zone) ?? str(r.timezone));
  const lat = num(location?.latitude) ?? num(r.latitude);
  const lon = num(location?.longitude) ?? num(r.longitude);
  if (lat !== undefined && lon !== undefined) geo.location = { lat, lon };
  return Object.keys(geo).length > 0 ? geo : undefined;
}

export function asFromRecord(record: unknown): EcsAs | undefined {
  const r = obj(record);
  const number = num(r?.autonomous_system_number);
  if (number === undefined) return undefined;
  const name = str(r?.autonomous_system_organization);
  return name === undefined ? { number } : { number, organization: { name } };
}

function set<K extends keyof EcsGeo>(geo: EcsGeo, key: K, value: EcsGeo[K] | undefined): void {
  if (value !== undefined) geo[key] = value;
}

// Intl takes microseconds a name; there are some 250 countries.
const nameCache = new Map<string, string | undefined>();

function safeCountryName(iso: string): string | undefined {
  if (nameCache.has(iso)) return nameCache.get(iso);
  let name: string | undefined;
  try {
    name = countryNames.of(iso);
    if (name === 'Unknown Region') name = undefined;
  } catch {
    name = undefined; // not a code Intl accepts
  }
  if (nameCache.size < 1000) nameCache.set(iso, name);
  return name;
}
