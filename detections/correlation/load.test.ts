/**
 * Loading correlation files: multi-document files, references by id and name, and one
 * negative fixture per kind of problem, each reported with its file and line while the other
 * rules load.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.js';
import { parseExpression } from './expression.js';
import { loadCorrelations, loadCorrelationText, splitDocuments } from './load.js';
import { runCorrelationsOffline } from './offline.js';
import { formatDuration, parseTimespan } from './timespan.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/correlation/', import.meta.url));
const BASE = join(FIXTURES, 'base.yml');

describe('timespans', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['90m', 5_400_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1M', 2_629_746_000],
  ])('%s is %i ms', (text, ms) => expect(parseTimespan(text)).toBe(ms));

  it.each(['', '5', 'm', '0m', '-5m', '5 minutes', '1.5h', '5H', '5ms'])('%j is not a timespan', (text) =>
    expect(parseTimespan(text)).toBeUndefined(),
  );

  it('formats durations', () => expect([300_000, 90_000, 3_600_000, 1500].map(formatDuration)).toEqual(['5m', '90s', '1h', '1500ms']));
});

describe('temporal condition expressions', () => {
  it('parse with not > and > or', () => {
    expect(parseExpression('a or b and not c')).toEqual({
      kind: 'or',
      args: [
        { kind: 'ref', ref: 'a' },
        {
          kind: 'and',
          args: [
            { kind: 'ref', ref: 'b' },
            { kind: 'not', arg: { kind: 'ref', ref: 'c' } },
          ],
        },
      ],
    });
  });
  it.each(['', 'a and', '(a or b', 'a b', 'and a', 'a )'])('%j is refused', (text) => expect(typeof parseExpression(text)).toBe('string'));
});

describe('splitDocuments', () => {
  it('keeps line numbers and skips empty documents', () => {
    const docs = splitDocuments('# c\n---\na: 1\n---\n\n---\nb: |\n  x\n...\nc: 2\n');
    expect(docs.map((d) => [d.line, d.text.split('\n').length])).toEqual([
      [2, 3],
      [6, 8],
      [10, 11],
    ]);
    expect(docs[1]?.text.split('\n')[6]).toBe('b: |');
  });
});

describe('loading', () => {
  it('refuses a line over 65,536 characters with its line, before the YAML parser spends seconds on it', () => {
    const text = `title: c\nname: c\ncorrelation:\n  type: event_count\n  rules: [r]\n  group-by: ['${'a,'.repeat(100_000)}\n  timespan: 5m\n`;
    const set = loadCorrelationText(text, 'long.yml');
    expect(set.correlations).toEqual([]);
    expect(set.errors.map((e) => [e.location?.file, e.location?.line])).toEqual([['long.yml', 6]]);
    expect(set.errors[0]?.message).toMatch(/line 6 is 200014 characters long; a YAML line may have at most 65536/);
  });

  it('loads the specification example: the outer correlation first, rules by name, a chain', () => {
    const set = loadCorrelations([join(FIXTURES, 'valid/spec_failed_logins_then_success.yml')]);
    expect(set.errors).toEqual([]);
    expect(set.rules.map((r) => r.rule.name)).toEqual(['failed_login', 'successful_login']);
    const [outer, inner] = set.correlations;
    expect(outer).toMatchObject({
      type: 'temporal_ordered',
      ruleIds: ['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8'],
      emit: true,
    });
    expect(outer?.cfg.condition.bounds).toEqual([{ op: 'gte', value: 2 }]);
    expect(inner).toMatchObject({ type: 'event_count', feeds: [outer?.id], emit: false });
    // And it runs: ten failures of one user, then a success of the same user.
    const events = [
      ...Array.from({ length: 10 }, (_, i) => ({
        '@timestamp': `2026-11-22T10:00:0${i}.000Z`,
        EventID: 4625,
        User: 'bob',
        vigil: { id: `f${i}` },
      })),
      { '@timestamp': '2026-11-22T10:01:00.000Z', EventID: 4624, User: 'bob', vigil: { id: 's1' } },
    ];
    const result = runCorrelationsOffline(set, events as never);
    expect(result.alerts.map((a) => [a.correlationId, a.emit])).toEqual([
      [inner?.id, false],
      [outer?.id, true],
    ]);
  });

  it('loads the specification aliases example', () => {
    const set = loadCorrelations([join(FIXTURES, 'valid/spec_aliases.yml')]);
    expect(set.errors).toEqual([]);
    const corr = set.correlations[0];
    expect([...(corr?.inputs.values() ?? [])].map((i) => i.groupBy)).toEqual([
      ['destination.ip', 'source.ip'],
      ['source.ip', 'destination.ip'],
    ]);
  });

  it('uses the base rules loadRules returned, without reading their files again', () => {
    const rules = loadCorrelations([BASE]).rules;
    const text =
      'title: C\nid: c\ncorrelation: { type: event_count, rules: [failed_login], group-by: [source.ip], timespan: 5m, condition: { gte: 2 } }\n';
    const set = loadCorrelationText(text, 'c.yml', { rules });
    expect(set.errors).toEqual([]);
    expect(set.correlations[0]?.ruleIds).toEqual(['5b0a4a0e-0000-4000-8000-000000000001']);
  });

  it('leaves single-rule files to loadRules', () => {
    const set = loadCorrelations(['rules/sigma', 'rules/correlation']);
    expect(set.errors.map((e) => e.describe())).toEqual([]);
    expect(set.rules.length).toBe(loadRules(['rules/sigma']).rules.length + 3);
  });

  type Expect = [code: string, line: number, message: RegExp];
  const INVALID: Array<[file: string, errors: Expect[], loaded?: string[]]> = [
    ['unknown_rule.yml', [['RULE_INVALID', 7, /unknown rule 'no_such_rule'/]]],
    ['bad_timespan.yml', [['RULE_INVALID', 7, /invalid timespan '5 minutes'/]]],
    ['bad_condition.yml', [['RULE_INVALID', 9, /'gte' needs a number, not 'ten'/]]],
    ['unknown_type.yml', [['RULE_INVALID', 4, /unknown correlation type 'event_sum'/]]],
    ['value_count_without_field.yml', [['RULE_INVALID', 9, /needs 'condition.field'/]]],
    ['unknown_condition_key.yml', [['RULE_INVALID', 10, /unknown condition key 'feld'/]]],
    [
      'cycle.yml',
      [
        ['RULE_INVALID', 6, /uses correlation '.*0008', which did not load/],
        ['RULE_INVALID', 15, /loops back to '.*0007'/],
      ],
    ],
    ['flatline_condition.yml', [['RULE_INVALID', 8, /flatline correlation needs one condition, lt or lte/]]],
    ['percentile_missing.yml', [['RULE_INVALID', 8, /needs 'condition.percentile'/]]],
    [
      'alias_for_unlisted_rule.yml',
      [
        ['RULE_INVALID', 9, /unknown rule 'some_other_rule'/],
        ['RULE_INVALID', 9, /alias 'ip' gives no field for rule 'successful_login'/],
      ],
    ],
    ['invalid_yaml.yml', [['RULE_INVALID', 6, /invalid YAML/]]],
    ['one_bad_one_good.yml', [['RULE_INVALID', 17, /invalid timespan '0m'/]], ['5b0a4a0e-1000-4000-8000-00000000000d']],
    [
      'bad_base_rule.yml',
      [
        ['RULE_INVALID', 17, /unknown modifier 'nosuchmodifier'/],
        ['RULE_INVALID', 6, /unknown rule 'broken'/],
      ],
    ],
    ['unused_temporal_expression_ref.yml', [['RULE_INVALID', 8, /names 'other_rule', which the correlation does not list/]]],
  ];

  it.each(INVALID)('%s: a load error with file and line, the other rules unaffected', (file, expected, loaded = []) => {
    const path = join(FIXTURES, 'invalid', file);
    const set = loadCorrelations([BASE, path, join(FIXTURES, 'valid/spec_aliases.yml')]);
    expect(set.errors.map((e) => [e.code, e.location?.line, e.message])).toEqual(
      expected.map(([code, line, message]) => [code, line, expect.stringMatching(message)]),
    );
    for (const e of set.errors) expect(e.location?.file).toBe(path);
    expect(set.correlations.map((c) => c.id)).toEqual([...loaded, '9e0cf1a3-5c2f-4f3e-9a61-000000000003']);
    expect(set.rules.map((r) => r.rule.name)).toEqual(expect.arrayContaining(['failed_login', 'successful_login', 'internal_error']));
  });

  // The loader picks correlation files out of a folder by their text before parsing YAML: any
  // form of the top-level key must be found, and a rule that only mentions the word is a rule.
  const BODY = '{ type: event_count, rules: [failed_login], group-by: [source.ip], timespan: 5m, condition: { gte: 2 } }';
  const FORMS: Array<[form: string, text: (id: string) => string]> = [
    ['plain', (id) => `title: C\nid: ${id}\ncorrelation: ${BODY}\n`],
    ['double-quoted', (id) => `title: C\nid: ${id}\n"correlation": ${BODY}\n`],
    ['single-quoted', (id) => `title: C\nid: ${id}\n'correlation' : ${BODY}\n`],
    ['indented root', (id) => `  title: C\n  id: ${id}\n  correlation: ${BODY}\n`],
    ['a flow mapping', (id) => `{ title: C, id: ${id}, correlation: ${BODY} }\n`],
    ['an explicit key', (id) => `title: C\nid: ${id}\n?\n  correlation\n: ${BODY}\n`],
    ['a tagged key', (id) => `title: C\nid: ${id}\n!!str correlation: ${BODY}\n`],
    ['an alias key', (id) => `title: &k correlation\nid: ${id}\n*k : ${BODY}\n`],
    ['hex escapes', (id) => `title: C\nid: ${id}\n"\\x63orrel\\u0061tio\\U0000006e": ${BODY}\n`],
    ['an escaped line break', (id) => `title: C\nid: ${id}\n? "correl\\\n  ation"\n: ${BODY}\n`],
  ];

  it('finds a correlation file in a folder whatever the YAML form of its key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-corr-forms-'));
    try {
      FORMS.forEach(([, text], i) => writeFileSync(join(dir, `c${i}.yml`), text(`form-${i}`)));
      // Prose that mentions the word: a rule file, not read as a correlation.
      const rule = (readFileSync(BASE, 'utf8').split('---')[0] as string)
        .replace(/^title: .*$/m, 'title: used in correlation with others')
        .replace(/^id: .*$/m, 'id: prose-rule');
      writeFileSync(join(dir, 'rule.yml'), rule);
      const base = loadCorrelations([BASE]).rules;
      const set = loadCorrelations([dir], { rules: base });
      expect(set.errors.map((e) => e.describe())).toEqual([]);
      expect(set.rules).toHaveLength(base.length);
      expect(set.correlations.map((c) => c.id).sort()).toEqual(FORMS.map((_, i) => `form-${i}`).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no file the rule loader read already', () => {
    const texts = new Map([[join(FIXTURES, 'valid/spec_aliases.yml'), `title: C\nid: from-memory\ncorrelation: ${BODY}\n`]]);
    const set = loadCorrelations([join(FIXTURES, 'valid/spec_aliases.yml')], { rules: loadCorrelations([BASE]).rules, texts });
    expect(set.correlations.map((c) => c.id)).toEqual(['from-memory']);
  });

  it('refuses a text with no document in it, as the rule loader does', () => {
    for (const text of ['', '# a comment, and nothing else\n', '%\n'])
      expect(loadCorrelationText(text, 'empty.yml').errors.map((e) => e.describe())).toEqual([
        'empty.yml:1:1: the file holds no rule [RULE_INVALID]',
      ]);
  });

  it('lists the first YAML errors of a broken file and sums up the rest', () => {
    const set = loadCorrelationText(`title: x\nlogsource:\n ${'"'.repeat(400)}\n`, 'quotes.yml');
    expect(set.errors).toHaveLength(11);
    expect(set.errors.at(-1)?.message).toMatch(/^invalid YAML: \d+ more errors after this one$/);
  });

  it('names a duplicate correlation id', () => {
    const one =
      'title: A\nid: dup\ncorrelation: { type: event_count, rules: [failed_login], group-by: [x], timespan: 5m, condition: { gte: 2 } }\n';
    const set = loadCorrelationText(`${one}---\n${one}`, 'dup.yml', { rules: loadCorrelations([BASE]).rules });
    expect(set.errors.map((e) => [e.location?.line, e.message])).toEqual([
      [5, "duplicate correlation id 'dup' (first defined in dup.yml)"],
    ]);
    expect(set.correlations).toHaveLength(1);
  });

  it('reports every problem of a correlation at once', () => {
    const text =
      'title: A\ncorrelation:\n  type: value_sum\n  rules: [failed_login]\n  timespan: 5x\n  condition: { gte: 2 }\n  generate: maybe\n';
    const set = loadCorrelationText(text, 'many.yml', { rules: loadCorrelations([BASE]).rules });
    expect(set.errors.map((e) => [e.location?.line, e.message])).toEqual([
      [1, expect.stringMatching(/needs an 'id'/)],
      [5, expect.stringMatching(/invalid timespan '5x'/)],
      [7, expect.stringMatching(/'generate' must be true, false/)],
      [6, expect.stringMatching(/value_sum correlation needs 'condition.field'/)],
    ]);
  });
});
