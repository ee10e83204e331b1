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

  /**
   * The caller of the request's `Authorization: Bearer` token, or with `basic`, of `Basic
   * base64(name:token)` whose name is the token's; API_UNAUTHENTICATED without a valid one.
   */
  authenticate(headers: IncomingHttpHeaders, opts: { basic?: boolean } = {}): Caller {
    const header = headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const basic = opts.basic && typeof header === 'string' ? basicCredentials(header) : undefined;
    if (!m && !basic) throw new VigilError('API_UNAUTHENTICATED', 'send an API token: `Authorization: Bearer <token>`');
    const presented = createHash('sha256')
      .update(m ? (m[1] as string) : (basic as { token: string }).token, 'utf8')
      .digest();
    let found: Caller | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(presented, e.hash) && !found) found = e.caller;
    }
    if (!found || (basic && !m && found.name !== basic.name)) throw new VigilError('API_UNAUTHENTICATED', 'the API token is not valid');
    return found;
  }
}

/** `Basic base64(name:token)` (RFC 7617), or undefined. */
function basicCredentials(header: string): { name: string; token: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 && colon < text.length - 1 ? { name: text.slice(0, colon), token: text.slice(colon + 1) } : undefined;
}
