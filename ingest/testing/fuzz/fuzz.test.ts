import { describe, expect, it } from 'vitest';
import { MUTATIONS, fuzzInputs } from './mutate.js';
import { fuzzTarget } from './run.js';
import { jsonSeeds, lineSeeds } from './seeds.js';
import { FUZZ_TARGETS } from './targets.js';

/** A few thousand inputs per parser here; `bench/fuzz.ts` runs the million. */
const COUNT = 5000;
const samples = { lines: lineSeeds(), json: jsonSeeds() };

describe('fuzz inputs', () => {
  it('are the same for the same seed, and differ across seeds', () => {
    const a = [...fuzzInputs(7, samples.lines, 200)];
    expect([...fuzzInputs(7, samples.lines, 200)]).toEqual(a);
    expect([...fuzzInputs(8, samples.lines, 200)]).not.toEqual(a);
  });

  it('has samples of every kind to mutate, and every mutation kind', () => {
    expect(samples.lines.length).toBeGreaterThan(50);
    expect(samples.json.length).toBeGreaterThan(20);
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

describe.each(FUZZ_TARGETS.map((t) => [t.name, t] as const))('fuzz %s', (_name, target) => {
  it(`survives ${COUNT} random and mutated inputs: each becomes an event or a dead letter`, () => {
    const s = fuzzTarget(target, samples[target.samples], COUNT, 20261122);
    expect(s.problems.map((p) => `${p.kind}: ${p.message.slice(0, 500)}\n  input: ${p.input.slice(0, 200)}`)).toEqual([]);
    expect(s.exceptions + s.caught + s.invalid).toBe(0);
    expect(s.inputs).toBe(COUNT);
    expect(s.events).toBeGreaterThan(0);
    expect(s.deadLetters).toBeGreaterThan(0);
  });
});
