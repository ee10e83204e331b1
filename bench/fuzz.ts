/**
 * bench/fuzz: each entry point (parsers, HEC, S2S, Firehose and Pub/Sub envelopes, the rule,
 * correlation, playbook and config loaders) against random and mutated inputs, 1M each by
 * default; `test/fuzz/fuzz.test.ts` runs a few thousand. Prints, per target, inputs, what was
 * accepted (events, or files loaded) and refused (dead letters, or files with located problems),
 * exceptions, contract breaches and inputs over the per-input time budget (0 expected), and the
 * first problems with their input in base64. Slow and crashing inputs are saved as regression
 * cases under test/fixtures/fuzz/regressions/. Exits 1 when any input broke the contract.
 *
 *   node --import tsx bench/fuzz.ts [--count 1000000] [--seed 1] [--target cef,leef] [--budget-ms 250]
 */
import { parseArgs } from 'node:util';
import { saveRegression } from '../test/fuzz/regressions.js';
import { fuzzTarget, type FuzzStats } from '../test/fuzz/run.js';
import { samplesOf } from '../test/fuzz/seeds.js';
import { FUZZ_TARGETS } from '../test/fuzz/targets/index.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string' },
    'budget-ms': { type: 'string', default: '250' },
  },
});
const COUNT = num(values, 'count');
const SEED = num(values, 'seed');
const BUDGET = num(values, 'budget-ms');
const only = values.target?.split(',');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(11);

console.log(
  `fuzz: ${COUNT.toLocaleString('en-US')} inputs per target, seed ${SEED}, ${BUDGET} ms of CPU per input (+10 µs a byte) at most`,
);
console.log(
  `  ${'target'.padEnd(11)} ${'inputs'.padStart(11)} ${'ok'.padStart(11)} ${'refused'.padStart(12)} ${'exceptions'.padStart(10)} ${'caught'.padStart(7)} ${'invalid'.padStart(7)} ${'slow'.padStart(5)} ${'slowest ms'.padStart(10)} ${'inputs/s'.padStart(11)} ${'seconds'.padStart(8)}`,
);
const all: FuzzStats[] = [];
for (const target of FUZZ_TARGETS) {
  if (only && !only.includes(target.name)) continue;
  const s = fuzzTarget(target, samplesOf(target.samples), COUNT, { seed: SEED, budgetMs: BUDGET });
  all.push(s);
  for (const p of s.problems) if (p.kind !== 'caught') saveRegression(target.name, Buffer.from(p.input, 'base64'));
  console.log(
    `  ${s.target.padEnd(11)} ${fmt(s.inputs)} ${fmt(s.events)} ${fmt(s.deadLetters).padStart(12)} ${String(s.exceptions).padStart(10)} ${String(s.caught).padStart(7)} ${String(s.invalid).padStart(7)} ${String(s.slow).padStart(5)} ${(s.slowest?.ms ?? 0).toFixed(1).padStart(10)} ${fmt(s.inputs / s.seconds)} ${s.seconds.toFixed(1).padStart(8)}`,
  );
}
let bad = false;
for (const s of all) {
  for (const p of s.problems.slice(0, 5)) {
    bad = true;
    const message = p.message
      .split('\n')
      .slice(0, 6)
      .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l))
      .join('\n');
    console.log(`\n${s.target} ${p.kind}: ${message}\n  input (base64): ${p.input.length > 400 ? `${p.input.slice(0, 400)}…` : p.input}`);
  }
}
process.exit(bad || all.some((s) => s.exceptions + s.caught + s.invalid + s.slow > 0) ? 1 : 0);
