import { VigilError, errorMessage } from '../../../core/errors/index.js';
import { pause as sleep } from '../../poll/pause.js';

/** Okta's rate-limit headers of one response (`X-Rate-Limit-Limit/Remaining/Reset`). */
export interface RateLimit {
  limit?: number;
  remaining?: number;
  /** When the window resets, epoch seconds (UTC). */
  reset?: number;
}

export interface LogPage {
  events: unknown[];
  /** The `rel="next"` link; System Log polling requests always carry one. */
  next?: string;
  rateLimit: RateLimit;
}

/**
 * `Link: <https://…/api/v1/logs?after=…>; rel="next", <…>; rel="self"` (one header or several,
 * which fetch joins with ", ") → the next URL.
 */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  // `[^<>]`, not `[^>]`: from every `<` of a header with no `>`, the latter ran to its end.
  for (const m of header.matchAll(/<([^<>]+)>\s*;\s*rel="?([^";,]+)"?/g)) {
    if (m[2] === 'next') return m[1];
  }
  return undefined;
}

function num(v: string | null): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function rateLimitOf(headers: Headers): RateLimit {
  return {
    limit: num(headers.get('x-rate-limit-limit')),
    remaining: num(headers.get('x-rate-limit-remaining')),
    reset: num(headers.get('x-rate-limit-reset')),
  };
}

/** Milliseconds until a rate-limit window resets (at least `minMs`, at most `maxMs`), by the server's Reset header. */
export function msUntilReset(rate: RateLimit, now = Date.now(), minMs = 1000, maxMs = 120_000): number {
  if (rate.reset === undefined) return minMs;
  return Math.min(maxMs, Math.max(minMs, rate.reset * 1000 - now + 1000)); // +1 s: Reset has second precision
}

export interface OktaClientOptions {
  /** Org URL, `https://<org>.okta.com`. */
  url: string;
  token: string;
  /** Replaceable for tests. Default global fetch. */
  fetch?: typeof fetch;
  /** Called before waiting out a rate limit, for logs and metrics. */
  onRateLimited?(waitMs: number, status: number): void;
}

/**
 * A client for the System Log API, `GET /api/v1/logs` (`Authorization: SSWS <token>`). A 429
 * waits until `X-Rate-Limit-Reset` and retries the same URL; a page that leaves
 * `X-Rate-Limit-Remaining` at 0 makes the *next* request wait for the reset first, so Vigil never
 * spends the org's whole quota in a burst.
 */
export class OktaClient {
  private waitUntil = 0;

  constructor(private readonly opts: OktaClientOptions) {}

  /** The first page of a polling query: events published since `since`, oldest first. */
  sinceUrl(since: string, limit: number): string {
    const u = new URL('/api/v1/logs', this.opts.url);
    u.searchParams.set('since', since);
    u.searchParams.set('limit', String(limit));
    u.searchParams.set('sortOrder', 'ASCENDING');
    return u.toString();
  }

  async get(url: string, signal?: AbortSignal): Promise<LogPage> {
    const doFetch = this.opts.fetch ?? fetch;
    for (;;) {
      const wait = this.waitUntil - Date.now();
      if (wait > 0) await sleep(wait, signal);
      if (signal?.aborted) throw new VigilError('INPUT_REMOTE', 'stopped');
      let res: Response;
      try {
        res = await doFetch(url, {
          headers: { authorization: `SSWS ${this.opts.token}`, accept: 'application/json' },
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        throw new VigilError('INPUT_REMOTE', `GET ${url}: ${errorMessage(err)}`, { cause: err });
      }
      const rateLimit = rateLimitOf(res.headers);
      if (res.status === 429) {
        await res.arrayBuffer().catch(() => undefined);
        const ms = msUntilReset(rateLimit);
        this.opts.onRateLimited?.(ms, 429);
        this.waitUntil = Date.now() + ms;
        continue;
      }
      if (rateLimit.remaining === 0) {
        const ms = msUntilReset(rateLimit, Date.now(), 0);
        this.opts.onRateLimited?.(ms, res.status);
        this.waitUntil = Date.now() + ms;
      }
      const text = await res.text();
      if (!res.ok) {
        let summary = text.slice(0, 200);
        try {
          summary = String((JSON.parse(text) as { errorSummary?: unknown }).errorSummary ?? summary);
        } catch {
          // not Okta's JSON error body
        }
        const auth = res.status === 401 || res.status === 403;
        throw new VigilError(auth ? 'INPUT_AUTH' : 'INPUT_REMOTE', `GET /api/v1/logs: ${res.status} ${summary}`, {
          retriable: !auth,
        });
      }
      let events: unknown;
      try {
        events = JSON.parse(text);
      } catch (err) {
        throw new VigilError('INPUT_REMOTE', `GET /api/v1/logs: body is not JSON: ${errorMessage(err)}`);
      }
      if (!Array.isArray(events)) throw new VigilError('INPUT_REMOTE', 'GET /api/v1/logs: body is not an array');
      const next = nextLink(res.headers.get('link'));
      return { events, rateLimit, ...(next ? { next } : {}) };
    }
  }
}
