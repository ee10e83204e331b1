import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRecord, type RecordFormat } from '../parsers/index.js';
import { normalizeRecord } from './record.js';
import { toSchema, type OutputSchema } from './schema.js';

/**
 * Table-driven golden files, one per vendor or format: `test/fixtures/normalize/<name>.json` holds
 * raw lines and the event each must become (`want`). `UPDATE_GOLDEN=1 npx vitest run
 * ingest/normalize/golden.test.ts` rewrites the `want`s from the current code: review the diff.
 * `ecs-definitions.test.ts` checks every ECS `want` against the official ECS definitions.
 */
export const GOLDEN_DIR = fileURLToPath(new URL('../../test/fixtures/normalize/', import.meta.url));

export interface GoldenCase {
  name: string;
  raw: string;
  format?: RecordFormat;
  timezone?: string;
  allowMissingPri?: boolean;
  want?: unknown;
}
export interface GoldenFile {
  inputId: string;
  peer: string;
  receivedAt: string;
  timezone?: string;
  schema?: OutputSchema;
  cases: GoldenCase[];
}

export function run(file: GoldenFile, c: GoldenCase): unknown {
  const receivedAt = new Date(file.receivedAt);
  const timezone = c.timezone ?? file.timezone ?? 'UTC';
  const parsed = parseRecord(c.raw, { now: receivedAt, timezone, format: c.format ?? 'auto', allowMissingPri: c.allowMissingPri ?? false });
  if (!parsed.ok) throw parsed.error;
  const ecs = normalizeRecord(parsed.record, {
    inputId: file.inputId,
    peer: file.peer,
    raw: Buffer.from(c.raw),
    receivedAt,
    keepOriginal: true,
    timezone,
  });
  // A JSON round trip: what Kafka carries (no undefined members).
  return JSON.parse(JSON.stringify(toSchema(file.schema ?? 'ecs', ecs)));
}

const files = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe.each(files)('golden %s', (name) => {
  const path = join(GOLDEN_DIR, name);
  const file = JSON.parse(readFileSync(path, 'utf8')) as GoldenFile;
  if (process.env.UPDATE_GOLDEN) {
    for (const c of file.cases) c.want = run(file, c);
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  }
  it.each(file.cases)('$name', (c) => {
    expect(c.want, 'no golden output yet: run with UPDATE_GOLDEN=1').toBeDefined();
    expect(run(file, c)).toEqual(c.want);
  });
});

describe('golden coverage', () => {
  it('has one file per vendor and format', () => {
    expect(files).toEqual([
      'cef.json',
      'cisco-asa.json',
      'fortigate.json',
      'leef.json',
      'linux.json',
      'ocsf.json',
      'panos.json',
      'pfsense.json',
    ]);
  });
});
