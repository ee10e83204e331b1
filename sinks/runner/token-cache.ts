/**
 * A bearer token shared by every request of one sink: fetched once, reused until
 * `refreshBeforeMs` before it expires, fetched again by one caller while the others wait for the
 * same answer, and dropped when the far end refuses it (401), so that the next request fetches a
 * new one. How a token is obtained (client credentials, a signed JWT) is the caller's `fetch`.
 */
export interface IssuedToken {
  token: string;
  /** Lifetime the issuer gave (`expires_in`); unknown → `fallbackLifetimeMs`. */
  expiresInSeconds?: number;
}

export interface TokenCacheOptions {
  /** Fetch a new token this long before the cached one expires. Default 5 minutes. */
  refreshBeforeMs?: number;
  /** Lifetime assumed when the issuer gives none. Default 5 minutes. */
  fallbackLifetimeMs?: number;
  now?: () => number;
}

export class TokenCache {
  private cached: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly now: () => number;
  /** Tokens fetched so far (for tests and logs). */
  fetched = 0;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly opts: TokenCacheOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  async get(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    this.inFlight ??= (async () => {
      try {
        const issued = await this.fetchToken();
        this.fetched++;
        const lifetime =
          issued.expiresInSeconds !== undefined && issued.expiresInSeconds > 0
            ? issued.expiresInSeconds * 1000
            : (this.opts.fallbackLifetimeMs ?? 300_000);
        // A token shorter-lived than the margin is still used for the first half of its life.
        const margin = Math.min(this.opts.refreshBeforeMs ?? 300_000, lifetime / 2);
        this.cached = { token: issued.token, refreshAt: this.now() + lifetime - margin };
        return issued.token;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  /** The far end refused `token`: the next `get` fetches a new one (unless another caller already did). */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }
}
