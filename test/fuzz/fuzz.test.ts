import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTATIONS, fuzzInputs } from './mutate.js';
import { regressionCases, saveRegression } from './regressions.js';
import { budgetFor, contractBreach, fuzzTarget, runOne } from './run.js';
import { SAMPLE_SETS, samplesOf } from './seeds.js';
import type { FuzzTarget } from './target.js';
import { FUZZ_TARGETS } from './targets/index.js';

/** A few thousand inputs per entry point here; `bench/fuzz.ts` runs a million. */
const COUNT = 5000;
const SEED = 20261122;
/** CPU milliseconds one input may take, before its per-byte allowance (see FuzzOptions). */
const BUDGET_MS = 250;

describe('fuzz inputs', () => {
  it('are the same for the same seed, and differ across seeds', () => {
    const lines = samplesOf('lines');
    const a = [...fuzzInputs(7, lines, 200)];
    expect([...fuzzInputs(7, lines, 200)]).toEqual(a);
    expect([...fuzzInputs(8, lines, 200)]).not.toEqual(a);
  });

  it.each(Object.keys(SAMPLE_SETS))('has %s samples to mutate', (kind) => {
    expect(samplesOf(kind as keyof typeof SAMPLE_SETS).length).toBeGreaterThan(0);
  });

  it('has every mutation kind', () => {
    expect(Object.keys(MUTATIONS)).toEqual(
      expect.arrayContaining([
        'bitFlip',
        'truncate',
        'insertBytes',
        'deleteBytes',
        'splice',
        'repeatDelimiter',
        'hugeField',
        'invalidUtf8',
      ]),
    );
  });
});

describe('the per-input time budget', () => {
  /** A target that spends as long as its input's first byte says, in milliseconds. */
  const sleeper: FuzzTarget = {
    name: 'sleeper',
    samples: 'lines',
    run: (raw) => {
      const until = performance.now() + (raw[0] ?? 0);
      while (performance.now() < until);
      return { loaded: true, problems: [] };
    },
  };

  it('fails an input that takes longer than the budget on every try, and keeps it to save', () => {
    const s = fuzzTarget(sleeper, [Buffer.from([60]), Buffer.from([1])], 20, { seed: 1, budgetMs: 30, budgetUsPerByte: 0 });
    expect(s.slow).toBeGreaterThan(0);
    expect(s.problems.find((p) => p.kind === 'slow')?.message).toMatch(/ms of CPU for \d+ bytes \(budget 30 ms\)/);
    expect(s.slowInputs.every((b) => b[0] !== undefined && b[0] >= 30)).toBe(true);
  });

  it('saves a slow input as a regression case, once, and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-fuzz-'));
    try {
      const raw = Buffer.from([60, 1, 2]);
      const file = saveRegression('sleeper', raw, dir);
      expect(saveRegression('sleeper', raw, dir)).toBe(file);
      expect(regressionCases(dir)).toEqual([{ target: 'sleeper', file, raw }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('saved regression cases', () => {
  const cases = regressionCases();
  const byName = new Map(FUZZ_TARGETS.map((t) => [t.name, t]));

  it('each name a target', () => {
    expect(cases.filter((c) => !byName.has(c.target)).map((c) => c.file)).toEqual([]);
  });

  it.each(cases.map((c) => [`${c.target}/${c.file.split('/').pop()}`, c] as const))('%s keeps the contract within the budget', (_n, c) => {
    const target = byName.get(c.target) as FuzzTarget;
    runOne(target, c.raw); // the first run compiles
    const { result, error, ms } = runOne(target, c.raw);
    expect(error).toBeUndefined();
    expect(contractBreach(target, c.raw, result!)).toBeUndefined();
    expect(ms).toBeLessThan(budgetFor(c.raw.length, { budgetMs: BUDGET_MS }));
  });
});

describe.each(FUZZ_TARGETS.map((t) => [t.name, t] as const))('fuzz %s', (_name, target) => {
  const count = target.testCount ?? COUNT;
  it(`survives ${count} random and mutated inputs, each within ${BUDGET_MS} ms: each becomes an event, a dead letter or a located problem`, () => {
    const s = fuzzTarget(target, samplesOf(target.samples), count, { seed: SEED, budgetMs: BUDGET_MS });
    // Slow and crashing inputs are written where the next run replays them; commit them with the fix.
    for (const p of s.problems) if (p.kind !== 'caught') saveRegression(target.name, Buffer.from(p.input, 'base64'));
    expect(s.problems.map((p) => `${p.kind}: ${p.message.slice(0, 500)}\n  input: ${p.input.slice(0, 200)}`)).toEqual([]);
    expect(s.exceptions + s.caught + s.invalid + s.slow).toBe(0);
    expect(s.inputs).toBe(count);
    expect(s.events).toBeGreaterThan(0);
    expect(s.deadLetters).toBeGreaterThan(0);
  });
});
