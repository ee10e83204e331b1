import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../core/config/types.js';
import type { RunControl } from '../playbooks/control.js';
import { makeTestPki } from '../test/support/certs.js';
import { sha256Hex } from './auth.js';
import type { ApiDeps } from './routes.js';
import { startApiServer, type RunningApi } from './server.js';

const TOKEN = 'analyst-token-0123456789abcdef';
const config: ApiConfig = {
  enabled: true,
  host: '127.0.0.1',
  port: 0,
  maxBodyBytes: 1024,
  tokens: [{ name: 'ann', role: 'analyst', sha256: sha256Hex(TOKEN) }],
};
const published: unknown[] = [];
const nothing = { mean: null, median: null, p90: null };
const deps: ApiDeps = {
  incidents: {
    list: async () => ({ total: 0, incidents: [] }),
    get: async (id) => (id === 'inc-1' ? { incident: { id, status: 'open' } } : undefined),
    alerts: async () => [],
    metrics: async () => ({ count: 0, acknowledged: 0, mtta: nothing, resolved: 0, mttr: nothing }),
  },
  publishStatus: async (c) => void published.push(c),
  audit: async (e) => void published.push(e),
  runs: {} as RunControl,
  playbooks: () => [],
};

/** One raw request: `chunks` are written one by one without a content-length (chunked encoding). */
function raw(method: string, path: string, opts: { token?: string; chunks?: string[]; body?: string } = {}) {
  const { port } = api;
  return new Promise<{ status: number; body: { error?: { code: string; message: string } } }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-length': Buffer.byteLength(opts.body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
      },
    );
    // The server may answer and close before the whole body is sent; that is the point.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    if (opts.body !== undefined) req.end(opts.body);
    else {
      for (const c of opts.chunks ?? []) req.write(c);
      req.end();
    }
  });
}

let api: RunningApi;
beforeAll(async () => {
  api = await startApiServer({ config, deps, log: { info: () => undefined, error: () => undefined } as never });
});
afterAll(() => api.close());

describe('the API server', () => {
  it('refuses to start beyond loopback without tokens, whatever the config check said', async () => {
    await expect(startApiServer({ config: { ...config, host: '0.0.0.0', tokens: [] }, deps })).rejects.toMatchObject({
      code: 'CONFIG_INSECURE',
    });
  });

  it('authenticates before it reads a body: a large body without a token is 401, not 413', async () => {
    const res = await raw('POST', '/api/incidents/inc-1/ack', { body: JSON.stringify({ reason: 'x'.repeat(5000) }) });
    expect(res.status).toBe(401);
  });

  it('413 for a chunked body that grows past the limit, before the handler runs', async () => {
    published.length = 0;
    const res = await raw('POST', '/api/incidents/inc-1/ack', {
      token: TOKEN,
      chunks: ['{"reason":"', 'x'.repeat(800), 'x'.repeat(800), '"}'],
    });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('API_BODY_TOO_LARGE');
    expect(published).toEqual([]);
  });

  it('404 for an unknown route, 405 for a known path with another method', async () => {
    expect((await raw('GET', '/api/nope', { token: TOKEN })).status).toBe(404);
    expect((await raw('DELETE', '/api/incidents', { token: TOKEN })).status).toBe(405);
  });

  it('400 for a malformed escape in the path and for an unknown query parameter', async () => {
    expect((await raw('GET', '/api/incidents/%E0%A4%A', { token: TOKEN })).status).toBe(400);
    expect((await raw('GET', '/api/playbooks?x=1', { token: TOKEN })).status).toBe(400);
  });

  it('acks an open incident: one status change and one audit entry, both by the caller', async () => {
    published.length = 0;
    const res = await raw('POST', '/api/incidents/inc-1/ack', { token: TOKEN, body: '{}' });
    expect(res.status).toBe(202);
    expect(published).toEqual([
      expect.objectContaining({ incident_id: 'inc-1', status: 'acknowledged', by: 'api:ann', source: 'api' }),
      expect.objectContaining({ action: 'api.incident.status', caller: { name: 'ann', role: 'analyst' } }),
    ]);
  });

  it('serves HTTPS with api.tls, and the same checks apply', async () => {
    const pki = makeTestPki();
    const tls = await startApiServer({ config: { ...config, tls: { certFile: pki.serverCert, keyFile: pki.serverKey } }, deps });
    try {
      expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const status = (token?: string) =>
        new Promise<number>((resolve, reject) => {
          const req = httpsRequest(
            `${tls.url}/api/playbooks`,
            { ca: pki.read(pki.caFile), headers: token ? { authorization: `Bearer ${token}` } : {} },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end();
        });
      expect(await status()).toBe(401);
      expect(await status(TOKEN)).toBe(200);
    } finally {
      await tls.close();
      pki.remove();
    }
  });
});
