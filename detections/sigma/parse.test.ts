import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors/index.js';
import { loadRuleText } from './load.js';
import { parseRule } from './parse.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const load = (name: string) => loadRuleText(readFileSync(fixture(name), 'utf8'), fixture(name));
/** 1-based line and column of the first occurrence of `needle` in a fixture. */
function find(name: string, needle: string): { line: number; column: number } {
  const lines = readFileSync(fixture(name), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  return { line: i + 1, column: (lines[i] as string).indexOf(needle) + 1 };
}

describe('parseRule: a valid rule', () => {
  const text = `title: Example
id: 5b0a3e6c-1b7f-4d6a-9a47-2f0c7b1e9d11
status: test
description: An example
author: Vigil
date: 2026-11-22
references:
    - https://example.org
tags:
    - attack.credential-access
    - attack.t1110
logsource:
    product: linux
    service: sshd
detection:
    selection:
        - process.name: sshd
          message|contains|all: [Failed, invalid user]
        - process.name: sshd
          user.name: root
    keywords:
        - 'error in libcrypto'
    condition:
        - selection
        - keywords
falsepositives: Unknown
level: medium
`;
  const { rule, problems } = parseRule(text, 'example.yml');

  it('reads every attribute', () => {
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({
      id: '5b0a3e6c-1b7f-4d6a-9a47-2f0c7b1e9d11',
      title: 'Example',
      status: 'test',
      level: 'medium',
      description: 'An example',
      author: 'Vigil',
      date: '2026-11-22',
      references: ['https://example.org'],
      tags: ['attack.credential-access', 'attack.t1110'],
      logsource: { product: 'linux', service: 'sshd' },
      falsepositives: ['Unknown'],
      location: { file: 'example.yml', line: 1, column: 1 },
    });
  });

  it('models selections as OR of ANDs and keywords, with positions', () => {
    const det = rule!.detection;
    expect([...det.selections.keys()]).toEqual(['selection', 'keywords']);
    const sel = det.selections.get('selection')!;
    expect(sel.kind).toBe('fields');
    if (sel.kind !== 'fields') return;
    expect(sel.maps).toHaveLength(2);
    expect(sel.maps[0]!.items[1]).toEqual({
      field: 'message',
      modifiers: ['contains', 'all'],
      values: ['Failed', 'invalid user'],
      at: { path: 'detection.selection[0].message|contains|all', line: 18, column: 11 },
    });
    expect(det.selections.get('keywords')).toMatchObject({ kind: 'keywords', values: ['error in libcrypto'] });
    expect(det.condition).toEqual(['selection', 'keywords']);
    expect(det.conditionAt.map((w) => w.line)).toEqual([24, 25]);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(rule)).toBe(true);
    expect(Object.isFrozen(rule!.detection.condition)).toBe(true);
    expect(Object.isFrozen(rule!.tags)).toBe(true);
    expect(() => (rule!.tags as string[]).push('x')).toThrow(TypeError);
  });

  it('keeps a keyless |all map entry as a keyword item (field null)', () => {
    const r = parseRule(`title: t\nid: x\nlogsource: {product: linux}\ndetection:\n  kw:\n    '|all': [a, b]\n  condition: kw\n`, 'k.yml');
    expect(r.problems).toEqual([]);
    const sel = r.rule!.detection.selections.get('kw')!;
    expect(sel.kind === 'fields' && sel.maps[0]!.items[0]).toMatchObject({ field: null, modifiers: ['all'], values: ['a', 'b'] });
  });
});

// One negative fixture per error: the code, and the file position of the culprit.
const NEGATIVE: Array<{ file: string; code: string; message: RegExp; at: string | { line: number; column?: number } }> = [
  { file: 'unknown-modifier.yml', code: 'RULE_INVALID', message: /unknown modifier 'contians'/, at: 'message|contians' },
  {
    file: 'regex-lookahead.yml',
    code: 'RULE_UNSUPPORTED',
    message: /lookahead or lookbehind assertion.*RE2/,
    at: 'process.command_line|re',
  },
  { file: 'regex-backreference.yml', code: 'RULE_UNSUPPORTED', message: /uses a backreference/, at: 'CommandLine|re' },
  {
    file: 'regex-malformed.yml',
    code: 'RULE_INVALID',
    message: /invalid regular expression '\[a-z': missing closing \]/,
    at: 'CommandLine|re',
  },
  {
    file: 'placeholder-unresolved.yml',
    code: 'RULE_PLACEHOLDER',
    message: /placeholder '%Admin_Workstations%' has no value/,
    at: 'WorkstationName|expand',
  },
  {
    file: 'cidr-invalid.yml',
    code: 'RULE_INVALID',
    message: /'10.0.0.0\/33' is not an IPv4 or IPv6 CIDR network/,
    at: 'DestinationIp|cidr',
  },
  { file: 'compare-not-number.yml', code: 'RULE_INVALID', message: /'gt' needs a number/, at: 'process.pid|gt' },
  { file: 'exists-not-boolean.yml', code: 'RULE_INVALID', message: /'exists' takes true or false/, at: 'user.name|exists' },
  { file: 'flag-without-re.yml', code: 'RULE_INVALID', message: /'i' is a flag of 're'/, at: 'process.command_line|contains|i' },
  { file: 'base64-wildcard.yml', code: 'RULE_INVALID', message: /cannot encode a value with wildcards/, at: 'CommandLine|base64offset' },
  { file: 'modifier-twice.yml', code: 'RULE_INVALID', message: /modifier 'contains' is given twice/, at: 'CommandLine|contains' },
  {
    file: 'fieldref-wildcard.yml',
    code: 'RULE_INVALID',
    message: /'fieldref' takes a field name, without wildcards/,
    at: 'SubjectUserName',
  },
  { file: 'time-out-of-range.yml', code: 'RULE_INVALID', message: /'hour' needs a whole number from 0 to 23/, at: "'@timestamp|hour'" },
  { file: 'filter-without-rules.yml', code: 'RULE_INVALID', message: /the filter has no 'filter.rules'/, at: 'filter:' },
  {
    file: 'filter-condition-list.yml',
    code: 'RULE_INVALID',
    message: /a filter has exactly one condition, not a list/,
    at: '- not selection',
  },
  { file: 'unknown-identifier.yml', code: 'RULE_INVALID', message: /unknown search identifier 'filtre'.*position 19/, at: 'filtre' },
  {
    file: 'bad-condition.yml',
    code: 'RULE_INVALID',
    message: /expected '\)' to close the '\(' at position 15 but found the end/,
    at: { line: 11, column: 40 },
  },
  { file: 'missing-detection.yml', code: 'RULE_INVALID', message: /no 'detection'/, at: { line: 1 } },
  { file: 'missing-condition.yml', code: 'RULE_INVALID', message: /no 'condition'/, at: 'detection:' },
  { file: 'all-single-value.yml', code: 'RULE_INVALID', message: /'all' needs a list/, at: 'process.command_line|contains|all' },
  { file: 'nested-value.yml', code: 'RULE_INVALID', message: /must be a string, number, boolean or null/, at: 'name: root' },
  {
    file: 'pattern-matches-nothing.yml',
    code: 'RULE_INVALID',
    message: /pattern 'filter_\*' matches no search identifier/,
    at: '1 of filter_*',
  },
  { file: 'aggregation.yml', code: 'RULE_UNSUPPORTED', message: /correlation rule/, at: '| count()' },
  {
    file: 'identifier-with-modifier.yml',
    code: 'RULE_INVALID',
    message: /search identifier 'selection\|endswith'/,
    at: 'selection|endswith',
  },
  { file: 'bad-level.yml', code: 'RULE_INVALID', message: /'level' must be one of .* not 'severe'/, at: 'severe' },
  { file: 'no-title.yml', code: 'RULE_INVALID', message: /no 'title'/, at: { line: 1 } },
];

describe('negative fixtures', () => {
  it.each(NEGATIVE)('$file → $code', ({ file, code, message, at }) => {
    const { rule, errors } = load(`invalid/${file}`);
    expect(rule).toBeUndefined();
    expect(errors).toHaveLength(1);
    const err = errors[0]!;
    expect(isVigilError(err)).toBe(true);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.location?.file).toBe(fixture(`invalid/${file}`));
    const want = typeof at === 'string' ? find(`invalid/${file}`, at) : at;
    expect(err.location?.line).toBe(want.line);
    if (want.column !== undefined) expect(err.location?.column).toBe(want.column);
  });

  // Inline, because no formatter accepts a broken YAML file in the tree.
  it('invalid YAML → RULE_INVALID at the line the parser stopped', () => {
    const text =
      'title: Invalid YAML\nid: x\nlogsource:\n  product: linux\ndetection:\n  selection:\n    process.name: [sshd\n  condition: selection\n';
    const { rule, errors } = loadRuleText(text, 'rules/broken.yml');
    expect(rule).toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.code).toBe('RULE_INVALID');
    expect(errors[0]!.message).toMatch(/^invalid YAML: /);
    expect(errors[0]!.location).toMatchObject({ file: 'rules/broken.yml', line: 8 });
  });

  it('collects every problem of a rule in one pass, parse and condition alike', () => {
    const { rule, errors } = load('invalid/several-problems.yml');
    expect(rule).toBeUndefined();
    expect(errors.map((e) => [e.code, e.location?.line, e.message])).toEqual([
      ['RULE_INVALID', 7, "unknown modifier 'equals'"],
      [
        'RULE_UNSUPPORTED',
        8,
        "regular expression '(\\w)\\1' uses a backreference, which needs backtracking: RE2 (linear time) cannot run it",
      ],
      ['RULE_INVALID', 9, "unknown search identifier 'keywords' (condition position 14)"],
    ]);
  });

  it('names the file, line and column in describe()', () => {
    const { errors } = load('invalid/unknown-modifier.yml');
    expect(errors[0]!.describe()).toBe(
      `${fixture('invalid/unknown-modifier.yml')}:9:5 detection.selection.message|contians: unknown modifier 'contians' [RULE_INVALID]`,
    );
  });

  it.each([
    ['an empty file', '', /holds no rule/],
    ['a list instead of a map', '- a\n- b\n', /must be a YAML map/],
    ['several documents', 'title: a\n---\ntitle: b\n', /several YAML documents/],
    ['a correlation rule', 'title: c\nid: x\ncorrelation:\n  type: event_count\n', /correlation rules are not supported/],
    ['an empty selection list', 'title: t\nid: x\nlogsource: {}\ndetection:\n  s: []\n  condition: s\n', /cannot be an empty list/],
    ['an empty value list', 'title: t\nid: x\nlogsource: {}\ndetection:\n  s: {a: []}\n  condition: s\n', /value list cannot be empty/],
    [
      'keywords mixed with maps',
      'title: t\nid: x\nlogsource: {}\ndetection:\n  s: [a, {b: c}]\n  condition: s\n',
      /only field maps or only keywords/,
    ],
    ['a duplicate key', 'title: t\nid: x\nlogsource: {}\ndetection:\n  s: {a: 1, a: 2}\n  condition: s\n', /invalid YAML.*[Uu]nique/],
    ['an empty modifier', 'title: t\nid: x\nlogsource: {}\ndetection:\n  s: {a||contains: 1}\n  condition: s\n', /empty modifier/],
    ['a timeframe', 'title: t\nid: x\nlogsource: {}\ndetection:\n  s: {a: 1}\n  timeframe: 5m\n  condition: s\n', /timeframe/],
  ])('rejects %s', (_what, text, message) => {
    const { rule, errors } = loadRuleText(text, 'inline.yml');
    expect(rule).toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
    expect(errors.every((e) => e.location?.file === 'inline.yml' && typeof e.location.line === 'number')).toBe(true);
  });

  it('reports a key of many bad modifiers once per kind, the key clipped', () => {
    const key = `a${'|'.repeat(60_000)}|nope|zz`;
    const { rule, errors } = loadRuleText(`title: t\nid: x\nlogsource: {}\ndetection:\n  s: {'${key}': 1}\n  condition: s\n`, 'many.yml');
    expect(rule).toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^empty modifier in 'a\|+… \(60009 characters\)' \(60000 of them\)$/),
      "unknown modifier 'nope'",
      "unknown modifier 'zz'",
    ]);
  });

  it('resolves YAML aliases', () => {
    const text =
      'title: t\nid: x\nlogsource: {}\ndetection:\n  a: &shells {process.name: [bash, sh]}\n  b: *shells\n  condition: a and b\n';
    const { rule, errors } = loadRuleText(text, 'alias.yml');
    expect(errors).toEqual([]);
    expect(rule!.match({ process: { name: 'bash' } })?.selections).toEqual(['a', 'b']);
  });
});
