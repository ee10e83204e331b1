import { describe, expect, it } from 'vitest';
import { compileDetection } from '../sigma/detection.js';
import { loadRuleText } from '../sigma/load.js';
import { ecsFieldResolver } from '../sigma/compile.js';
import { AhoCorasick } from './aho-corasick.js';
import { KEYWORDS, ruleClause, ruleClauses } from './literals.js';
import { regexLiterals } from './regex-literals.js';

function found(ac: AhoCorasick, text: string, lower = true): number[] {
  const hits: number[] = [];
  const seen = new Uint32Array(64);
  if (lower) ac.scanLower(text, seen, 1, hits);
  else ac.scan(text, seen, 1, hits);
  return hits.sort((a, b) => a - b);
}

describe('AhoCorasick', () => {
  const ac = new AhoCorasick(['he', 'she', 'his', 'hers', 'sekurlsa::', '::']);
  it.each([
    ['ushers', [0, 1, 3]],
    ['his', [2]],
    ['SEKURLSA::logonpasswords', [4, 5]],
    ['nothing here?', [0]],
    ['', []],
  ])('%j → %j', (text, want) => expect(found(ac, text)).toEqual(want));

  it('folds case through its table and lower-cases non-ASCII text', () => {
    const u = new AhoCorasick(['é:', 'ǆ']);
    expect(found(u, 'CAFÉ:')).toEqual([0]);
    expect(found(u, 'Ǆ')).toEqual([1]); // U+01C4 lower-cases to U+01C6
  });

  it('skips texts shorter than every pattern, unless lower-casing lengthens them', () => {
    const a = new AhoCorasick(['abc', 'i\u0307x']);
    expect(found(a, 'ab')).toEqual([]);
    expect(found(a, '\u0130X')).toEqual([1]); // İ lower-cases to i + U+0307: two units become three
    // At most one unit more per unit: two units may reach four, one may not reach three.
    const b = new AhoCorasick(['i\u0307i\u0307', 'i\u0307x']);
    expect(found(b, '\u0130\u0130')).toEqual([0]);
    expect(found(b, '\u0130')).toEqual([]);
  });

  it('reports every pattern when rare characters share a class', () => {
    const many = Array.from({ length: 80 }, (_, i) => `x${String.fromCharCode(0x400 + i)}y`);
    const a = new AhoCorasick(many, undefined, 8);
    const hits: number[] = [];
    a.scan(`x${String.fromCharCode(0x400 + 77)}y`, new Uint32Array(80), 1, hits);
    expect(hits).toContain(77); // a superset may come with it, never less
  });

  it('finds a pattern wherever indexOf does, on random texts', () => {
    const alphabet = 'ab:\\.';
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (len: number): string => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const patterns = Array.from({ length: 1 + rnd(8) }, () => word(1 + rnd(4)));
      const a = new AhoCorasick(patterns);
      const text = word(rnd(30));
      const hits: number[] = [];
      a.scan(text, new Uint32Array(patterns.length), 1, hits);
      const want = patterns.map((p, i) => (text.includes(p) ? i : -1)).filter((i) => i >= 0);
      expect(hits.sort((x, y) => x - y)).toEqual(want);
    }
  });
});

describe('regexLiterals', () => {
  it.each([
    ['(?i)sekurlsa::logonpasswords', ['sekurlsa::logonpasswords']],
    ['\\\\whoami\\.exe$', ['\\whoami.exe']],
    ['(?:cmd|powershell)\\.exe /c', ['.exe /c']],
    ['(?:cmd|powershell)\\.exe', ['.exe']],
    ['(?:cmd|powershell)\\.e', ['cmd', 'powershell']],
    ['https?://[0-9]{1,3}\\.', ['http']],
    ['ab+c', ['ab']],
    ['(abc)?xyz', ['xyz']],
    ['a|b.c', ['a', 'b']],
    ['a|.c*', null],
    ['[a-z]+', null],
    ['(.){200,}', null],
    ['\\d{4}-\\d{2}', ['-']],
    ['\\d{4}\\s\\d{2}', null],
    ['x{', null],
    ['(unbalanced', null],
  ])('%s → %j', (re, want) => expect(regexLiterals(re)).toEqual(want));
});

const rule = (detection: string): string =>
  `title: t\nid: 44444444-4444-4444-8444-444444444444\nlogsource: { product: test }\ndetection:\n${detection}\n`;
const clauseOf = (detection: string): string[] | null => {
  const { rule: r, errors } = loadRuleText(rule(detection), 'x.yml');
  expect(errors).toEqual([]);
  const c = ruleClause(r!.rule, ecsFieldResolver);
  return c === null ? null : c.map((a) => `${a.source === KEYWORDS ? '*' : 'f'}${a.eq ? '=' : '~'}${a.literal}`).sort();
};

const clausesOf = (detection: string): string[][] => {
  const { rule: r, errors } = loadRuleText(rule(detection), 'x.yml');
  expect(errors).toEqual([]);
  return ruleClauses(r!.rule, ecsFieldResolver).map((c) => c.map((a) => `${a.eq ? '=' : '~'}${a.literal}`).sort());
};

describe('rule clauses (two that must both hit)', () => {
  it.each([
    ['  sel: { a: "true", b|endswith: [.example.com, .example.net] }\n  condition: sel', [['~.example.com', '~.example.net'], ['~true']]],
    ['  sel: { a|contains|all: [alpha, beta, gammaray] }\n  condition: sel', [['~gammaray'], ['~alpha']]],
    [
      '  a: { x: alpha, y: beta }\n  b: { z: gammaray }\n  condition: a or b',
      [
        ['~alpha', '~gammaray'],
        ['~beta', '~gammaray'],
      ],
    ],
    ['  a: { x: alpha }\n  b: { z: gammaray }\n  condition: a or b', [['~alpha', '~gammaray']]],
    ['  a: { x: alpha, y: beta }\n  f: { z: gammaray }\n  condition: a and not f', [['~alpha'], ['~beta']]],
    ['  a: { x: alpha, y: beta }\n  b: { z|neq: gammaray }\n  condition: a or b', []],
  ])('%s', (detection, want) => expect(clausesOf(detection)).toEqual(want));
});

describe('rule clauses', () => {
  it.each([
    ['  sel: { a|contains: [Foo, bar] }\n  condition: sel', ['f~bar', 'f~foo']],
    ['  sel: { a|endswith: "\\\\x.exe", b: "C:*/sub" }\n  condition: sel', ['f~\\x.exe']],
    ['  sel: { a: 4624 }\n  condition: sel', ['f=n:4624']],
    ['  sel: { a: 4624 }\n  f: { b: x }\n  condition: sel and not f', ['f=n:4624']],
    ['  sel: { a: "*" }\n  condition: sel', null],
    ['  sel: { a|re: "(?i)mimi(katz)?" }\n  condition: sel', ['f~mimi']],
    ['  sel: { a|cidr: 10.0.0.0/8 }\n  condition: sel', null],
    ['  k: [Erase, "del*ete"]\n  condition: k', ['*~del', '*~erase']],
    ['  a: { x: alpha }\n  b: { y: beta }\n  condition: a or b', ['f~alpha', 'f~beta']],
    ['  a: { x: alpha }\n  b: { y: [beta, gammaray] }\n  condition: all of them', ['f~alpha']],
    ['  a: { x|neq: alpha }\n  condition: a', null],
    ['  a: { x|base64offset|contains: "iex" }\n  condition: a', ['f~aWV4', 'f~lle', 'f~pZX'].map((s) => s.toLowerCase()).sort()],
  ])('%s', (detection, want) => expect(clauseOf(detection)).toEqual(want));

  it('is a necessary condition: the detection never holds without one of its atoms', () => {
    const det = {
      sel: { 'CommandLine|contains|all': ['-enc', ' -nop'] },
      img: { 'Image|endswith': ['\\powershell.exe', '\\pwsh.exe'] },
      condition: 'sel and img',
    };
    const holds = compileDetection(det, { file: 't' });
    const event = { CommandLine: 'powershell -NOP -ENC abc', Image: 'C:\\x\\pwsh.exe' };
    expect(holds(event)).toBe(true);
  });
});
