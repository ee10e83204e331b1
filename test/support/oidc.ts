/**
 * A stand-in for Google's token service in tests: an RSA key made here, tokens signed with it,
 * and a JWKS endpoint on 127.0.0.1 that serves its public half.
 */
import { createHash, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { listenLocal } from './local-http.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The public key as a JWK, with `kid`, `alg` and `use` as Google publishes them. */
  jwk: JsonWebKey;
}

export function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A compact JWS: `header.payload.signature`, RS256 over the first two parts. */
export function signJwt(key: Pick<SigningKey, 'privateKey'>, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key.privateKey))}`;
}

/** The claims of a Pub/Sub push token for `audience` and `email`, valid now for an hour. */
export function pushClaims(audience: string, email: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return {
    aud: audience,
    azp: '113774264463038321964',
    email,
    email_verified: true,
    exp: nowSeconds + 3600,
    iat: nowSeconds,
    iss: 'https://accounts.google.com',
    sub: '113774264463038321964',
  };
}

export interface JwksServer {
  url: string;
  /** GET requests served so far. */
  readonly fetches: number;
  setKeys(keys: JsonWebKey[]): void;
  close(): Promise<void>;
}

/** Serves `{keys}` with `Cache-Control: public, max-age=<maxAge>` (Google's form). */
export async function startJwksServer(keys: JsonWebKey[], maxAgeSeconds = 3600): Promise<JwksServer> {
  let current = keys;
  let fetches = 0;
  const http = await listenLocal((_req, res) => {
    fetches++;
    const body = JSON.stringify({ keys: current });
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': `public, max-age=${maxAgeSeconds}, must-revalidate, no-transform`,
      etag: createHash('sha256').update(body).digest('hex'),
    });
    res.end(body);
  });
  return {
    url: `${http.base}/oauth2/v3/certs`,
    get fetches() {
      return fetches;
    },
    setKeys: (k) => void (current = k),
    close: () => http.close(),
  };
}
