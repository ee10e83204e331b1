import { describe, expect, it } from 'vitest';
import { eventRecord, normalizeSplunk } from '../../normalize/splunk.js';
import { decodeEvents } from './decode.js';
import { hecEventRecord } from './record.js';

const receivedAt = new Date('2026-03-01T10:00:00.000Z');
const ctx = { inputId: 'hec', peer: '10.0.0.1', receivedAt, keepOriginal: true, channel: 'c' };

function normalized(body: string) {
  const [env] = decodeEvents(Buffer.from(body));
  if (!env) throw new Error('no envelope');
  const rec = { event: env.event, meta: env.meta, identity: env.text, ...(env.eventText !== undefined && { eventText: env.eventText }) };
  return { env, event: normalizeSplunk(rec, ctx) };
}

describe('hecEventRecord', () => {
  it("writes the event's text as sent into vigil.splunk.event; parsed back, the record is the one serializing gives", () => {
    const { env, event } = normalized(
      '{"host":"web1","event":{"message":"a \\"quoted\\" }","n":1.50,"big":12345678901234567890,"tags":["x"]}}',
    );
    const r = hecEventRecord(event, env.eventText, '10.0.0.1', receivedAt);
    const plain = eventRecord(event, '10.0.0.1', receivedAt);
    expect(r.value).toContain(`"event":${env.eventText as string}`);
    expect(JSON.parse(r.value as string)).toEqual(JSON.parse(plain.value as string));
    expect({ key: r.key, timestamp: r.timestamp }).toEqual({ key: 'web1', timestamp: receivedAt.getTime() });
    // The event object itself is left as it was.
    expect((event.vigil as unknown as { splunk: { event: unknown } }).splunk.event).toEqual(env.event);
  });

  it('puts the text in vigil.splunk.event, whatever comes after vigil (threat intelligence) or carries the same words', () => {
    const { env, event } = normalized('{"event":{"message":"vigil splunk event","event":{"original":"x"}}}');
    (event as Record<string, unknown>).threat = { enrichments: [{ matched: { atomic: '"event":{}' } }] };
    const doc = JSON.parse(hecEventRecord(event, env.eventText, 'p', receivedAt).value as string);
    expect(doc.vigil.splunk.event).toEqual({ message: 'vigil splunk event', event: { original: 'x' } });
    expect(doc.threat).toEqual({ enrichments: [{ matched: { atomic: '"event":{}' } }] });
    expect(doc.event.original).toBe(env.eventText);
  });

  it('serializes the event when there is no text (a string event, or one over several lines)', () => {
    for (const body of ['{"event":"a line"}', '{"event":{\n"a":1}}']) {
      const { env, event } = normalized(body);
      expect(hecEventRecord(event, env.eventText, 'p', receivedAt)).toEqual(eventRecord(event, 'p', receivedAt));
    }
  });
});
