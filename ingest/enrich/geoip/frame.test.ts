import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OutRecord } from '../../../core/bus/types.js';
import { metrics } from '../../../core/telemetry/index.js';
import { createFramePublisher, type FramePublisher } from '../../frame-publisher.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { buildGeoipFixtures, canBuildGeoipFixtures, type GeoipFixtures } from '../../../test/support/geoip-fixtures.js';
import { openAsn, openDatabases, openGeo } from './databases.js';
import { ENRICHED_HEADER, type FrameGeoip } from './frame.js';
import { GeoipLookup } from './lookup.js';
import { enrichmentPublisher } from '../publisher.js';
import { geoipStep } from './step.js';

const EVENTS = 'test.geoip-frame.events';
const NOW = new Date('2026-12-07T12:00:00.000Z');
const { geo, asn } = openDatabases({});
const shared = { geo: geo.shared, asn: asn.map((a) => a.shared) };
const frameGeoip = (databases: FrameGeoip['databases'] = { ...shared, cacheSize: 1000 }): FrameGeoip => ({
  lookup: new GeoipLookup(geo, asn, 1000),
  databases,
});

/** `n` frames: public sources (8.8.8.8, 1.1.1.1) towards a private destination, one line a vendor's own geo would not change. */
const frames = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    raw: Buffer.from(
      `CEF:0|Acme|NGFW|7.1|deny|Connection denied|7|src=${i % 2 === 0 ? '8.8.8.8' : '1.1.1.1'} dst=10.0.0.${i % 250} act=deny`,
    ),
    peer: '192.0.2.1',
  }));

let seq = 0;
let open: FramePublisher[] = [];
afterEach(async () => {
  await Promise.all(open.map((p) => p.close()));
  open = [];
  vi.restoreAllMocks();
});

function framePublisher(workers: number, geoip: FrameGeoip | undefined, id = `geoip-frame-${++seq}`) {
  const publisher = new MemoryPublisher();
  const input = { id, timezone: 'UTC', keepOriginal: true };
  const pipeline = createFramePublisher({
    input,
    publisher,
    eventsTopic: EVENTS,
    deadletterTopic: 'test.dl',
    now: () => NOW,
    workers,
    geoip,
  });
  open.push(pipeline);
  const events = () => publisher.acked.filter((a) => a.topic === EVENTS).map((a) => a.record);
  return { pipeline, events };
}

const geoipPublisher = (next: MemoryPublisher, lookup: GeoipLookup) => enrichmentPublisher(next, EVENTS, [geoipStep(lookup)]);
const parse = (r: OutRecord) => JSON.parse(r.value.toString()) as Record<string, Record<string, unknown>>;
const enrichedCount = () => counterValue(metrics.sent, { kind: 'enrich', id: 'geoip' });

/** The same frames through the frame path without GeoIP, then through the enrichment publisher alone. */
async function viaWrapperOnly(n: number, inputId: string): Promise<OutRecord[]> {
  const { pipeline, events } = framePublisher(0, undefined, inputId);
  await pipeline.handle(frames(n));
  const sink = new MemoryPublisher();
  await geoipPublisher(sink, frameGeoip().lookup).send(EVENTS, events());
  return sink.acked.map((a) => a.record);
}

describe.each([
  { path: 'on the main thread (a small batch)', workers: 0, n: 3 },
  { path: 'on a frame worker (workers: 1, a batch of 40)', workers: 1, n: 40 },
])('GeoIP on the frame path, $path', ({ workers, n }) => {
  it('adds geo and as to the event as it is built, marks the record, and counts the enriched events', async () => {
    const { pipeline, events } = framePublisher(workers, frameGeoip());
    const before = await enrichedCount();
    await pipeline.handle(frames(n));

    const records = events();
    expect(records).toHaveLength(n);
    for (const r of records) expect(r.headers).toEqual({ [ENRICHED_HEADER]: 'geoip' });
    const [first, second] = records.map(parse);
    expect(first?.source).toMatchObject({
      ip: '8.8.8.8',
      geo: { country_iso_code: 'US', continent_code: 'NA' },
      as: { number: 15169, organization: { name: expect.stringMatching(/google/i) } },
    });
    expect(second?.source).toMatchObject({ ip: '1.1.1.1', as: { number: 13335 } });
    expect(first?.destination).toEqual({ ip: '10.0.0.0' });
    expect((await enrichedCount()) - before).toBe(n);
  }, 60_000);

  it('gives the same events as the enrichment publisher does, and the publisher passes them by without parsing them', async () => {
    // One input id for both runs: it is part of each event's id.
    const inputId = `geoip-frame-same-${workers}`;
    const { pipeline, events } = framePublisher(workers, frameGeoip(), inputId);
    await pipeline.handle(frames(n));
    const fromFrames = events();

    const spyLookup = frameGeoip().lookup;
    const lookups = vi.spyOn(spyLookup, 'lookup');
    const jsonParse = vi.spyOn(JSON, 'parse');
    const before = await enrichedCount();
    const sink = new MemoryPublisher();
    await geoipPublisher(sink, spyLookup).send(EVENTS, fromFrames);
    expect(jsonParse).not.toHaveBeenCalled();
    expect(lookups).not.toHaveBeenCalled();
    // Counted once, at the frame step.
    expect((await enrichedCount()) - before).toBe(0);
    jsonParse.mockRestore();

    const out = sink.acked.map((a) => a.record);
    out.forEach((r, i) => {
      expect(r.value).toBe(fromFrames[i]?.value);
      expect(r.headers).toBeUndefined();
      expect(r.key).toBe(fromFrames[i]?.key);
    });
    expect(out.map(parse)).toEqual((await viaWrapperOnly(n, inputId)).map(parse));
  }, 60_000);
});

describe.skipIf(!canBuildGeoipFixtures())('GeoIP on the frame path, with an IPv4-only ASN database before a dual one', () => {
  let fx: GeoipFixtures;
  beforeAll(() => {
    fx = buildGeoipFixtures();
  });
  afterAll(() => fx?.remove());

  /** 42 frames (a batch large enough for a worker) from an IPv6, an IPv4-mapped and an IPv4 source in turn. */
  async function sources(workers: number) {
    const geo = openGeo(fx.city);
    const asn = [openAsn(fx.asnIpv4), openAsn(fx.asn)];
    const databases = { geo: geo.shared, asn: asn.map((a) => a.shared), cacheSize: 10 };
    const { pipeline, events } = framePublisher(workers, { lookup: new GeoipLookup(geo, asn, 10), databases });
    const ips = ['2a02:cf40::7', '::ffff:81.2.69.1', '81.2.69.142'];
    await pipeline.handle(
      Array.from({ length: 42 }, (_, i) => ({
        raw: Buffer.from(`CEF:0|Acme|NGFW|7.1|deny|Connection denied|7|src=${ips[i % 3]} dst=10.0.0.1 act=deny`),
        peer: '192.0.2.1',
      })),
    );
    return events()
      .slice(0, 3)
      .map((r) => ({ marked: r.headers?.[ENRICHED_HEADER], source: parse(r).source }));
  }

  it.each([0, 1])(
    'asks the IPv4-only file only about IPv4 addresses (workers: %i)',
    async (workers) => {
      const [v6, mapped, v4] = await sources(workers);
      for (const e of [v6, mapped, v4]) expect(e?.marked).toBe('geoip');
      expect(v6?.source).toMatchObject({ ip: '2a02:cf40::7', geo: { country_iso_code: 'NO' }, as: { number: 64512 } });
      expect(mapped?.source?.as).toEqual({ number: 65010, organization: { name: 'IPv4 Only Co' } });
      expect(v4?.source?.as).toEqual({ number: 65010, organization: { name: 'IPv4 Only Co' } });
    },
    60_000,
  );
});

describe('GeoIP on the frame path, when a worker cannot open the databases', () => {
  it('sends its events unmarked, and the enrichment publisher enriches them', async () => {
    const notMmdb = { path: '/var/lib/vigil/not.mmdb', mmdb: new SharedArrayBuffer(64) };
    const { pipeline, events } = framePublisher(1, frameGeoip({ geo: notMmdb, asn: [], cacheSize: 10 }));
    await pipeline.handle(frames(40));
    const records = events();
    expect(records).toHaveLength(40);
    expect(records.every((r) => r.headers === undefined)).toBe(true);
    expect(parse(records[0]!).source).toEqual({ ip: '8.8.8.8' });

    const sink = new MemoryPublisher();
    await geoipPublisher(sink, frameGeoip().lookup).send(EVENTS, records);
    expect(parse(sink.acked[0]!.record).source).toMatchObject({ geo: { country_iso_code: 'US' }, as: { number: 15169 } });
  }, 60_000);
});

describe('the enrichment publisher (GeoIP) and the frame marker', () => {
  it('takes the marker off and keeps any other header', async () => {
    const sink = new MemoryPublisher();
    const record = { key: 'k', value: '{"source":{"ip":"8.8.8.8"}}', headers: { [ENRICHED_HEADER]: 'geoip', other: 'x' } };
    await geoipPublisher(sink, frameGeoip().lookup).send(EVENTS, [record]);
    expect(sink.acked[0]?.record).toEqual({ key: 'k', value: record.value, headers: { other: 'x' } });
    expect(record.headers).toEqual({ [ENRICHED_HEADER]: 'geoip', other: 'x' });
  });
});
