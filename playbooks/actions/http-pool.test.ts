import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/support/actions.js';
import { listenLocal, type LocalHttp } from '../../test/support/local-http.js';
import { httpRequest, type HttpResult } from './http.js';
import type { NetworkPolicy, Resolver } from './net/guard.js';
import { closeSharedDispatchers } from './net/pool.js';

/**
 * http.request keeps connections alive across calls that share a network policy, and the
 * address guard still decides every new connection: a host the policy refuses never rides a
 * connection opened for one it allows, even to the same address and port.
 */
let server: LocalHttp;
let port: number;
let connections = 0;
let requests = 0;

beforeAll(async () => {
  server = await listenLocal((_req, res) => {
    requests++;
    res.end('ok');
  });
  server.server.on('connection', () => connections++);
  port = Number(new URL(server.base).port);
});
afterAll(async () => {
  await closeSharedDispatchers();
  await server.close();
});

// The runner builds a policy object per step; calls with equal policies share connections.
const ctx = (network: NetworkPolicy) => ({ signal: new AbortController().signal, network: { ...network, allow: [...network.allow] } });
const get = (url: string, network: NetworkPolicy) => httpRequest.run({ url, method: 'GET' }, ctx(network)) as Promise<HttpResult>;
// One resolver for the whole worker, as the responder has: both names answer loopback.
const resolve: Resolver = async (host) => (host.endsWith('.vigil.test') ? [{ address: '127.0.0.1', family: 4 }] : []);

describe('http.request connection reuse', () => {
  it('sends two calls to one server over one TCP connection', async () => {
    const before = connections;
    const policy = { allow: ['127.0.0.1'] };
    expect(await get(`http://127.0.0.1:${port}/a`, policy)).toEqual({ status: 200, body: 'ok' });
    expect(await get(`http://127.0.0.1:${port}/b`, policy)).toEqual({ status: 200, body: 'ok' });
    expect(connections - before).toBe(1);
  });

  it('still refuses a host the policy does not allow after a pooled call to one it does, at the same address', async () => {
    const policy = { allow: ['ok.vigil.test'], resolve };
    expect((await get(`http://ok.vigil.test:${port}/`, policy)).status).toBe(200);
    const served = requests;
    const named = await failure(get(`http://evil.vigil.test:${port}/`, policy));
    expect(named.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(named.message).toMatch(/evil\.vigil\.test \(resolved to 127\.0\.0\.1\)/);
    expect((await failure(get(`http://127.0.0.1:${port}/`, policy))).code).toBe('ACTION_ADDRESS_REFUSED');
    expect(requests).toBe(served);
    // The allowed host keeps its pooled connection.
    expect((await get(`http://ok.vigil.test:${port}/`, policy)).status).toBe(200);
  });

  it('does not let a step with a narrower policy use a connection opened under a wider one', async () => {
    expect((await get(`http://127.0.0.1:${port}/`, { allow: ['127.0.0.0/8'] })).status).toBe(200);
    const served = requests;
    expect((await failure(get(`http://127.0.0.1:${port}/`, { allow: [] }))).code).toBe('ACTION_ADDRESS_REFUSED');
    expect(requests).toBe(served);
  });
});
