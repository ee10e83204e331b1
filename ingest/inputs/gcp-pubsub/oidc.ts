import { verify } from 'node:crypto';
import type { PubSubOidcConfig } from './config.js';
import type { JwksCache } from './jwks.js';

/** Issuers of Google ID tokens ("Authentication for push subscriptions", Google Cloud docs). */
const GOOGLE_ISSUERS = new Set(['accounts.google.com', 'https://accounts.google.com']);

/** Clock difference tolerated between Google and this host, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;

/** Tokens longer than this are not Google ID tokens (those are about 1 KB). */
const MAX_TOKEN_CHARS = 16 * 1024;

export type PushAuth =
  | { ok: true; email: string }
  /** 401: no valid token for us; 403: a valid token, but not of the configured service account. */
  | { ok: false; status: 401 | 403; reason: string };

interface Claims {
  iss?: unknown;
  aud?: unknown;
  email?: unknown;
  email_verified?: unknown;
  exp?: unknown;
  iat?: unknown;
}

const refused = (reason: string, status: 401 | 403 = 401): PushAuth => ({ ok: false, status, reason });

function decodePart(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the `Authorization: Bearer <JWT>` of a push request the way Google documents it for
 * authenticated push subscriptions: an RS256 JWT whose signature verifies with a key of the
 * JWKS (`kid`), issued by Google, for the configured audience and service account
 * (`email`, `email_verified`), and valid now (`exp`, `iat`, with a small clock skew).
 * Rejects with JwksUnavailable when the keys cannot be fetched.
 */
export async function verifyPushToken(
  authorization: string | undefined,
  cfg: Pick<PubSubOidcConfig, 'audience' | 'serviceAccountEmail'>,
  jwks: Pick<JwksCache, 'key'>,
  nowSeconds: number = Date.now() / 1000,
): Promise<PushAuth> {
  if (authorization === undefined) return refused('no Authorization header');
  const m = /^Bearer +(\S+)$/i.exec(authorization.trim());
  if (!m) return refused('Authorization is not a Bearer token');
  const token = m[1];
  if (token.length > MAX_TOKEN_CHARS) return refused('token too long');
  const parts = token.split('.');
  if (parts.length !== 3) return refused('token is not a JWT');
  const [h, p, s] = parts;
  const header = decodePart(h);
  const claims = decodePart(p);
  if (!isObject(header) || !isObject(claims)) return refused('token is not a JWT');
  // Only RS256: `none` and HMAC algorithms would let anyone mint tokens.
  if (header.alg !== 'RS256') return refused(`token algorithm ${JSON.stringify(header.alg)} is not RS256`);
  if (typeof header.kid !== 'string') return refused('token has no kid');
  const key = await jwks.key(header.kid);
  if (!key) return refused('token signed by a key not in the JWKS');
  const signature = /^[A-Za-z0-9_-]+$/.test(s) ? Buffer.from(s, 'base64url') : Buffer.alloc(0);
  let valid = false;
  try {
    valid = verify('sha256', Buffer.from(`${h}.${p}`), key, signature);
  } catch {
    // A malformed signature is a wrong one.
  }
  if (!valid) return refused('token signature does not verify');

  const c = claims as Claims;
  if (typeof c.iss !== 'string' || !GOOGLE_ISSUERS.has(c.iss)) return refused('token not issued by Google');
  // Pub/Sub sets one audience string (an array is not supported by push subscriptions).
  if (c.aud !== cfg.audience) return refused('token is for another audience');
  if (typeof c.exp !== 'number' || nowSeconds > c.exp + CLOCK_SKEW_SECONDS) return refused('token expired');
  if (typeof c.iat !== 'number' || c.iat > nowSeconds + CLOCK_SKEW_SECONDS) return refused('token issued in the future');
  if (typeof c.email !== 'string' || c.email.toLowerCase() !== cfg.serviceAccountEmail.toLowerCase()) {
    return refused('token of another service account', 403);
  }
  if (c.email_verified !== true && c.email_verified !== 'true') return refused('token email not verified', 403);
  return { ok: true, email: c.email };
}
