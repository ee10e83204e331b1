/**
 * Threat intelligence on the frame path: events gain `threat.enrichments` as they are built, on
 * the main thread and on frame workers alike, with what the enrichment publisher gives when it
 * parses an event; a worker sees an index swapped in after it started; the publisher passes
 * the frame path's records by unparsed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutRecord } from '../../../core/bus/types.js';
import { metrics } from '../../../core/telemetry/index.js';
import type { FeedList } from '../../../intel/model.js';
import { IndicatorIndex, IntelStore } from '../../../intel/store.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { createFramePublisher, type FramePublisher } from '../../frame-publisher.js';
import { ENRICHED_HEADER } from '../frame-marker.js';
import { openDatabases } from '../geoip/databases.js';
import type { FrameGeoip } from '../geoip/frame.js';
import { GeoipLookup } from '../geoip/lookup.js';
import { geoipStep } from '../geoip/step.js';
import { enrichmentPublisher } from '../publisher.js';
import { frameIntel, type FrameIntel } from './frame.js';
import { intelStep } from './step.js';

const EVENTS = 'test.intel-frame.events';
const NOW = new Date('2026-12-07T12:00:00.000Z');
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

const FEEDS: FeedList[] = [
  {
    feed: 'c2',
    indicators: [
      { type: 'ip', value: '203.0.113.9', id: 'indicator--1', description: 'c2 server' },
      { type: 'cidr', value: '198.51.100.128/25', id: 'indicator--net' },
      { type: 'domain', value: 'evil.example', description: 'phishing' },
      { type: 'url', value: 'http://evil.example/x?y=1' },
      { type: 'sha1', value: SHA1 },
    ],
  },
];

/**
 * `n` CEF lines: every third holds indicators in source.ip, destination.ip (a network), destination.domain
 * and url.original; the others hold none.
 */
const frames = (n: number, hit = '203.0.113.9') =>
  Array.from({ length: n }, (_, i) => ({
    raw: Buffer.from(
      i % 3 === 0
        ? `CEF:0|Acme|NGFW|7.1|deny|Connection denied|7|src=${hit} dst=198.51.100.200 dhost=evil.example request=http://EVIL.example/x?y=1 act=deny`
        : `CEF:0|Acme|NGFW|7.1|allow|Connection allowed|3|src=10.1.0.${i % 250} dst=10.0.0.${i % 250} dhost=intranet.example act=allow`,
    ),
    peer: '192.0.2.1',
  }));

const storeWith = (lists: FeedList[]) => {
  const store = new IntelStore();
  store.replace(IndicatorIndex.build(lists));
  return store;
};

let seq = 0;
let open: FramePublisher[] = [];
afterEach(async () => {
  await Promise.all(open.map((p) => p.close()));
  open = [];
  vi.restoreAllMocks();
});

function framePublisher(workers: number, intel: FrameIntel | undefined, opts: { id?: string; geoip?: FrameGeoip } = {}) {
  const publisher = new MemoryPublisher();
  const pipeline = createFramePublisher({
    input: { id: opts.id ?? `intel-frame-${++seq}`, timezone: 'UTC', keepOriginal: true },
    publisher,
    eventsTopic: EVENTS,
    deadletterTopic: 'test.dl',
    now: () => NOW,
    workers,
    intel,
    geoip: opts.geoip,
  });
  open.push(pipeline);
  const events = () => publisher.acked.filter((a) => a.topic === EVENTS).map((a) => a.record);
  return { pipeline, events };
}

const intelPublisher = (next: MemoryPublisher, store: IntelStore) => enrichmentPublisher(next, EVENTS, [intelStep(store)]);

type Event = { threat?: { enrichments: Array<{ matched: { occurred: string } }> } } & Record<string, unknown>;
const parse = (r: OutRecord) => JSON.parse(r.value.toString()) as Event;
/** The events with each `matched.occurred` (the time of the lookup) checked to be a time of this run, then set aside. */
function withoutOccurred(events: Event[], since: number): Event[] {
  for (const e of events)
    for (const t of e.threat?.enrichments ?? []) {
      const at = Date.parse(t.matched.occurred);
      expect(at).toBeGreaterThanOrEqual(since);
      expect(at).toBeLessThanOrEqual(Date.now());
      t.matched.occurred = '(lookup time)';
    }
  return events;
}
const enrichedCount = () => counterValue(metrics.sent, { kind: 'intel', id: 'enrich' });

describe.each([
  { path: 'on the main thread (a small batch)', workers: 0, n: 6 },
  { path: 'on a frame worker (workers: 1, a batch of 45)', workers: 1, n: 45 },
])('threat intelligence on the frame path, $path', ({ workers, n }) => {
  it('gives each event the threat.* fields the enrichment publisher gives, and the publisher passes the records by unparsed', async () => {
    const since = Date.now();
    const store = storeWith(FEEDS);
    // One input id for both runs: it is part of each event's id.
    const id = `intel-frame-same-${workers}`;
    const before = await enrichedCount();
    const main = vi.spyOn(IndicatorIndex.prototype, 'match');
    const { pipeline, events } = framePublisher(workers, frameIntel(store), { id });
    await pipeline.handle(frames(n));
    const fromFrames = events();
    // On a worker, the main thread looks nothing up.
    if (workers > 0) expect(main).not.toHaveBeenCalled();
    else expect(main).toHaveBeenCalled();
    main.mockRestore();
    expect((await enrichedCount()) - before).toBe(n / 3);
    for (const r of fromFrames) expect(r.headers).toEqual({ [ENRICHED_HEADER]: 'intel' });

    const hit = parse(fromFrames[0] as OutRecord);
    expect(hit.threat?.enrichments).toHaveLength(4);
    expect(hit.threat?.enrichments[0]).toMatchObject({
      indicator: { type: 'ipv4-addr', provider: 'c2', ip: '203.0.113.9', id: 'indicator--1', description: 'c2 server' },
      matched: { atomic: '203.0.113.9', field: 'source.ip', type: 'indicator_match_ingest', id: 'indicator--1' },
    });
    expect(parse(fromFrames[1] as OutRecord).threat).toBeUndefined();

    // The publisher: no parse, the marker gone, nothing counted twice.
    const jsonParse = vi.spyOn(JSON, 'parse');
    const sink = new MemoryPublisher();
    const counted = await enrichedCount();
    await intelPublisher(sink, store).send(EVENTS, fromFrames);
    expect(jsonParse).not.toHaveBeenCalled();
    jsonParse.mockRestore();
    expect((await enrichedCount()) - counted).toBe(0);
    const out = sink.acked.map((a) => a.record);
    out.forEach((r, i) => {
      expect(r.value).toBe(fromFrames[i]?.value);
      expect(r.headers).toBeUndefined();
    });

    // What the publisher alone makes of the same frames, built without enrichment.
    const plain = framePublisher(0, undefined, { id });
    await plain.pipeline.handle(frames(n));
    const wrapped = new MemoryPublisher();
    await intelPublisher(wrapped, store).send(EVENTS, plain.events());
    expect(withoutOccurred(out.map(parse), since)).toEqual(
      withoutOccurred(
        wrapped.acked.map((a) => parse(a.record)),
        since,
      ),
    );
  }, 60_000);
});

describe('threat intelligence on a frame worker, after a refresh', () => {
  it('enriches with an indicator added after the worker started, from the next batch on', async () => {
    const store = storeWith(FEEDS);
    const { pipeline, events } = framePublisher(1, frameIntel(store));
    await pipeline.handle(frames(45, '192.0.2.77'));
    const threatsOf = (r: OutRecord | undefined) =>
      (parse(r as OutRecord).threat?.enrichments ?? []).map((t) => (t as unknown as { matched: { field: string } }).matched.field);
    expect(threatsOf(events()[0])).toEqual(['destination.ip', 'destination.domain', 'url.original']);

    store.replace(IndicatorIndex.build([...FEEDS, { feed: 'late', indicators: [{ type: 'ip', value: '192.0.2.77', id: 'late-1' }] }]));
    const main = vi.spyOn(IndicatorIndex.prototype, 'match');
    await pipeline.handle(frames(45, '192.0.2.77'));
    expect(main).not.toHaveBeenCalled();
    const after = events()[45];
    expect(threatsOf(after)).toEqual(['source.ip', 'destination.ip', 'destination.domain', 'url.original']);
    expect(parse(after as OutRecord).threat?.enrichments[0]).toMatchObject({
      indicator: { provider: 'late', ip: '192.0.2.77', id: 'late-1' },
    });

    // And a list that loses it: the worker stops matching it.
    store.replace(IndicatorIndex.build(FEEDS));
    await pipeline.handle(frames(45, '192.0.2.77'));
    expect(threatsOf(events()[90])).toEqual(['destination.ip', 'destination.domain', 'url.original']);
  }, 60_000);
});

describe('GeoIP and threat intelligence on the frame path together', () => {
  it('marks both, and the publisher with both steps takes the marker off without parsing', async () => {
    const { geo, asn } = openDatabases({});
    const geoip: FrameGeoip = {
      lookup: new GeoipLookup(geo, asn, 100),
      databases: { geo: geo.shared, asn: asn.map((a) => a.shared), cacheSize: 100 },
    };
    const store = storeWith(FEEDS);
    const { pipeline, events } = framePublisher(1, frameIntel(store), { geoip });
    await pipeline.handle(frames(45, '8.8.8.8'));
    const records = events();
    for (const r of records) expect(r.headers).toEqual({ [ENRICHED_HEADER]: 'geoip intel' });
    expect(parse(records[0] as OutRecord)).toMatchObject({ source: { ip: '8.8.8.8', geo: { country_iso_code: 'US' } } });

    const sink = new MemoryPublisher();
    const jsonParse = vi.spyOn(JSON, 'parse');
    // As `vigil run` configures it.
    await enrichmentPublisher(sink, EVENTS, [geoipStep(geoip.lookup), intelStep(store)]).send(EVENTS, records);
    expect(jsonParse).not.toHaveBeenCalled();
    expect(sink.acked.map((a) => a.record.headers)).toEqual(records.map(() => undefined));
  }, 60_000);
});
