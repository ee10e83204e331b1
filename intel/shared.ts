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
import { INDICATOR_TYPES, type FeedList, type Indicator, type IndicatorType } from './model.js';

/** One indicator as stored: `[type index, value, id, validUntil, description]`, trailing blanks dropped. */
type Packed = [number, string, string?, number?, string?];

function pack(i: Indicator): Packed {
  const p: Packed = [INDICATOR_TYPES.indexOf(i.type), i.value];
  if (i.id !== undefined || i.validUntil !== undefined || i.description !== undefined) p.push(i.id ?? '');
  if (i.validUntil !== undefined || i.description !== undefined) p.push(i.validUntil ?? 0);
  if (i.description !== undefined) p.push(i.description);
  return p;
}

function unpack(p: Packed): Indicator {
  const [t, value, id, validUntil, description] = p;
  return {
    type: INDICATOR_TYPES[t] as IndicatorType,
    value,
    ...(id !== undefined && id !== '' && { id }),
    ...(validUntil !== undefined && validUntil !== 0 && { validUntil }),
    ...(description !== undefined && { description }),
  };
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
    const body = JSON.stringify(indicators.map(pack));
    const digest = createHash('sha256').update(body).digest('hex');
    if ((await this.redis.get(`${this.prefix}digest:${feed}`)) === digest) return false;
    await this.redis.multi().set(this.feedKey(feed), body).set(`${this.prefix}digest:${feed}`, digest).incr(`${this.prefix}version`).exec();
    return true;
  }

  async version(): Promise<string | null> {
    return this.redis.get(`${this.prefix}version`);
  }

  /** The lists of these feeds; a feed never written yet has none. */
  async read(feeds: readonly string[]): Promise<FeedList[]> {
    if (feeds.length === 0) return [];
    const bodies = await this.redis.mget(...feeds.map((f) => this.feedKey(f)));
    const out: FeedList[] = [];
    feeds.forEach((feed, k) => {
      const body = bodies[k];
      if (body === null || body === undefined) return;
      out.push({ feed, indicators: (JSON.parse(body) as Packed[]).map(unpack) });
    });
    return out;
  }

  /**
   * Claims the next refresh of a feed for `ms`: true for one process, so that a feed is fetched
   * once per period however many processes run the poller.
   */
  async claim(feed: string, ms: number, owner: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}lock:${feed}`, owner, 'PX', Math.max(1, Math.floor(ms)), 'NX')) === 'OK';
  }
}
