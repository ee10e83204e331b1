import type { Redis } from 'ioredis';
import { VigilError } from '../../../core/errors/index.js';
import type { EdlEntry, EdlKind } from './entry.js';

/** Entries one list may hold; PAN-OS's smallest per-list capacity for domains is 50,000. */
export const EDL_MAX_ENTRIES = 50_000;

/**
 * External Dynamic Lists in Redis, so that every worker shares them and they survive a restart:
 * one sorted set per list (`<prefix>:edl:<list>`, member = entry, score = expiry in epoch ms) and
 * the kind each list holds (`<prefix>:edl-kinds`). Expired entries are never returned, and are
 * dropped on the next write to their list.
 */
export class EdlStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(list: string): string {
    return `${this.prefix}:edl:${list}`;
  }

  /**
   * Adds (or keeps) the entry until `expiresAt` at least: a second add never shortens the expiry,
   * so adding the same entry twice is adding it once.
   */
  async add(list: string, entry: EdlEntry, expiresAt: number, now = Date.now()): Promise<{ expiresAt: number }> {
    const kinds = `${this.prefix}:edl-kinds`;
    await this.redis.hsetnx(kinds, list, entry.kind);
    const kind = (await this.redis.hget(kinds, list)) as EdlKind | null;
    if (kind !== entry.kind) {
      throw new VigilError(
        'ACTION_REJECTED',
        `edl list ${list} holds ${kind} entries; ${entry.value} is ${entry.kind === 'ip' ? 'an address' : 'a domain'}`,
      );
    }
    const key = this.key(list);
    const [, [, size]] = (await this.redis.multi().zremrangebyscore(key, '-inf', now).zcard(key).exec()) as [unknown, [unknown, number]];
    if (size >= EDL_MAX_ENTRIES && (await this.redis.zscore(key, entry.value)) === null) {
      throw new VigilError('ACTION_REJECTED', `edl list ${list} is full (${EDL_MAX_ENTRIES} entries)`);
    }
    await this.redis.zadd(key, 'GT', expiresAt, entry.value);
    const score = await this.redis.zscore(key, entry.value);
    return { expiresAt: Number(score) };
  }

  /** Removes the entry; false when it was not there. */
  async remove(list: string, value: string): Promise<boolean> {
    return (await this.redis.zrem(this.key(list), value)) === 1;
  }

  /** The list's live entries in the order they expire, or undefined for a list never written. */
  async entries(list: string, now = Date.now()): Promise<string[] | undefined> {
    const [[, kind], [, live]] = (await this.redis
      .multi()
      .hexists(`${this.prefix}:edl-kinds`, list)
      .zrangebyscore(this.key(list), `(${now}`, '+inf')
      .exec()) as [[unknown, number], [unknown, string[]]];
    return kind === 1 ? live : undefined;
  }
}
