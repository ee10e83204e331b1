import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '../../core/telemetry/index.js';
import { startHttpReceiver, type HttpReceiver } from '../../test/support/http-receiver.js';
import type { Outgoing } from '../runner/index.js';
import { classifyAnswer, retryAfterMs } from './classify.js';
import { httpClient } from './client.js';
import { authHeader, createHttpDeliver, type HttpDeliveryOptions } from './sink.js';

const TOKEN = 'Bearer 9f3c2a7e51b84d06ac1e';
let rx: HttpReceiver;
const closers: Array<() => void> = [];

const out = (n: number): Outgoing => ({
  topic: 'events',
  route: 'default',
  doc: { n },
  json: JSON.stringify({ n }),
  source: {
    topic: 'vigil.events',
    partition: 0,
    offset: String(n),
    key: null,
    value: Buffer.from(JSON.stringify({ n })),
    headers: {},
    timestamp: 0,
  },
});

function deliverer(over: Partial<HttpDeliveryOptions> = {}) {
  const transport = httpClient({ url: rx.url, method: 'POST', rejectUnauthorized: true, maxSockets: 4 });
  const d = createHttpDeliver({
    transport,
    format: 'ndjson',
    gzip: true,
    headers: { Authorization: TOKEN },
    batchMaxEvents: 100,
    batchMaxBytes: 1024 * 1024,
    lingerMs: 0,
    maxRetryAfterMs: 5000,
    requestTimeoutMs: 5000,
    log: logger('test'),
    ...over,
  });
  closers.push(() => {
    d.close();
    transport.close();
  });
  return (batch: Outgoing[]) => d.deliver(batch, { signal: new AbortController().signal, attempt: 1 });
}

beforeAll(async () => {
  rx = await startHttpReceiver();
});
beforeEach(() => {
  rx.requests.length = 0;
  rx.answerWith(undefined);
});
afterAll(async () => {
  for (const c of closers) c();
  await rx.close();
});

describe('http sink delivery against a local HTTP server', () => {
  it('POSTs gzip NDJSON with the auth header and counts a 2xx as delivered', async () => {
    const verdicts = await deliverer()([out(1), out(2)]);
    expect(verdicts).toEqual([{ outcome: 'ok' }, { outcome: 'ok' }]);
    expect(rx.requests).toHaveLength(1);
    const [r] = rx.requests;
    expect(r?.headers).toMatchObject({ authorization: TOKEN, 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' });
    expect(r?.body).toBe('{"n":1}\n{"n":2}\n');
  });

  it('sends a JSON array when asked, uncompressed', async () => {
    await deliverer({ format: 'json-array', gzip: false })([out(1), out(2)]);
    expect(rx.requests[0]?.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(rx.requests[0]?.body ?? '')).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('cuts requests at batchMaxEvents, and lingers to merge concurrent calls into one request', async () => {
    await deliverer({ batchMaxEvents: 2 })([out(1), out(2), out(3)]);
    expect(rx.requests.map((r) => r.body.trim().split('\n').length)).toEqual([2, 1]);
    rx.requests.length = 0;
    const d = deliverer({ lingerMs: 200 });
    await Promise.all([d([out(4)]), d([out(5)])]);
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0]?.body).toBe('{"n":4}\n{"n":5}\n');
  });

  it('dead-letters a 400 with the body as the reason', async () => {
    rx.answer({ status: 400, body: '{"error":"field n must be a string"}' });
    expect(await deliverer()([out(1)])).toEqual([{ outcome: 'reject', reason: 'HTTP 400: {"error":"field n must be a string"}' }]);
  });

  it.each([401, 408, 500, 502, 503])(
    'fails the whole call on a %i (retried without limit: no record spends maxRetries)',
    async (status) => {
      rx.answer({ status, body: 'try later' });
      const reason = `HTTP ${status}: try later`;
      expect(await deliverer()([out(1), out(2)])).toEqual([
        { outcome: 'unavailable', reason },
        { outcome: 'unavailable', reason },
      ]);
    },
  );

  it('honours Retry-After of a 429: the runner waits for it, and so does the next request', async () => {
    rx.answer({ status: 429, body: 'slow down', headers: { 'Retry-After': '1' } });
    const d = deliverer();
    expect(await d([out(1)])).toEqual([{ outcome: 'unavailable', reason: 'HTTP 429: slow down', retryAfterMs: 1000 }]);
    expect(await d([out(1)])).toEqual([{ outcome: 'ok' }]);
    const [first, second] = rx.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('caps a Retry-After at maxRetryAfterSeconds', async () => {
    rx.answer({ status: 503, body: 'maintenance', headers: { 'Retry-After': '3600' } });
    expect(await deliverer({ maxRetryAfterMs: 300 })([out(1)])).toEqual([
      { outcome: 'unavailable', reason: 'HTTP 503: maintenance', retryAfterMs: 300 },
    ]);
  });

  it('splits a 413 until the record that is too large stands alone, and dead-letters only it', async () => {
    rx.answerWith((r) => (r.body.includes('"n":3') ? { status: 413, body: 'entity too large' } : undefined));
    expect(await deliverer()([out(1), out(2), out(3), out(4)])).toEqual([
      { outcome: 'ok' },
      { outcome: 'ok' },
      { outcome: 'reject', reason: 'HTTP 413: entity too large' },
      { outcome: 'ok' },
    ]);
  });

  it('fails the whole call (retried, uncounted) when the connection fails', async () => {
    rx.answer({ status: 0, destroy: true });
    const [v] = await deliverer()([out(1)]);
    expect(v).toEqual({ outcome: 'unavailable', reason: expect.stringMatching(/socket hang up|ECONNRESET/) });
  });
});

describe('classification', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [301, 'unavailable'],
    [400, 'reject'],
    [401, 'unavailable'], // the credential was refused, not the records: wait for a fix, dead-letter nothing
    [403, 'unavailable'],
    [404, 'reject'],
    [408, 'unavailable'],
    [413, 'split'],
    [422, 'reject'],
    [429, 'unavailable'],
    [500, 'unavailable'],
    [503, 'unavailable'],
  ])('HTTP %i → %s', (status, outcome) => {
    expect(classifyAnswer({ status, body: '' }, 2).outcome).toBe(outcome);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('auth header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-http-sink-'));
  it('reads the value from a file, and refuses a placeholder there as validate does in the config', () => {
    writeFileSync(join(dir, 'good'), `${TOKEN}\n`);
    writeFileSync(join(dir, 'bad'), 'Bearer changeme\n');
    expect(authHeader({ id: 'h', auth: { header: 'Authorization', valueFile: join(dir, 'good') } })).toEqual({ Authorization: TOKEN });
    expect(() => authHeader({ id: 'h', auth: { header: 'Authorization', valueFile: join(dir, 'bad') } })).toThrow(
      /http sink h: the value in auth.valueFile looks like a placeholder/,
    );
    expect(() => authHeader({ id: 'h', auth: { header: 'X-Key', valueFile: join(dir, 'missing') } })).toThrow(/cannot read auth.valueFile/);
  });
});
