import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.js';
import { SkipScan, skipScannable } from './skip-scan.js';

function skipFound(s: SkipScan, text: string, n: number): number[] | 'fallback' {
  const hits: number[] = [];
  if (s.scan(text, new Uint32Array(n), 1, hits) < 0) return 'fallback';
  return hits.sort((a, b) => a - b);
}

/** What the Aho-Corasick automaton finds for ASCII patterns: the patterns in the lower-cased text, 'ſ' read as 's' (RE2 folding). */
function reference(patterns: readonly string[], text: string): number[] {
  const lower = text.toLowerCase().replaceAll('\u017f', 's');
  return patterns.map((p, i) => (lower.includes(p) ? i : -1)).filter((i) => i >= 0);
}

describe('SkipScan', () => {
  const patterns = ['sekurlsa::', 'privilege::debug', 'lsadump::', 'mimidrv.sys', 'kerberos::ptt'];
  const s = new SkipScan(patterns);

  it.each([
    ['mimikatz # SEKURLSA::LogonPasswords', [0]],
    ['privilege::debug lsadump::sam', [1, 2]],
    ['C:\\Windows\\System32\\drivers\\mimidrv.sys', [3]],
    ['kerberos::pt', []],
    ['lsadump:', []],
    ['', []],
    ['sekurlsa::sekurlsa::', [0]],
  ])('%j → %j', (text, want) => expect(skipFound(s, text, patterns.length)).toEqual(want));

  it('gives up on non-ASCII text it reads (the caller lower-cases it)', () => {
    expect(skipFound(s, 'sekurlsa:\u212a:', patterns.length)).toBe('fallback');
    expect(skipFound(s, '\u0130'.repeat(20), patterns.length)).toBe('fallback');
  });

  it('reports each id of a repeated pattern, with the ids given', () => {
    const r = new SkipScan(['abcdefg', 'abcdefg', 'bcdefgh'], [7, 9, 4]);
    const hits: number[] = [];
    r.scan('xxABCDEFGH', new Uint32Array(10), 1, hits);
    expect(hits.sort((a, b) => a - b)).toEqual([4, 7, 9]);
  });

  it('is used for long ASCII patterns only', () => {
    expect(skipScannable(patterns)).toBe(true);
    expect(skipScannable(['sekurlsa::', 'ab'])).toBe(false);
    expect(skipScannable(['sekurlsa::', 'café::fr'])).toBe(false);
    expect(skipScannable([])).toBe(false);
    expect(skipScannable(Array.from({ length: 65 }, (_, i) => `pattern${i}`))).toBe(false);
  });

  it('finds what the automaton finds, through AhoCorasick.scanLowerSkipping, on random texts', () => {
    // Texts made of random runs and planted patterns, some upper-cased, some with a unit swapped
    // for a non-ASCII one that lower-cases to it (K U+212A → k, İ U+0130 → i + U+0307) or that
    // the automaton folds to it (ſ U+017F → s), some with non-ASCII noise.
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (len: number, chars: string): string => Array.from({ length: len }, () => chars[rnd(chars.length)]).join('');
    const disguise = (p: string): string => {
      const k = rnd(p.length);
      const swap: Record<string, string> = { k: '\u212a', i: '\u0130', s: '\u017f' };
      const c = p[k] as string;
      const x = rnd(3) === 0 ? p.toUpperCase() : p;
      return rnd(3) === 0 && swap[c] !== undefined ? x.slice(0, k) + swap[c] + x.slice(k + 1) : x;
    };
    let occurring = 0;
    for (let round = 0; round < 3000; round++) {
      const m = 6 + rnd(3);
      const ps = Array.from({ length: 1 + rnd(6) }, () => word(m + rnd(4), 'abks:.i'));
      const ac = new AhoCorasick(ps, undefined, undefined, true);
      let text = '';
      for (let piece = rnd(6); piece > 0; piece--)
        text += rnd(2) === 0 ? disguise(ps[rnd(ps.length)] as string) : word(rnd(12), rnd(4) === 0 ? 'abksABKS:.i\u00e9' : 'abksABKS:.i');
      const hits: number[] = [];
      ac.scanLowerSkipping(text, new Uint32Array(ps.length), 1, hits);
      const want = reference(ps, text);
      occurring += want.length;
      expect(
        hits.sort((x, y) => x - y),
        `${JSON.stringify(ps)} in ${JSON.stringify(text)}`,
      ).toEqual(want);
    }
    expect(occurring).toBeGreaterThan(1000);
  });
});
