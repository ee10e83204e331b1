/**
 * The enrichment publisher in front of the producer (HEC, S2S, cloud and file inputs' events):
 * one parse and one serialization per record whatever the number of steps, every step applied,
 * the frame path's records passed by, and anything it cannot read passed on as it was.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutRecord } from '../../core/bus/types.js';
import { metrics } from '../../core/telemetry/index.js';
import { IndicatorIndex, IntelStore } from '../../intel/store.js';
import { MemoryPublisher } from '../../test/support/memory-publisher.js';
import { counterValue } from '../../test/support/metrics.js';
import { ENRICHED_HEADER } from './frame-marker.js';
import { openDatabases } from './geoip/databases.js';
import { GeoipLookup } from './geoip/lookup.js';
import { geoipStep } from './geoip/step.js';
import { intelStep } from './intel/step.js';
import { enrichmentPublisher } from './publisher.js';

const EVENTS = 'vigil.events';
const { geo, asn } = openDatabases({});
const lookup = new GeoipLookup(geo, asn, 100);
const storeWith = (ips: string[]) => {
  const store = new IntelStore();
  store.replace(IndicatorIndex.build([{ feed: 'c2', indicators: ips.map((value) => ({ type: 'ip' as const, value })) }]));
  return store;
};
const store = storeWith(['8.8.8.8', '203.0.113.9']);

type Event = Record<string, Record<string, unknown> & { enrichments?: Array<Record<string, unknown>> }>;
const parse = (r: OutRecord | undefined) => JSON.parse((r as OutRecord).value.toString()) as Event;
const sentTo = (sink: MemoryPublisher, topic = EVENTS) => sink.acked.filter((a) => a.topic === topic).map((a) => a.record);
const counted = async () => ({
  geoip: await counterValue(metrics.sent, { kind: 'enrich', id: 'geoip' }),
  intel: await counterValue(metrics.sent, { kind: 'intel', id: 'enrich' }),
});

afterEach(() => vi.restoreAllMocks());

describe('enrichmentPublisher with GeoIP and threat intelligence', () => {
  const publisherInto = (sink: MemoryPublisher) => enrichmentPublisher(sink, EVENTS, [geoipStep(lookup), intelStep(store)]);

  it('parses a record once, applies both, serializes it once, and counts each enrichment', async () => {
    const sink = new MemoryPublisher();
    const event = { '@timestamp': '2026-12-07T11:00:00Z', source: { ip: '8.8.8.8' }, destination: { ip: '10.0.0.5' } };
    const records = [{ value: Buffer.from(JSON.stringify(event)), key: 'h', timestamp: 5 }];
    const before = await counted();
    const jsonParse = vi.spyOn(JSON, 'parse');
    const jsonStringify = vi.spyOn(JSON, 'stringify');
    await publisherInto(sink).send(EVENTS, records);
    expect(jsonParse).toHaveBeenCalledTimes(1);
    expect(jsonStringify).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();

    const [record] = sentTo(sink);
    expect(record).toMatchObject({ key: 'h', timestamp: 5 });
    const out = parse(record);
    expect(out.source).toMatchObject({
      ip: '8.8.8.8',
      geo: { country_iso_code: 'US' },
      as: { number: 15169 },
    });
    expect(out.threat?.enrichments).toEqual([
      expect.objectContaining({
        indicator: { type: 'ipv4-addr', provider: 'c2', ip: '8.8.8.8' },
        matched: expect.objectContaining({ atomic: '8.8.8.8', field: 'source.ip' }),
      }),
    ]);
    expect(out.destination).toEqual({ ip: '10.0.0.5' });
    const after = await counted();
    expect(after.geoip - before.geoip).toBe(1);
    expect(after.intel - before.intel).toBe(1);
  });

  it('counts each step for the events it added to: GeoIP alone, intel alone, neither', async () => {
    const sink = new MemoryPublisher();
    const before = await counted();
    const jsonParse = vi.spyOn(JSON, 'parse');
    await publisherInto(sink).send(EVENTS, [
      { value: JSON.stringify({ source: { ip: '1.1.1.1' } }) },
      { value: JSON.stringify({ source: { ip: '203.0.113.9' } }) },
      { value: JSON.stringify({ source: { ip: '10.0.0.1' } }) },
    ]);
    expect(jsonParse).toHaveBeenCalledTimes(3);
    jsonParse.mockRestore();
    const [geoOnly, intelOnly, neither] = sentTo(sink);
    expect(parse(geoOnly)).toMatchObject({ source: { as: { number: 13335 } } });
    expect(parse(geoOnly).threat).toBeUndefined();
    expect(parse(intelOnly).threat?.enrichments).toHaveLength(1);
    expect(parse(intelOnly).source?.geo).toBeUndefined();
    expect(neither?.value).toBe(JSON.stringify({ source: { ip: '10.0.0.1' } }));
    const after = await counted();
    expect(after.geoip - before.geoip).toBe(1);
    expect(after.intel - before.intel).toBe(1);
  });

  it('passes everything else as it was: other topics, records it cannot read, records it added nothing to', async () => {
    const sink = new MemoryPublisher();
    const event = { source: { ip: '8.8.8.8' } };
    const untouched = { value: JSON.stringify({ source: { ip: '10.0.0.1' } }), key: 'h' };
    const notJson = { value: Buffer.from('{not json'), key: 'h' };
    const notObject = { value: '[1,2]' };
    const publisher = publisherInto(sink);
    await publisher.send(EVENTS, [untouched, notJson, notObject]);
    await publisher.send('vigil.deadletter', [{ value: JSON.stringify(event) }]);
    const records = sentTo(sink);
    expect(records).toEqual([untouched, notJson, notObject]);
    expect(records[0]).toBe(untouched);
    expect(records[1]).toBe(notJson);
    expect(sentTo(sink, 'vigil.deadletter')).toEqual([{ value: JSON.stringify(event) }]);
  });

  it('passes a record the frame path enriched with both by unparsed, its marker taken off and other headers kept', async () => {
    const sink = new MemoryPublisher();
    const value = JSON.stringify({ source: { ip: '8.8.8.8' } });
    const marked = { value, key: 'm', headers: { [ENRICHED_HEADER]: 'geoip intel', other: 'x' } };
    const before = await counted();
    const jsonParse = vi.spyOn(JSON, 'parse');
    await publisherInto(sink).send(EVENTS, [marked]);
    expect(jsonParse).not.toHaveBeenCalled();
    expect(sentTo(sink)).toEqual([{ value, key: 'm', headers: { other: 'x' } }]);
    expect(marked.headers).toEqual({ [ENRICHED_HEADER]: 'geoip intel', other: 'x' });
    expect(await counted()).toEqual(before);
  });

  it('applies only what the frame path did not: a record marked for intel alone gets GeoIP, and no second threat match', async () => {
    const sink = new MemoryPublisher();
    // As a frame worker that could not open the GeoIP databases sends it.
    const record = { value: JSON.stringify({ source: { ip: '8.8.8.8' } }), key: 'k', headers: { [ENRICHED_HEADER]: 'intel' } };
    const jsonParse = vi.spyOn(JSON, 'parse');
    await publisherInto(sink).send(EVENTS, [record]);
    expect(jsonParse).toHaveBeenCalledTimes(1);
    const [out] = sentTo(sink);
    expect(out?.headers).toBeUndefined();
    expect(parse(out).source).toMatchObject({ geo: { country_iso_code: 'US' } });
    expect(parse(out).threat).toBeUndefined();
  });
});

describe('enrichmentPublisher with an empty indicator list', () => {
  it('does not parse at all when no step has anything to add', async () => {
    const sink = new MemoryPublisher();
    const empty = new IntelStore();
    const record = { value: JSON.stringify({ source: { ip: '8.8.8.8' } }) };
    const jsonParse = vi.spyOn(JSON, 'parse');
    await enrichmentPublisher(sink, EVENTS, [intelStep(empty)]).send(EVENTS, [record]);
    expect(jsonParse).not.toHaveBeenCalled();
    expect(sentTo(sink)[0]).toBe(record);
  });
});
