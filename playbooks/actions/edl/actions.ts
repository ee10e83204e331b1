import { parseDuration } from '../../duration.js';
import { argChecker } from '../args.js';
import { RateLimiter } from '../declarative/limiter.js';
import type { ActionContext, ActionSpec } from '../types.js';
import { EDL_LIST_NAME, parseEdlEntry, type EdlEntry } from './entry.js';
import { EdlStore } from './store.js';

const DEFAULT_TTL_MS = 24 * 3_600_000;
const MAX_TTL_MS = 366 * 24 * 3_600_000;

function checked(action: string, args: Readonly<Record<string, unknown>>, allowed: readonly string[]): { list: string; entry: EdlEntry } {
  const check = argChecker(action);
  for (const k of Object.keys(args)) if (!allowed.includes(k)) check.reject(`no input "${k}"`);
  const list = check.string(args, 'list');
  if (!EDL_LIST_NAME.test(list)) check.reject('list must be 1–64 of a-z 0-9 _ - (it is the URL /api/edl/<list>.txt)');
  const entry = parseEdlEntry(args.entry);
  if (!entry)
    return check.reject(
      `entry must be an IP address, a network (a.b.c.d/n) or a domain (got ${JSON.stringify(String(args.entry).slice(0, 80))})`,
    );
  return { list, entry };
}

function storeOf(action: string, ctx: ActionContext): EdlStore {
  const redis = ctx.services?.redis;
  return redis
    ? new EdlStore(redis.client, redis.prefix)
    : argChecker(action).reject("needs the worker's Redis (run it from the respond stage)");
}

const ADD_ARGS = ['list', 'entry', 'ttl'];
/** A runaway for_each should not flood the list; a firewall pulls it every few minutes anyway. */
const RATE = { requests: 1000, perMs: 1000 };
const addLimiter = new RateLimiter(RATE.requests, RATE.perMs);
const removeLimiter = new RateLimiter(RATE.requests, RATE.perMs);
/**
 * `edl.add`: puts an address, network or domain on an External Dynamic List that the API serves
 * at `/api/edl/<list>.txt` for firewalls to pull, until `ttl` from now (never shortening a longer
 * stay). Idempotent: the entry is a set member.
 */
export const edlAdd: ActionSpec = {
  description:
    'Adds an address, network or domain to an External Dynamic List served at /api/edl/<list>.txt; returns {list, entry, expires_at}',
  args: { required: ['list', 'entry'], optional: ['ttl'] },
  inputs: {
    list: { type: 'string', required: true, description: 'the list name: a-z 0-9 _ -; one kind (addresses or domains) per list' },
    entry: {
      type: 'string',
      required: true,
      description: 'an IPv4/IPv6 address, a network (/prefix), or a domain (*.domain for its subdomains)',
    },
    ttl: { type: 'string', required: false, default: '24h', description: 'how long it is served (1s–8784h)' },
  },
  idempotent: true,
  rateLimit: RATE,
  run: async (args, ctx) => {
    const action = 'edl.add';
    const { list, entry } = checked(action, args, ADD_ARGS);
    const ttlMs = args.ttl === undefined ? DEFAULT_TTL_MS : parseDuration(args.ttl);
    if (ttlMs === undefined || ttlMs < 1000 || ttlMs > MAX_TTL_MS)
      argChecker(action).reject('ttl must be a duration from 1s to 8784h, such as 24h');
    await addLimiter.acquire(ctx.signal);
    const { expiresAt } = await storeOf(action, ctx).add(list, entry, Date.now() + (ttlMs as number));
    return { list, entry: entry.value, expires_at: new Date(expiresAt).toISOString() };
  },
};

/** `edl.remove`: takes the entry off the list; `removed: false` when it was not there (idempotent). */
export const edlRemove: ActionSpec = {
  description: 'Removes an entry from an External Dynamic List; returns {list, entry, removed}',
  args: { required: ['list', 'entry'], optional: [] },
  inputs: {
    list: { type: 'string', required: true },
    entry: { type: 'string', required: true, description: 'as it was added (it is normalized the same way)' },
  },
  idempotent: true,
  rateLimit: RATE,
  run: async (args, ctx) => {
    const action = 'edl.remove';
    const { list, entry } = checked(action, args, ['list', 'entry']);
    await removeLimiter.acquire(ctx.signal);
    return { list, entry: entry.value, removed: await storeOf(action, ctx).remove(list, entry.value) };
  },
};
