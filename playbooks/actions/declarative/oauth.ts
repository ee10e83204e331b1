import { VigilError } from '../../../core/errors/index.js';
import { httpExchange } from '../http.js';
import type { ActionContext } from '../types.js';

interface Cached {
  token: string;
  expiresAt: number;
}

/** Renew this long before the server's expiry, so a token never expires in flight. */
const EARLY_MS = 60_000;

/**
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4), one token per token URL and client id,
 * kept until shortly before `expires_in`. The client authenticates in the form body
 * (§2.3.1), as CrowdStrike's and Microsoft's token endpoints take it.
 */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<Cached>>();

  async token(
    tokenUrl: string,
    clientId: string,
    secret: string,
    scope: string | undefined,
    ctx: ActionContext,
    now = Date.now(),
  ): Promise<string> {
    const key = `${tokenUrl}\n${clientId}`;
    const cached = this.tokens.get(key);
    if (cached) {
      const c = await cached.catch(() => undefined);
      if (c && c.expiresAt > now) return c.token;
    }
    const fresh = fetchToken(tokenUrl, clientId, secret, scope, ctx, now);
    this.tokens.set(key, fresh);
    fresh.catch(() => this.tokens.delete(key));
    return (await fresh).token;
  }

  /** Drops a token the API refused (revoked, or expired early). */
  forget(tokenUrl: string, clientId: string): void {
    this.tokens.delete(`${tokenUrl}\n${clientId}`);
  }
}

async function fetchToken(
  tokenUrl: string,
  clientId: string,
  secret: string,
  scope: string | undefined,
  ctx: ActionContext,
  now: number,
): Promise<Cached> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
    ...(scope ? { scope } : {}),
  });
  const res = await httpExchange(
    {
      url: tokenUrl,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    },
    { signal: ctx.signal, ...(ctx.network ? { network: ctx.network } : {}) },
  );
  const body = res.body as { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
  if (res.status >= 200 && res.status < 300 && typeof body?.access_token === 'string') {
    const ttl = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 300_000;
    return { token: body.access_token, expiresAt: now + Math.max(0, ttl - EARLY_MS) };
  }
  const why = typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`;
  const retry = res.status === 429 || res.status >= 500;
  throw new VigilError(retry ? 'ACTION_FAILED' : 'ACTION_REJECTED', `OAuth token request refused: ${why}`);
}
