import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { logger } from '../../core/telemetry/index.js';
import { HecStandIn } from '../../test/support/splunk-hec-standin.js';
import { callFailure, type Outgoing, type SinkTopic } from '../runner/index.js';
import { AckPoller } from './acks.js';
import { hecClient, type HecTransport } from './client.js';
import { createHecDeliver } from './deliver.js';

/** The delivery path against a local collector that answers as Splunk documents. */
const TOKEN = 'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const CHANNEL = '5f0e3c2a-1b4d-4c6e-9f8a-7b6c5d4e3f21';

function outgoing(n: number, topic: SinkTopic = 'events'): Outgoing[] {
  return Array.from({ length: n }, (_, i) => ({
    topic,
    route: 'default',
    doc: { '@timestamp': '2026-03-01T10:00:00.000Z', message: `m${i}`, host: { name: 'web01' }, event: { dataset: 'app.log' } },
    source: {
      topic: 'vigil.events',
      partition: 0,
      offset: String(i),
      key: null,
      value: Buffer.from('{}'),
      headers: {},
      timestamp: 0,
    } as InRecord,
  }));
}

describe('splunk-hec delivery (stand-in collector)', () => {
  let hec: HecStandIn;
  let transport: HecTransport;
  let acks: AckPoller;
  const ctx = () => ({ signal: new AbortController().signal, attempt: 1 });
  const deliver = (overrides: Partial<Parameters<typeof createHecDeliver>[0]> = {}) =>
    createHecDeliver({
      id: 'splunk-out',
      transport,
      acks,
      channels: [CHANNEL],
      batchMaxEvents: 10,
      batchMaxBytes: 1024 * 1024,
      concurrency: 2,
      metadata: {},
      maxResends: 1,
      log: logger('test'),
      ...overrides,
    });

  beforeEach(async () => {
    hec = await new HecStandIn(TOKEN).start();
    transport = hecClient({ url: hec.base, token: TOKEN, gzip: true, timeoutMs: 5000, rejectUnauthorized: true, maxSockets: 4 });
    acks = new AckPoller({ query: (ids, ch) => transport.queryAcks(ids, ch), pollMs: 20, timeoutMs: 300 });
  });
  afterEach(async () => {
    acks.close();
    transport.close();
    await hec.stop();
  });

  it('counts a request as delivered only once its ackId is true, gzip on, in requests of batchMaxEvents', async () => {
    hec.ackDelayPolls = 2;
    const verdicts = await deliver()(outgoing(25), ctx());
    expect(verdicts.every((v) => v.outcome === 'ok')).toBe(true);
    expect(hec.indexed.map((e) => (e.event.event as { message: string }).message).sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => `m${i}`).sort(),
    );
    const sends = hec.requests.filter((r) => r.path === '/services/collector/event');
    expect(sends).toHaveLength(3);
    expect(sends.every((r) => r.gzip && r.channel === CHANNEL)).toBe(true);
    expect(hec.indexed[0]?.event).toMatchObject({ host: 'web01', sourcetype: 'app.log', time: 1772359200 });
  });

  it('503 server busy: the call fails as a whole, so the runner retries it without spending any record’s retries', async () => {
    hec.busy = 1;
    const verdicts = await deliver({ concurrency: 1 })(outgoing(3), ctx());
    expect(verdicts).toEqual(
      Array.from({ length: 3 }, () => ({ outcome: 'unavailable', reason: 'splunk-hec sink splunk-out: HTTP 503 code 9 (Server is busy)' })),
    );
    expect(hec.indexed).toHaveLength(0);
  });

  it('403 bad token: rejected with a reason that names the sink', async () => {
    const bad = hecClient({
      url: hec.base,
      token: 'wrong-token-0000000000',
      gzip: false,
      timeoutMs: 5000,
      rejectUnauthorized: true,
      maxSockets: 1,
    });
    try {
      const verdicts = await deliver({ transport: bad })(outgoing(2), ctx());
      expect(verdicts).toHaveLength(2);
      for (const v of verdicts) {
        expect(v.outcome).toBe('reject');
        expect(v.outcome === 'reject' && v.reason).toMatch(/^splunk-hec sink splunk-out: the collector refused the token: HTTP 403 code 4/);
      }
    } finally {
      bad.close();
    }
  });

  it('400 invalid data: only the named event is rejected, the rest are retried', async () => {
    hec.refuse = (ev) => (ev.event as { message?: string }).message === 'm2';
    const verdicts = await deliver()(outgoing(4), ctx());
    expect(verdicts.map((v) => v.outcome)).toEqual(['retry', 'retry', 'reject', 'retry']);
    expect(verdicts[2]).toMatchObject({
      reason: expect.stringContaining('splunk-hec sink splunk-out: HTTP 400 code 6 (Invalid data format)'),
    });
  });

  it('an expired ackId sends the request again, and only the acknowledged copy counts', async () => {
    hec.expire = 1;
    const verdicts = await deliver({ concurrency: 1 })(outgoing(3), ctx());
    expect(verdicts.every((v) => v.outcome === 'ok')).toBe(true);
    expect(hec.requests.filter((r) => r.path === '/services/collector/event')).toHaveLength(2);
    expect(hec.indexed).toHaveLength(3);
  });

  it('an ackId that keeps expiring goes back to the runner as retry', async () => {
    hec.expire = 5;
    const verdicts = await deliver({ concurrency: 1, maxResends: 1 })(outgoing(1), ctx());
    expect(verdicts[0]).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('was not acknowledged in time') });
    expect(hec.indexed).toHaveLength(0);
  });

  it('an unreachable collector fails the whole call, so the runner retries it without limit', async () => {
    await hec.stop();
    const verdicts = await deliver()(outgoing(2), ctx());
    expect(verdicts.map((v) => v.outcome)).toEqual(['unavailable', 'unavailable']);
    expect(callFailure(verdicts)?.reason).toMatch(/^splunk-hec sink splunk-out: request failed: ECONNREFUSED/);
    hec = await new HecStandIn(TOKEN).start();
  });

  it('without acknowledgement a 200 is final', async () => {
    const verdicts = await deliver({ acks: null })(outgoing(2), ctx());
    expect(verdicts.map((v) => v.outcome)).toEqual(['ok', 'ok']);
    expect(hec.requests.some((r) => r.path === '/services/collector/ack')).toBe(false);
  });
});

describe('splunk-hec delivery: requests in flight', () => {
  it('bounds the POSTs by concurrency, while requests waiting for their acknowledgement hold no place', async () => {
    let posting = 0;
    let most = 0;
    let posted = 0;
    const transport: HecTransport = {
      async sendEvents() {
        most = Math.max(most, ++posting);
        await new Promise((r) => setTimeout(r, 5));
        posting--;
        return { status: 200, body: { text: 'Success', code: 0, ackId: posted++ } };
      },
      queryAcks: async () => ({ status: 200, body: { acks: {} } }),
      close: () => undefined,
    };
    let ackAll!: () => void;
    const acked = new Promise<void>((r) => (ackAll = r));
    const waited: number[] = [];
    const acks = { wait: async (_: string, id: number) => (waited.push(id), await acked, 'acked' as const) } as unknown as AckPoller;
    const deliver = createHecDeliver({
      id: 'splunk-out',
      transport,
      acks,
      channels: [CHANNEL],
      batchMaxEvents: 10,
      batchMaxBytes: 1024 * 1024,
      concurrency: 1,
      metadata: {},
      maxResends: 0,
      log: logger('test'),
    });
    const ctx = { signal: new AbortController().signal, attempt: 1 };
    // Two calls at once, as the runner makes them for two chunks or two partitions: 3 + 2 requests.
    const calls = [deliver(outgoing(30), ctx), deliver(outgoing(20), ctx)];
    await vi.waitFor(() => expect(waited).toHaveLength(5));
    expect(most).toBe(1);
    ackAll();
    const verdicts = await Promise.all(calls);
    expect(verdicts.flat().every((v) => v.outcome === 'ok')).toBe(true);
    expect(verdicts.flat()).toHaveLength(50);
  });
});
