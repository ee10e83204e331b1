import type { Redis } from 'ioredis';

/**
 * Limits shared by every worker, kept in Redis with Redis's own clock (TIME), so that the
 * workers' clocks do not matter.
 *
 * A rate limit is a GCRA (generic cell rate algorithm): one key per action holds the theoretical
 * arrival time of the next call; `requests` per `perMs` lets a burst of `requests` through, then
 * one call every `perMs / requests`.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allowAt = tat - burst
if now < allowAt then return math.ceil(allowAt - now) end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return 0
`;

/** A slot of a run: expired leases (a worker that died) are dropped first; a step holding one keeps it. */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
  return 1
end
return 0
`;

export interface RateLimit {
  requests: number;
  perMs: number;
}

export class SharedLimits {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Takes one call of `name` under `limit`: 0 when it may go now, else the ms to wait before asking again. */
  async take(name: string, limit: RateLimit): Promise<number> {
    const interval = limit.perMs / limit.requests;
    const burst = Math.max(0, limit.perMs - interval);
    const wait = await this.redis.eval(GCRA, 1, `${this.prefix}:playbook-rate:${name}`, String(interval), String(burst));
    return Number(wait);
  }

  /** Takes a slot of the run for `step` when fewer than `cap` are taken (or it holds one); the lease ends a lost one. */
  async takeSlot(runId: string, step: string, cap: number, leaseMs: number): Promise<boolean> {
    const got = await this.redis.eval(TAKE_SLOT, 1, this.slotKey(runId), step, String(cap), String(Math.ceil(leaseMs)));
    return Number(got) === 1;
  }

  async giveSlot(runId: string, step: string): Promise<void> {
    await this.redis.zrem(this.slotKey(runId), step);
  }

  private slotKey(runId: string): string {
    return `${this.prefix}:playbook-run-slots:${runId}`;
  }
}
