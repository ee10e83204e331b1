/**
 * Loads the SigmaHQ corpus (read-only reference beside the repository): at least 99.5% of
 * `rules/` loads, every rejection has a located reason, and the fast parser reads every file
 * exactly as the located one does. The counts are printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { VigilError } from '../../core/errors/index.js';
import { findRuleFiles, loadRules, type LoadOptions } from './load.js';
import { parseSigmaFile } from './parse.js';

const ROOT = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../../shared/sigma/', import.meta.url));
const folder = (name: string): string => `${ROOT.replace(/\/?$/, '/')}${name}`;

function report(name: string, files: string[], loaded: number, errors: readonly VigilError[]): void {
  const rejected = new Set(errors.map((e) => e.location?.file));
  const reasons = new Map<string, number>();
  for (const e of errors) {
    const reason = `${e.code}: ${e.message.replace(/'[^']*'/g, "'…'").replace(/position \d+/g, 'position N')}`;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(
    `${name}: ${files.length} files, ${loaded} loaded, ${rejected.size} rejected (${errors.length} problems)\n` +
      top.map(([r, n]) => `  ${String(n).padStart(5)}  ${r}`).join('\n'),
  );
}

function loadFolder(name: string, options: LoadOptions = {}) {
  const files = findRuleFiles([folder(name)], []);
  const { rules, errors } = loadRules([folder(name)], options);
  const rejected = new Set(errors.map((e) => e.location?.file));
  expect(rules.length + rejected.size).toBe(files.length);
  for (const e of errors) {
    expect(e.message.trim().length).toBeGreaterThan(0);
    expect(['RULE_INVALID', 'RULE_UNSUPPORTED', 'RULE_PLACEHOLDER']).toContain(e.code);
    expect(e.location?.file).toBeTruthy();
    expect(e.location?.line).toBeGreaterThan(0);
  }
  return { files, rules, errors };
}

describe.skipIf(!existsSync(folder('rules')))('SigmaHQ corpus', () => {
  it('loads at least 99.5% of rules/ and explains every rejection', { timeout: 120_000 }, () => {
    const { files, rules, errors } = loadFolder('rules');
    report('rules', files, rules.length, errors);
    expect(rules.length / files.length).toBeGreaterThanOrEqual(0.995);
  });

  it.each(['rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance'])('loads %s', { timeout: 120_000 }, (name) => {
    if (!existsSync(folder(name))) return;
    const { files, rules, errors } = loadFolder(name);
    report(name, files, rules.length, errors);
    expect(errors.filter((e) => e.code !== 'RULE_PLACEHOLDER')).toEqual([]);
  });

  it('rejects rules-placeholder for its placeholders, and loads it once they have values', { timeout: 120_000 }, () => {
    if (!existsSync(folder('rules-placeholder'))) return;
    const without = loadFolder('rules-placeholder');
    report('rules-placeholder', without.files, without.rules.length, without.errors);
    expect(without.errors.length).toBeGreaterThan(0);
    expect(without.errors.every((e) => e.code === 'RULE_PLACEHOLDER' && /placeholders? '%[\w.-]+%'.* no value/.test(e.message))).toBe(true);

    const names = new Set(without.errors.flatMap((e) => [...e.message.matchAll(/'%([\w.-]+)%'/g)].map((m) => m[1] as string)));
    const placeholders = Object.fromEntries([...names].map((n) => [n, ['placeholder-value-1', '10.0.0.0/8']]));
    const given = loadFolder('rules-placeholder', { placeholders });
    expect(given.errors.map((e) => e.describe())).toEqual([]);
    expect(given.rules).toHaveLength(given.files.length);
  });

  it('reads every file the same with the fast parser as with the located one', { timeout: 120_000 }, () => {
    const files = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].flatMap((n) =>
      existsSync(folder(n)) ? findRuleFiles([folder(n)], []) : [],
    );
    const shape = (v: unknown): string =>
      JSON.stringify(v, (k, x: unknown) => (k === 'line' || k === 'column' ? undefined : x instanceof Map ? [...x] : x));
    let fast = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const quick = parseSigmaFile(text, file, true);
      const located = parseSigmaFile(text, file, false);
      if (!quick.located) fast++;
      expect(shape(quick.rule ?? quick.filter), file).toBe(shape(located.rule ?? located.filter));
      expect(quick.rule?.location, file).toEqual(located.rule?.location);
    }
    expect(fast / files.length).toBeGreaterThan(0.99);
  });
});
