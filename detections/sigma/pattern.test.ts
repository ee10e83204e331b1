import { describe, expect, it } from 'vitest';
import { ANY, compilePattern, formatPattern, ONE, parsePattern, withAny } from './pattern.js';

describe('parsePattern: wildcards and escaping', () => {
  it.each([
    ['plain', ['plain']],
    ['a*b', ['a', ANY, 'b']],
    ['a?b', ['a', ONE, 'b']],
    ['*', [ANY]],
    ['', []],
    ['a\\*b', ['a*b']], // \* is a literal star
    ['a\\?b', ['a?b']], // \? is a literal question mark
    ['a\\\\b', ['a\\b']], // \\ is one backslash
    ['a\\\\*', ['a\\', ANY]], // \\ then a wildcard
    ['C:\\Windows\\', ['C:\\Windows\\']], // a backslash before anything else stays
    ['\\x', ['\\x']],
    ['end\\', ['end\\']], // a trailing backslash stays
  ])('%j', (raw, parts) => {
    expect(parsePattern(raw)).toEqual(parts);
  });

  it('formats back to an equivalent pattern', () => {
    for (const raw of ['a*b', 'a\\*b', 'a\\\\*', 'x?y', 'a\\?']) {
      expect(parsePattern(formatPattern(parsePattern(raw)))).toEqual(parsePattern(raw));
    }
  });

  it('withAny does not double a wildcard', () => {
    expect(withAny([ANY, 'x', ANY], true, true)).toEqual([ANY, 'x', ANY]);
    expect(withAny(['x'], false, true)).toEqual(['x', ANY]);
  });
});

describe('compilePattern', () => {
  const m = (pattern: string, text: string): boolean => compilePattern(parsePattern(pattern))(text.toLowerCase());
  it.each([
    ['abc', 'abc', true],
    ['abc', 'ABC', true], // case-insensitive
    ['ABC', 'abc', true],
    ['abc', 'abcd', false],
    ['a*', 'abcd', true],
    ['*d', 'abcd', true],
    ['*bc*', 'abcd', true],
    ['*x*', 'abcd', false],
    ['a*d', 'abcd', true],
    ['a*d', 'abce', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['*', '', true],
    ['', '', true],
    ['', 'x', false],
    ['a\\*c', 'a*c', true], // escaped star is literal
    ['a\\*c', 'abc', false],
    ['a\\?c', 'a?c', true],
    ['a\\?c', 'abc', false],
    ['c:\\windows\\*', 'C:\\Windows\\System32', false], // `\*` escapes the star: a literal `*`, not a wildcard
    ['c:\\windows\\*', 'C:\\Windows*', true], // the escaping backslash is consumed
    ['c:\\windows\\\\*', 'C:\\Windows\\System32', true], // `\\*`: a backslash, then a wildcard
    ['c:\\\\*', 'c:\\x', true],
    ['1.2.3.*', '1.2.3.4', true], // regex metacharacters are literal
    ['1.2.3.*', '1x2x3x4', false],
    ['(a|b)*', '(a|b)c', true],
    ['a*b*c', 'a\nb\nc', true], // wildcards cross newlines
    ['?', 'é', true], // one code point
    ['?', '😀', true],
  ])('%j on %j → %s', (pattern, text, want) => {
    expect(m(pattern, text)).toBe(want);
  });

  it('matches cased when asked', () => {
    expect(compilePattern(parsePattern('ABC*'), true)('ABCd')).toBe(true);
    expect(compilePattern(parsePattern('ABC*'), true)('abcd')).toBe(false);
  });
});
