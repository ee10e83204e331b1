import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { SplunkHecInputConfig } from './config.js';
import type { DeadLetterDocument } from '../../../core/deadletter/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import { encodeMessage, encodeSignature } from '../../framing/s2s.js';
import { encodeEvent } from '../../../test/support/s2s-sender.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { counterValue } from '../../../test/support/metrics.js';
import { withHecDefaults } from './config.js';
import { startHecInput, type SplunkHecInput } from './server.js';

const EVENTS = 'test.vigil.events';
const DLQ = 'test.vigil.deadletter';
const NOW = new Date('2026-11-22T02:05:00.000Z');
const CHANNEL = '0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba';
let seq = 0;
const open: SplunkHecInput[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(over: Partial<Parameters<typeof withHecDefaults>[0]> = {}) {
  const cfg: SplunkHecInputConfig = withHecDefaults({
    id: `hec-test-${++seq}`,
    port: 0,
    tokens: [
      { token: 'tok-plain', name: 'plain' },
      { token: 'tok-ack', name: 'acked', ack: true },
      { token: 'tok-pinned', name: 'pinned', index: 'netfw', indexes: ['netfw', 'netfw_dmz'], sourcetype: 'pan:traffic' },
      { token: 'tok-off', disabled: true },
    ],
    ...over,
  });
  const publisher = new MemoryPublisher();
  const server = await startHecInput(cfg, { publisher, eventsTopic: EVENTS, deadletterTopic: DLQ, now: () => NOW });
  open.push(server);
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  const post = async (path: string, body: string | Buffer, headers: Record<string, string> = { Authorization: 'Splunk tok-plain' }) => {
    const res = await fetch(url(path), { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    cfg,
    publisher,
    server,
    url,
    post,
    events: () => publisher.values<EcsEvent & { vigil: { splunk: Record<string, unknown> } }>(EVENTS),
    letters: () => publisher.values<DeadLetterDocument>(DLQ),
    labels: { kind: 'input', id: cfg.id },
  };
}

describe('HEC /event', () => {
  it('takes concatenated JSON objects and answers 200 only after Kafka acknowledged them', async () => {
    const t = await start();
    const release = t.publisher.hold();
    const body =
      '{"time":1700000000.25,"host":"web01","source":"/var/log/app.log","sourcetype":"app:json","index":"main","event":"first","fields":{"env":"prod","tags":["a","b"]}}\n' +
      '{"time":"1700000001.5","event":{"message":"second","severity":"info"}}{"event":"third"}';
    let answered = false;
    const res = t.post('/services/collector/event', body).then((r) => ((answered = true), r));
    await t.publisher.waitFor(() => t.publisher.pending > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false); // held by Kafka: no 200 yet
    release();
    expect(await res).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    const [a, b, c] = t.events();
    expect(a).toMatchObject({
      '@timestamp': '2023-11-14T22:13:20.250Z',
      message: 'first',
      host: { name: 'web01' },
      log: { file: { path: '/var/log/app.log' } },
      event: { kind: 'event', dataset: 'app:json', original: 'first', created: NOW.toISOString() },
      labels: { env: 'prod' },
      vigil: {
        input: t.cfg.id,
        peer: '127.0.0.1',
        splunk: { index: 'main', source: '/var/log/app.log', sourcetype: 'app:json', fields: { env: 'prod', tags: ['a', 'b'] } },
      },
    });
    expect(b).toMatchObject({
      '@timestamp': '2023-11-14T22:13:21.500Z',
      message: 'second',
      vigil: { splunk: { event: { message: 'second', severity: 'info' } } },
    });
    expect(b?.event?.original).toBe('{"message":"second","severity":"info"}');
    expect(c).toMatchObject({ '@timestamp': NOW.toISOString(), message: 'third' });
    expect(new Set(t.events().map((e) => e.vigil.id)).size).toBe(3);
    expect(await counterValue(metrics.received, t.labels)).toBe(3);
    expect(await counterValue(metrics.sent, t.labels)).toBe(3);
  });

  it('serves /services/collector, /event/1.0 and /collector/1.0 the same way, and gzip bodies', async () => {
    const t = await start();
    for (const path of ['/services/collector', '/services/collector/event/1.0', '/services/collector/1.0']) {
      expect((await t.post(path, '{"event":"x"}')).body).toEqual({ text: 'Success', code: 0 });
    }
    const gz = gzipSync(Buffer.from('{"event":"zipped 1"}{"event":"zipped 2"}'));
    const r = await t.post('/services/collector/event', gz, { Authorization: 'Splunk tok-plain', 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(t.events().map((e) => e.message)).toEqual(['x', 'x', 'x', 'zipped 1', 'zipped 2']);
  });

  it("applies a token's default index and sourcetype and its allowed indexes", async () => {
    const t = await start();
    const auth = { Authorization: 'Splunk tok-pinned' };
    expect((await t.post('/services/collector', '{"event":"a"}{"event":"b","index":"netfw_dmz"}', auth)).status).toBe(200);
    expect(t.events().map((e) => [e.vigil.splunk.index, e.vigil.splunk.sourcetype])).toEqual([
      ['netfw', 'pan:traffic'],
      ['netfw_dmz', 'pan:traffic'],
    ]);
  });

  it('accepts the token as a Basic password, and ?token= only when allowed', async () => {
    const t = await start({ allowQueryStringToken: true });
    const basic = `Basic ${Buffer.from('x:tok-plain').toString('base64')}`;
    expect((await t.post('/services/collector', '{"event":"a"}', { Authorization: basic })).status).toBe(200);
    expect((await t.post('/services/collector?token=tok-plain', '{"event":"b"}', {})).status).toBe(200);
  });
});

describe('Splunk error codes: one negative case each', () => {
  const ack = { Authorization: 'Splunk tok-ack' };
  const cases: Array<{
    name: string;
    path?: string;
    body: string | Buffer;
    headers?: Record<string, string>;
    status: number;
    reply: Record<string, unknown>;
    dead?: boolean;
  }> = [
    {
      name: 'token disabled',
      body: '{"event":1}',
      headers: { Authorization: 'Splunk tok-off' },
      status: 403,
      reply: { text: 'Token disabled', code: 1 },
    },
    { name: 'no token', body: '{"event":1}', headers: {}, status: 401, reply: { text: 'Token is required', code: 2 } },
    {
      name: 'malformed Authorization',
      body: '{"event":1}',
      headers: { Authorization: 'Bearer' },
      status: 401,
      reply: { text: 'Invalid authorization', code: 3 },
    },
    {
      name: 'unknown token',
      body: '{"event":1}',
      headers: { Authorization: 'Splunk nope' },
      status: 403,
      reply: { text: 'Invalid token', code: 4 },
    },
    { name: 'empty body', body: '', status: 400, reply: { text: 'No data', code: 5 } },
    { name: 'whitespace body', body: ' \n ', status: 400, reply: { text: 'No data', code: 5 }, dead: true },
    {
      name: 'not JSON',
      body: '{"event":"ok"}{"event":',
      status: 400,
      reply: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 },
      dead: true,
    },
    {
      name: 'an array',
      body: '[{"event":"x"}]',
      status: 400,
      reply: { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 },
      dead: true,
    },
    {
      name: 'bad time',
      body: '{"event":"x","time":"yesterday"}',
      status: 400,
      reply: { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 },
      dead: true,
    },
    {
      name: 'index not allowed',
      body: '{"event":"x"}{"event":"y","index":"hr"}',
      headers: { Authorization: 'Splunk tok-pinned' },
      status: 400,
      reply: { text: 'Incorrect index', code: 7, 'invalid-event-number': 1 },
      dead: true,
    },
    { name: 'acks without channel', body: '{"event":1}', headers: ack, status: 400, reply: { text: 'Data channel is missing', code: 10 } },
    {
      name: 'channel not a GUID',
      path: '/services/collector?channel=abc',
      body: '{"event":1}',
      headers: ack,
      status: 400,
      reply: { text: 'Invalid data channel', code: 11 },
    },
    {
      name: 'no event field',
      body: '{"event":"a"}{"host":"h"}',
      status: 400,
      reply: { text: 'Event field is required', code: 12, 'invalid-event-number': 1 },
      dead: true,
    },
    {
      name: 'blank event',
      body: '{"event":""}',
      status: 400,
      reply: { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0 },
      dead: true,
    },
    {
      name: 'ack query on a token without acks',
      path: '/services/collector/ack',
      body: '{"acks":[0]}',
      status: 400,
      reply: { text: 'ACK is disabled', code: 14 },
    },
    {
      name: 'nested fields',
      body: '{"event":"x","fields":{"a":{"b":1}}}',
      status: 400,
      reply: { text: 'Error in handling indexed fields', code: 15, 'invalid-event-number': 0 },
      dead: true,
    },
    {
      name: 'token in the query string',
      path: '/services/collector?token=tok-plain',
      body: '{"event":1}',
      headers: {},
      status: 400,
      reply: { text: 'Query string authorization is not enabled', code: 16 },
    },
    {
      name: 'unknown path',
      path: '/services/collector/nope',
      body: '{"event":1}',
      status: 404,
      reply: { text: 'The requested URL was not found on this server.', code: 404 },
    },
    {
      name: 'corrupt gzip',
      body: Buffer.from('not gzip'),
      headers: { Authorization: 'Splunk tok-plain', 'Content-Encoding': 'gzip' },
      status: 400,
      reply: { text: 'Invalid data format', code: 6 },
    },
  ];
  it.each(cases)('$name → $status', async ({ path, body, headers, status, reply, dead }) => {
    const t = await start();
    const r = await t.post(path ?? '/services/collector/event', body, headers);
    expect(r).toEqual({ status, body: reply });
    expect(t.events()).toEqual([]); // a refused request publishes nothing
    const letters = t.letters();
    if (dead) {
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ component: t.cfg.id, code: 'HEC_REJECTED', raw: { encoding: 'utf8', data: String(body) } });
      expect(letters[0]?.reason).toContain(`code ${String(reply.code)}`);
    } else expect(letters).toEqual([]);
  });

  it('413 when the body (or what it inflates to) is larger than maxBodyBytes', async () => {
    const t = await start({ maxBodyBytes: 2048 });
    const big = `{"event":"${'x'.repeat(4000)}"}`;
    const r = await t.post('/services/collector', big);
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ text: 'Content-Length of 4012 too large (maximum is 2048)', code: 6 });
    const bomb = gzipSync(Buffer.from(`{"event":"${'y'.repeat(100_000)}"}`));
    expect(bomb.length).toBeLessThan(2048);
    const z = await t.post('/services/collector', bomb, { Authorization: 'Splunk tok-plain', 'Content-Encoding': 'gzip' });
    expect(z.status).toBe(413);
    expect(t.events()).toEqual([]);
  });

  it('503 code 9 when Kafka refuses the batch (the client must resend)', async () => {
    const t = await start();
    t.publisher.failNext = new Error('kafka down');
    expect(await t.post('/services/collector', '{"event":"x"}')).toEqual({ status: 503, body: { text: 'Server is busy', code: 9 } });
  });

  it('health: 17 while healthy, 18 (503) while more than maxPendingEvents are in flight; busy requests get code 9', async () => {
    const t = await start({ maxPendingEvents: 1 });
    const health = async () => {
      const r = await fetch(t.url('/services/collector/health'));
      return { status: r.status, body: await r.json() };
    };
    expect(await health()).toEqual({ status: 200, body: { text: 'HEC is healthy', code: 17 } });
    const release = t.publisher.hold();
    const pending = t.post('/services/collector', '{"event":"a"}{"event":"b"}');
    await t.publisher.waitFor(() => t.publisher.pending > 0);
    expect(await health()).toEqual({ status: 503, body: { text: 'HEC is unhealthy, queues are full', code: 18 } });
    expect(await t.post('/services/collector', '{"event":"c"}')).toEqual({ status: 503, body: { text: 'Server is busy', code: 9 } });
    release();
    expect((await pending).status).toBe(200);
    expect(await health()).toEqual({ status: 200, body: { text: 'HEC is healthy', code: 17 } });
  });
});

describe('acks', () => {
  it('answers with an ackId at once; the id turns true only after Kafka acknowledged, then is forgotten', async () => {
    const t = await start();
    const h = { Authorization: 'Splunk tok-ack', 'X-Splunk-Request-Channel': CHANNEL };
    const release = t.publisher.hold();
    const first = await t.post('/services/collector/event', '{"event":"a"}', h);
    expect(first).toEqual({ status: 200, body: { text: 'Success', code: 0, ackId: expect.any(Number) } });
    const a = (first.body as { ackId: number }).ackId;
    expect(await t.post(`/services/collector/raw?channel=${CHANNEL}`, 'line 1\nline 2\n', { Authorization: 'Splunk tok-ack' })).toEqual({
      status: 200,
      body: { text: 'Success', code: 0, ackId: a + 1 },
    });
    const query = (ids: number[]) => t.post('/services/collector/ack', JSON.stringify({ acks: ids }), h);
    expect(await query([a, a + 1, a + 7])).toEqual({
      status: 200,
      body: { acks: { [a]: false, [a + 1]: false, [a + 7]: false } },
    });
    expect(t.events()).toEqual([]);
    release();
    await t.publisher.waitFor(() => t.publisher.pending === 0 && t.events().length === 3);
    expect(await query([a, a + 1])).toEqual({ status: 200, body: { acks: { [a]: true, [a + 1]: true } } });
    expect(await query([a])).toEqual({ status: 200, body: { acks: { [a]: false } } }); // reported once
    expect(t.events().map((e) => [e.message, e.vigil.splunk.channel])).toEqual([
      ['a', CHANNEL],
      ['line 1', CHANNEL],
      ['line 2', CHANNEL],
    ]);
  });

  it('an ackId whose publish failed never turns true', async () => {
    const t = await start();
    const h = { Authorization: 'Splunk tok-ack', 'X-Splunk-Request-Channel': CHANNEL };
    t.publisher.failNext = new Error('kafka down');
    const { ackId } = (await t.post('/services/collector', '{"event":"a"}', h)).body as { ackId: number };
    expect(Number.isSafeInteger(ackId)).toBe(true);
    await t.publisher.waitFor(() => t.publisher.pending === 0);
    await new Promise((r) => setTimeout(r, 20));
    expect((await t.post('/services/collector/ack', JSON.stringify({ acks: [ackId] }), h)).body).toEqual({ acks: { [ackId]: false } });
  });

  it('refuses a malformed ack query with code 6', async () => {
    const t = await start();
    const h = { Authorization: 'Splunk tok-ack', 'X-Splunk-Request-Channel': CHANNEL };
    expect(await t.post('/services/collector/ack', '{"acks":"0"}', h)).toEqual({
      status: 400,
      body: { text: 'Invalid data format', code: 6 },
    });
  });
});

describe('HEC /raw', () => {
  it('one event per line, metadata from the query string', async () => {
    const t = await start();
    const r = await t.post('/services/collector/raw?host=fw1&sourcetype=cisco:asa&index=netfw&time=1700000000', 'line one\r\n\nline two\n');
    expect(r.status).toBe(200);
    expect(t.events().map((e) => [e['@timestamp'], e.message, e.host?.name, e.vigil.splunk.sourcetype])).toEqual([
      ['2023-11-14T22:13:20.000Z', 'line one', 'fw1', 'cisco:asa'],
      ['2023-11-14T22:13:20.000Z', 'line two', 'fw1', 'cisco:asa'],
    ]);
  });
});

describe('HEC /s2s ([httpout])', () => {
  it('takes cooked S2S messages, with or without the hello', async () => {
    const t = await start();
    const ev = (raw: string) =>
      encodeEvent({ raw, host: 'uf1', source: '/var/log/x.log', sourcetype: 'x', index: 'main', time: 1700000000 });
    const withHello = Buffer.concat([
      encodeSignature({ serverName: 'uf1', mgmtPort: '8089' }),
      encodeMessage([['__s2s_capabilities', 'ack=0;compression=0']]),
      ev('one'),
    ]);
    expect((await t.post('/services/collector/s2s', withHello)).status).toBe(200);
    expect((await t.post('/services/collector/s2s', Buffer.concat([ev('two'), ev('three')]))).status).toBe(200);
    expect(t.events().map((e) => [e.message, e.host?.name])).toEqual([
      ['one', 'uf1'],
      ['two', 'uf1'],
      ['three', 'uf1'],
    ]);
    const bad = await t.post('/services/collector/s2s', ev('four').subarray(0, 20));
    expect(bad).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6 } });
    expect(t.letters()).toHaveLength(1);
  });
});

describe('HTTPS', () => {
  it('serves HEC over TLS when tls.enabled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-hec-'));
    try {
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'],
        {
          stdio: 'ignore',
        },
      );
      const t = await start({ tls: { enabled: true, certFile: cert, keyFile: key, requireClientCert: false } });
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: t.server.port,
            path: '/services/collector',
            method: 'POST',
            rejectUnauthorized: false,
            headers: { Authorization: 'Splunk tok-plain' },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end('{"event":"over https"}');
      });
      expect(JSON.parse(body)).toEqual({ text: 'Success', code: 0 });
      expect(t.events().map((e) => e.message)).toEqual(['over https']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HEC limits', () => {
  const event = (i: number) => JSON.stringify({ event: `e${i} ${'x'.repeat(3000)}` });

  it('answers 503 code 9 with Retry-After once request bodies in flight reach maxInFlightBytes, and takes requests again after', async () => {
    const t = await start({ maxBodyBytes: 4096, maxInFlightBytes: 8192 });
    const release = t.publisher.hold();
    const first = t.post('/services/collector/event', event(1));
    const second = t.post('/services/collector/event', event(2));
    await t.publisher.waitFor(() => t.publisher.pending > 0);
    await new Promise((r) => setTimeout(r, 100));

    const busy = await fetch(t.url('/services/collector/event'), {
      method: 'POST',
      body: event(3),
      headers: { Authorization: 'Splunk tok-plain' },
    });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(await busy.json()).toEqual({ text: 'Server is busy', code: 9 });
    expect(await counterValue(metrics.requestsRefused, { ...t.labels, reason: 'byte_budget' })).toBe(1);

    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(await t.post('/services/collector/event', event(4))).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    expect(t.events()).toHaveLength(3);
  });

  it('closes connections past maxConnectionsPerPeer at once', async () => {
    const t = await start({ maxConnections: 100, maxConnectionsPerPeer: 2 });
    const { connect } = await import('node:net');
    const outcomes = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<string>((resolve) => {
            const s = connect({ host: '127.0.0.1', port: t.server.port });
            s.on('error', () => undefined);
            s.on('close', () => resolve('closed'));
            setTimeout(() => {
              s.destroy();
              resolve('open');
            }, 500);
          }),
      ),
    );
    expect(outcomes.sort()).toEqual(['closed', 'closed', 'closed', 'open', 'open']);
    expect(await counterValue(metrics.connectionsClosed, { ...t.labels, reason: 'max_connections_per_peer' })).toBe(3);
  });
});
