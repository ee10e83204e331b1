import { describe, expect, it } from 'vitest';
import { EDL_LIST_NAME, parseEdlEntry } from './entry.js';

describe('parseEdlEntry', () => {
  it.each([
    ['203.0.113.9', { kind: 'ip', value: '203.0.113.9' }],
    ['2001:DB8::/32', { kind: 'ip', value: '2001:db8::/32' }],
    ['Evil.Example.', { kind: 'domain', value: 'evil.example' }],
    ['*.evil.example', { kind: 'domain', value: '*.evil.example' }],
    ['xn--bcher-kva.example', { kind: 'domain', value: 'xn--bcher-kva.example' }],
  ])('takes %j', (value, want) => {
    expect(parseEdlEntry(value)).toEqual(want);
  });

  it.each([
    'evil.example\n10.0.0.1',
    'http://evil.example/x',
    'evil.example/path',
    'evil example',
    'localhost',
    '*.example',
    'a.*.example',
    '-bad.example',
    '1.2.3.999',
    'bücher.example',
    `${'a'.repeat(64)}.example`,
    '',
    7,
  ])('refuses %j', (value) => {
    expect(parseEdlEntry(value)).toBeUndefined();
  });

  it('names lists with what fits a URL segment and a Redis key', () => {
    expect(['block-ip', 'c2_domains', '1'].every((n) => EDL_LIST_NAME.test(n))).toBe(true);
    expect(['', 'Block', 'a/b', '../x', 'a b', 'x'.repeat(65)].some((n) => EDL_LIST_NAME.test(n))).toBe(false);
  });
});
