/**
 * The index answers every lookup as a straightforward implementation does (maps of values, and
 * networks found by trying each prefix length from the longest), over thousands of generated
 * indicators in three feeds with overlapping values, networks inside networks, expiry, ids and
 * descriptions, non-ASCII text; built from objects and from the lists as stored in Redis alike.
 */
import { describe, expect, it } from 'vitest';
import { bitOf, mappedV4, parseAddress, parseIPv4, parseIPv6, parseNetwork, type IpAddress } from '../core/net/ip.js';
import { VigilError } from '../core/errors/index.js';
import { LIST_OF, type FeedList, type Indicator, type IntelList } from './model.js';
import { eachPacked, packList } from './shared.js';
import { IndicatorIndex, textKey, type IntelMatch, type TextList } from './store.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');

/** mulberry32: the same indicators on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(17);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const int = (n: number) => Math.floor(rnd() * n);
const hex = (n: number) => Array.from({ length: n }, () => int(16).toString(16)).join('');
const v4text = () => `${pick([10, 192, 203])}.${int(4)}.${int(4)}.${int(256)}`;
const v6text = () => `2001:db8:${int(4).toString(16)}::${int(64).toString(16)}`;

function generate(): Indicator {
  const type = pick(['ip', 'ip6', 'cidr', 'cidr6', 'domain', 'url', 'md5', 'sha1', 'sha256', 'email'] as const);
  const value = {
    ip: v4text,
    ip6: v6text,
    cidr: () => `${pick([10, 192, 203])}.${int(4)}.${int(4)}.${int(256)}/${pick([8, 16, 22, 24, 25, 30, 32])}`,
    cidr6: () => `2001:db8:${int(4).toString(16)}::/${pick([32, 48, 64, 120])}`,
    domain: () => `${pick(['c2', 'evil', 'bücher', 'xn--e1a'])}${int(300)}.example`,
    url: () => `http://h${int(300)}.example/${pick(['a', 'B', 'ü'])}${int(50)}`,
    md5: () => hex(32),
    sha1: () => hex(40),
    sha256: () => hex(64),
    email: () => `u${int(300)}@${pick(['evil', 'bücher'])}.example`,
  }[type]();
  const expiry = rnd();
  return {
    type: type === 'ip6' ? 'ip' : type === 'cidr6' ? 'cidr' : type,
    value,
    ...(rnd() < 0.3 && { id: `indicator--${hex(8)}` }),
    ...(rnd() < 0.2 && { description: pick(['', 'c2 server', 'Zugriff über Tor']) }),
    ...(expiry < 0.1 ? { validUntil: NOW - int(10_000) } : expiry < 0.3 ? { validUntil: NOW + int(10_000) } : {}),
  };
}

/** Where a value sits: a v4 host, or a network (IPv6 hosts are /128 networks) by its prefix bits, or text by list. */
function keyOf(i: Indicator): string | undefined {
  if (i.type === 'ip' || i.type === 'cidr') {
    const a = i.type === 'ip' ? parseAddress(i.value.trim()) : undefined;
    if (a && !a.v6) return `host:${a.v4}`;
    const n = i.type === 'cidr' ? parseNetwork(i.value.trim()) : a && { ...a, prefix: 128 };
    return n ? bitsKey(n, n.prefix) : undefined;
  }
  return `${LIST_OF[i.type]}:${i.value}`;
}

function bitsKey(a: IpAddress, prefix: number): string {
  let bits = '';
  for (let k = 0; k < prefix; k++) bits += bitOf(a, k);
  return `${a.v6 ? 'v6' : 'v4'}/${bits}`;
}

/** The reference: the longer-lived of two indicators at one place wins, the first of two that live as long. */
function reference(lists: readonly FeedList[], built: number) {
  const at = new Map<string, IntelMatch>();
  for (const { feed, indicators } of lists) {
    for (const i of indicators) {
      const key = keyOf(i);
      const until = i.validUntil ?? Infinity;
      if (key === undefined || until <= built) continue;
      const before = at.get(key);
      if (!before || (before.indicator.validUntil ?? Infinity) < until) at.set(key, { feed, indicator: i });
    }
  }
  const longest = (a: IpAddress): IntelMatch | undefined => {
    for (let p = a.v6 ? 128 : 32; p >= 0; p--) {
      const m = at.get(bitsKey(a, p));
      if (m) return m;
    }
    return undefined;
  };
  const find = (list: IntelList, value: string): IntelMatch | undefined => {
    if (list !== 'ip') return at.get(`${list}:${textKey(list as TextList, value)}`);
    let v4 = parseIPv4(value);
    const words = new Uint16Array(8);
    if (v4 < 0) {
      if (!parseIPv6(value, words)) return undefined;
      v4 = mappedV4(words);
      if (v4 < 0) return longest({ v6: true, v4: 0, words });
    }
    return at.get(`host:${v4}`) ?? longest({ v6: false, v4, words: new Uint16Array(0) });
  };
  return (list: IntelList, value: unknown, now: number): IntelMatch | undefined => {
    if (typeof value !== 'string') return undefined;
    const m = find(list, value);
    return m && (m.indicator.validUntil ?? Infinity) > now ? m : undefined;
  };
}

/** Probes as events hold them: the values as listed and as written otherwise, addresses inside networks, misses. */
function probes(lists: readonly FeedList[]): Array<[IntelList, unknown]> {
  const out: Array<[IntelList, unknown]> = [];
  for (const { indicators } of lists) {
    for (const i of indicators) {
      const list = LIST_OF[i.type];
      out.push([list, i.value], [list, i.value.toUpperCase()], [list, ` ${i.value}.`]);
      if (i.type === 'cidr') out.push(['ip', i.value.includes(':') ? v6text() : v4text()]);
      if (i.type === 'ip' && !i.value.includes(':')) out.push(['ip', `::ffff:${i.value}`]);
    }
  }
  for (let k = 0; k < 2000; k++)
    out.push(['ip', v4text()], ['ip', v6text()], [pick(['domain', 'url', 'hash', 'email'] as const), generate().value]);
  out.push(['ip', 'not an ip'], ['ip', 42], ['domain', null], ['hash', ''], ['email', 'boss@'], ['domain', 'boss@evil.example']);
  return out;
}

const lists: FeedList[] = ['a', 'b', 'c'].map((feed) => ({ feed, indicators: Array.from({ length: 1700 }, generate) }));
// The same values again in another feed, living longer or shorter.
(lists[2] as { indicators: Indicator[] }).indicators.push(
  ...lists[0]!.indicators.slice(0, 500).map((i, k) => ({ ...i, validUntil: k % 2 === 0 ? NOW + 20_000 : NOW + 1 })),
);
const BUILT = NOW - 5000;

describe('the index, against a reference implementation', () => {
  const want = reference(lists, BUILT);
  const all = probes(lists);

  it('answers every probe alike at several instants, built from objects', () => {
    const index = IndicatorIndex.build(lists, BUILT);
    let hits = 0;
    for (const now of [NOW - 10_000, NOW, NOW + 5000, NOW + 30_000]) {
      for (const [list, value] of all) {
        const m = want(list, value, now);
        expect(index.match(list, value, now), `${list} ${String(value)} at ${now - NOW}`).toEqual(m);
        expect(index.has(list, value, now)).toBe(m !== undefined);
        if (m) hits++;
      }
    }
    expect(hits).toBeGreaterThan(all.length); // the probes are not all misses
  });

  it('answers alike built from the lists as stored in Redis', () => {
    const bodies = lists.map((l) => packList(l.indicators));
    const index = IndicatorIndex.from({ feeds: lists.map((l) => l.feed), each: (f, visit) => eachPacked(bodies[f]!, visit) }, BUILT);
    for (const [list, value] of all) expect(index.match(list, value, NOW)).toEqual(want(list, value, NOW));
  });

  it('reads quotes, backslashes and control characters in a stored list', () => {
    const odd: Indicator[] = [{ type: 'url', value: 'http://x.example/"a\\b\u0001', id: 'i"d', description: 'line\nbreak' }];
    const index = IndicatorIndex.from({ feeds: ['f'], each: (_, visit) => eachPacked(packList(odd), visit) }, BUILT);
    expect(index.match('url', odd[0]!.value, NOW)).toEqual({ feed: 'f', indicator: odd[0] });
  });

  it.each(['', '[', '[[0,"1.2.3.4"]', '[[9,"x"]]', '[[0,1.2]]', '[[0,"a"],]', '[[0,"a"]]x', '[[0,"a" ]]'])(
    'refuses a stored list that is not one: %j',
    (body) => {
      let err: unknown;
      try {
        IndicatorIndex.from({ feeds: ['f'], each: (_, visit) => eachPacked(body, visit) });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe('INTEL_FEED_INVALID');
    },
  );
});
