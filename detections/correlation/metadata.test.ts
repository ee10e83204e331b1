/**
 * A correlation rule's metadata is read by the same parser as a Sigma rule's: the same fields,
 * the same problems at the same places. Only the id differs: a correlation may be known by its
 * name alone.
 */
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseRule } from '../sigma/parse.js';
import type { Problem } from '../sigma/problems.js';
import { fromYamlNode } from '../sigma/source.js';
import { parseCorrelation } from './parse.js';

const RULE_BODY = `logsource: { product: test }
detection:
  sel: { event.action: a }
  condition: sel
`;

const CORRELATION_BODY = `correlation:
  type: event_count
  rules: [rule-a]
  timespan: 5m
  condition: { gte: 3 }
`;

function asRule(meta: string): ReturnType<typeof parseRule> {
  return parseRule(meta + RULE_BODY, 'rule.yml');
}

function asCorrelation(meta: string): ReturnType<typeof parseCorrelation> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(meta + CORRELATION_BODY, { lineCounter });
  const problems: Problem[] = [];
  const root = fromYamlNode(doc.contents, doc, lineCounter, problems);
  expect(problems).toEqual([]);
  return parseCorrelation(root, 'correlation.yml');
}

const GOOD = `title: Many logins
id: 6d9d5c1e-0000-4000-8000-000000000001
name: many_logins
status: test
level: high
description: Too many logins
author: Vigil
date: 2026-01-02
modified: 2026-02-03
tags: [attack.t1110, attack.credential-access]
references: [https://example.org/login]
falsepositives: Load tests
`;

const BAD = `title: [not, a, string]
id: 6d9d5c1e-0000-4000-8000-000000000002
status: shipped
level: severe
tags: attack.t1110
references:
  - https://example.org
  - { url: https://example.org/2 }
falsepositives: { many: true }
`;

describe('rule metadata, shared by Sigma rules and correlation rules', () => {
  it('reads every metadata field the same way', () => {
    const { rule, problems: ruleProblems } = asRule(GOOD);
    const { rule: correlation, problems: correlationProblems } = asCorrelation(GOOD);
    expect(ruleProblems).toEqual([]);
    expect(correlationProblems).toEqual([]);
    const meta = {
      id: '6d9d5c1e-0000-4000-8000-000000000001',
      name: 'many_logins',
      title: 'Many logins',
      status: 'test',
      level: 'high',
      description: 'Too many logins',
      author: 'Vigil',
      date: '2026-01-02',
      modified: '2026-02-03',
      tags: ['attack.t1110', 'attack.credential-access'],
      references: ['https://example.org/login'],
      falsepositives: ['Load tests'],
    };
    expect(rule).toMatchObject(meta);
    expect(correlation).toMatchObject(meta);
  });

  it('reports the same problems at the same places', () => {
    const { problems: ruleProblems } = asRule(BAD);
    const { problems: correlationProblems } = asCorrelation(BAD);
    const where = (ps: readonly Problem[]) => ps.map((p) => [p.at.path, p.at.line, p.at.column, p.message]);
    expect(where(ruleProblems)).toEqual([
      ['title', 1, 8, "'title' must be a non-empty string"],
      ['status', 3, 9, "'status' must be one of stable, test, experimental, deprecated, unsupported, not 'shipped'"],
      ['level', 4, 8, "'level' must be one of informational, low, medium, high, critical, not 'severe'"],
      ['tags', 5, 7, "'tags' must be a list of strings"],
      ['references[1]', 8, 5, "'references' must be a list of strings"],
      ['falsepositives', 9, 17, "'falsepositives' must be a list of strings"],
    ]);
    expect(where(correlationProblems)).toEqual(where(ruleProblems));
  });

  it('needs an id in a Sigma rule, and an id or a name in a correlation', () => {
    const noId = 'title: Nameless\n';
    expect(asRule(noId).problems).toEqual([{ message: "the rule has no 'id'", at: { path: 'id', line: 1, column: 1 } }]);
    expect(asCorrelation(noId).problems).toEqual([
      {
        message: "a correlation rule needs an 'id' (or at least a 'name') so that alerts and other correlations can refer to it",
        at: { path: 'id', line: 1, column: 1 },
      },
    ]);

    const nameOnly = 'title: Named\nname: many_logins\n';
    expect(asRule(nameOnly).problems.map((p) => p.message)).toEqual(["the rule has no 'id'"]);
    const { rule, problems } = asCorrelation(nameOnly);
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({ id: 'many_logins', name: 'many_logins' });
  });
});
