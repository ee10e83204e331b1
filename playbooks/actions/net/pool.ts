import type { Agent } from 'undici';
import { guardedDispatcher, type NetworkPolicy, type Resolver } from './guard.js';

/**
 * Guarded dispatchers shared by the calls of one worker, one per network policy, so that calls
 * to the same origin reuse kept-alive connections. Sharing is safe because undici keeps one
 * connection pool per origin (scheme, host, port) and every new connection of a pool goes
 * through the guard: a pooled connection only ever carries requests for the host it was checked
 * for, under the policy it was checked with. Steps whose policies differ never share one.
 */
const MAX_DISPATCHERS = 64;
const dispatchers = new Map<string, Agent>();
const resolverIds = new WeakMap<Resolver, number>();
let nextResolverId = 1;

/** The dispatcher for `policy`, made on first use; equal policies (same allow entries, same resolver) share it. */
export function sharedDispatcher(policy: NetworkPolicy = { allow: [] }): Agent {
  const key = policyKey(policy);
  const found = dispatchers.get(key);
  if (found) {
    // Least recently used last out.
    dispatchers.delete(key);
    dispatchers.set(key, found);
    return found;
  }
  const made = guardedDispatcher({ allow: [...policy.allow], ...(policy.resolve ? { resolve: policy.resolve } : {}) });
  dispatchers.set(key, made);
  if (dispatchers.size > MAX_DISPATCHERS) {
    const [oldKey, old] = dispatchers.entries().next().value as [string, Agent];
    dispatchers.delete(oldKey);
    // close() lets requests in flight finish; new ones go to a new dispatcher.
    void old.close().catch(() => undefined);
  }
  return made;
}

/** Closes every shared dispatcher (worker shutdown, tests). */
export async function closeSharedDispatchers(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((d) => d.close().catch(() => undefined)));
}

function policyKey(policy: NetworkPolicy): string {
  let resolver = 0;
  if (policy.resolve) {
    resolver = resolverIds.get(policy.resolve) ?? nextResolverId++;
    resolverIds.set(policy.resolve, resolver);
  }
  return JSON.stringify([resolver, [...new Set(policy.allow.map((e) => e.trim().toLowerCase()))].sort()]);
}
