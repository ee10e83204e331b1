import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../../core/config/types.js';
import type { RunControl } from '../../playbooks/control.js';
import { sha256Hex } from '../auth.js';
import type { ApiDeps } from '../routes.js';
import { startApiServer, type RunningApi } from '../server.js';
import { CONSOLE_HEADERS, loadConsole } from './serve.js';

const TOKEN = 'viewer-token-0123456789abcdef';
const config: ApiConfig = {
  enabled: true,
  host: '127.0.0.1',
  port: 0,
  maxBodyBytes: 1024,
  tokens: [{ name: 'vera', role: 'viewer', sha256: sha256Hex(TOKEN) }],
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

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path sent exactly as written (fetch would normalize `..` away). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: api.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let api: RunningApi;
beforeAll(async () => {
  api = await startApiServer({ config, deps, log: { info: () => undefined, error: () => undefined } as never });
});
afterAll(() => api.close());

describe('the console route', () => {
  it.each([
    ['/console/', 'text/html; charset=utf-8', '<script type="module" src="app.js">'],
    ['/console/index.html', 'text/html; charset=utf-8', '<main id="main"'],
    ['/console/app.js', 'text/javascript; charset=utf-8', 'hashchange'],
    ['/console/views/queue.js', 'text/javascript; charset=utf-8', 'export async function queueView'],
    ['/console/style.css', 'text/css; charset=utf-8', '.badge'],
    ['/console/favicon.svg', 'image/svg+xml', '<svg'],
  ])('serves %s as %s without a token, with the security headers', async (path, type, snippet) => {
    const res = await raw('GET', path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body).toContain(snippet);
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) expect(res.headers[name], name).toBe(value);
  });

  it('sends a strict policy: own files only, no inline script, no framing, no referrer, Trusted Types', async () => {
    const res = await raw('GET', '/console/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // No inline script for the policy to have to allow: every <script> of the page names a file.
    expect(res.body.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="app.js">']);
  });

  it('serves every file the page names (scripts, module preloads, style, icon)', async () => {
    const page = (await raw('GET', '/console/')).body;
    const named = [...page.matchAll(/\b(?:src|href)="([^"#]+)"/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(5);
    for (const file of named) expect((await raw('GET', `/console/${file}`)).status, file).toBe(200);
  });

  it('answers 304 to a browser that has the file, HEAD without a body, and 405 to other methods', async () => {
    const first = await raw('GET', '/console/app.js');
    const again = await raw('GET', '/console/app.js', { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const head = await raw('HEAD', '/console/app.js');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await raw('POST', '/console/app.js');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('redirects / and /console to /console/', async () => {
    for (const path of ['/', '/console']) {
      const res = await raw('GET', path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location).toBe('/console/');
    }
  });

  it.each([
    '/console/nope.js',
    '/console/serve.ts',
    '/console/static/app.js',
    '/console/../server.ts',
    '/console/../../package.json',
    '/console/..%2f..%2fpackage.json',
    '/console/%2e%2e/%2e%2e/package.json',
    '/console/views/..%5c..%5cserve.ts',
    '/console/app.js%00.html',
    '/console//etc/passwd',
    '/etc/passwd',
    '/package.json',
  ])('404 for %s: only the files under static/ are ever answered', async (path) => {
    const res = await raw('GET', path);
    expect(res.status).toBe(404);
    expect(res.body).toBe('not found\n');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_HEADERS['content-security-policy']);
  });

  it('lists only the files of its folder with a known type', () => {
    const files = [...loadConsole().keys()].sort();
    expect(files).toContain('/console/index.html');
    expect(files).toContain('/console/views/incident.js');
    expect(files.every((f) => /^\/console\/([\w-]+\/)*([\w-]+\.(html|js|css|svg|png))?$/.test(f))).toBe(true);
  });

  it('leaves /api/ to the API: a token is still needed there', async () => {
    expect((await raw('GET', '/api/incidents')).status).toBe(401);
    expect((await raw('GET', '/api')).status).toBe(401);
  });
});

describe('the console against cross-site requests', () => {
  it('refuses a cross-origin form POST, which carries no Authorization header, with 401 and changes nothing', async () => {
    published.length = 0;
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await raw(
        'POST',
        '/api/incidents/inc-1/ack',
        { origin: 'https://evil.example', referer: 'https://evil.example/', 'content-type': type },
        'reason=pwned',
      );
      expect(res.status, type).toBe(401);
    }
    expect(published).toEqual([]);
  });
});

describe('GET /api/whoami', () => {
  it("returns the token's name and role and every role it includes", async () => {
    const res = await raw('GET', '/api/whoami', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ name: 'vera', role: 'viewer', roles: ['viewer'] });
    expect((await raw('GET', '/api/whoami')).status).toBe(401);
  });
});
