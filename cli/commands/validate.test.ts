import { describe, expect, it } from 'vitest';
import { run } from './validate.js';

function capture(env: Record<string, string> = {}) {
  const lines: string[] = [];
  return { lines, io: { out: (s: string) => lines.push(s), env: env as NodeJS.ProcessEnv } };
}

describe('vigil validate', () => {
  it('accepts the shipped example, given its shared secrets, and exits 0', async () => {
    const { lines, io } = capture({
      VIGIL_HEC_TOKEN: '4c7f0e1a-93b2-4d5e-8a61-2b0c9f7d3e58',
      VIGIL_FIREHOSE_ACCESS_KEY: 'a0d9c2e47b13f86e5a2c9d0b',
    });
    expect(await run(['vigil.example.yaml'], io)).toBe(0);
    expect(lines).toEqual(['vigil.example.yaml: ok']);
  });

  it('accepts the runnable local config the README uses', async () => {
    const { lines, io } = capture();
    expect(await run(['vigil.local.yaml'], io)).toBe(0);
    expect(lines).toEqual(['vigil.local.yaml: ok']);
  });

  it('prints every problem with its location and exits 2', async () => {
    const { lines, io } = capture();
    expect(await run(['test/fixtures/config/many-problems.yaml'], io)).toBe(2);
    const problems = lines.filter((l) => l.startsWith('test/fixtures/config/many-problems.yaml:'));
    expect(problems.length).toBeGreaterThan(1);
    for (const p of problems) expect(p).toMatch(/^test\/fixtures\/config\/many-problems\.yaml:\d+:\d+ \S+: .+ \[CONFIG_[A-Z_]+\]$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^${problems.length} problems in test/fixtures/config/many-problems.yaml$`));
  });

  it('reports a sink route that does not compile at its line, naming the sink and route, and exits 2', async () => {
    const { lines, io } = capture();
    expect(await run(['test/fixtures/config/bad-route.yaml'], io)).toBe(2);
    expect(lines).toContain(
      'test/fixtures/config/bad-route.yaml:8:9 sinks[0].routes[0].match: route "failures": match does not compile: unknown search identifier \'missing\' (condition position 15) [RULE_INVALID]',
    );
  });
});
