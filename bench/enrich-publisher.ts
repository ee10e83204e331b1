/**
 * bench/enrich-publisher: what GeoIP and threat-intelligence enrichment together cost ingest's
 * main thread per event of the inputs that do not build events from frames (HEC, S2S, cloud,
 * file): the record bound for `vigil.events` is parsed, enriched and serialized in front of the
 * producer. CPU µs per event, best of `--rounds` rounds of `--events` events, variants taking turns:
 *
 *   JSON parse + stringify alone   the floor of any enrichment of a serialized event
 *   one publisher, both steps      what `vigil run` does: one parse, both steps, one serialization
 *   one publisher per step         the same steps in two publishers, intelligence's in front of
 *                                  GeoIP's as the two wrappers stood before there was one: each
 *                                  parses the event, and serializes it when it added something
 *
 * Two events: a public source address and no indicator (GeoIP adds, intelligence does not), and
 * one holding four indicators. The index holds `--indicators` generated indicators besides those.
 *
 *   node --import tsx bench/enrich-publisher.ts [--events 100000] [--rounds 3] [--indicators 100000]
 */
import { parseArgs } from 'node:util';
import type { OutRecord, Publisher } from '../core/bus/types.js';
import { openDatabases } from '../ingest/enrich/geoip/databases.js';
import { GeoipLookup } from '../ingest/enrich/geoip/lookup.js';
import { geoipStep } from '../ingest/enrich/geoip/step.js';
import { intelStep } from '../ingest/enrich/intel/step.js';
import { enrichmentPublisher } from '../ingest/enrich/publisher.js';
import { cpuPerEvent } from './cpu-per-event.js';
import { benchIntelStore } from './intel-indicators.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    indicators: { type: 'string', default: '100000' },
  },
});
const events = num(values, 'events');
const rounds = num(values, 'rounds');
const generated = num(values, 'indicators');

const store = benchIntelStore(generated);
const { geo, asn } = openDatabases({});
const lookup = new GeoipLookup(geo, asn, 10_000);

const base = {
  '@timestamp': '2026-12-07T11:00:00.000Z',
  event: { kind: 'event', category: ['network'], action: 'connection_denied', dataset: 'hec' },
  observer: { vendor: 'Acme', product: 'NGFW' },
  host: { name: 'web-01' },
  message: 'deny tcp 8.8.8.8:52144 -> 10.0.0.5:443',
};
const EVENTS = {
  'HEC event, public source, no indicator': { ...base, source: { ip: '8.8.8.8', port: 52144 }, destination: { ip: '10.0.0.5', port: 443 } },
  'HEC event, 4 indicators': {
    ...base,
    source: { ip: '203.0.113.9', port: 52144 },
    destination: { ip: '198.51.100.200', port: 80, domain: 'evil.example' },
    url: { original: 'http://evil.example/x?y=1' },
  },
};

const sink: Publisher = { send: async () => undefined };
const BATCH = 500;
const TOPIC = 'events';

const through = (publisher: Publisher, records: OutRecord[]) => (n: number) => {
  for (let done = 0; done < n; done += BATCH) void publisher.send(TOPIC, records);
};

const us = (x: number) => `${x.toFixed(2)} µs`;
for (const [label, event] of Object.entries(EVENTS)) {
  const records: OutRecord[] = Array.from({ length: BATCH }, () => ({
    key: 'web-01',
    value: Buffer.from(JSON.stringify(event)),
    timestamp: 1,
  }));
  const m = cpuPerEvent(
    {
      parseOnly: (n) => {
        for (let done = 0; done < n; done += BATCH) for (const r of records) JSON.stringify(JSON.parse(r.value.toString('utf8')));
      },
      onePublisher: through(enrichmentPublisher(sink, TOPIC, [geoipStep(lookup), intelStep(store)]), records),
      perStep: through(enrichmentPublisher(enrichmentPublisher(sink, TOPIC, [geoipStep(lookup)]), TOPIC, [intelStep(store)]), records),
    },
    { events, rounds },
  );
  console.log(`${label}:`);
  console.log(`  JSON parse + stringify alone:  ${us(m.parseOnly)} CPU an event`);
  console.log(`  one publisher, both steps:     ${us(m.onePublisher)}`);
  console.log(`  one publisher per step:        ${us(m.perStep)}`);
}
