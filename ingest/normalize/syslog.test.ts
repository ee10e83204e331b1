import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { EcsEvent } from '../../core/event/index.js';
import { parseRecord, parseSyslog } from '../parsers/index.js';
import { normalizeRecord } from './record.js';
import { normalizeSyslog } from './syslog.js';

interface Golden {
  inputId: string;
  peer: string;
  receivedAt: string;
  cases: Array<{ name: string; raw: string; timezone?: string; keepOriginal?: boolean; want: EcsEvent }>;
}

const golden = JSON.parse(readFileSync(new URL('../../test/fixtures/syslog/ecs-golden.json', import.meta.url), 'utf8')) as Golden;

function normalize(raw: string, opts: { timezone?: string; keepOriginal?: boolean; peer?: string } = {}): EcsEvent {
  const receivedAt = new Date(golden.receivedAt);
  const parsed = parseSyslog(raw, { now: receivedAt, timezone: opts.timezone ?? 'UTC' });
  if (!parsed.ok) throw parsed.error;
  return normalizeSyslog(parsed.record, {
    inputId: golden.inputId,
    peer: opts.peer ?? golden.peer,
    raw: Buffer.from(raw),
    receivedAt,
    keepOriginal: opts.keepOriginal ?? true,
  });
}

describe('normalizeSyslog (golden: test/fixtures/syslog/ecs-golden.json)', () => {
  it.each(golden.cases)('$name', ({ raw, timezone, keepOriginal, want }) => {
    const opts: { timezone?: string; keepOriginal?: boolean } = {};
    if (timezone !== undefined) opts.timezone = timezone;
    if (keepOriginal !== undefined) opts.keepOriginal = keepOriginal;
    expect(normalize(raw, opts)).toEqual(want);
  });

  it('gives the same record the same id, and another peer or input another id', () => {
    const raw = golden.cases[0]!.raw;
    const a = normalize(raw).vigil?.id;
    expect(normalize(raw).vigil?.id).toBe(a);
    expect(normalize(raw, { peer: '198.51.100.1' }).vigil?.id).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });

  it('names every facility and severity', () => {
    for (let pri = 0; pri <= 191; pri++) {
      const ev = normalize(`<${pri}>Nov 20 09:00:00 h app: x`);
      expect(ev.log?.syslog?.facility?.name).toMatch(/^[a-z0-9]+$/);
      expect(ev.log?.syslog?.severity?.name).toMatch(/^[A-Z][a-z]+$/);
      expect(ev.log?.syslog?.priority).toBe(pri);
    }
  });

  it('keeps process.pid out when the procid is not a number', () => {
    const ev = normalize('<13>Nov 20 09:00:00 h app[worker-1]: x');
    expect(ev.process).toEqual({ name: 'app' });
    expect(ev.log?.syslog?.procid).toBe('worker-1');
  });
});

// The ECS 9.4 definitions shipped next to the repo; values must come from their allowed lists.
const ecsFlat = new URL('../../../shared/ecs/ecs_flat.yml', import.meta.url);

describe.skipIf(!existsSync(ecsFlat))('ECS allowed values', () => {
  type Allowed = { name: string; expected_event_types?: string[] };
  const flat = existsSync(ecsFlat) ? (parseYaml(readFileSync(ecsFlat, 'utf8')) as Record<string, { allowed_values?: Allowed[] }>) : {};
  const allowed = (field: string) => (flat[field]?.allowed_values ?? []).map((v) => v.name);

  it.each(golden.cases)('$name', ({ want }) => {
    const e = want.event ?? {};
    expect(allowed('event.kind')).toContain(e.kind);
    if (e.outcome) expect(allowed('event.outcome')).toContain(e.outcome);
    for (const c of e.category ?? []) {
      expect(allowed('event.category')).toContain(c);
      const expectedTypes = flat['event.category']?.allowed_values?.find((v) => v.name === c)?.expected_event_types ?? [];
      for (const t of e.type ?? []) expect(expectedTypes).toContain(t);
    }
    for (const t of e.type ?? []) expect(allowed('event.type')).toContain(t);
  });
});

describe('found by fuzzing', () => {
  it('leaves @timestamp to the receive time when a JSON record holds a number past Date range', () => {
    const now = new Date('2026-11-22T02:05:00.000Z');
    const p = parseRecord('{"timestamp":99999999999999999999,"message":"m"}', { now, format: 'json' });
    if (!p.ok) throw p.error;
    const e = normalizeRecord(p.record, { inputId: 'i', peer: 'p', raw: Buffer.from('x'), receivedAt: now, keepOriginal: false });
    expect(e['@timestamp']).toBe(now.toISOString());
  });
});

describe('found by fuzzing: dotted keys of a JSON record cannot reach @timestamp or vigil', () => {
  it('keeps @timestamp a string and vigil.id the computed id', () => {
    const now = new Date('2026-11-22T02:05:00.000Z');
    const p = parseRecord('{"@timestamp.ip":"198.51.100.9","vigil.id":"spoofed","vigil.parse_status":"ok","message":"m"}', {
      now,
      format: 'json',
    });
    if (!p.ok) throw p.error;
    const e = normalizeRecord(p.record, { inputId: 'i', peer: 'p', raw: Buffer.from('x'), receivedAt: now, keepOriginal: false });
    expect(e['@timestamp']).toBe(now.toISOString());
    expect(e.vigil?.id).not.toBe('spoofed');
    expect(e.message).toBe('m');
  });
});
