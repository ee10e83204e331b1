import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKey, startJwksServer, type JwksServer, type SigningKey } from '../../../test/support/oidc.js';
import { JwksCache, JwksUnavailable, maxAgeMs } from './jwks.js';

let server: JwksServer;
let k1: SigningKey;
let k2: SigningKey;

beforeAll(async () => {
  k1 = signingKey('k1');
  k2 = signingKey('k2');
  server = await startJwksServer([k1.jwk], 600);
});
afterAll(() => server.close());

function cache(clock: { t: number }) {
  return new JwksCache({ url: server.url, minRefetchMs: 30_000, now: () => clock.t });
}

describe('JWKS cache', () => {
  it('fetches once, then serves from memory until max-age runs out', async () => {
    server.setKeys([k1.jwk]);
    const clock = { t: 0 };
    const c = cache(clock);
    const before = server.fetches;
    expect(await c.key('k1')).toBeDefined();
    clock.t = 599_000;
    expect(await c.key('k1')).toBeDefined();
    expect(server.fetches - before).toBe(1);
    clock.t = 600_000;
    expect(await c.key('k1')).toBeDefined();
    expect(server.fetches - before).toBe(2);
  });

  it('refetches on an unknown kid (key rotation), at most once per minRefetchMs', async () => {
    server.setKeys([k1.jwk]);
    const clock = { t: 0 };
    const c = cache(clock);
    const before = server.fetches;
    await c.key('k1');
    server.setKeys([k1.jwk, k2.jwk]);
    clock.t = 10_000;
    // Within the rate limit: forged kids cannot make us hammer the key server.
    expect(await c.key('k2')).toBeUndefined();
    expect(await c.key('forged')).toBeUndefined();
    expect(server.fetches - before).toBe(1);
    clock.t = 31_000;
    expect(await c.key('k2')).toBeDefined();
    expect(server.fetches - before).toBe(2);
    expect(await c.key('forged')).toBeUndefined();
    expect(server.fetches - before).toBe(2);
  });

  it('shares one fetch between concurrent lookups', async () => {
    const c = cache({ t: 0 });
    const before = server.fetches;
    await Promise.all([c.key('k1'), c.key('k1'), c.key('k1')]);
    expect(server.fetches - before).toBe(1);
  });

  it('rejects with JwksUnavailable when the keys cannot be fetched, and never uses expired keys', async () => {
    const down = new JwksCache({ url: 'http://127.0.0.1:1/certs', now: () => 0 });
    await expect(down.key('k1')).rejects.toBeInstanceOf(JwksUnavailable);
    await expect(down.key('k1')).rejects.toBeInstanceOf(JwksUnavailable);
  });

  it('reads max-age from Cache-Control', () => {
    expect(maxAgeMs('public, max-age=19800, must-revalidate, no-transform', 1)).toBe(19_800_000);
    expect(maxAgeMs('no-store', 5)).toBe(0);
    expect(maxAgeMs(null, 5)).toBe(5);
  });
});
