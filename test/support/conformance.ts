import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EcsEvent } from '../../core/event/index.js';
import { bytesResults } from '../../ingest/normalize/cloud/cloudwatch.js';
import { normalizeJsonText, type RecordType } from '../../ingest/normalize/cloud/records.js';
import { normalizeRecord } from '../../ingest/normalize/index.js';
import { parseRecord } from '../../ingest/parsers/index.js';

/**
 * The ECS conformance suite: `test/fixtures/normalize/conformance/<vendor>/*.jsonl`, one case a
 * line, `{ "name", "input", "expected": { "<dotted ECS field>": value } }`. `input` is the raw
 * syslog line, or the vendor's JSON record for the JSON vendors (`JSON_VENDORS`). `expected`
 * holds what Elastic's integration writes for the key fields; `null` means the field must be
 * absent. Arrays of `event.category`, `event.type` and `related.*` are compared as sets (Elastic's
 * pipelines append to them in processor order, which carries no meaning); `@timestamp` as an instant.
 */
export const CONFORMANCE_DIR = fileURLToPath(new URL('../fixtures/normalize/conformance/', import.meta.url));

/** Vendors whose input is a JSON record of this type rather than a syslog line. */
const JSON_VENDORS: Readonly<Record<string, RecordType>> = {
  okta: 'okta',
  o365: 'o365',
  suricata: 'suricata',
  zeek: 'zeek',
  windows: 'windows',
  cloudtrail: 'cloudtrail',
  'gcp-audit': 'gcp-audit',
  azure: 'azure',
};

/**
 * Vendors whose input is text delivered as a pushed payload (Firehose, Pub/Sub, Event Hubs): one
 * or more lines, of which the last gives the event (VPC flow logs: an optional header line, then the record).
 */
const TEXT_VENDORS: ReadonlySet<string> = new Set(['vpcflow']);

export interface ConformanceCase {
  vendor: string;
  file: string;
  name: string;
  input: string;
  expected: Record<string, unknown>;
}

export function loadConformance(dir = CONFORMANCE_DIR): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const vendor of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, vendor)).sort()) {
      if (!file.endsWith('.jsonl')) continue;
      const lines = readFileSync(join(dir, vendor, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (line.trim() === '') return;
        const c = JSON.parse(line) as { name: string; input: string | Record<string, unknown>; expected: Record<string, unknown> };
        const input = typeof c.input === 'string' ? c.input : JSON.stringify(c.input);
        out.push({ vendor, file: `${vendor}/${file}:${i + 1}`, name: c.name, input, expected: c.expected });
      });
    }
  }
  return out;
}

const RECEIVED = new Date('2026-11-20T12:00:00.000Z');

/** The case's input through Vigil's parser and normalizer, as an ingest input would run it. */
export function normalizeCase(c: ConformanceCase): EcsEvent {
  if (TEXT_VENDORS.has(c.vendor)) {
    const results = bytesResults(Buffer.from(c.input), { inputId: 'conformance', receivedAt: RECEIVED, keepOriginal: true }, 'conformance');
    const r = results[results.length - 1];
    if (!r?.ok) throw new Error(`${c.file}: not normalized: ${r ? r.reason : 'no record'}`);
    return r.event;
  }
  const type = JSON_VENDORS[c.vendor];
  if (type) {
    const [r] = normalizeJsonText(c.input, { inputId: 'conformance', receivedAt: RECEIVED, keepOriginal: true }, type);
    if (!r?.ok) throw new Error(`${c.file}: not normalized: ${r ? r.reason : 'no record'}`);
    return r.event;
  }
  const raw = Buffer.from(c.input);
  const p = parseRecord(raw, { now: RECEIVED, timezone: 'UTC', format: 'auto', json: false });
  if (!p.ok) throw new Error(`${c.file}: not parsed: ${p.error.message}`);
  return normalizeRecord(p.record, {
    inputId: 'conformance',
    peer: '127.0.0.1',
    raw,
    receivedAt: RECEIVED,
    keepOriginal: true,
    timezone: 'UTC',
  });
}

/** The value at a dotted ECS path (`source.user.name`), undefined when absent. */
export function fieldAt(event: unknown, path: string): unknown {
  let cur: unknown = event;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const SET_FIELDS = /^(event\.(category|type)|related\.\w+)$/;

/** Whether the event's field agrees with the expected value (see the module comment for the rules). */
export function agrees(event: EcsEvent, path: string, expected: unknown): boolean {
  const actual = fieldAt(event, path);
  if (expected === null) return actual === undefined;
  if (path === '@timestamp') return typeof actual === 'string' && Date.parse(actual) === Date.parse(String(expected));
  if (Array.isArray(expected) && SET_FIELDS.test(path)) {
    if (!Array.isArray(actual)) return false;
    const a = new Set(actual.map(String));
    return a.size === new Set(expected.map(String)).size && expected.every((v) => a.has(String(v)));
  }
  return JSON.stringify(actual) === JSON.stringify(expected);
}

export interface Agreement {
  cases: number;
  fields: number;
  agreed: number;
  /** `file name field: expected … got …` for each field that differs. */
  misses: string[];
}

/** Field-by-field agreement per vendor over the cases. */
export function agreementByVendor(cases: readonly ConformanceCase[]): Map<string, Agreement> {
  const out = new Map<string, Agreement>();
  for (const c of cases) {
    const a = out.get(c.vendor) ?? { cases: 0, fields: 0, agreed: 0, misses: [] };
    out.set(c.vendor, a);
    a.cases++;
    let event: EcsEvent | undefined;
    try {
      event = normalizeCase(c);
    } catch (err) {
      a.misses.push(`${c.file} ${c.name}: ${(err as Error).message}`);
    }
    for (const [path, want] of Object.entries(c.expected)) {
      a.fields++;
      if (event && agrees(event, path, want)) a.agreed++;
      else if (event)
        a.misses.push(`${c.file} ${c.name} ${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(fieldAt(event, path))}`);
    }
  }
  return out;
}
