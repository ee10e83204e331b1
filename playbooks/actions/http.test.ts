import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError, type ErrorCode } from '../../core/errors/index.js';
import { freePort } from '../../test/support/child.js';
import { listenLocal, type LocalHttp } from '../../test/support/local-http.js';
import { redactor } from '../template.js';
import { ACTIONS, isActionName } from './registry.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: LocalHttp;
let base: string;
const seen: Seen[] = [];

// Each path answers in its own way; `/status/<n>` answers n.
function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  const url = req.url ?? '';
  const status = /^\/status\/(\d+)/.exec(url);
  if (status) {
    res.writeHead(Number(status[1]), { 'content-type': 'text/plain' });
    res.end(`answer ${status[1]}`);
  } else if (url === '/json') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ ok: true, echo: body }));
  } else if (url === '/bad-json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{not json');
  } else if (url === '/big') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('x'.repeat(10_000));
  } else if (url.startsWith('/echo-secret/')) {
    // `/echo-secret/<status>/<pad>`: the secret the request carried, after `pad` characters.
    const [, , code, pad] = url.split('/');
    res.writeHead(Number(code), { 'content-type': 'text/plain' });
    res.end(`${'y'.repeat(Number(pad))}${String(req.headers['x-api-key'])} and more`);
  } else if (url === '/slow') {
    setTimeout(() => res.end('late'), 2000).unref();
  } else {
    res.writeHead(200);
    res.end('plain');
  }
}

beforeAll(async () => {
  server = await listenLocal((req, res, body) => answer(req, res, body.toString('utf8')));
  base = server.base;
});

afterAll(async () => {
  await server.close();
});

const http = ACTIONS['http.request'];
// The stand-ins listen on loopback, which an action reaches only when allowed.
const network = { allow: ['127.0.0.1'] };
const run = (args: Record<string, unknown>, signal = new AbortController().signal) => http.run(args, { signal, network });

async function failure(args: Record<string, unknown>): Promise<{ code: ErrorCode; retriable: boolean; message: string }> {
  try {
    await run(args);
  } catch (err) {
    if (err instanceof VigilError) return { code: err.code, retriable: err.retriable, message: err.message };
    throw err;
  }
  throw new Error('expected a failure');
}

describe('registry', () => {
  it('names http.request', () => {
    expect(isActionName('http.request')).toBe(true);
    expect(isActionName('toString')).toBe(false);
  });
});

describe('http.request', () => {
  it('POSTs an object as JSON by default and parses a JSON answer', async () => {
    const result = await run({ url: `${base}/json`, body: { a: 1, b: ['x'] }, headers: { 'X-Vigil': 'yes', 'X-N': 3 } });
    expect(result).toEqual({ status: 200, body: { ok: true, echo: '{"a":1,"b":["x"]}' } });
    const req = seen.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-vigil']).toBe('yes');
    expect(req?.headers['x-n']).toBe('3');
  });

  it('carries the step idempotency key in an Idempotency-Key header', async () => {
    await http.run({ url: `${base}/json`, body: {} }, { signal: new AbortController().signal, idempotencyKey: 'run1:notify:1', network });
    expect(seen.at(-1)?.headers['idempotency-key']).toBe('run1:notify:1');
    await run({ url: `${base}/json`, body: {} });
    expect(seen.at(-1)?.headers['idempotency-key']).toBeUndefined();
  });

  it('sends a string body as it is, with the given method', async () => {
    await run({ url: `${base}/plain`, method: 'put', body: 'raw text', headers: { 'content-type': 'text/plain' } });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', body: 'raw text', headers: { 'content-type': 'text/plain' } });
  });

  it('keeps a text answer as text, truncated when long', async () => {
    expect(await run({ url: `${base}/plain`, method: 'GET' })).toEqual({ status: 200, body: 'plain' });
    expect(await run({ url: `${base}/bad-json`, method: 'GET' })).toEqual({ status: 200, body: '{not json' });
    const big = (await run({ url: `${base}/big`, method: 'GET' })) as { body: string };
    expect(big.body).toHaveLength(4096 + '…[truncated]'.length);
  });

  it('redacts a secret the answer echoes before cutting the text, so no prefix of it survives the cut', async () => {
    const SECRET = 'sk_live_51HqLyjWDarjtT1zdp7dc';
    const redact = redactor({ API_KEY: SECRET });
    const call = (status: number, pad: number) =>
      http.run(
        { url: `${base}/echo-secret/${status}/${pad}`, method: 'GET', headers: { 'x-api-key': SECRET } },
        { signal: new AbortController().signal, network, redact },
      );
    // The text answer is cut at 4,096 characters, the error's snippet at 200: the secret straddles each cut.
    const body = JSON.stringify(redact(await call(200, 4080)));
    const error = await call(500, 190).then(
      () => '',
      (err: Error) => redact(err.message),
    );
    for (const text of [body, error]) {
      expect(text).toContain('[REDACTED]');
      expect(text).not.toContain(SECRET.slice(0, 6));
    }
  });

  it.each([
    [500, 'ACTION_FAILED', true],
    [503, 'ACTION_FAILED', true],
    [429, 'ACTION_FAILED', true],
    [408, 'ACTION_FAILED', true],
    [400, 'ACTION_REJECTED', false],
    [401, 'ACTION_REJECTED', false],
    [404, 'ACTION_REJECTED', false],
    [302, 'ACTION_REJECTED', false],
  ] as const)('HTTP %i is %s', async (status, code, retriable) => {
    const f = await failure({ url: `${base}/status/${status}` });
    expect(f).toEqual({ code, retriable, message: `http.request POST: unexpected HTTP ${status}: answer ${status}` });
  });

  it('checks expect_status instead of 2xx when given', async () => {
    expect(await run({ url: `${base}/status/404`, expect_status: [200, 404] })).toEqual({ status: 404, body: 'answer 404' });
    expect((await failure({ url: `${base}/status/200`, expect_status: 201 })).code).toBe('ACTION_REJECTED');
  });

  it('makes network errors and timeouts retriable, without the URL in the message', async () => {
    const port = await freePort();
    const refused = await failure({ url: `http://127.0.0.1:${port}/secret-path` });
    expect(refused).toMatchObject({ code: 'ACTION_FAILED', retriable: true });
    expect(refused.message).toMatch(/ECONNREFUSED/);
    expect(refused.message).not.toMatch(/secret-path/);

    const slow = await failure({ url: `${base}/slow`, timeout: '100ms' });
    expect(slow).toMatchObject({ code: 'ACTION_FAILED', retriable: true });
    expect(slow.message).toMatch(/timed out or aborted \(100 ms limit\)/);
  });

  it('stops when the step signal aborts', async () => {
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    await expect(run({ url: `${base}/slow` }, ctrl.signal)).rejects.toMatchObject({ code: 'ACTION_FAILED' });
  });

  it.each([
    [{ url: 42 }, /url must be a string/],
    [{ url: 'not a url' }, /not a valid URL/],
    [{ url: 'file:///etc/passwd' }, /http or https/],
    [{ url: 'http://x.test', method: 'BREW' }, /method must be one of/],
    [{ url: 'http://x.test', headers: ['a'] }, /headers must be a map/],
    [{ url: 'http://x.test', headers: { a: { b: 1 } } }, /header a must be a string/],
    [{ url: 'http://x.test', timeout: 'soon' }, /timeout must be a duration/],
    [{ url: 'http://x.test', expect_status: 'ok' }, /expect_status/],
  ])('refuses bad args %j', async (args, why) => {
    const f = await failure(args);
    expect(f.code).toBe('ACTION_REJECTED');
    expect(f.message).toMatch(why);
  });
});
