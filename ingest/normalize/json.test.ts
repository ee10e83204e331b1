import { afterEach, describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../core/event/index.js';
import { PARSE_TYPES, type ParseType } from '../parsers/registry.js';

const ctx = { inputId: 'parse', origin: 'stdin:1', timezone: 'UTC', now: new Date('2026-11-22T02:05:00Z'), keepOriginal: false };

/** What `vigil parse --type json` (and `vigil hunt` over JSON lines) does with one line. */
function parseJsonLine(line: string): EcsEvent {
  const r = (PARSE_TYPES.json as ParseType).toEcs(line, ctx);
  if (!r.ok) throw r.error;
  expect(r.events).toHaveLength(1);
  return r.events[0] as EcsEvent;
}

const polluted = (): unknown => ({}) as Record<string, unknown>;

afterEach(() => {
  // A failing case must not leak into the next one.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe('JSON lines → ECS: keys that name prototypes', () => {
  it.each([
    ['a dotted __proto__ key', '{"__proto__.polluted": 1}'],
    ['a dotted constructor.prototype key', '{"constructor.prototype.polluted": 1}'],
    ['__proto__ inside an object merged into the event', '{"event": {"__proto__": {"polluted": 1}}}'],
    ['__proto__ under a dotted key', '{"a.__proto__.polluted": 1}'],
  ])('never reach Object.prototype through %s', (_name, line) => {
    const e = parseJsonLine(line);
    expect((polluted() as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    // Kept as data: the event still serializes what was sent.
    expect(JSON.stringify(e)).toContain('"polluted":1');
  });

  it('a top-level __proto__ object cannot become the prototype of the event and forge vigil.*', () => {
    const e = parseJsonLine('{"__proto__": {"vigil": {"id": "forged"}, "x": 5}, "message": "m"}');
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    expect(e.vigil?.id).not.toBe('forged');
    expect((e as Record<string, unknown>).x).toBeUndefined();
    expect(e.message).toBe('m');
    expect(Object.getOwnPropertyDescriptor(e, '__proto__')?.value).toEqual({ vigil: { id: 'forged' }, x: 5 });
  });
});
