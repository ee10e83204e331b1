/**
 * Keyword selections (a list of plain values, or a keyless `'|mod'` entry): the values are
 * searched in every string of the event, at any depth, case-insensitively (Sigma 2.1 "Lists").
 */
import { describe, expect, it } from 'vitest';
import { compileDetection } from './detection.js';

const event = {
  message: 'Failed password for invalid user admin from 203.0.113.45 port 52144 ssh2',
  process: { name: 'sshd', pid: 2211, args: ['/usr/sbin/sshd', '-D'] },
  host: { name: 'web-01' },
};
const kw = (keywords: unknown) => compileDetection({ keywords, condition: 'keywords' }, { file: 'test' });
const keyless = (key: string, value: unknown) => compileDetection({ k: { [key]: value }, condition: 'k' }, { file: 'test' });

describe('keywords', () => {
  it.each<[string, unknown, boolean]>([
    ['found inside a string', ['invalid user'], true],
    ['case-insensitive', ['INVALID USER'], true],
    ['in a nested field', ['web-01'], true],
    ['inside an array', ['/usr/sbin/sshd'], true],
    ['not anywhere', ['mimikatz'], false],
    ['a list ORs', ['mimikatz', 'ssh2'], true],
    ['wildcards', ['Failed*from 203.*'], true],
    ['? wildcard', ['port 5214?'], true],
    ['escaped wildcard is literal', ['port\\*'], false],
    ['numbers of the event are not searched', ['2211'], false],
    ['field names are not searched', ['pid'], false],
    ['a single scalar', 'invalid user', true],
    ['a number keyword is searched as text', [52144], true],
  ])('%s', (_what, keywords, want) => {
    expect(kw(keywords)(event)).toBe(want);
  });

  it.each<[string, unknown, boolean]>([
    ['|all: every keyword somewhere', ['invalid user', 'web-01'], true],
    ['|all: one missing', ['invalid user', 'mimikatz'], false],
  ])('%s', (_what, values, want) => {
    expect(keyless('|all', values)(event)).toBe(want);
  });

  it.each<[string, string, unknown, boolean]>([
    ['|re: a regex over every string', '|re', 'port \\d{5}', true],
    ['|re is case-sensitive', '|re', 'FAILED', false],
    ['|re|i', '|re|i', 'FAILED', true],
    ['|cased', '|cased', 'Failed', true],
    ['|cased refuses other case', '|cased', 'failed', false],
    ['|windash', '|windash', '/D', true],
    ['|base64offset: only the encoded forms', '|base64offset', 'invalid user', false],
    ['|neq: no string holds it', '|neq', 'mimikatz', true],
  ])('%s', (_what, key, value, want) => {
    expect(keyless(key, value)(event)).toBe(want);
  });

  it('combine with field selections', () => {
    const m = compileDetection({ k: ['invalid user'], s: { 'process.name': 'sshd' }, condition: 's and k' }, { file: 't' });
    expect(m(event)).toBe(true);
    expect(m({ ...event, process: { name: 'sudo' } })).toBe(false);
  });

  it.each([
    ['|cidr', '10.0.0.0/8', /a keyword \(an item without a field\) cannot be a cidr test/],
    ['|gt', 5, /a keyword \(an item without a field\) cannot be a compare test/],
    ['|exists', true, /'exists' needs a field/],
  ])('refuses %s', (key, value, message) => {
    expect(() => keyless(key, value)).toThrow(message);
  });
});
