import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules, matchAll } from '../index.js';
import { loadRuleText } from './load.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('loadRules', () => {
  it('walks folders recursively, reads .yml and .yaml, skips sidecars and other files', () => {
    const { rules, errors } = loadRules([join(FIXTURES, 'valid')]);
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.rule.title)).toEqual(['Minimal', 'Keywords in a nested folder']);
  });

  it('keeps loading after bad rules and reports each one', () => {
    const { rules, errors } = loadRules([join(FIXTURES, 'invalid'), join(FIXTURES, 'valid', 'minimal.yml')]);
    expect(rules.map((r) => r.rule.title)).toEqual(['Minimal']);
    const files = new Set(errors.map((e) => e.location?.file));
    expect(files.size).toBe(readdirSync(join(FIXTURES, 'invalid')).length); // every fixture under invalid/
    expect(errors.every((e) => e.message.length > 0 && e.location?.file)).toBe(true);
  });

  it('refuses a line over 65,536 characters with its line, before the YAML parser spends seconds on it', () => {
    const text = `title: t\nid: x\nlogsource: {}\ndescription: '${'x['.repeat(120_000)}\ndetection:\n  s: a\n  condition: s\n`;
    const { rule, errors } = loadRuleText(text, 'long.yml');
    expect(rule).toBeUndefined();
    expect(errors.map((e) => [e.code, e.location?.file, e.location?.line])).toEqual([['RULE_INVALID', 'long.yml', 4]]);
    expect(errors[0]?.message).toMatch(/line 4 is 240014 characters long; a YAML line may have at most 65536/);
  });

  it('reports a path that cannot be read', () => {
    const { rules, errors } = loadRules(['/nonexistent/rules']);
    expect(rules).toEqual([]);
    expect(errors.map((e) => [e.code, e.location?.file])).toEqual([['CONFIG_READ', '/nonexistent/rules']]);
  });

  describe('with files on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const rule = (id: string, title: string, name: string): string =>
      `title: ${title}\nid: ${id}\nlogsource: {product: linux}\ndetection:\n  s: {process.name: ${name}}\n  condition: s\nlevel: low\n`;

    it('keeps the first of two rules with one id', () => {
      mkdirSync(join(dir, 'dup'));
      writeFileSync(join(dir, 'dup', 'a.yml'), rule('same', 'First', 'sshd'));
      writeFileSync(join(dir, 'dup', 'b.yml'), rule('same', 'Second', 'sudo'));
      const { rules, errors } = loadRules([join(dir, 'dup')]);
      expect(rules.map((r) => r.rule.title)).toEqual(['First']);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/duplicate rule id 'same'/);
      expect(errors[0]!.location?.file).toBe(join(dir, 'dup', 'b.yml'));
    });

    it('matchAll returns every rule that fires, with its selections', () => {
      mkdirSync(join(dir, 'm'));
      writeFileSync(join(dir, 'm', 'a.yml'), rule('a', 'A', 'sshd'));
      writeFileSync(join(dir, 'm', 'b.yml'), rule('b', 'B', 'sudo'));
      writeFileSync(join(dir, 'm', 'c.yaml'), rule('c', 'C', 'ssh*'));
      const { rules } = loadRules([join(dir, 'm')]);
      const hits = matchAll(rules, { process: { name: 'sshd' } });
      expect(hits.map((h) => [h.rule.id, h.selections])).toEqual([
        ['a', ['s']],
        ['c', ['s']],
      ]);
      expect(matchAll(rules, { process: { name: 'cron' } })).toEqual([]);
    });
  });
});
