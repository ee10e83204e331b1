/**
 * The lists every process shares, in Redis: one key per feed holding its last good indicators,
 * and a version counter bumped with each write. Why Redis rather than a compacted Kafka topic:
 * a reader needs a feed's whole list at once, at start and after each change; in Redis that is
 * one GET of one key, where a topic would have to be read from its beginning and compacted
 * per indicator, with a tombstone for each that leaves a list. Readers poll the version (one
 * GET every few seconds) instead of subscribing: a pub/sub message sent while a reader
 * reconnects is lost, a version is not.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { VigilError } from '../core/errors/index.js';
import type { IndicatorSource, Visit } from './builder.js';
import { INDICATOR_TYPES, type Indicator } from './model.js';

/** One indicator as stored: `[type index, value, id, validUntil, description]`, trailing blanks dropped. */
type Packed = [number, string, string?, number?, string?];

function pack(i: Indicator): Packed {
  const p: Packed = [INDICATOR_TYPES.indexOf(i.type), i.value];
  if (i.id !== undefined || i.validUntil !== undefined || i.description !== undefined) p.push(i.id ?? '');
  if (i.validUntil !== undefined || i.description !== undefined) p.push(i.validUntil ?? 0);
  if (i.description !== undefined) p.push(i.description);
  return p;
}

/** A list as `write` stores it. */
export function packList(indicators: readonly Indicator[]): string {
  return JSON.stringify(indicators.map(pack));
}

export class SharedLists {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vigil:intel:',
  ) {}

  private feedKey(feed: string): string {
    return `${this.prefix}feed:${feed}`;
  }

  /**
   * Replaces a feed's list and bumps the version, in one transaction; a list equal to the one
   * stored changes nothing (readers rebuild their index only when a list really changed).
   * Returns whether it changed.
   */
  async write(feed: string, indicators: readonly Indicator[]): Promise<boolean> {
    const body = packList(indicators);
    const digest = createHash('sha256').update(body).digest('hex');
    if ((await this.redis.get(`${this.prefix}digest:${feed}`)) === digest) return false;
    await this.redis.multi().set(this.feedKey(feed), body).set(`${this.prefix}digest:${feed}`, digest).incr(`${this.prefix}version`).exec();
    return true;
  }

  async version(): Promise<string | null> {
    return this.redis.get(`${this.prefix}version`);
  }

  /**
   * The lists of these feeds as stored (a feed never written yet has none), for an index to be built from (`IndicatorIndex.from`)
   * without an object per indicator: the build's peak is then the stored text and the index.
   */
  async source(feeds: readonly string[]): Promise<IndicatorSource> {
    const bodies = feeds.length === 0 ? [] : await this.redis.mget(...feeds.map((f) => this.feedKey(f)));
    const present = feeds.flatMap((feed, k) => (typeof bodies[k] === 'string' ? [{ feed, body: bodies[k] as string }] : []));
    return { feeds: present.map((p) => p.feed), each: (f, visit) => eachPacked((present[f] as { body: string }).body, visit) };
  }

  /**
   * Claims the next refresh of a feed for `ms`: true for one process, so that a feed is fetched
   * once per period however many processes run the poller.
   */
  async claim(feed: string, ms: number, owner: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}lock:${feed}`, owner, 'PX', Math.max(1, Math.floor(ms)), 'NX')) === 'OK';
  }
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Reads a list as `write` stores it (`JSON.stringify` of packed indicators: no whitespace) one
 * indicator at a time, handing each one's fields to `visit` without making an object of it.
 * Anything else in the text throws INTEL_FEED_INVALID with where it was.
 */
export function eachPacked(body: string, visit: Visit): void {
  let i = 0;
  const bad = (what: string): never => {
    throw new VigilError('INTEL_FEED_INVALID', `stored indicator list: ${what} at character ${i}`);
  };
  const expect = (c: string) => {
    if (body[i] !== c) bad(`expected '${c}'`);
    i++;
  };
  const string = (): string => {
    if (body.charCodeAt(i) !== QUOTE) bad('expected a string');
    const from = ++i;
    let escaped = false;
    for (;;) {
      const c = body.charCodeAt(i);
      if (Number.isNaN(c)) bad('unterminated string');
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i++;
      }
      i++;
    }
    i++;
    return escaped ? (JSON.parse(body.slice(from - 1, i)) as string) : body.slice(from, i - 1);
  };
  const number = (): number => {
    const from = i;
    let n = 0;
    for (let c = body.charCodeAt(i); c >= 48 && c <= 57; c = body.charCodeAt(++i)) n = n * 10 + c - 48;
    if (i > from && i - from < 16 && (body[i] === ',' || body[i] === ']')) return n;
    // Anything but a short run of digits (a fraction, an exponent) is rare: read it as JSON does.
    while (i < body.length && body[i] !== ',' && body[i] !== ']') i++;
    n = Number(body.slice(from, i));
    return from === i || !Number.isFinite(n) ? bad('expected a number') : n;
  };
  expect('[');
  if (body[i] === ']') return;
  for (;;) {
    expect('[');
    const type = number();
    if (!Number.isInteger(type) || type < 0 || type >= INDICATOR_TYPES.length) bad(`no indicator type ${type}`);
    expect(',');
    const value = string();
    let id: string | undefined;
    let validUntil: number | undefined;
    let description: string | undefined;
    if (body[i] === ',') {
      i++;
      id = string() || undefined; // '' and 0 hold a place: `pack` writes them for a later field
      if (body[i] === ',') {
        i++;
        validUntil = number() || undefined;
        if (body[i] === ',') {
          i++;
          description = string();
        }
      }
    }
    expect(']');
    visit(type, value, id, validUntil, description);
    if (body[i] === ']') break;
    expect(',');
  }
  if (++i !== body.length) bad('text after the list');
}
