/**
 * Sigma filters (filters specification 2.0): a `filter:` document tunes the rules it names.
 * As pySigma applies them, each condition of a named rule becomes `(rule) and (filter)`, so a
 * suppressing filter writes `condition: not selection`; it applies only to rules whose
 * logsource it contains.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules, loadRuleText, parseRule } from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-filters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rule = (id: string, extra = '', logsource = 'product: windows\n  category: process_creation'): string =>
  `title: Rule ${id}\nid: ${id}\n${extra}logsource:\n  ${logsource}\ndetection:\n  selection:\n    Image|endswith: '\\rar.exe'\n  condition: selection\nlevel: low\n`;
const filter = (rules: string, condition = 'not selection', logsource = 'product: windows'): string =>
  `title: Admins compress files\ndescription: The valid administrator accounts start with adm_\nlogsource:\n  ${logsource}\nfilter:\n  rules: ${rules}\n  selection:\n    User|startswith: adm_\n  condition: ${condition}\n`;

function load(name: string, files: Record<string, string>) {
  const d = join(dir, name);
  mkdirSync(d);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return loadRules([d]);
}

const admin = { Image: 'C:\\Program Files\\WinRAR\\rar.exe', User: 'adm_bob' };
const user = { Image: 'C:\\Program Files\\WinRAR\\rar.exe', User: 'bob' };
const fired = (rules: ReturnType<typeof loadRules>['rules'], event: object): string[] =>
  rules.filter((r) => r.match(event) !== null).map((r) => r.rule.id);

describe('Sigma filters', () => {
  it('suppresses the events it selects, in the rules it names by id', () => {
    const { rules, errors, filters } = load('by-id', { 'a.yml': rule('a'), 'b.yml': rule('b'), 'mf.yml': filter('[a]') });
    expect(errors).toEqual([]);
    expect(fired(rules, admin)).toEqual(['b']);
    expect(fired(rules, user)).toEqual(['a', 'b']);
    expect(filters.map((f) => [f.filter.title, f.appliedTo])).toEqual([['Admins compress files', ['a']]]);
  });

  it('names rules by their Sigma name too, and applies to every rule with any', () => {
    const byName = load('by-name', {
      'a.yml': rule('a', 'name: rar_compression\n'),
      'b.yml': rule('b'),
      'mf.yml': filter('rar_compression'),
    });
    expect(fired(byName.rules, admin)).toEqual(['b']);
    const any = load('any', { 'a.yml': rule('a'), 'b.yml': rule('b'), 'mf.yml': filter('any') });
    expect(fired(any.rules, admin)).toEqual([]);
    const empty = load('empty-list', { 'a.yml': rule('a'), 'mf.yml': filter('[]') });
    expect(fired(empty.rules, admin)).toEqual([]); // pySigma: an empty list is any
  });

  it('applies only where its logsource contains the rule logsource', () => {
    const { rules, filters } = load('logsource', {
      'a.yml': rule('a'),
      'l.yml': rule('l', '', 'product: linux\n  category: process_creation'),
      'mf.yml': filter('any', 'not selection', 'product: windows\n  category: process_creation'),
      'narrow.yml': filter('any', 'not selection', 'product: windows\n  service: security').replace('Admins', 'Other'),
    });
    expect(filters.map((f) => f.appliedTo)).toEqual([['a'], []]);
    expect(fired(rules, admin)).toEqual(['l']);
  });

  it('ANDs its condition as written, and stacks with other filters', () => {
    const only = load('and', { 'a.yml': rule('a'), 'mf.yml': filter('[a]', 'selection') });
    expect(fired(only.rules, user)).toEqual([]); // `selection`: keeps admins only
    expect(fired(only.rules, admin)).toEqual(['a']);
    const two = load('two', {
      'a.yml': rule('a'),
      'mf1.yml': filter('[a]'),
      'mf2.yml': filter('[a]').replace('startswith: adm_', 'startswith: svc_'),
    });
    expect(fired(two.rules, admin)).toEqual([]);
    expect(fired(two.rules, { ...user, User: 'svc_backup' })).toEqual([]);
    expect(fired(two.rules, user)).toEqual(['a']);
  });

  it('reports the selections of the rule, not of the filter', () => {
    const { rules } = load('selections', { 'a.yml': rule('a'), 'mf.yml': filter('[a]') });
    expect(rules[0]!.match(user)?.selections).toEqual(['selection']);
  });

  it('is not a rule: loadRuleText returns it, parseRule reports it', () => {
    const text = filter('[a]');
    const loaded = loadRuleText(text, 'mf.yml');
    expect(loaded.rule).toBeUndefined();
    expect(loaded.errors).toEqual([]);
    expect(loaded.filter?.rules).toEqual(['a']);
    expect(parseRule(text, 'mf.yml').problems[0]?.message).toMatch(/is a Sigma filter, not a rule/);
  });

  it.each([
    ['a list of conditions', filter('[a]', '[not selection, selection]'), /exactly one condition/],
    ['no rules', filter('[a]').replace('  rules: [a]\n', ''), /no 'filter.rules'/],
    ['no condition', filter('[a]').replace('  condition: not selection\n', ''), /no 'condition'/],
    ['an unknown identifier', filter('[a]', 'not selection and not other'), /unknown search identifier 'other'/],
    ['no title', filter('[a]').replace(/^title: .*\n/, ''), /no 'title'/],
  ])('rejects a filter with %s, located', (_what, text, message) => {
    const { errors } = loadRuleText(text, 'mf.yml');
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
    expect(errors.every((e) => e.code === 'RULE_INVALID' && (e.location?.line ?? 0) > 0)).toBe(true);
  });
});
