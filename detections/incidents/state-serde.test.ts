import { describe, expect, it } from 'vitest';
import { jsonSerde } from '../../core/state/index.js';
import { buildAlert } from '../model/index.js';
import { IncidentBuilder } from './builder.js';
import { decodeState } from './state.js';
import { incidentStateSerde } from './state-serde.js';

function stateRecord(): { key: string; value: string } {
  const b = new IncidentBuilder();
  b.add(
    buildAlert(
      { id: 'r1', title: 'Rule "one"', level: 'high', tags: [], references: [], techniques: [], tactics: [] },
      { '@timestamp': '2025-03-01T10:00:00.000Z', message: 'a "quoted" \\ line', host: { name: 'web-1' } },
      ['selection'],
      new Date('2025-03-01T10:00:00.000Z'),
    ),
  );
  const [c] = b.changes();
  return { key: c?.key as string, value: c?.value as string };
}

describe('the incident state serde', () => {
  it('writes the state record as its JSON, once', () => {
    const { key, value } = stateRecord();
    const bytes = incidentStateSerde.serialize(value);
    expect(bytes).toBe(value);
    expect(decodeState(key, incidentStateSerde.deserialize(Buffer.from(bytes))).id).toBe(key);
    expect(Buffer.byteLength(bytes)).toBeLessThan(Buffer.byteLength(jsonSerde<string>().serialize(value)));
  });

  it('restores records the default JSON serde wrote (a quoted string)', () => {
    const { key, value } = stateRecord();
    const old = Buffer.from(jsonSerde<string>().serialize(value));
    expect(old.subarray(0, 1).toString()).toBe('"');
    expect(incidentStateSerde.deserialize(old)).toBe(value);
    expect(decodeState(key, incidentStateSerde.deserialize(old))).toEqual(decodeState(key, value));
  });

  it('hands unreadable bytes on for decodeState to refuse', () => {
    expect(() => incidentStateSerde.deserialize(Buffer.from('"unterminated'))).toThrow(SyntaxError);
    expect(() => decodeState('inc-x', incidentStateSerde.deserialize(Buffer.from('{not json')))).toThrow(/not JSON/);
  });
});
