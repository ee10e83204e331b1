import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import type { InRecord } from '../../core/bus/types.js';
import { withHecDefaults } from '../../ingest/inputs/splunk-hec/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

/**
 * The HEC receiver on real Kafka, driven by Splunk's own client (`splunk-logging`, the npm
 * package Splunk publishes) and by plain fetch for indexer acknowledgement, which that client
 * does not do.
 */

// splunk-logging is CommonJS without types: the part of it this test uses.
interface SplunkLoggerInstance {
  send(context: { message: unknown; severity?: string; metadata?: Record<string, unknown> }, cb?: SendCallback): void;
  flush(cb?: SendCallback): void;
  error: (err: Error & { code?: number }, context: unknown) => void;
}
type SendCallback = (err: Error | null, resp: { statusCode: number } | undefined, body: unknown) => void;
const { Logger } = createRequire(import.meta.url)('splunk-logging') as {
  Logger: new (config: Record<string, unknown>) => SplunkLoggerInstance;
};

const PLAIN = `plain-${randomUUID()}`;
const ACKED = `acked-${randomUUID()}`;

describe('splunk-hec input (real Kafka, splunk-logging client)', () => {
  let config: VigilConfig;
  let pipeline: RunningStages;
  let port: number;
  const stamp = Date.now().toString(36);

  beforeAll(async () => {
    config = testConfig('splunk-hec');
    config.inputs = [
      withHecDefaults({
        id: 'hec',
        port: 0,
        tokens: [
          { token: PLAIN, name: 'app', sourcetype: 'app:json' },
          { token: ACKED, name: 'acked', ack: true },
        ],
      }),
    ];
    pipeline = await startStages(config, ['ingest']);
    port = pipeline.ports.hec as number;
  });

  afterAll(async () => {
    await pipeline?.close();
    if (config) await cleanupTest(config);
  });

  /** Every event of this test on vigil.events, once `until` holds and no more arrive for a moment. */
  const readEvents = (until: (r: InRecord[]) => boolean) =>
    pipeline.bus
      .read(pipeline.bus.topics.events, { until, timeoutMs: 30_000 })
      .then((r) => r.map((x) => JSON.parse(x.value.toString('utf8'))));

  const send = (logger: SplunkLoggerInstance, message: unknown, metadata: Record<string, unknown> = {}) =>
    new Promise<{ status: number | undefined; body: unknown }>((resolve, reject) =>
      logger.send({ message, metadata }, (err, resp, body) => (err ? reject(err) : resolve({ status: resp?.statusCode, body }))),
    );

  it('events sent one by one and as a batch arrive exactly once, normalized', async () => {
    const single = new Logger({ token: PLAIN, url: `http://127.0.0.1:${port}`, maxBatchCount: 1 });
    const r1 = await send(single, `single ${stamp}`, { host: 'web01', source: '/var/log/app.log', index: 'main' });
    expect(r1).toEqual({ status: 200, body: { text: 'Success', code: 0 } });

    // maxBatchCount 5: the fifth send flushes one request carrying five concatenated events.
    const batch = new Logger({ token: PLAIN, url: `http://127.0.0.1:${port}`, maxBatchCount: 5 });
    const replies = [];
    for (let i = 0; i < 5; i++) {
      const p = send(batch, { note: `batch ${i} ${stamp}`, user: 'alice' }, { time: 1700000000 + i / 10, host: 'web02' });
      if (i === 4) replies.push(await p);
    }
    expect(replies).toEqual([{ status: 200, body: { text: 'Success', code: 0 } }]);

    const mine = (rs: InRecord[]) => rs.filter((r) => r.value.toString('utf8').includes(stamp));
    const events = (await readEvents((rs) => mine(rs).length >= 6)).filter((e) => JSON.stringify(e).includes(stamp));
    // A little longer: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 1000));
    const again = (await readEvents((rs) => mine(rs).length >= 6)).filter((e) => JSON.stringify(e).includes(stamp));
    expect(again).toHaveLength(6);
    expect(new Set(again.map((e) => e.vigil.id)).size).toBe(6);

    const one = events.find((e) => e.message === `single ${stamp}`);
    expect(one).toMatchObject({
      host: { name: 'web01' },
      log: { file: { path: '/var/log/app.log' } },
      event: { kind: 'event', dataset: 'app:json' },
      vigil: {
        input: 'hec',
        splunk: {
          index: 'main',
          source: '/var/log/app.log',
          sourcetype: 'app:json',
          event: { message: `single ${stamp}`, severity: 'info' },
        },
      },
    });
    const b3 = events.find((e) => e.vigil.splunk.event?.message?.note === `batch 3 ${stamp}`);
    expect(b3).toMatchObject({ '@timestamp': '2023-11-14T22:13:20.300Z', host: { name: 'web02' } });
  });

  it('a bad token is refused with 403 and code 4, read back through the client error callback', async () => {
    const logger = new Logger({ token: 'not-a-token', url: `http://127.0.0.1:${port}`, maxBatchCount: 1 });
    const errors: Array<Error & { code?: number }> = [];
    logger.error = (err) => errors.push(err);
    const r = await send(logger, `refused ${stamp}`);
    expect(r).toEqual({ status: 403, body: { text: 'Invalid token', code: 4 } });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('Invalid token');
    expect(errors[0]?.code).toBe(4);
  });

  it('indexer acknowledgement: an ackId per request per channel, true once Kafka has the events', async () => {
    const channel = randomUUID();
    const h = { Authorization: `Splunk ${ACKED}`, 'X-Splunk-Request-Channel': channel };
    const post = async (path: string, body: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: h, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const first = await post('/services/collector/event', `{"event":"ack 0 ${stamp}"}{"event":"ack 1 ${stamp}"}`);
    expect(first).toEqual({ status: 200, body: { text: 'Success', code: 0, ackId: expect.any(Number) } });
    const a = first.body.ackId as number;
    expect(await post('/services/collector/raw', `ack raw ${stamp}\n`)).toEqual({
      status: 200,
      body: { text: 'Success', code: 0, ackId: a + 1 },
    });

    // An id is reported true once, then forgotten: collect the trues across polls, as clients do.
    const ids = [String(a), String(a + 1)];
    const seen: Record<string, boolean> = {};
    await waitFor(
      'both ackIds true',
      async () => {
        const pending = ids.filter((id) => !seen[id]);
        const r = await post('/services/collector/ack', JSON.stringify({ acks: pending.map(Number) }));
        Object.assign(seen, Object.fromEntries(Object.entries(r.body.acks as Record<string, boolean>).filter(([, v]) => v)));
        return ids.every((id) => seen[id]);
      },
      30_000,
      50,
    );
    expect(seen).toEqual({ [a]: true, [a + 1]: true });
    // True means durable: the events are readable from Kafka right now, once each.
    const mine = (rs: InRecord[]) => rs.filter((r) => r.value.toString('utf8').includes(`ack`) && r.value.toString('utf8').includes(stamp));
    const records = mine(await pipeline.bus.read(pipeline.bus.topics.events, { until: (rs) => mine(rs).length >= 3, timeoutMs: 5000 }));
    expect(records.map((r) => JSON.parse(r.value.toString('utf8')).message).sort()).toEqual([
      `ack 0 ${stamp}`,
      `ack 1 ${stamp}`,
      `ack raw ${stamp}`,
    ]);
    // Reported once, then forgotten (Splunk's rule).
    expect((await post('/services/collector/ack', JSON.stringify({ acks: [a, a + 1] }))).body).toEqual({
      acks: { [a]: false, [a + 1]: false },
    });
  });

  it('a malformed batch is refused with its event number and kept whole on the dead-letter topic', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/services/collector`, {
      method: 'POST',
      headers: { Authorization: `Splunk ${PLAIN}` },
      body: `{"event":"ok ${stamp}"}{"host":"no event ${stamp}"}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ text: 'Event field is required', code: 12, 'invalid-event-number': 1 });
    const dead = await pipeline.bus.read(pipeline.bus.topics.deadletter, {
      until: (rs) => rs.some((r) => r.value.toString('utf8').includes(`no event ${stamp}`)),
      timeoutMs: 30_000,
    });
    const letter = JSON.parse((dead.find((r) => r.value.toString('utf8').includes(stamp)) as InRecord).value.toString('utf8'));
    expect(letter).toMatchObject({ stage: 'ingest', component: 'hec', code: 'HEC_REJECTED', raw: { encoding: 'utf8' } });
    expect(letter.reason).toMatch(/code 12, event 1/);
  });

  it('a deeply nested event gets a definite 400 (code 6), with or without ack, and its dead letter says why', async () => {
    const depth = 100_000;
    const nested = (tag: string) =>
      `{"event":"fine ${tag} ${stamp}"}{"event":{"note":"${tag} ${stamp}","deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const post = (token: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${port}/services/collector/event`, {
        method: 'POST',
        headers: { Authorization: `Splunk ${token}`, ...headers },
        body,
      }).then(async (res) => ({ status: res.status, body: await res.json() }));

    const plain = await post(PLAIN, nested('nested-plain'));
    expect(plain).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });
    // On an ack token the refusal comes at once, not as an ackId that never turns true.
    const acked = await post(ACKED, nested('nested-acked'), { 'X-Splunk-Request-Channel': randomUUID() });
    expect(acked).toEqual({ status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });

    const dead = await pipeline.bus.read(pipeline.bus.topics.deadletter, {
      until: (rs) => ['nested-plain', 'nested-acked'].every((t) => rs.some((r) => r.value.toString('utf8').includes(`${t} ${stamp}`))),
      timeoutMs: 30_000,
    });
    const letter = JSON.parse(
      (dead.find((r) => r.value.toString('utf8').includes(`nested-plain ${stamp}`)) as InRecord).value.toString('utf8'),
    );
    expect(letter).toMatchObject({ stage: 'ingest', component: 'hec', code: 'HEC_REJECTED' });
    expect(letter.reason).toMatch(/code 6, event 1\): .*nest/);
  });
});
