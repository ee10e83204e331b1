import { VigilError } from '../errors/index.js';
import type { KafkaOAuthConfig } from '../config/types.js';

/** What a token source needs from the outside world; tests pass their own. */
export interface OAuthTokenDeps {
  fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** A token whose lifetime is unknown (no `expires_in`, no JWT `exp`) is used this long, then fetched again. */
const UNKNOWN_LIFETIME_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

interface Cached {
  value: string;
  /** When the token stops being valid, in ms since the epoch. */
  expiresAt: number;
}

/**
 * Access tokens for SASL/OAUTHBEARER from an OAuth 2.0 client_credentials grant (RFC 6749 §4.4).
 * kafkajs asks for a token each time it authenticates a connection; the token is cached and
 * fetched again `refreshBeforeExpirySeconds` before it expires, so that a connection made just
 * before expiry does not present a token the broker is about to refuse. Concurrent callers share
 * one request.
 */
export class OAuthTokenSource {
  private cached: Cached | null = null;
  private inFlight: Promise<Cached> | null = null;

  constructor(
    private readonly cfg: KafkaOAuthConfig & Required<Pick<KafkaOAuthConfig, 'tokenEndpoint' | 'clientId' | 'clientSecret'>>,
    private readonly deps: OAuthTokenDeps = { fetch: globalThis.fetch, now: Date.now },
  ) {}

  async token(): Promise<string> {
    const refreshAt = (c: Cached) => c.expiresAt - Math.max(0, this.cfg.refreshBeforeExpirySeconds) * 1000;
    if (this.cached && this.deps.now() < refreshAt(this.cached)) return this.cached.value;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = null;
    });
    this.cached = await this.inFlight;
    return this.cached.value;
  }

  private async fetchToken(): Promise<Cached> {
    const { tokenEndpoint, clientId, clientSecret, scope } = this.cfg;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) body.set('scope', scope);
    // client_secret_basic (RFC 6749 §2.3.1): id and secret are form-urlencoded before base64.
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const started = this.deps.now();
    let res: Response;
    try {
      res = await this.deps.fetch(tokenEndpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new VigilError('BUS_OAUTH_TOKEN', `the OAuth token endpoint ${tokenEndpoint} cannot be reached: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const text = await res.text();
    if (!res.ok) {
      // RFC 6749 §5.2: 400/401 carry `error` (invalid_client, invalid_scope, …); retrying the same
      // credentials cannot help. Other statuses (429, 5xx) may pass.
      const refused = res.status === 400 || res.status === 401 || res.status === 403;
      throw new VigilError(
        'BUS_OAUTH_TOKEN',
        `the OAuth token endpoint ${tokenEndpoint} answered ${res.status} for client "${clientId}"${oauthErrorOf(text)}` +
          (refused ? ': check kafka.sasl.oauth.clientId, clientSecret and scope' : ''),
        { retriable: !refused },
      );
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch (err) {
      throw new VigilError('BUS_OAUTH_TOKEN', `the OAuth token endpoint ${tokenEndpoint} answered something that is not JSON`, {
        cause: err,
      });
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
      throw new VigilError('BUS_OAUTH_TOKEN', `the OAuth token endpoint ${tokenEndpoint} answered without an access_token`);
    }
    const lifetimeMs =
      typeof parsed.expires_in === 'number' && parsed.expires_in > 0
        ? parsed.expires_in * 1000
        : (jwtExpiry(parsed.access_token) ?? started + UNKNOWN_LIFETIME_MS) - started;
    // Counted from when the request was sent: the token may have been issued any time after.
    return { value: parsed.access_token, expiresAt: started + lifetimeMs };
  }
}

/** `: invalid_client (Client authentication failed)` from an RFC 6749 §5.2 error body, or nothing. */
function oauthErrorOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error !== 'string') return '';
    return typeof body.error_description === 'string' ? `: ${body.error} (${body.error_description})` : `: ${body.error}`;
  } catch {
    return '';
  }
}

/** The `exp` of a JWT access token, in ms since the epoch; undefined for opaque tokens. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
