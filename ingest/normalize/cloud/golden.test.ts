import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ecsFields, ecsProblems } from './ecs-check.js';
import { ECS_ALLOWED } from './json.js';
import { normalizeJsonText, type RecordType } from './records.js';

/**
 * Table-driven golden fixtures: every `test/fixtures/{cloud/<type>,windows,suricata,zeek}/<name>.json` (written
 * from the vendors' documented schemas) is normalized as its type and compared with
 * `<name>.golden.json`. `UPDATE_GOLDEN=1` rewrites the goldens: review the diff before keeping it.
 */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const ctx = { inputId: 'fixture', receivedAt: new Date('2024-01-01T00:00:00.000Z'), keepOriginal: false };

const cases: Array<[string, RecordType, string]> = [];
for (const type of readdirSync(join(FIXTURES, 'cloud'))) {
  for (const f of readdirSync(join(FIXTURES, 'cloud', type))) {
    if (f.endsWith('.json') && !f.endsWith('.golden.json'))
      cases.push([`${type}/${f}`, type as RecordType, join(FIXTURES, 'cloud', type, f)]);
  }
}
for (const type of ['windows', 'suricata', 'zeek'] as const) {
  for (const f of readdirSync(join(FIXTURES, type))) {
    if (f.endsWith('.json') && !f.endsWith('.golden.json')) cases.push([`${type}/${f}`, type, join(FIXTURES, type, f)]);
  }
}

describe('golden fixtures', () => {
  it('covers every record type', () => {
    expect(new Set(cases.map((c) => c[1]))).toEqual(
      new Set(['cloudtrail', 'gcp-audit', 'azure', 'okta', 'o365', 'windows', 'suricata', 'zeek']),
    );
  });

  it.each(cases)('%s', (_name, type, file) => {
    const results = normalizeJsonText(readFileSync(file, 'utf8'), ctx, type);
    expect(results.every((r) => r.ok)).toBe(true);
    const events = results.map((r) => (r.ok ? r.event : null));
    const golden = file.replace(/\.json$/, '.golden.json');
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, `${JSON.stringify(events, null, 2)}\n`);
    expect(events).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
    // Auto-detection picks the same normalizer.
    expect(normalizeJsonText(readFileSync(file, 'utf8'), ctx, 'auto').map((r) => (r.ok ? r.event : null))).toEqual(events);
    for (const e of events) expect(ecsProblems(e), `${basename(file)}: ${e?.event?.action}`).toEqual([]);
  });
});

describe('ECS categorization values', () => {
  it('the runtime lists equal ecs_flat.yml', () => {
    const fields = ecsFields();
    for (const f of ['kind', 'category', 'type', 'outcome'] as const) {
      expect([...ECS_ALLOWED[f]].sort()).toEqual(fields[`event.${f}`]?.allowed_values?.map((a) => a.name).sort());
    }
  });
});
