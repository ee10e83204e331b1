/**
 * `lazy` compiling (what `vigil hunt` uses): a rule's matcher is built the first time it is asked
 * to match, but the rule is checked in full when it loads. The same rules load and the same
 * problems are reported, with the same locations, as when every matcher is built at load;
 * the matchers decide alike.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { VigilError } from '../../core/errors/index.js';
import { loadRules, loadRuleText } from './load.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CORPUS = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../../shared/sigma/', import.meta.url));
const described = (errors: readonly VigilError[]): string[] => errors.map((e) => e.describe());

const rule = (detection: string): string =>
  `title: t\nid: 7d4c1a52-0000-4000-8000-000000000001\nlogsource: {product: windows}\ndetection:\n${detection}\n`;

/** Items that pass parsing and fail only when compiled: the check at load must find each. */
const COMPILE_PROBLEMS: Record<string, string> = {
  'a regex RE2 cannot run': "  s:\n    CommandLine|re: 'a(?=b)'\n  condition: s",
  'a regex nested in a list': "  s:\n    CommandLine|re:\n      - 'ok'\n      - '(a)\\1'\n  condition: s",
  'a time part compared with a string': "  s:\n    '@timestamp|hour': 'noon'\n  condition: s",
  'a time part on a keyword': "  s:\n    '|hour': 3\n  condition: s",
  'a null keyword': '  s:\n    - null\n  condition: s',
  'an exists keyword': "  s:\n    '|exists': true\n  condition: s",
  'an unknown identifier': '  s:\n    a: b\n  condition: s and other',
  'an of-pattern matching nothing': '  s:\n    a: b\n  condition: 1 of x*',
  'a problem in the second map of a list': "  s:\n    - a: b\n    - CommandLine|re: 'x(?<=y)'\n  condition: s",
};

describe('lazy compiling', () => {
  it.each(Object.entries(COMPILE_PROBLEMS))('reports %s at load, as building the matcher does', (_name, detection) => {
    const eager = loadRuleText(rule(detection), 'r.yml');
    const lazy = loadRuleText(rule(detection), 'r.yml', { lazy: true });
    expect(eager.errors.length).toBeGreaterThan(0);
    expect(eager.rule).toBeUndefined();
    expect(lazy.rule).toBeUndefined();
    expect(described(lazy.errors)).toEqual(described(eager.errors));
  });

  it('reports every fixture of invalid rules as building every matcher does', () => {
    const eager = loadRules([`${FIXTURES}invalid`]);
    const lazy = loadRules([`${FIXTURES}invalid`], { lazy: true });
    expect(eager.errors.length).toBeGreaterThan(20);
    expect(described(lazy.errors)).toEqual(described(eager.errors));
    expect(lazy.rules.map((r) => r.rule.id)).toEqual(eager.rules.map((r) => r.rule.id));
  });

  it('matches as the matcher built at load does, before and after its first use', () => {
    const text = rule("  s:\n    CommandLine|contains|all: ['-enc', 'bypass']\n  f:\n    User|re: '^svc_'\n  condition: s and not f");
    const eager = loadRuleText(text, 'r.yml').rule;
    const lazy = loadRuleText(text, 'r.yml', { lazy: true }).rule;
    const events = [
      { CommandLine: 'powershell -enc AAA -ExecutionPolicy Bypass', User: 'alice' },
      { CommandLine: 'powershell -enc AAA -ExecutionPolicy Bypass', User: 'svc_backup' },
      { CommandLine: 'powershell -enc AAA' },
      {},
    ];
    for (const e of [...events, ...events]) expect(lazy?.match(e)).toEqual(eager?.match(e));
    expect(events.map((e) => lazy?.match(e)?.selections ?? null)).toEqual([['s'], null, null, null]);
  });
});

describe.skipIf(!existsSync(`${CORPUS}rules`))('lazy compiling over the SigmaHQ corpus', () => {
  it('loads the same rules and reports the same problems', { timeout: 120_000 }, () => {
    const eager = loadRules([`${CORPUS}rules`]);
    const lazy = loadRules([`${CORPUS}rules`], { lazy: true });
    expect(lazy.rules.length).toBeGreaterThan(3000);
    expect(lazy.rules.map((r) => r.rule.id)).toEqual(eager.rules.map((r) => r.rule.id));
    expect(described(lazy.errors)).toEqual(described(eager.errors));
  });
});
