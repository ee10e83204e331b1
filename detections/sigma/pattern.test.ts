import { describe, expect, it } from 'vitest';
import { ANY, compilePattern, compilePatternSet, formatPattern, ONE, parsePattern, withAny, type PatternPart } from './pattern.js';

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

describe('compilePattern: several wildcards (the glob walk)', () => {
  const m = (pattern: string, text: string): boolean => compilePattern(parsePattern(pattern))(text.toLowerCase());
  it.each([
    ['*a*b*c*', 'xaybzc', true],
    ['*a*b*c*', 'xcybza', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'abbc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false], // the ends may not overlap
    ['ab*ba', 'abba', true],
    ['*a?c*', 'xxabcxx', true],
    ['*a?c*', 'xxacxx', false],
    ['a?*?b', 'axyb', true],
    ['a?*?b', 'axb', false],
    ['*?', '', false],
    ['*?', 'x', true],
    ['?*', '😀', true],
    ['*x?*', 'x😀', true], // ? takes the whole surrogate pair
    ['\\\\*\\\\*.exe', '\\\\a\\\\b.exe', true], // `\\` is a backslash, then a wildcard
    ['\\*\\*.exe', '\\a\\b.exe', false], // `\*` is a literal star
  ])('%j on %j → %s', (pattern, text, want) => {
    expect(m(pattern, text)).toBe(want);
  });

  it('matches a one-character class', () => {
    const parts: PatternPart[] = [ANY, ' ', { oneOf: '-/' }, 'enc', ANY];
    const t = compilePattern(parts);
    expect(['x -enc y', 'x /enc y', 'x +enc y', 'x enc'].map(t)).toEqual([true, true, false, false]);
    expect(compilePattern([{ oneOf: '-/' }, 'k'])('/k')).toBe(true);
    expect(compilePattern([ANY, { oneOf: '-/' }, 'k'])('a -k')).toBe(true);
    expect(compilePattern([ANY, { oneOf: '-/' }, 'k'])('a -k ')).toBe(false);
    expect(formatPattern(parts)).toBe('* [-/]enc*');
  });

  it('stays linear on adversarial text', () => {
    const t = compilePattern(parsePattern('*a*a*a*a*a*a*a*a*b'));
    const text = 'a'.repeat(50_000);
    const start = performance.now();
    expect(t(text)).toBe(false);
    expect(performance.now() - start).toBeLessThan(200);
  });
});

describe('compilePatternSet: a value list ORed', () => {
  const set = (patterns: string[]) => compilePatternSet(patterns.map(parsePattern));
  it.each([
    [['a', 'b', 'c'], 'b', true],
    [['a', 'b', 'c'], 'd', false],
    [['pre*', '*suf', '*mid*', 'exact'], 'prefix', true],
    [['pre*', '*suf', '*mid*', 'exact'], 'xsuf', true],
    [['pre*', '*suf', '*mid*', 'exact'], 'xmidx', true],
    [['pre*', '*suf', '*mid*', 'exact'], 'exact', true],
    [['pre*', '*suf', '*mid*', 'exact'], 'exactly', false],
    [['a?c', 'x*y*z'], 'abc', true],
    [['a?c', 'x*y*z'], 'x1y2z', true],
    [['a?c', 'x*y*z'], 'xyzz', true],
    [['a?c', 'x*y*z'], 'zyx', false],
    [['', 'x'], '', true],
    [['*', 'x'], 'anything', true],
  ])('%j on %j → %s', (patterns, text, want) => {
    expect(set(patterns)(text)).toBe(want);
  });
});
