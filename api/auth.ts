import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { API_ROLES } from '../core/config/api.js';
import type { ApiTokenConfig } from '../core/config/types.js';
import { VigilError } from '../core/errors/index.js';

export type Role = (typeof API_ROLES)[number];

/** Who made a request: the token's name (the actor in the audit trail) and its role. */
export interface Caller {
  name: string;
  role: Role;
}

/** Whether `role` may do what `needs` allows: the roles are ordered, each includes the ones before it. */
export function allows(role: Role, needs: Role): boolean {
  return API_ROLES.indexOf(role) >= API_ROLES.indexOf(needs);
}

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Finds the caller of a bearer token. The token is hashed and compared with every configured
 * hash in constant time, and the loop never stops early, so the time taken tells nothing about
 * which hash, or how much of one, matched.
 */
export class TokenTable {
  private readonly entries: { hash: Buffer; caller: Caller }[];

  constructor(tokens: readonly ApiTokenConfig[]) {
    this.entries = tokens.map((t) => ({
      hash: Buffer.from(t.sha256.replace(/:/g, '').toLowerCase(), 'hex'),
      caller: { name: t.name, role: t.role },
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The caller of the request's `Authorization: Bearer` token; API_UNAUTHENTICATED without a valid one. */
  authenticate(headers: IncomingHttpHeaders): Caller {
    const header = headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) throw new VigilError('API_UNAUTHENTICATED', 'send an API token: `Authorization: Bearer <token>`');
    const presented = createHash('sha256')
      .update(m[1] as string, 'utf8')
      .digest();
    let found: Caller | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(presented, e.hash) && !found) found = e.caller;
    }
    if (!found) throw new VigilError('API_UNAUTHENTICATED', 'the API token is not valid');
    return found;
  }
}
