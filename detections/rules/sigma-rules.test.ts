/**
 * Runs every rule sidecar (`<rule>.tests.yml`) under rules/sigma: each `match` event must fire
 * the rule beside it, each `nomatch` event must not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules } from '../index.js';
import { fixedLookup, provideLookups } from '../sigma/lookups.js';

const RULES = fileURLToPath(new URL('../../rules/sigma/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const files = walk(RULES);
const ruleFiles = files.filter((f) => /\.ya?ml$/.test(f) && !/\.tests\.ya?ml$/.test(f));
const sidecars = files.filter((f) => /\.tests\.ya?ml$/.test(f));

describe('rules/sigma', () => {
  it('loads every rule without a problem', () => {
    const { rules, errors } = loadRules([RULES]);
    expect(errors.map((e) => e.describe())).toEqual([]);
    expect(rules).toHaveLength(ruleFiles.length);
    expect(rules.length).toBeGreaterThanOrEqual(3);
  });

  it.each(ruleFiles.map((f) => [relative(RULES, f), f]))('%s has a sidecar with tests', (_name, file) => {
    const sidecar = file.replace(/\.ya?ml$/, '.tests.yml');
    expect(existsSync(sidecar)).toBe(true);
  });

  it.each(ruleFiles.map((f) => [relative(RULES, f), f]))('%s carries the metadata a rule needs', (_name, file) => {
    const { rules } = loadRules([file]);
    const rule = rules[0]?.rule;
    expect(rule).toBeDefined();
    if (!rule) return;
    expect(rule.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(rule.status).toBeDefined();
    expect(rule.level).toBeDefined();
    expect(rule.description).toBeTruthy();
    expect(rule.author).toBe('Vigil');
    expect(rule.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rule.references.length).toBeGreaterThan(0);
    expect(rule.falsepositives.length).toBeGreaterThan(0);
    expect(rule.tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
  });

  describe.each(sidecars.map((f) => [relative(RULES, f), f]))('%s', (_name, sidecar) => {
    const ruleFile = sidecar.replace(/\.tests\.ya?ml$/, '.yml');
    const { rules, errors } = loadRules([ruleFile]);
    const spec = parse(readFileSync(sidecar, 'utf8')) as { match?: object[]; nomatch?: object[]; intel?: Record<string, string[]> };
    const rule = rules[0];
    // The `intel` lists of the sidecar, in force while its cases run.
    let restore: (() => void) | undefined;
    beforeAll(() => {
      restore = provideLookups(Object.fromEntries(Object.entries(spec.intel ?? {}).map(([name, values]) => [name, fixedLookup(values)])));
    });
    afterAll(() => restore?.());

    it('has a rule that loads, and cases on both sides', () => {
      expect(errors.map((e) => e.describe())).toEqual([]);
      expect(rule).toBeDefined();
      expect(spec.match?.length ?? 0).toBeGreaterThan(0);
      expect(spec.nomatch?.length ?? 0).toBeGreaterThan(0);
    });
    it.each((spec.match ?? []).map((e, i) => [i, e]))('fires on match[%i]', (_i, event) => {
      expect(rule?.match(event)).not.toBeNull();
    });
    it.each((spec.nomatch ?? []).map((e, i) => [i, e]))('stays quiet on nomatch[%i]', (_i, event) => {
      expect(rule?.match(event)).toBeNull();
    });
  });
});
