import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A JWKS that could not be fetched or read; the request it was needed for can be retried. */
export class JwksUnavailable extends Error {}

export interface JwksOptions {
  url: string;
  /** Unknown `kid`s trigger a refetch at most this often, so forged kids cannot flood the key server. Default 30 s. */
  minRefetchMs?: number;
  /** Cache lifetime when the response has no `max-age`. Default 1 hour. */
  defaultMaxAgeMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** Google's JWKS is a few kilobytes; anything much larger is not it. */
const MAX_JWKS_BYTES = 1024 * 1024;

/**
 * The signing keys of a JWKS endpoint, by `kid`, fetched on first use and kept as long as the
 * response's `Cache-Control: max-age` says (Google rotates its keys and publishes the next one
 * ahead). A `kid` not in the set triggers one refetch, rate limited; concurrent lookups share
 * one fetch.
 */
export class JwksCache {
  private keys = new Map<string, KeyObject>();
  private expiresAt = 0;
  private lastFetch = Number.NEGATIVE_INFINITY;
  private lastError: JwksUnavailable | undefined;
  private inflight: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly minRefetchMs: number;

  constructor(private readonly opts: JwksOptions) {
    this.now = opts.now ?? Date.now;
    this.minRefetchMs = opts.minRefetchMs ?? 30_000;
  }

  /**
   * The RS256 key `kid`, or undefined when the JWKS does not hold it. Rejects with
   * JwksUnavailable when the keys cannot be fetched: expired keys are never used.
   */
  async key(kid: string): Promise<KeyObject | undefined> {
    const now = this.now();
    const stale = now >= this.expiresAt;
    if (stale || !this.keys.has(kid)) {
      if (this.inflight || now - this.lastFetch >= this.minRefetchMs) await this.refresh();
      else if (stale) throw this.lastError ?? new JwksUnavailable(`keys from ${this.opts.url} expired`);
    }
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetch = this.now();
    try {
      await this.load();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof JwksUnavailable ? err : new JwksUnavailable(String(err));
      throw this.lastError;
    }
  }

  private async load(): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.opts.url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    } catch (err) {
      throw new JwksUnavailable(`cannot fetch ${this.opts.url}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new JwksUnavailable(`${this.opts.url} answered ${res.status}`);
    if (text.length > MAX_JWKS_BYTES) throw new JwksUnavailable(`${this.opts.url} sent more than ${MAX_JWKS_BYTES} bytes`);
    let doc: { keys?: unknown };
    try {
      doc = JSON.parse(text) as { keys?: unknown };
    } catch {
      throw new JwksUnavailable(`${this.opts.url} did not send JSON`);
    }
    if (!Array.isArray(doc.keys)) throw new JwksUnavailable(`${this.opts.url} sent no "keys" array`);
    const keys = new Map<string, KeyObject>();
    for (const jwk of doc.keys as JsonWebKey[]) {
      // Only RSA signing keys meant for RS256 can verify a Google ID token.
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA') continue;
      if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A key we cannot read verifies nothing; the others still do.
      }
    }
    this.keys = keys;
    // A `max-age=0` server still gets at most one fetch per minRefetchMs.
    const maxAge = maxAgeMs(res.headers.get('cache-control'), this.opts.defaultMaxAgeMs ?? 3_600_000);
    this.expiresAt = this.now() + Math.max(maxAge, this.minRefetchMs);
  }
}

/** `public, max-age=19800, must-revalidate` → 19 800 000; `no-store`/`no-cache` → 0. */
export function maxAgeMs(cacheControl: string | null, fallbackMs: number): number {
  if (!cacheControl) return fallbackMs;
  if (/\bno-(store|cache)\b/i.test(cacheControl)) return 0;
  const m = /\bmax-age\s*=\s*"?(\d+)/i.exec(cacheControl);
  return m ? Number(m[1]) * 1000 : fallbackMs;
}
