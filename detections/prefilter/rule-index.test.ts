/**
 * The index derives a rule's clauses when an event of the rule's logsource first needs them,
 * not when it is built: start-up does not pay for the rules of logsources the data never shows.
 */
import { describe, expect, it } from 'vitest';
import type { LogsourceMatcher } from '../pipelines/logsource.js';
import { ecsFieldResolver, type FieldResolver } from '../sigma/compile.js';
import { loadRuleText } from '../sigma/load.js';
import { RuleIndex } from './rule-index.js';

function rule(id: string, field: string, value: string): ReturnType<typeof loadRuleText>['rule'] & object {
  const text = `title: ${id}\nid: ${id}\nlogsource: { product: ${id} }\ndetection:\n  sel:\n    ${field}|contains: ${value}\n  condition: sel\n`;
  const { rule: r, errors } = loadRuleText(text, `${id}.yml`);
  expect(errors).toEqual([]);
  return r as NonNullable<typeof r>;
}

/** A logsource that holds when `event.module` is `name` (no anchor: tested on every event). */
function logsource(name: string): LogsourceMatcher {
  return {
    id: name,
    logsource: { product: name },
    entries: [],
    kind: 'test',
    test: (e) => (e as { event?: { module?: string } }).event?.module === name,
  };
}

describe('RuleIndex', () => {
  it("derives a rule's clauses when an event of its logsource first arrives", () => {
    const asked: string[] = [];
    const spying =
      (name: string): FieldResolver =>
      (field) => {
        asked.push(`${name}:${field}`);
        return ecsFieldResolver(field);
      };
    const index = new RuleIndex([
      { rule: rule('a', 'process.command_line', 'mimikatz').rule, logsource: logsource('a'), resolve: spying('a'), item: 'a' },
      { rule: rule('b', 'file.path', 'secret').rule, logsource: logsource('b'), resolve: spying('b'), item: 'b' },
    ]);
    expect(asked).toEqual([]);

    expect(index.candidates({ event: { module: 'a' }, process: { command_line: 'run MIMIKATZ now' } })).toEqual(['a']);
    expect(index.candidates({ event: { module: 'a' }, process: { command_line: 'dir' } })).toEqual([]);
    expect(asked).toEqual(['a:process.command_line']);

    expect(index.candidates({ event: { module: 'b' }, file: { path: '/x/secret' } })).toEqual(['b']);
    expect(asked).toEqual(['a:process.command_line', 'b:file.path']);
    // stats() counts every rule's clauses: it derives those not derived yet, once.
    expect(index.stats().withClause).toBe(2);
    expect(asked).toHaveLength(2);
  });
});
