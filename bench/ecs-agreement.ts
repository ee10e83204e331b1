/**
 * bench/ecs-agreement: how closely each vendor normalizer agrees with Elastic's integration for
 * that vendor, on the key fields of the conformance suite (categorization, network endpoints,
 * users, hosts, process, rule, URL, cloud, `@timestamp` as an instant):
 * `test/fixtures/normalize/conformance/<vendor>/*.jsonl`. Prints per vendor the cases, the fields
 * compared and the share that agree; `--misses` lists each field that differs.
 *
 *   node --import tsx bench/ecs-agreement.ts [--misses] [--vendor okta]
 */
import { parseArgs } from 'node:util';
import { agreementByVendor, loadConformance } from '../test/support/conformance.js';

const { values } = parseArgs({ options: { misses: { type: 'boolean', default: false }, vendor: { type: 'string' } } });
const all = loadConformance();
const cases = all.filter((c) => values.vendor === undefined || c.vendor === values.vendor);
if (cases.length === 0) {
  console.error(`no conformance cases for vendor ${values.vendor}; vendors: ${[...new Set(all.map((c) => c.vendor))].join(', ')}`);
  process.exit(2);
}
const byVendor = agreementByVendor(cases);
console.log(`${'vendor'.padEnd(12)} ${'cases'.padStart(5)} ${'fields'.padStart(6)} ${'agree'.padStart(6)}  agreement`);
let fields = 0;
let agreed = 0;
for (const [vendor, a] of byVendor) {
  fields += a.fields;
  agreed += a.agreed;
  const pct = a.fields === 0 ? 0 : (100 * a.agreed) / a.fields;
  console.log(
    `${vendor.padEnd(12)} ${String(a.cases).padStart(5)} ${String(a.fields).padStart(6)} ${String(a.agreed).padStart(6)}  ${pct.toFixed(1)}%`,
  );
  if (values.misses) for (const m of a.misses) console.log(`    ${m}`);
}
console.log(
  `${'all'.padEnd(12)} ${String(cases.length).padStart(5)} ${String(fields).padStart(6)} ${String(agreed).padStart(6)}  ${((100 * agreed) / Math.max(fields, 1)).toFixed(1)}%`,
);
