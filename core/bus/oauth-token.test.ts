import { describe, expect, it } from 'vitest';
import { VigilError } from '../errors/index.js';
import { OAuthTokenSource } from './oauth-token.js';

const CFG = {
  tokenEndpoint: 'https://idp.example/token',
  clientId: 'vigil',
  clientSecret: 's3cret',
  scope: 'kafka',
  refreshBeforeExpirySeconds: 60,
};

/** A token endpoint answering from `answers` in turn, recording each request. */
function endpoint(answers: Array<{ status: number; body: unknown }>) {
  const requests: Array<{ auth: string | null; body: string }> = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    requests.push({ auth: headers.get('authorization'), body: String(init.body) });
    const a = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    return new Response(JSON.stringify(a.body), { status: a.status });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

describe('OAuthTokenSource (client_credentials, RFC 6749 §4.4)', () => {
  it('sends the grant with HTTP Basic client authentication and the scope', async () => {
    const ep = endpoint([{ status: 200, body: { access_token: 'tok-1', expires_in: 3600 } }]);
    const source = new OAuthTokenSource(CFG, { fetch: ep.fetch, now: () => 0 });
    expect(await source.token()).toBe('tok-1');
    expect(ep.requests[0]!.auth).toBe(`Basic ${Buffer.from('vigil:s3cret').toString('base64')}`);
    expect(new URLSearchParams(ep.requests[0]!.body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(ep.requests[0]!.body).get('scope')).toBe('kafka');
  });

  it('reuses the token until refreshBeforeExpirySeconds before it expires, then fetches a new one', async () => {
    const ep = endpoint([
      { status: 200, body: { access_token: 'tok-1', expires_in: 600 } },
      { status: 200, body: { access_token: 'tok-2', expires_in: 600 } },
    ]);
    let now = 0;
    const source = new OAuthTokenSource(CFG, { fetch: ep.fetch, now: () => now });
    expect(await source.token()).toBe('tok-1');
    now = 539_000; // 61 s before expiry
    expect(await source.token()).toBe('tok-1');
    now = 541_000; // 59 s before expiry
    expect(await source.token()).toBe('tok-2');
    expect(ep.requests).toHaveLength(2);
  });

  it('takes the lifetime from the JWT exp when expires_in is absent', async () => {
    const jwt = (exp: number) => `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.`;
    const ep = endpoint([
      { status: 200, body: { access_token: jwt(100) } },
      { status: 200, body: { access_token: jwt(1000) } },
    ]);
    let now = 0;
    const source = new OAuthTokenSource(CFG, { fetch: ep.fetch, now: () => now });
    await source.token();
    now = 41_000; // exp 100 s minus 60 s margin
    expect(await source.token()).toBe(jwt(1000));
  });

  it('shares one request between concurrent callers', async () => {
    const ep = endpoint([{ status: 200, body: { access_token: 'tok', expires_in: 600 } }]);
    const source = new OAuthTokenSource(CFG, { fetch: ep.fetch, now: () => 0 });
    await Promise.all([source.token(), source.token(), source.token()]);
    expect(ep.requests).toHaveLength(1);
  });

  it('refused credentials are a non-retriable BUS_OAUTH_TOKEN with the RFC 6749 §5.2 error; a 503 is retriable', async () => {
    const refused = new OAuthTokenSource(CFG, {
      fetch: endpoint([{ status: 401, body: { error: 'invalid_client' } }]).fetch,
      now: () => 0,
    });
    const err = await refused.token().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: 'BUS_OAUTH_TOKEN', retriable: false });
    expect((err as Error).message).toContain('invalid_client');
    expect((err as Error).message).not.toContain('s3cret');
    const down = new OAuthTokenSource(CFG, { fetch: endpoint([{ status: 503, body: {} }]).fetch, now: () => 0 });
    await expect(down.token()).rejects.toMatchObject({ code: 'BUS_OAUTH_TOKEN', retriable: true });
  });

  it('refuses an answer without access_token', async () => {
    const source = new OAuthTokenSource(CFG, { fetch: endpoint([{ status: 200, body: { token_type: 'Bearer' } }]).fetch, now: () => 0 });
    await expect(source.token()).rejects.toMatchObject({ code: 'BUS_OAUTH_TOKEN' });
  });
});
