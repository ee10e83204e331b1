import { describe, expect, it } from 'vitest';
import { elapsedMs } from '../../test/support/timing.js';
import { parseRecord } from '../parsers/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { normalizeRecord } from './record.js';

const receivedAt = new Date('2026-11-22T02:05:00Z');

/** One syslog datagram as the syslog input hands it over: parsed, then normalized. */
function ingest(raw: string): EcsEvent {
  const parsed = parseRecord(raw, { now: receivedAt, timezone: 'UTC' });
  if (!parsed.ok) throw parsed.error;
  return normalizeRecord(parsed.record, { inputId: 'in', peer: '10.0.0.1', raw: Buffer.from(raw), receivedAt, keepOriginal: false });
}

describe('LEEF records → ECS', () => {
  it('reads devTime with the devTimeFormat the record gives', () => {
    const e = ingest('<13>1 - h app - - - LEEF:2.0|V|P|1|E|^|devTime=20/11/2026 09:14:03^devTimeFormat=dd/MM/yyyy HH:mm:ss');
    expect(e['@timestamp']).toBe('2026-11-20T09:14:03.000Z');
  });

  it('normalizes a datagram whose devTimeFormat kept a backtracking matcher busy for minutes, within 200 ms', () => {
    const raw = `<13>1 - h app - - - LEEF:2.0|V|P|1|E|^|devTime=${'1'.repeat(80)}x^devTimeFormat=${'dH'.repeat(20)}`;
    let e: EcsEvent | undefined;
    expect(elapsedMs(() => (e = ingest(raw)))).toBeLessThan(200);
    // The time does not fit the format: the event keeps the receive time rather than being lost.
    expect(e?.['@timestamp']).toBe(receivedAt.toISOString());
  });

  it('keeps an attribute named __proto__ as an attribute, never as a prototype', () => {
    const e = ingest('LEEF:2.0|V|P|1|E|^|__proto__=x^src=10.1.2.3');
    const attrs = (e.vigil as { leef?: { attributes?: Record<string, string> } }).leef?.attributes;
    expect(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(e.source?.ip).toBe('10.1.2.3');
  });
});
