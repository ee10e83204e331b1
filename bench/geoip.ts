/**
 * bench/geoip: the shipped GeoIP (country MMDB) and ASN (CSV) databases. Prints the time and RSS
 * to open them, lookups per second on one core for addresses never seen (each a database
 * search) and for a working set the LRU cache holds, and events per second through ingest's
 * enrich step (JSON in, `geo`/`as` added, JSON out) against the same events passed through
 * JSON parse and stringify alone.
 *
 *   node --import tsx bench/geoip.ts [--lookups 1000000] [--events 200000] [--hot 5000] [--geo dbip-city|FILE]
 *
 * `--geo` measures another geo database (what `enrich.geoip.geo` takes) with the shipped ASN ones.
 */
import { parseArgs } from 'node:util';
import { openDatabases } from '../ingest/enrich/geoip/databases.js';
import { GeoipLookup } from '../ingest/enrich/geoip/lookup.js';
import { geoipStep } from '../ingest/enrich/geoip/step.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    lookups: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '200000' },
    hot: { type: 'string', default: '5000' },
    geo: { type: 'string' },
  },
});
const lookups = num(values, 'lookups');
const events = num(values, 'events');
const hot = num(values, 'hot');
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`;

// Spread over the public IPv4 space (a multiplicative hash), with some IPv6.
const ipv4 = (n: number) => {
  const x = (Math.imul(n + 1, 2654435761) >>> 0) | 0x01000000;
  return `${(x >>> 24) & 255}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
};
const address = (n: number) => (n % 10 === 9 ? `2a00:${(n % 0xffff).toString(16)}::${(n & 0xff).toString(16)}` : ipv4(n));

const rss0 = process.memoryUsage().rss;
let t = performance.now();
const { geo, asn } = openDatabases({ geo: values.geo });
console.log(`open: ${(performance.now() - t).toFixed(0)} ms, RSS +${mb(process.memoryUsage().rss - rss0)}`);

const cold = new GeoipLookup(geo, asn, 0);
let found = 0;
t = performance.now();
for (let i = 0; i < lookups; i++) if (cold.lookup(address(i)).geo) found++;
const coldMs = performance.now() - t;
console.log(
  `lookups, uncached (${lookups.toLocaleString('en')} distinct addresses): ${rate(lookups, coldMs)} (${((found / lookups) * 100).toFixed(0)}% found)`,
);

const cached = new GeoipLookup(geo, asn, 100_000);
for (let i = 0; i < hot; i++) cached.lookup(address(i));
t = performance.now();
for (let i = 0; i < lookups; i++) cached.lookup(address(i % hot));
console.log(`lookups, cached (working set ${hot.toLocaleString('en')}): ${rate(lookups, performance.now() - t)}`);

const docs = Array.from({ length: 1000 }, (_, i) =>
  JSON.stringify({
    '@timestamp': '2026-12-07T11:00:00.000Z',
    event: { kind: 'event', category: ['network'], action: 'connection_denied' },
    source: { ip: address(i * 7), port: 40000 + i },
    destination: { ip: i % 2 === 0 ? '10.0.0.5' : address(i * 13), port: 443 },
    observer: { vendor: 'Palo Alto Networks', product: 'PAN-OS' },
    message: `deny tcp ${address(i * 7)} -> 10.0.0.5:443`,
  }),
);
const through = (label: string, step: (v: string) => unknown) => {
  t = performance.now();
  for (let i = 0; i < events; i++) step(docs[i % docs.length]!);
  const ms = performance.now() - t;
  console.log(`events, ${label}: ${rate(events, ms)}`);
  return ms;
};
// What the enrichment publisher does with one record when GeoIP is its only step.
const enrich = geoipStep(new GeoipLookup(geo, asn, 100_000)).forBatch() as (event: Record<string, unknown>) => boolean;
const base = through('JSON parse + stringify only (no enrichment)', (v) => JSON.stringify(JSON.parse(v)));
const withGeo = through('through the GeoIP enrich step', (v) => {
  const event = JSON.parse(v) as Record<string, unknown>;
  return enrich(event) ? JSON.stringify(event) : v;
});
console.log(`enrich step costs ${(((withGeo - base) / events) * 1e6).toFixed(0)} ns/event over parse + stringify`);
