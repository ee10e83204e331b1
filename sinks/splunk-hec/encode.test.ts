import { describe, expect, it } from 'vitest';
import { encodeHecEvent } from './encode.js';

const doc = {
  '@timestamp': '2026-03-01T10:00:00.123Z',
  message: 'a "quoted" line',
  host: { name: 'web "1"' },
  event: { dataset: 'linux.auth' },
  vigil: { input: 'syslog-tcp', splunk: { index: 'main' } },
};

describe('encodeHecEvent', () => {
  it('is the HEC envelope of the document: time, the mapped metadata (escaped), the document as event', () => {
    const line = encodeHecEvent(doc, 'events', 0);
    expect(JSON.parse(line)).toEqual({
      time: 1772359200.123,
      host: 'web "1"',
      source: 'vigil:syslog-tcp',
      sourcetype: 'linux.auth',
      index: 'main',
      event: doc,
    });
    expect(Object.keys(JSON.parse(line))).toEqual(['time', 'host', 'source', 'sourcetype', 'index', 'event']);
  });

  it("writes the document's JSON as given (the Kafka record's bytes), without serializing it again", () => {
    const json = `{ "message":"kept as sent", "host": {"name":"h"} , "n": 1.50 }`;
    const line = encodeHecEvent(
      JSON.parse(json) as Record<string, unknown>,
      'alerts',
      1_772_359_200_500,
      { sourcetype: 'vigil:alert' },
      json,
    );
    expect(line).toBe(`{"time":1772359200.5,"host":"h","sourcetype":"vigil:alert","event":${json}}`);
  });
});
