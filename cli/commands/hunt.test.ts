/**
 * `vigil hunt`'s output against goldens of what it printed before its read and write paths
 * were made faster (test/fixtures/hunt/golden):
 * - byte for byte over ECS JSON lines (the events ingest made of the shipped Linux samples and
 *   the correlation logs, frozen in linux.ecs.jsonl, so that a normalizer's change does not
 *   show here), with the shipped rules and correlations: jsonl and table;
 * - over every kind of sample (syslog text, pretty-printed evtx_dump documents, a gzipped
 *   evtx_dump file, a Windows `.evtx` file, the correlation logs), which rule fired on which
 *   file and line, in order, and the summary.
 *
 * Regenerate (only when the output is meant to change): `UPDATE_GOLDEN=1 npx vitest run cli/commands/hunt.test.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolIo } from '../io.js';
import { run } from './hunt.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const GOLDEN = 'test/fixtures/hunt/golden';
const RULES = ['--rules', 'rules/sigma', '--rules', 'rules/correlation', '--rules', 'test/fixtures/hunt/rules'];
const INPUTS = [
  'test/fixtures/hunt/logs',
  'test/fixtures/hunt/attacks',
  'test/fixtures/hunt/correlation',
  'rules/samples',
  'test/fixtures/evtx/synthetic.evtx',
  'test/fixtures/evtx/security.evtx_dump.jsonl.gz',
];

async function hunt(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: ToolIo = { out: (l) => out.push(l), err: (l) => err.push(l), now: () => NOW };
  const code = await run(args, io);
  // The last summary line ends with the run's duration.
  const strip = (text: string): string => text.replace(/ in \d+\.\d s$/m, ' in N s');
  return { code, out: strip(out.join('\n')), err: strip(err.join('\n')) };
}

function golden(name: string, text: string): string {
  const file = `${GOLDEN}/${name}`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return readFileSync(file, 'utf8');
}

const ECS = [`${GOLDEN}/linux.ecs.jsonl`];

/** Which rule fired where: one line per alert. */
const fired = (jsonl: string): string =>
  jsonl
    .split('\n')
    .map((l) => {
      if (!l.startsWith('{')) return l;
      const a = JSON.parse(l) as { rule: { id: string }; vigil: { source: { file: string; line: number } } };
      return `${a.rule.id} ${a.vigil.source.file}:${a.vigil.source.line}`;
    })
    .join('\n');

describe('vigil hunt output', () => {
  it('jsonl over ECS JSON lines: the same bytes as the golden', async () => {
    const r = await hunt(['--output', 'jsonl', ...RULES, ...ECS]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => l.startsWith('{')).length).toBeGreaterThan(20);
    expect(r.out).toBe(golden('ecs.jsonl', r.out));
    expect(r.err).toBe(golden('ecs.jsonl.stderr', r.err));
  }, 120_000);

  it('table over ECS JSON lines: the same rows and summary as the golden', async () => {
    const r = await hunt(['--output', 'table', ...RULES, ...ECS]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(golden('ecs.table', r.out));
  }, 120_000);

  it('over every kind of sample: the same rules fire on the same lines, in the same order', async () => {
    const r = await hunt(['--output', 'jsonl', ...RULES, ...INPUTS]);
    expect(r.code).toBe(0);
    const where = fired(r.out);
    expect(where.split('\n').length).toBeGreaterThan(50);
    expect(where).toBe(golden('samples.fired', where));
    expect(r.err).toBe(golden('samples.stderr', r.err));
  }, 120_000);
});
