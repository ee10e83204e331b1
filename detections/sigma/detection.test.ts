/** compileDetection: the shared matcher for rules, sink filters and playbook triggers. */
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { isVigilError, VigilError } from '../../core/errors/index.js';
import { compileDetection } from '../index.js';

describe('compileDetection', () => {
  it('compiles a plain detection object to a predicate', () => {
    const match = compileDetection(
      { selection: { 'rule.tags|contains': 'attack.credential', 'incident.severity': ['high', 'critical'] }, condition: 'selection' },
      { file: 'playbooks/contain.yml', path: 'trigger' },
    );
    expect(match({ rule: { tags: ['attack.credential-access'] }, incident: { severity: 'high' } })).toBe(true);
    expect(match({ rule: { tags: ['attack.execution'] }, incident: { severity: 'high' } })).toBe(false);
  });

  it('throws one RULE_INVALID listing every problem, each located', () => {
    let err: unknown;
    try {
      compileDetection({ s: { 'a|contians': 1, 'b|re': '(a)\\1' }, condition: 's and t' }, { file: 'sinks.yml', path: 'sinks[0].filter' });
    } catch (e) {
      err = e;
    }
    expect(isVigilError(err, 'RULE_INVALID')).toBe(true);
    const e = err as VigilError;
    expect(e.message).toContain('the detection in sinks.yml at sinks[0].filter has 3 problems');
    expect(e.message).toContain("unknown modifier 'contians'");
    expect(e.message).toContain("regular expression '(a)\\1' uses a backreference");
    expect(e.message).toContain("unknown search identifier 't'");
    const parts = (e.cause as AggregateError).errors as VigilError[];
    expect(parts.map((p) => [p.code, p.location?.file, p.location?.path])).toEqual([
      ['RULE_INVALID', 'sinks.yml', 'sinks[0].filter.s.a|contians'],
      ['RULE_UNSUPPORTED', 'sinks.yml', 'sinks[0].filter.s.b|re'],
      ['RULE_INVALID', 'sinks.yml', 'sinks[0].filter.condition'],
    ]);
  });

  it.each([
    ['not a map', 'selection', /must be a map/],
    ['no condition', { s: { a: 1 } }, /no 'condition'/],
    ['no selection', { condition: 'x' }, /no search identifier/],
    ['an empty condition', { s: { a: 1 }, condition: '' }, /non-empty string/],
    ['undefined', undefined, /must be a map/],
  ])('rejects %s', (_what, detection, message) => {
    expect(() => compileDetection(detection, { file: 'f' })).toThrow(message);
  });

  it('gives lines and columns when handed a yaml node and its LineCounter', () => {
    const lineCounter = new LineCounter();
    const document = parseDocument('id: p\ntrigger:\n  selection:\n    a|nope: 1\n  condition: selection\n', { lineCounter });
    const node = document.getIn(['trigger'], true);
    try {
      compileDetection(node, { file: 'p.yml', path: 'trigger', document, lineCounter });
      expect.unreachable();
    } catch (e) {
      const first = ((e as VigilError).cause as AggregateError).errors[0] as VigilError;
      expect(first.location).toEqual({ file: 'p.yml', line: 4, column: 5, path: 'trigger.selection.a|nope' });
      expect((e as VigilError).describe()).toMatch(
        /^p\.yml:4:5 trigger\.selection\.a\|nope: the detection in p\.yml at trigger has 1 problem:/,
      );
    }
  });

  it('matches a yaml node the same as the plain value', () => {
    const document = parseDocument('selection: {process.name: sshd}\ncondition: selection\n');
    expect(compileDetection(document.contents, { file: 'x', document })({ process: { name: 'sshd' } })).toBe(true);
  });

  it('shares no state between calls', () => {
    const match = compileDetection({ s: { a: 'x' }, condition: 's' }, { file: 'f' });
    expect([match({ a: 'x' }), match({ a: 'y' }), match({ a: 'x' })]).toEqual([true, false, true]);
  });
});
