/**
 * bench/fuzz: each parser entry point against random and mutated inputs (1M each by default),
 * the count the ingest issue asks for; `ingest/testing/fuzz/fuzz.test.ts` runs a few thousand.
 * Prints, per target, inputs, events, dead letters and exceptions (0 expected), and the first
 * problems with their input in base64 to reproduce. Exits 1 when any input broke the contract.
 *
 *   node --import tsx bench/fuzz.ts [--count 1000000] [--seed 1] [--target cef,leef]
 */
import { parseArgs } from 'node:util';
import { FUZZ_TARGETS } from '../ingest/testing/fuzz/targets.js';
import { fuzzTarget, type FuzzStats } from '../ingest/testing/fuzz/run.js';
import { jsonSeeds, lineSeeds } from '../ingest/testing/fuzz/seeds.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string' },
  },
});
const COUNT = Number(values.count);
const SEED = Number(values.seed);
const only = values.target?.split(',');

const samples = { lines: lineSeeds(), json: jsonSeeds() };
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(11);

console.log(`fuzz: ${COUNT.toLocaleString('en-US')} inputs per target, seed ${SEED}`);
console.log(
  `  ${'target'.padEnd(9)} ${'inputs'.padStart(11)} ${'events'.padStart(11)} ${'dead letters'.padStart(12)} ${'exceptions'.padStart(10)} ${'caught'.padStart(7)} ${'invalid'.padStart(7)} ${'inputs/s'.padStart(11)} ${'seconds'.padStart(8)}`,
);
const all: FuzzStats[] = [];
for (const target of FUZZ_TARGETS) {
  if (only && !only.includes(target.name)) continue;
  const s = fuzzTarget(target, samples[target.samples], COUNT, SEED);
  all.push(s);
  console.log(
    `  ${s.target.padEnd(9)} ${fmt(s.inputs)} ${fmt(s.events)} ${fmt(s.deadLetters).padStart(12)} ${String(s.exceptions).padStart(10)} ${String(s.caught).padStart(7)} ${String(s.invalid).padStart(7)} ${fmt(s.inputs / s.seconds)} ${s.seconds.toFixed(1).padStart(8)}`,
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
process.exit(bad || all.some((s) => s.exceptions + s.caught + s.invalid > 0) ? 1 : 0);
