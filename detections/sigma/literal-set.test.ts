/** The hashed multi-literal tests agree with the plain loops they replace. */
import { describe, expect, it } from 'vitest';
import { containsAny, endsWithAny, MIN_HASHED, startsWithAny } from './literal-set.js';

/** A small deterministic generator, so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

function words(next: () => number, n: number, alphabet: string, min: number, max: number): string[] {
  return Array.from({ length: n }, () => {
    const len = min + Math.floor(next() * (max - min + 1));
    return Array.from({ length: len }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  });
}

describe('literal sets', () => {
  it.each([
    ['hex hashes with shared prefixes', 'abcdef0123456789', 40, 64, 'md5='],
    ['short words', 'abc', 1, 4, ''],
    ['mixed lengths', 'ab -/', 1, 12, ''],
    ['surrogate pairs', '😀😁x', 1, 3, ''],
  ])('%s: same answers as the loops', (_what, alphabet, min, max, prefix) => {
    const next = rng(alphabet.length * 7919 + min);
    const lits = words(next, 300, alphabet, min, max).map((w) => prefix + w);
    const texts = [
      ...words(next, 300, alphabet, 0, 80),
      ...lits.slice(0, 50).map((l, i) => `${'x'.repeat(i % 5)}${l}${'y'.repeat(i % 3)}`),
    ];
    const [inc, pre, suf] = [containsAny(lits), startsWithAny(lits), endsWithAny(lits)];
    for (const t of texts) {
      expect(inc(t), t).toBe(lits.some((l) => t.includes(l)));
      expect(pre(t), t).toBe(lits.some((l) => t.startsWith(l)));
      expect(suf(t), t).toBe(lits.some((l) => t.endsWith(l)));
    }
  });

  it('keeps the loop for short lists and handles the empty literal', () => {
    expect(MIN_HASHED).toBeGreaterThan(1);
    const lits = Array.from({ length: 20 }, (_, i) => `w${i}`);
    expect(containsAny([...lits, ''])('anything')).toBe(true);
    expect(startsWithAny([...lits, ''])('')).toBe(true);
    expect(endsWithAny(lits)('xw19')).toBe(true);
    expect(endsWithAny(lits)('w19x')).toBe(false);
  });
});
