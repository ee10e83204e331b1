import { beforeEach, describe, expect, it } from 'vitest';
import { registry } from '../../core/telemetry/index.js';
import { RuleErrorReporter } from './rule-errors.js';

async function ruleErrors(rule: string): Promise<number> {
  const metric = await registry.getSingleMetric('vigil_rule_errors_total')?.get();
  return metric?.values.find((v) => v.labels.rule === rule)?.value ?? 0;
}

describe('RuleErrorReporter', () => {
  let lines: Array<{ obj: Record<string, unknown>; msg: string }>;
  let t: number;
  let reporter: RuleErrorReporter;
  beforeEach(() => {
    lines = [];
    t = 1_000_000;
    const log = { error: (obj: Record<string, unknown>, msg: string) => void lines.push({ obj, msg }) };
    reporter = new RuleErrorReporter(log as never, 60_000, () => t);
  });

  it('counts every error by rule and logs each rule at most once a minute, with the errors since its last line', async () => {
    const before = await ruleErrors('r-a');
    reporter.report(new Map([['r-a', { count: 2, last: 'boom 1' }]]));
    t += 10_000;
    reporter.report(new Map([['r-a', { count: 3, last: 'boom 2' }]]));
    t += 10_000;
    reporter.report(new Map([['r-a', { count: 1, last: 'boom 3' }]]));
    expect(await ruleErrors('r-a')).toBe(before + 6);
    expect(lines.map((l) => l.obj)).toEqual([{ rule: 'r-a', errors: 2, err: 'boom 1' }]);

    t += 60_000;
    reporter.report(new Map([['r-a', { count: 1, last: 'boom 4' }]]));
    expect(lines.map((l) => l.obj)).toEqual([
      { rule: 'r-a', errors: 2, err: 'boom 1' },
      { rule: 'r-a', errors: 5, err: 'boom 4' },
    ]);
  });

  it('limits each rule on its own', () => {
    reporter.report(new Map([['r-b', { count: 1, last: 'x' }]]));
    reporter.report(
      new Map([
        ['r-b', { count: 1, last: 'x' }],
        ['r-c', { count: 1, last: 'y' }],
      ]),
    );
    expect(lines.map((l) => l.obj.rule)).toEqual(['r-b', 'r-c']);
  });
});
