/**
 * Every registered input and sink is complete: a schema beside its code, an example in
 * `vigil.example.yaml`, and tests (in its folder, or an integration test that imports it).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { INPUTS } from '../../ingest/inputs/registry.js';
import { SINKS, SINK_SCHEMAS } from '../../sinks/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const example = parseDocument(readFileSync(`${ROOT}vigil.example.yaml`, 'utf8')).toJS() as {
  inputs?: Array<{ type?: string }>;
  sinks?: Array<{ type?: string }>;
};
const integration = readdirSync(`${ROOT}test/integration`)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(`${ROOT}test/integration/${f}`, 'utf8'));

/** Test files in `folder`, and integration tests that import from it. */
function testsOf(folder: string): number {
  const own = existsSync(`${ROOT}${folder}`) ? readdirSync(`${ROOT}${folder}`).filter((f) => f.endsWith('.test.ts')).length : 0;
  return own + integration.filter((text) => text.includes(`/${folder}/`)).length;
}

describe.each(Object.keys(INPUTS))('input %s', (type) => {
  it('has its schema, in its own folder', () => {
    const { schema } = INPUTS[type as keyof typeof INPUTS];
    expect(schema.kind).toBe('object');
    expect(existsSync(`${ROOT}ingest/inputs/${type}/config.ts`)).toBe(true);
  });
  it('has an example in vigil.example.yaml', () => {
    expect((example.inputs ?? []).map((i) => i.type)).toContain(type);
  });
  it('has tests', () => {
    expect(testsOf(`ingest/inputs/${type}`)).toBeGreaterThan(0);
  });
});

describe.each(Object.keys(SINKS))('sink %s', (type) => {
  it('has its schema, in its own folder', () => {
    expect(SINK_SCHEMAS[type as keyof typeof SINK_SCHEMAS]?.kind).toBe('object');
    expect(existsSync(`${ROOT}sinks/${type}/config.ts`)).toBe(true);
  });
  it('has an example in vigil.example.yaml', () => {
    expect((example.sinks ?? []).map((s) => s.type)).toContain(type);
  });
  it('has tests', () => {
    expect(testsOf(`sinks/${type}`)).toBeGreaterThan(0);
  });
});
