/** Matching semantics end to end: selections, value lists, null, keywords, types, conditions. */
import { describe, expect, it } from 'vitest';
import { compileDetection } from './detection.js';
import { loadRuleText } from './load.js';
import { parseRule } from './parse.js';
import { compileDetectionModel, type FieldResolver } from './compile.js';

const matcher = (detection: object) => compileDetection(detection, { file: 'test' });

const sshFail = {
  '@timestamp': '2026-11-22T10:00:00Z',
  message: 'Failed password for invalid user admin from 203.0.113.45 port 52144 ssh2',
  event: { category: ['authentication'], outcome: 'failure', action: 'ssh_login' },
  process: { name: 'sshd', pid: 2211 },
  user: { name: 'admin' },
  source: { ip: '203.0.113.45', port: 52144 },
  host: { name: 'web-01' },
  log: { syslog: { appname: 'sshd' } },
};

describe('selections', () => {
  it.each<[string, object, boolean]>([
    ['a map ANDs its fields', { s: { 'process.name': 'sshd', 'event.outcome': 'failure' }, condition: 's' }, true],
    ['one field off fails the map', { s: { 'process.name': 'sshd', 'event.outcome': 'success' }, condition: 's' }, false],
    ['a list of values ORs', { s: { 'user.name': ['root', 'admin'] }, condition: 's' }, true],
    ['no value of the list', { s: { 'user.name': ['root', 'toor'] }, condition: 's' }, false],
    ['a list of maps ORs', { s: [{ 'user.name': 'root' }, { 'source.port': 52144 }], condition: 's' }, true],
    ['no map of the list', { s: [{ 'user.name': 'root' }, { 'source.port': 22 }], condition: 's' }, false],
    ['values are case-insensitive', { s: { 'process.name': 'SSHD' }, condition: 's' }, true],
    ['wildcards in values', { s: { 'source.ip': '203.0.113.*' }, condition: 's' }, true],
    ['? is one character', { s: { 'host.name': 'web-0?' }, condition: 's' }, true],
    ['an array field matches any element', { s: { 'event.category': 'authentication' }, condition: 's' }, true],
    ['an array field, no element', { s: { 'event.category': 'network' }, condition: 's' }, false],
    ['a missing field does not match', { s: { 'destination.ip': '*' }, condition: 's' }, false],
    ['an object is not a value', { s: { 'log.syslog': '*' }, condition: 's' }, false],
    ['a literal dotted key also works', { s: { 'a.b': 'x' }, condition: 's' }, false],
  ])('%s', (_what, detection, want) => {
    expect(matcher(detection)(sshFail)).toBe(want);
  });

  it('reads literal dotted keys as getField does', () => {
    expect(matcher({ s: { 'a.b': 'x' }, condition: 's' })({ 'a.b': 'x' })).toBe(true);
  });
});

describe('numbers, booleans and strings', () => {
  const m = (value: unknown, event: object): boolean => matcher({ s: { f: value }, condition: 's' })(event);
  it.each<[unknown, unknown, boolean]>([
    [22, 22, true],
    [22, '22', true], // a number matches its text
    [22, '22.0', true],
    [22, ' 22 ', true],
    [22, 23, false],
    [22, '0x16', false], // only decimal text
    [22, 'port 22', false],
    ['22', 22, true], // a string matches a number's text
    ['2*', 22, true],
    [1.5, 1.5, true],
    [true, true, true],
    [true, 'TRUE', true],
    [true, false, false],
    [true, 1, false],
    ['true', true, true],
    [0, false, false],
    ['', '', true], // empty string is a value
    ['', undefined, false],
  ])('%j vs %j → %s', (value, field, want) => {
    expect(m(value, field === undefined ? {} : { f: field })).toBe(want);
  });

  const ports = [100, 443, 4444, 65535, 0, 1.5];
  it.each<[unknown, boolean]>([
    [4444, true],
    ['4444', true],
    ['4444.0', true],
    [' 443 ', true],
    [-0, true],
    ['-0', true],
    ['1.50', true],
    [[1, 2, 65535], true],
    [4445, false],
    ['port 443', false],
    ['NaN', false],
    [NaN, false],
    [true, false],
    [[], false],
  ])('a list of numbers vs %j → %s', (field, want) => {
    expect(m(ports, { f: field })).toBe(want);
  });
});

describe('null', () => {
  const m = (value: unknown) => matcher({ s: { 'user.name': value }, condition: 's' });
  it.each<[string, object, boolean]>([
    ['missing field', {}, true],
    ['missing parent', { other: 1 }, true],
    ['explicit null', { user: { name: null } }, true],
    ['empty array', { user: { name: [] } }, true],
    ['a value', { user: { name: 'root' } }, false],
    ['empty string is not null', { user: { name: '' } }, false],
  ])('field: null on %s → %s', (_what, event, want) => {
    expect(m(null)(event)).toBe(want);
  });
  it('null in a value list ORs with the other values', () => {
    expect(m([null, 'root'])({ user: { name: 'root' } })).toBe(true);
    expect(m([null, 'root'])({})).toBe(true);
    expect(m([null, 'root'])({ user: { name: 'bob' } })).toBe(false);
  });
  it('`field:` with nothing after it is null', () => {
    const { rule } = loadRuleText('title: t\nid: x\nlogsource: {}\ndetection:\n  s:\n    user.name:\n  condition: s\n', 'n.yml');
    expect(rule?.match({})).not.toBeNull();
    expect(rule?.match({ user: { name: 'x' } })).toBeNull();
  });
  it('not null, as the spec suggests: a filter negated', () => {
    const match = matcher({ s: { 'process.name': 'sshd' }, f: { 'user.name': null }, condition: 's and not f' });
    expect(match(sshFail)).toBe(true);
    expect(match({ process: { name: 'sshd' } })).toBe(false);
  });
});

describe('keywords', () => {
  it.each<[string, unknown, object, boolean]>([
    ['found in message', ['invalid user'], sshFail, true],
    ['case-insensitive', ['INVALID USER'], sshFail, true],
    ['found in any string field, nested', ['web-01'], sshFail, true],
    ['found inside an array', ['authentication'], sshFail, true],
    ['a substring of a field', ['nvalid us'], sshFail, true],
    ['not anywhere', ['mimikatz'], sshFail, false],
    ['a list ORs', ['mimikatz', 'ssh2'], sshFail, true],
    ['wildcards', ['Failed*from 203.*'], sshFail, true],
    ['numbers are not strings', ['52144'], { source: { port: 52144 } }, false],
    ['a single keyword scalar', 'invalid user', sshFail, true],
    ['a number keyword is searched as text', [2211], { message: 'pid 2211' }, true],
    ['field names are not searched', ['syslog'], sshFail, false],
  ])('%s', (_what, keywords, event, want) => {
    expect(matcher({ keywords, condition: 'keywords' })(event)).toBe(want);
  });
  it('combine with field selections', () => {
    const match = matcher({ k: ['invalid user'], s: { 'process.name': 'sshd' }, condition: 's and k' });
    expect(match(sshFail)).toBe(true);
    expect(match({ ...sshFail, process: { name: 'sudo' } })).toBe(false);
  });
});

describe('conditions end to end', () => {
  const sels = {
    selection: { 'process.name': 'sshd' },
    selection_fail: { 'event.outcome': 'failure' },
    filter_main_root: { 'user.name': 'root' },
    filter_optional_lan: { 'source.ip': '10.*' },
    _hidden: { 'user.name': 'nobody' },
  };
  const m = (condition: string | string[]) => matcher({ ...sels, condition })(sshFail);
  it.each<[string | string[], boolean]>([
    ['selection', true],
    ['selection and selection_fail', true],
    ['selection and filter_main_root', false],
    ['selection or filter_main_root', true],
    ['not filter_main_root', true],
    ['selection and not filter_main_root', true],
    ['selection and not 1 of filter_*', true],
    ['all of selection*', true],
    ['1 of filter_*', false],
    ['all of them', false], // the filters do not match
    ['1 of them', true],
    ['1 of _*', false],
    ['all of selection* and not 1 of filter_main_* and not 1 of filter_optional_*', true],
    ['filter_main_root or selection and selection_fail', true], // or < and
    ['(filter_main_root or selection) and not selection_fail', false],
    ['not selection and selection_fail', false], // not binds tighter than and
    ['not (selection and filter_main_root)', true],
    [['filter_main_root', 'selection'], true], // a list of conditions ORs
    [['filter_main_root', '_hidden'], false],
  ])('%j → %s', (condition, want) => {
    expect(m(condition)).toBe(want);
  });

  it('all of them excludes _identifiers', () => {
    const match = matcher({ a: { 'process.name': 'sshd' }, _b: { 'process.name': 'nope' }, condition: 'all of them' });
    expect(match(sshFail)).toBe(true);
  });
});

describe('rule matches', () => {
  const text = `title: t
id: r1
logsource: {product: linux}
detection:
  selection: {process.name: sshd}
  invalid: {message|contains: invalid user}
  root: {user.name: root}
  filter: {source.ip: '10.*'}
  condition: selection and 1 of (invalid, root) and not filter
`;
  it('reports the condition syntax error', () => {
    expect(loadRuleText(text, 'r.yml').errors[0]?.message).toMatch(/unexpected character ',' \(condition position 28\)/);
  });
  it('names every selection that matched', () => {
    const { rule, errors } = loadRuleText(text.replace('1 of (invalid, root)', '(invalid or root)'), 'r.yml');
    expect(errors).toEqual([]);
    expect(rule!.match(sshFail)).toEqual({ rule: rule!.rule, selections: ['selection', 'invalid'] });
    expect(rule!.match({ ...sshFail, source: { ip: '10.0.0.1' } })).toBeNull();
    expect(rule!.match({ ...sshFail, user: { name: 'root' } })?.selections).toEqual(['selection', 'invalid', 'root']);
  });
});

describe('compiling never mutates the model, and the field lookup is pluggable', () => {
  const { rule } = parseRule('title: t\nid: x\nlogsource: {}\ndetection:\n  s: {CommandLine|contains: evil}\n  condition: s\n', 'm.yml');
  it('uses a field resolver (a Sigma → ECS mapping)', () => {
    const mapping: Record<string, string> = { CommandLine: 'process.command_line' };
    const resolveField: FieldResolver = (field) => {
      const path = (mapping[field] ?? field).split('.');
      return (event) => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), event);
    };
    const plain = compileDetectionModel(rule!.detection).compiled!;
    const mapped = compileDetectionModel(rule!.detection, { resolveField }).compiled!;
    const event = { process: { command_line: 'run evil.sh' } };
    expect(plain.matches(event)).toBe(false);
    expect(mapped.matches(event)).toBe(true);
    expect(compileDetection({ s: { CommandLine: '*evil*' }, condition: 's' }, { file: 'f' }, { resolveField })(event)).toBe(true);
  });
  it('leaves the frozen model as it was', () => {
    const before = JSON.stringify(rule, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
    compileDetectionModel(rule!.detection);
    expect(JSON.stringify(rule, (_k, v: unknown) => (v instanceof Map ? [...v] : v))).toBe(before);
    expect(Object.isFrozen(rule!.detection.selections.get('s'))).toBe(true);
  });
  it('compiles one model again with other placeholders, and with none (each compile sees its own)', () => {
    const text = 'title: t\nid: y\nlogsource: {}\ndetection:\n  s: {user.name|expand: "%admins%"}\n  condition: s\n';
    const model = parseRule(text, 'p.yml').rule!;
    const first = compileDetectionModel(model.detection, { placeholders: { admins: ['alice'] } }).compiled!;
    const second = compileDetectionModel(model.detection, { placeholders: { admins: ['bob'] } }).compiled!;
    expect([first.matches({ user: { name: 'alice' } }), first.matches({ user: { name: 'bob' } })]).toEqual([true, false]);
    expect([second.matches({ user: { name: 'alice' } }), second.matches({ user: { name: 'bob' } })]).toEqual([false, true]);
    expect(compileDetectionModel(model.detection).problems.map((p) => p.placeholder)).toEqual([true]);
  });
});
