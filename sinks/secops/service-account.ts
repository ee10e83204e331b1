import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { VigilError } from '../../core/errors/index.js';
import type { IssuedToken } from '../runner/token-cache.js';

/**
 * Google's service-account flow (the OAuth 2.0 JWT bearer grant, RFC 7523 §2.1): a JWT signed
 * RS256 with the key file's private key — `iss` the account's email, `aud` the token URI, `scope`,
 * one hour of life — is exchanged at the token URI for an access token.
 */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKeyId?: string;
  privateKey: KeyObject;
  tokenUri: string;
}

const TOKEN_TIMEOUT_MS = 15_000;
const JWT_LIFETIME_S = 3600;

/** Reads a service account key file; a missing, unreadable or incomplete one is SINK_CONFIG naming the sink. */
export function readServiceAccountKey(path: string, sinkId: string): ServiceAccountKey {
  const where = { location: { path: `sinks[${sinkId}].credentialsFile` } };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new VigilError(
      'SINK_CONFIG',
      `secops sink ${sinkId}: cannot read the service account key ${path}: ${(err as Error).message}`,
      where,
    );
  }
  const { client_email: email, private_key: pem, private_key_id: kid, token_uri: uri } = parsed;
  if (parsed.type !== 'service_account' || typeof email !== 'string' || typeof pem !== 'string') {
    throw new VigilError(
      'SINK_CONFIG',
      `secops sink ${sinkId}: ${path} is not a service account key (type service_account, client_email, private_key)`,
      where,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new VigilError(
      'SINK_CONFIG',
      `secops sink ${sinkId}: the private_key of ${path} does not parse: ${(err as Error).message}`,
      where,
    );
  }
  return {
    clientEmail: email,
    ...(typeof kid === 'string' ? { privateKeyId: kid } : {}),
    privateKey,
    tokenUri: typeof uri === 'string' ? uri : 'https://oauth2.googleapis.com/token',
  };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** The signed assertion (RFC 7523 §3). */
export function signAssertion(key: ServiceAccountKey, scope: string, audience: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = { iss: key.clientEmail, scope, aud: audience, iat: nowSeconds, exp: nowSeconds + JWT_LIFETIME_S };
  const input = `${b64url(header)}.${b64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

/** Exchanges a fresh assertion for an access token. A refusal (400/401: invalid_grant, bad signature, unknown account) is SINK_CONFIG. */
export async function fetchServiceAccountToken(
  key: ServiceAccountKey,
  opts: { scope: string; tokenUri?: string; sinkId: string },
): Promise<IssuedToken> {
  const uri = opts.tokenUri ?? key.tokenUri;
  const body = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: signAssertion(key, opts.scope, uri),
  });
  let res: Response;
  try {
    res = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (err) {
    throw new VigilError('SINK_RETRY', `secops sink ${opts.sinkId}: the token URI ${uri} cannot be reached: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await res.text();
  let parsed: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // The status says enough.
  }
  if (!res.ok) {
    const refused = res.status === 400 || res.status === 401 || res.status === 403;
    const why =
      typeof parsed.error === 'string'
        ? ` ${parsed.error}${typeof parsed.error_description === 'string' ? `: ${parsed.error_description}` : ''}`
        : '';
    throw new VigilError(
      refused ? 'SINK_CONFIG' : 'SINK_RETRY',
      `secops sink ${opts.sinkId}: the token URI refused service account ${key.clientEmail}: HTTP ${res.status}${why}`,
      { location: { path: `sinks[${opts.sinkId}].credentialsFile` } },
    );
  }
  if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
    throw new VigilError('SINK_RETRY', `secops sink ${opts.sinkId}: the token URI answered without an access_token`);
  }
  const expires = Number(parsed.expires_in);
  return { token: parsed.access_token, ...(Number.isFinite(expires) ? { expiresInSeconds: expires } : {}) };
}
