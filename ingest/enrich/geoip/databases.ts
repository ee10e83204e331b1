/**
 * Opens the GeoIP and ASN databases at startup, so that a missing or corrupt file stops
 * `vigil run` with the path in the message rather than failing on the first event. Their bytes
 * and tables are held in shared memory, so that the frame worker threads open the same
 * databases from them (`openSharedDatabases`) without reading and parsing the files again.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader } from 'mmdb-lib';
import { VigilError } from '../../../core/errors/index.js';
import type { IpAddress } from '../../../core/net/ip.js';
import { asnTable, parseAsnCsv, type AsnTableData } from './asn-csv.js';
import { asFromRecord, geoFromRecord, type EcsAs, type EcsGeo } from './ecs.js';
import type { GeoipConfig } from './config.js';
import { geoFiles } from './named.js';

export interface GeoDatabase {
  readonly path: string;
  readonly shared: SharedDatabase;
  lookup(text: string): EcsGeo | undefined;
}

export interface AsnDatabase {
  readonly path: string;
  readonly shared: SharedDatabase;
  /** `text` is the address as `lookupText` gives it; `address` the same, parsed. */
  lookup(text: string, address: IpAddress): EcsAs | undefined;
}

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The databases shipped as npm dependencies. */
export function shippedPaths(): { geo: string; asn: string[] } {
  const asn = packageDir('@ip-location-db/asn');
  return {
    geo: join(packageDir('@ip-location-db/geo-whois-asn-country-mmdb'), 'geo-whois-asn-country.mmdb'),
    asn: [join(asn, 'asn-ipv4.csv'), join(asn, 'asn-ipv6.csv')],
  };
}

/**
 * A database as another thread receives it, in shared memory: a MaxMind DB file's bytes, several
 * files' (a geo database split into IPv4 and IPv6 files), or an ASN CSV's table.
 */
export type SharedDatabase =
  { path: string; mmdb: SharedArrayBuffer } | { path: string; mmdbs: SharedArrayBuffer[] } | { path: string; asnTable: AsnTableData };

export interface SharedDatabases {
  geo: SharedDatabase;
  asn: SharedDatabase[];
}

/** The databases another thread opened, from their shared memory (see `shared` on each). */
export function openSharedDatabases(shared: SharedDatabases): { geo: GeoDatabase; asn: AsnDatabase[] } {
  const { geo } = shared;
  if ('asnTable' in geo) throw invalid(geo.path, 'is not a MaxMind DB file');
  return {
    geo: geoOf(geo.path, 'mmdb' in geo ? [geo.mmdb] : geo.mmdbs),
    asn: shared.asn.map((db) =>
      'mmdb' in db ? asnOfMmdb(db.path, db.mmdb) : 'asnTable' in db ? asnOfTable(db.path, db.asnTable) : unreachable(db.path),
    ),
  };
}

export function openDatabases(config: Pick<GeoipConfig, 'geo' | 'asn'>): { geo: GeoDatabase; asn: AsnDatabase[] } {
  const shipped = shippedPaths();
  const geo = config.geo === undefined ? [shipped.geo] : geoFiles(config.geo);
  return {
    geo: geo.length === 1 ? once(geo[0]!, openGeo) : openGeoFiles(geo),
    asn: (config.asn ?? shipped.asn).map((path) => once(path, openAsn)),
  };
}

// Reading the shipped ASN tables takes about half a second of CPU: a process that starts ingest
// more than once (tests, `vigil demo`) reads an unchanged file once.
const opened = new Map<string, { stamp: string; db: GeoDatabase | AsnDatabase }>();

function once<D extends GeoDatabase | AsnDatabase>(path: string, open: (path: string) => D): D {
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.size}:${st.mtimeMs}:${open.name}`;
  } catch {
    return open(path); // which reports what is wrong with it
  }
  const hit = opened.get(path);
  if (hit?.stamp === stamp) return hit.db as D;
  const db = open(path);
  opened.set(path, { stamp, db });
  return db;
}

export function openGeo(path: string): GeoDatabase {
  return geoOf(path, [readShared(path)]);
}

/** One geo database in several MaxMind DB files (an IPv4 and an IPv6 file), looked up in turn. */
export function openGeoFiles(paths: string[]): GeoDatabase {
  return geoOf(paths.join(', '), paths.map(readShared), paths);
}

function geoOf(path: string, files: SharedArrayBuffer[], paths: string[] = [path]): GeoDatabase {
  const readers = files.map((bytes, i) => openMmdb(paths[i] ?? path, bytes));
  // Many networks share one record, which the reader's cache returns as one object: map it once.
  const mapped = new WeakMap<object, EcsGeo | undefined>();
  return {
    path,
    shared: files.length === 1 ? { path, mmdb: files[0]! } : { path, mmdbs: files },
    lookup(text) {
      let record: Record<string, unknown> | null = null;
      for (const reader of readers) {
        if (!knows(reader, text)) continue;
        record = reader.get(text);
        if (record !== null) break;
      }
      if (record === null) return undefined;
      if (mapped.has(record)) return mapped.get(record);
      const geo = geoFromRecord(record);
      mapped.set(record, geo);
      return geo;
    },
  };
}

export function openAsn(path: string): AsnDatabase {
  if (path.toLowerCase().endsWith('.csv')) {
    const text = read(path).toString('utf8');
    let table;
    try {
      table = parseAsnCsv(text);
    } catch (err) {
      throw invalid(path, `is not an ASN CSV (start,end,asn,organization): ${(err as Error).message}`, err);
    }
    if (table.size === 0) throw invalid(path, 'holds no ASN ranges');
    return asnOfTable(path, shareTable(table.data));
  }
  return asnOfMmdb(path, readShared(path));
}

function asnOfTable(path: string, data: AsnTableData): AsnDatabase {
  const table = asnTable(data);
  return { path, shared: { path, asnTable: data }, lookup: (_text, address) => asOf(table.lookup(address)) };
}

function asnOfMmdb(path: string, bytes: SharedArrayBuffer): AsnDatabase {
  const reader = openMmdb(path, bytes);
  return { path, shared: { path, mmdb: bytes }, lookup: (text) => (knows(reader, text) ? asFromRecord(reader.get(text)) : undefined) };
}

/**
 * Whether a MaxMind DB file can answer for an address as `lookupText` gives it (an IPv4-mapped
 * address in dotted form): an IPv4-only file would walk an IPv6 address's first 32 bits as if
 * they were an IPv4 address.
 */
const knows = (reader: Reader<Record<string, unknown>>, text: string): boolean => reader.metadata.ipVersion !== 4 || !text.includes(':');

/** The table with its ranges moved to shared memory (the record list is small and is copied to each thread). */
function shareTable(t: AsnTableData): AsnTableData {
  const share = (a: Uint32Array) => {
    const s = new Uint32Array(new SharedArrayBuffer(a.byteLength));
    s.set(a);
    return s;
  };
  return { v4: share(t.v4), v4Rec: share(t.v4Rec), v6: share(t.v6), v6Rec: share(t.v6Rec), records: t.records };
}

const unreachable = (path: string): never => {
  throw invalid(path, 'is not an ASN database');
};

const asOf = (r: { number: number; organization: string } | undefined): EcsAs | undefined =>
  r === undefined ? undefined : r.organization === '' ? { number: r.number } : { number: r.number, organization: { name: r.organization } };

function openMmdb(path: string, bytes: SharedArrayBuffer): Reader<Record<string, unknown>> {
  let reader: Reader<Record<string, unknown>>;
  try {
    reader = new Reader<Record<string, unknown>>(Buffer.from(bytes), { cache: boundedCache(50_000) });
    // A file whose metadata reads but whose search tree does not fails here, not on an event.
    reader.get('8.8.8.8');
    if (reader.metadata.ipVersion === 6) reader.get('2001:4860:4860::8888');
  } catch (err) {
    throw invalid(path, `is not a MaxMind DB file: ${(err as Error).message}`, err);
  }
  return reader;
}

/** The reader's cache of decoded records by file offset; emptied whole when full (records are few, networks many). */
function boundedCache(max: number): { get(key: number): unknown; set(key: number, value: unknown): void } {
  const map = new Map<number, unknown>();
  return {
    get: (key) => map.get(key),
    set(key, value) {
      if (map.size >= max) map.clear();
      map.set(key, value);
    },
  };
}

function readShared(path: string): SharedArrayBuffer {
  const bytes = read(path);
  const shared = new SharedArrayBuffer(bytes.length);
  bytes.copy(Buffer.from(shared));
  return shared;
}

function read(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw invalid(path, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err);
  }
}

const invalid = (path: string, what: string, cause?: unknown) =>
  new VigilError('GEOIP_DATABASE', `GeoIP database ${path} ${what}`, { cause, location: { file: path, path: 'enrich.geoip' } });
