import { describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { KeyValueStore } from '../../core/state/index.js';
import { buildAlert } from '../model/index.js';
import { foldAlertBatch } from './alert-batch.js';
import { IncidentBuilder } from './builder.js';
import { decodeState } from './state.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const topics = { incidents: 'vigil.incidents', deadletter: 'vigil.deadletter' };

function alertRecord(offset: number, host: string, rule = 'r1'): InRecord {
  const at = new Date(T0 + offset * 1000);
  const alert = buildAlert(
    { id: rule, title: `Rule ${rule}`, level: 'medium', tags: [], references: [], techniques: [], tactics: [] },
    {
      '@timestamp': at.toISOString(),
      message: 'm',
      host: { name: host },
      vigil: { id: `ev-${offset}`, input: 't', received_at: at.toISOString(), parse_status: 'ok' },
    },
    ['selection'],
    at,
  );
  return raw(offset, JSON.stringify(alert));
}

function raw(offset: number, text: string): InRecord {
  return {
    topic: 'vigil.incident-alerts',
    partition: 0,
    offset: String(offset),
    key: 'incidents',
    value: Buffer.from(text),
    headers: {},
    timestamp: T0,
  };
}

describe('a batch of incident alerts', () => {
  it('writes each changed incident once, at its latest version, and its state record', () => {
    const builder = new IncidentBuilder();
    const store = new KeyValueStore<string>();
    const batch = [alertRecord(0, 'web-1'), alertRecord(1, 'web-2'), alertRecord(2, 'web-1', 'r2'), alertRecord(3, 'web-1', 'r3')];
    const out = foldAlertBatch(builder, batch, store, topics);

    expect(out.map((o) => o.topic)).toEqual(['vigil.incidents', 'vigil.incidents']);
    const docs = out.map((o) => JSON.parse(String(o.value)) as { incident: { id: string; alert_count: number; version: number } });
    expect(docs.map((d) => [d.incident.alert_count, d.incident.version])).toEqual([
      [1, 1],
      [3, 3],
    ]);
    expect(out.map((o) => o.key)).toEqual(docs.map((d) => d.incident.id));
    const changes = store.drainChanges();
    expect(changes.map(([key]) => key).sort()).toEqual(docs.map((d) => d.incident.id).sort());
    for (const [key, value] of changes) expect(decodeState(key, value as string).count).toBe(key === docs[1]?.incident.id ? 3 : 1);
  });

  it('dead-letters what is not JSON and what the builder cannot read, with the raw bytes, and folds the rest', () => {
    const builder = new IncidentBuilder();
    const store = new KeyValueStore<string>();
    const batch = [raw(0, '{"broken'), raw(1, '{"message":"no rule, no time"}'), alertRecord(2, 'web-1')];
    const out = foldAlertBatch(builder, batch, store, topics);

    const letters = out.filter((o) => o.topic === topics.deadletter);
    expect(letters.map((l) => l.headers?.['vigil-code'])).toEqual(['EVENT_INVALID', 'EVENT_INVALID']);
    const bodies = letters.map(
      (l) => JSON.parse(String(l.value)) as { reason: string; raw: { data: string }; origin?: { offset: string } },
    );
    expect(bodies[0]?.reason).toMatch(/not JSON/);
    expect(bodies[1]?.reason).toMatch(/@timestamp/);
    expect(bodies.map((b) => b.origin?.offset)).toEqual(['0', '1']);
    expect(bodies.map((b) => b.raw.data)).toEqual(['{"broken', '{"message":"no rule, no time"}']);
    expect(out.filter((o) => o.topic === topics.incidents)).toHaveLength(1);
    expect(store.size).toBe(1);
  });
});
