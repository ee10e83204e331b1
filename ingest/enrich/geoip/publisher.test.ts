import { describe, expect, it } from 'vitest';
import type { OutRecord, Publisher } from '../../../core/bus/types.js';
import { openDatabases } from './databases.js';
import { GeoipLookup } from './lookup.js';
import { geoipPublisher } from './publisher.js';

describe('geoipPublisher', () => {
  const { geo, asn } = openDatabases({});
  const lookup = new GeoipLookup(geo, asn, 100);
  const sent: Array<[string, OutRecord[]]> = [];
  const next: Publisher = { send: async (topic, records) => void sent.push([topic, records]) };
  const publisher = geoipPublisher(next, 'vigil.events', lookup);

  it('enriches records bound for vigil.events and passes everything else as it was', async () => {
    const event = { '@timestamp': '2026-12-07T11:00:00Z', source: { ip: '8.8.8.8' }, destination: { ip: '10.0.0.5' } };
    const untouched = { value: JSON.stringify({ source: { ip: '10.0.0.1' } }), key: 'h' };
    const notJson = { value: Buffer.from('{not json'), key: 'h' };
    const notObject = { value: '[1,2]' };
    await publisher.send('vigil.events', [
      { value: Buffer.from(JSON.stringify(event)), key: 'h', timestamp: 5 },
      untouched,
      notJson,
      notObject,
    ]);
    await publisher.send('vigil.deadletter', [{ value: JSON.stringify(event) }]);

    const [[topic, records], [dlTopic, dl]] = sent as [[string, OutRecord[]], [string, OutRecord[]]];
    expect(topic).toBe('vigil.events');
    expect(records[0]).toMatchObject({ key: 'h', timestamp: 5 });
    expect(JSON.parse(records[0]!.value as string)).toEqual({
      ...event,
      source: { ip: '8.8.8.8', geo: expect.objectContaining({ country_iso_code: 'US' }), as: expect.objectContaining({ number: 15169 }) },
    });
    expect(records.slice(1)).toEqual([untouched, notJson, notObject]);
    expect(records[1]).toBe(untouched);
    expect(dlTopic).toBe('vigil.deadletter');
    expect(dl).toEqual([{ value: JSON.stringify(event) }]);
  });
});
