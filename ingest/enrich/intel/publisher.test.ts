import { describe, expect, it } from 'vitest';
import type { OutRecord, Publisher } from '../../../core/bus/types.js';
import { IndicatorIndex, IntelStore } from '../../../intel/store.js';
import { ENRICHED_HEADER } from '../frame-marker.js';
import { intelPublisher } from './publisher.js';

describe('intelPublisher (the events of inputs that do not build them from frames)', () => {
  const store = new IntelStore();
  store.replace(IndicatorIndex.build([{ feed: 'c2', indicators: [{ type: 'ip', value: '203.0.113.9' }] }]));
  const sent: Array<[string, OutRecord[]]> = [];
  const next: Publisher = { send: async (topic, records) => void sent.push([topic, records]) };
  const publisher = intelPublisher(next, 'vigil.events', store);

  it('enriches records bound for vigil.events, passes everything else as it was, and takes its name off the frame marker', async () => {
    sent.length = 0;
    const event = { source: { ip: '203.0.113.9' }, destination: { ip: '10.0.0.5' } };
    const untouched = { value: JSON.stringify({ source: { ip: '10.0.0.1' } }), key: 'h' };
    const notJson = { value: Buffer.from('{not json'), key: 'h' };
    const notObject = { value: '[1,2]' };
    const marked = { value: JSON.stringify(event), key: 'm', headers: { [ENRICHED_HEADER]: 'geoip intel', other: 'x' } };
    await publisher.send('vigil.events', [
      { value: Buffer.from(JSON.stringify(event)), key: 'h', timestamp: 5 },
      untouched,
      notJson,
      notObject,
      marked,
    ]);
    await publisher.send('vigil.deadletter', [{ value: JSON.stringify(event) }]);

    const [[, records], [dlTopic, dl]] = sent as [[string, OutRecord[]], [string, OutRecord[]]];
    expect(records[0]).toMatchObject({ key: 'h', timestamp: 5 });
    expect(JSON.parse(records[0]!.value as string).threat.enrichments).toEqual([
      expect.objectContaining({
        indicator: { type: 'ipv4-addr', provider: 'c2', ip: '203.0.113.9' },
        matched: expect.objectContaining({ atomic: '203.0.113.9', field: 'source.ip' }),
      }),
    ]);
    expect(records.slice(1, 4)).toEqual([untouched, notJson, notObject]);
    expect(records[1]).toBe(untouched);
    // Enriched at the frame step already: passed by, GeoIP's name left for its own wrapper.
    expect(records[4]).toEqual({ value: marked.value, key: 'm', headers: { [ENRICHED_HEADER]: 'geoip', other: 'x' } });
    expect(dlTopic).toBe('vigil.deadletter');
    expect(dl).toEqual([{ value: JSON.stringify(event) }]);
  });
});
