import { readFileSync } from 'node:fs';
import type { ActionRateLimitConfig } from '../core/config/types.js';
import { VigilError } from '../core/errors/index.js';
import { LIBRARY_DIR, libraryFileNames, parseLibraryFile } from './actions/declarative/index.js';
import { ACTIONS, isActionName } from './actions/registry.js';
import type { Throttle } from './dispatcher.js';
import type { RateLimit, SharedLimits } from './queue/index.js';

/** One wait for a limiter at most this long, then it is asked again (another worker may have gone first). */
const MAX_NAP_MS = 1_000;

/**
 * Every action's rate limit: the one its spec declares (the vendor's published limit), replaced
 * by `playbooks.rateLimits.<action>` from vigil.yaml. An action with neither has none. An
 * override for an action that does not exist is CONFIG_UNKNOWN_FIELD.
 */
export function rateLimitsOf(overrides: Readonly<Record<string, ActionRateLimitConfig>> = {}): Map<string, RateLimit> {
  const out = new Map<string, RateLimit>();
  const library = new Set(libraryFileNames());
  for (const [name, spec] of Object.entries(ACTIONS)) {
    const declared = (spec as { rateLimit?: RateLimit }).rateLimit ?? (library.has(name) ? libraryRateLimit(name) : undefined);
    if (declared) out.set(name, { requests: declared.requests, perMs: declared.perMs });
  }
  for (const [name, o] of Object.entries(overrides)) {
    if (!isActionName(name)) {
      throw new VigilError('CONFIG_UNKNOWN_FIELD', `playbooks.rateLimits names "${name}", which is not an action`, {
        location: { path: `playbooks.rateLimits.${name}` },
      });
    }
    const given = [o.perSecond !== undefined ? 'perSecond' : '', o.perMinute !== undefined ? 'perMinute' : ''].filter(Boolean);
    if (given.length !== 1) {
      throw new VigilError(
        given.length === 0 ? 'CONFIG_REQUIRED' : 'CONFIG_CONFLICT',
        `playbooks.rateLimits.${name} takes one of perSecond, perMinute`,
        {
          location: { path: `playbooks.rateLimits.${name}` },
        },
      );
    }
    out.set(name, o.perSecond !== undefined ? { requests: o.perSecond, perMs: 1000 } : { requests: o.perMinute ?? 1, perMs: 60_000 });
  }
  return out;
}

/** A library action's `rate_limit` (its file was checked when the registry was built). */
function libraryRateLimit(name: string): RateLimit {
  const file = `${LIBRARY_DIR}${name}.yml`;
  const { requests, perMs } = parseLibraryFile(readFileSync(file, 'utf8'), file).rateLimit;
  return { requests, perMs };
}

/** Holds each call until its action's limit lets it through, counted across every worker in Redis. */
export function sharedThrottle(limits: SharedLimits, byAction: ReadonlyMap<string, RateLimit>): Throttle {
  return {
    wait: async (action) => {
      const limit = byAction.get(action);
      if (!limit) return;
      for (let wait = await limits.take(action, limit); wait > 0; wait = await limits.take(action, limit)) {
        await new Promise((r) => setTimeout(r, Math.min(wait, MAX_NAP_MS)));
      }
    },
  };
}
