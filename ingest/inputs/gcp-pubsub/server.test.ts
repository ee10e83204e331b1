import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../../core/telemetry/index.js';
import { pushClaims, signJwt, signingKey, startJwksServer, type JwksServer, type SigningKey } from '../../../test/support/oidc.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { withPubSubDefaults } from './config.js';
import { startPubSubInput, type PubSubInput } from './server.js';

const AUDIENCE = 'https://vigil.example.com/push';
const EMAIL = 'pubsub-push@my-project.iam.gserviceaccount.com';
const EVENTS = 'events';

let jwks: JwksServer;
let key: SigningKey;
let input: PubSubInput | undefined;

beforeAll(async () => {
  key = signingKey('key-1');
  jwks = await startJwksServer([key.jwk]);
});
afterAll(() => jwks.close());
afterEach(async () => {
  await input?.close();
  input = undefined;
});

const target = (publisher: MemoryPublisher) => ({ publisher, eventsTopic: EVENTS, deadletterTopic: 'dlq' });

async function start(id: string) {
  const publisher = new MemoryPublisher();
  input = await startPubSubInput(
    withPubSubDefaults({ id, port: 0, oidc: { audience: AUDIENCE, serviceAccountEmail: EMAIL, jwksUrl: jwks.url } }),
    target(publisher),
  );
  return { publisher, url: `http://127.0.0.1:${input.port}/push` };
}

const body = JSON.stringify({
  message: { data: Buffer.from('{"message":"hello"}').toString('base64'), messageId: '1' },
  subscription: 'projects/p/subscriptions/s',
});

const post = (url: string, authorization?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body,
  });

const bearer = (header: Record<string, unknown>, claims: Record<string, unknown>, signer: SigningKey = key) =>
  `Bearer ${signJwt(signer, header, claims)}`;
const RS256 = { alg: 'RS256', kid: 'key-1', typ: 'JWT' };

describe('gcp-pubsub push authentication', () => {
  it('refuses to start with no authentication configured', async () => {
    await expect(startPubSubInput(withPubSubDefaults({ id: 'ps-open', port: 0 }), target(new MemoryPublisher()))).rejects.toMatchObject({
      code: 'CONFIG_INSECURE',
    });
  });

  it('starts without authentication when the config says auth: none', async () => {
    input = await startPubSubInput(withPubSubDefaults({ id: 'ps-none', port: 0, auth: 'none' }), target(new MemoryPublisher()));
    const r = await post(`http://127.0.0.1:${input.port}/push`);
    expect(r.status).toBe(204);
  });

  it('accepts a push signed by the JWKS key for the configured audience and service account', async () => {
    const { publisher, url } = await start('ps-ok');
    const r = await post(url, bearer(RS256, pushClaims(AUDIENCE, EMAIL)));
    expect(r.status).toBe(204);
    expect(publisher.values(EVENTS).map((e) => e.message)).toEqual(['hello']);
  });

  const now = Math.floor(Date.now() / 1000);
  const other = signingKey('key-1'); // same kid, a key the JWKS does not hold
  const refused: Array<[string, () => string | undefined, number]> = [
    ['no Authorization header', () => undefined, 401],
    ['a scheme other than Bearer', () => `Basic ${Buffer.from('a:b').toString('base64')}`, 401],
    ['a token that is not a JWT', () => 'Bearer not-a-jwt', 401],
    ['another audience', () => bearer(RS256, pushClaims('https://attacker.example/push', EMAIL)), 401],
    ['another service account', () => bearer(RS256, pushClaims(AUDIENCE, 'someone@evil.iam.gserviceaccount.com')), 403],
    ['an unverified email', () => bearer(RS256, { ...pushClaims(AUDIENCE, EMAIL), email_verified: false }), 403],
    ['an expired token', () => bearer(RS256, pushClaims(AUDIENCE, EMAIL, now - 7200)), 401],
    ['a token issued in the future', () => bearer(RS256, pushClaims(AUDIENCE, EMAIL, now + 600)), 401],
    ['another issuer', () => bearer(RS256, { ...pushClaims(AUDIENCE, EMAIL), iss: 'https://evil.example' }), 401],
    ['a signature by another key', () => bearer(RS256, pushClaims(AUDIENCE, EMAIL), other), 401],
    ['an unknown kid', () => bearer({ ...RS256, kid: 'key-unknown' }, pushClaims(AUDIENCE, EMAIL)), 401],
    [
      'alg none',
      () =>
        `Bearer ${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-1' })).toString('base64url')}.${Buffer.from(
          JSON.stringify(pushClaims(AUDIENCE, EMAIL)),
        ).toString('base64url')}.`,
      401,
    ],
    ['alg HS256', () => bearer({ ...RS256, alg: 'HS256' }, pushClaims(AUDIENCE, EMAIL)), 401],
    [
      'a payload changed after signing',
      () => {
        const [h, , s] = signJwt(key, RS256, pushClaims(AUDIENCE, 'someone@evil.iam.gserviceaccount.com')).split('.');
        return `Bearer ${h}.${Buffer.from(JSON.stringify(pushClaims(AUDIENCE, EMAIL))).toString('base64url')}.${s}`;
      },
      401,
    ],
  ];

  it.each(refused)('refuses %s, publishes nothing and counts it', async (_what, authorization, status) => {
    const id = `ps-refused-${refused.findIndex(([w]) => w === _what)}`;
    const { publisher, url } = await start(id);
    const before = await counterValue(metrics.errors, { id, code: 'INPUT_AUTH' });
    const r = await post(url, authorization());
    expect(r.status).toBe(status);
    expect(publisher.calls).toBe(0);
    expect(await counterValue(metrics.errors, { id, code: 'INPUT_AUTH' })).toBe(before + 1);
  });

  it('fetches the JWKS once while its max-age lasts', async () => {
    const { url } = await start('ps-cache');
    const before = jwks.fetches;
    for (let i = 0; i < 3; i++) expect((await post(url, bearer(RS256, pushClaims(AUDIENCE, EMAIL)))).status).toBe(204);
    expect(jwks.fetches - before).toBe(1);
  });

  it('answers 503 (Pub/Sub retries) when the JWKS cannot be fetched', async () => {
    const publisher = new MemoryPublisher();
    input = await startPubSubInput(
      withPubSubDefaults({
        id: 'ps-nojwks',
        port: 0,
        oidc: { audience: AUDIENCE, serviceAccountEmail: EMAIL, jwksUrl: 'http://127.0.0.1:1/certs' },
      }),
      target(publisher),
    );
    const r = await post(`http://127.0.0.1:${input.port}/push`, bearer(RS256, pushClaims(AUDIENCE, EMAIL)));
    expect(r.status).toBe(503);
    expect(publisher.calls).toBe(0);
  });
});
