import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { LOCAL_SYSLOG } from '../../cli/local-config.js';
import { Bus, RecordTooLargeError } from '../../core/bus/index.js';
import type { InRecord } from '../../core/bus/types.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { withHecDefaults } from '../../ingest/inputs/splunk-hec/index.js';
import { withSyslogDefaults } from '../../ingest/inputs/syslog/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

/**
 * Records larger than Kafka takes (the broker's message.max.bytes, 1 MiB by default) on the real
 * broker: they go to the dead letter with the reason, the input keeps going, the sender gets a
 * definite answer. The payloads are random (base64), so gzip cannot shrink them under the limit.
 */

const PLAIN = `plain-${randomUUID()}`;
const ACKED = `acked-${randomUUID()}`;
/** About 1.2 MB of incompressible text: its ECS record (message and event.original) is twice that. */
const bulk = () => randomBytes(900_000).toString('base64');
const text = (r: InRecord) => r.value.toString('utf8');

describe('records over the Kafka size limit (real Kafka)', () => {
  let config: VigilConfig;
  let pipeline: RunningStages;
  const stamp = Date.now().toString(36);

  beforeAll(async () => {
    config = testConfig('record-size');
    config.inputs = [
      withHecDefaults({
        id: 'hec',
        port: 0,
        tokens: [
          { token: PLAIN, name: 'app' },
          { token: ACKED, name: 'acked', ack: true },
        ],
      }),
      withSyslogDefaults({ ...LOCAL_SYSLOG, id: 'tcp', protocol: 'tcp', maxMessageBytes: 4 * 1024 * 1024 }),
    ];
    pipeline = await startStages(config, ['ingest']);
  });

  afterAll(async () => {
    await pipeline?.close();
    if (config) await cleanupTest(config);
  });

  const letterWith = async (marker: string) => {
    const has = (r: InRecord) => text(r).includes(marker);
    const dead = await pipeline.bus.read(pipeline.bus.topics.deadletter, { until: (rs) => rs.some(has), timeoutMs: 30_000 });
    const found = dead.find(has);
    return found ? (JSON.parse(text(found)) as Record<string, unknown> & { reason: string; raw: { data: string } }) : undefined;
  };
  /** Every event on the topic, once one holds `marker`. */
  const eventsUntil = async (marker: string) => {
    const events = await pipeline.bus.read(pipeline.bus.topics.events, {
      until: (rs) => rs.some((r) => text(r).includes(marker)),
      timeoutMs: 30_000,
    });
    return events.map(text);
  };

  it('an oversized HEC event is dead-lettered, the request answered, and the next event arrives', async () => {
    const post = async (token: string, body: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`http://127.0.0.1:${pipeline.ports.hec as number}/services/collector/event`, {
        method: 'POST',
        headers: { Authorization: `Splunk ${token}`, ...headers },
        body,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const big = await post(PLAIN, JSON.stringify({ event: `big-hec ${stamp} ${bulk()}` }));
    expect(big).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
    const after = await post(PLAIN, JSON.stringify({ event: `after-hec ${stamp}` }));
    expect(after).toEqual({ status: 200, body: { text: 'Success', code: 0 } });

    const letter = await letterWith(`big-hec ${stamp}`);
    expect(letter).toMatchObject({ stage: 'ingest', component: 'hec', code: 'RECORD_TOO_LARGE' });
    expect(letter?.reason).toMatch(/record of \d+ bytes .*exceeds/);
    expect(letter?.reason).toMatch(/raw truncated to \d+ of \d+ bytes/);
    const events = await eventsUntil(`after-hec ${stamp}`);
    expect(events.filter((e) => e.includes(`after-hec ${stamp}`))).toHaveLength(1);
    expect(events.filter((e) => e.includes(`big-hec ${stamp}`))).toEqual([]);
  });

  it('a refused HEC body larger than Kafka takes is answered 400, its dead letter cut to fit and saying so', async () => {
    const res = await fetch(`http://127.0.0.1:${pipeline.ports.hec as number}/services/collector/event`, {
      method: 'POST',
      headers: { Authorization: `Splunk ${PLAIN}` },
      body: `{"host":"no event big-refused ${stamp}","pad":"${bulk()}${bulk()}"}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ text: 'Event field is required', code: 12, 'invalid-event-number': 0 });
    const letter = await letterWith(`big-refused ${stamp}`);
    expect(letter).toMatchObject({ component: 'hec', code: 'HEC_REJECTED' });
    expect(letter?.reason).toMatch(/code 12, event 0.*; raw truncated to \d+ of \d+ bytes$/);
  });

  it('on an ack channel, the ackId of an oversized event turns true once it is dead-lettered', async () => {
    const channel = randomUUID();
    const h = { Authorization: `Splunk ${ACKED}`, 'X-Splunk-Request-Channel': channel };
    const url = (p: string) => `http://127.0.0.1:${pipeline.ports.hec as number}/services/collector/${p}`;
    const res = await fetch(url('event'), { method: 'POST', headers: h, body: JSON.stringify({ event: `big-ack ${stamp} ${bulk()}` }) });
    const answer = (await res.json()) as { ackId: number };
    expect(answer).toEqual({ text: 'Success', code: 0, ackId: expect.any(Number) });
    const id = answer.ackId;
    const acks = await waitFor(
      `ackId ${id} true`,
      async () => {
        const r = await fetch(url('ack'), { method: 'POST', headers: h, body: JSON.stringify({ acks: [id] }) });
        const body = (await r.json()) as { acks: Record<string, boolean> };
        return body.acks[id] ? body : undefined;
      },
      30_000,
      100,
    );
    expect(acks).toEqual({ acks: { [id]: true } });
    expect(await letterWith(`big-ack ${stamp}`)).toMatchObject({ code: 'RECORD_TOO_LARGE', component: 'hec' });
  });

  it('an oversized syslog TCP line is dead-lettered and the connection keeps delivering', async () => {
    const socket = connect(pipeline.ports.tcp as number, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.write(`<13>Oct 11 22:14:15 host app: big-tcp ${stamp} ${bulk()}\n`);
    socket.write(`<13>Oct 11 22:14:15 host app: after-tcp ${stamp}\n`);

    const letter = await letterWith(`big-tcp ${stamp}`);
    expect(letter).toMatchObject({ stage: 'ingest', component: 'tcp', code: 'RECORD_TOO_LARGE' });
    expect(letter?.reason).toMatch(/exceeds/);
    expect((await eventsUntil(`after-tcp ${stamp}`)).filter((e) => e.includes(`after-tcp ${stamp}`))).toHaveLength(1);
    expect(socket.destroyed).toBe(false);
    socket.end();
  });

  it("the producer takes the broker's MESSAGE_TOO_LARGE as final for that record and delivers the rest", async () => {
    // The producer's own bound raised past the broker's: the broker is the one to refuse.
    const bus = new Bus({ ...config.kafka, maxRecordBytes: 16 * 1024 * 1024 }, 'record-size');
    try {
      const producer = await bus.producer();
      const topic = bus.topics.events;
      const small = (n: number) => ({ key: `k${n}`, value: `small-${n} ${stamp}` });
      // Twice the bulk: gzip takes base64 down to about 3/4, still over the broker's 1 MiB.
      const big = { key: 'big', value: `big-producer ${stamp} ${bulk()}${bulk()}` };
      const err = await producer.send(topic, [small(1), big, small(2)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RecordTooLargeError);
      expect((err as RecordTooLargeError).refused.map((r) => r.record)).toEqual([big]);
      expect((err as RecordTooLargeError).refused[0]?.reason).toMatch(/MESSAGE_TOO_LARGE|larger than the max message size/);
      // The producer is still usable, and what was not refused was delivered.
      await producer.send(topic, [small(3)]);
      const mine = (rs: InRecord[]) => rs.filter((r) => text(r).includes(stamp) && text(r).startsWith('small-'));
      const got = mine(await bus.read(topic, { until: (rs) => mine(rs).length >= 3, timeoutMs: 30_000 }));
      expect(got.map(text).sort()).toEqual([`small-1 ${stamp}`, `small-2 ${stamp}`, `small-3 ${stamp}`]);
    } finally {
      await bus.close();
    }
  });
  it('a batch the broker refuses whole is halved until the too-large record stands alone; the others arrive', async () => {
    // A topic that takes 100 kB per batch: the batch of small records and one large one is refused
    // whole, on one partition, while the broker writes the other partition of the same request.
    const bus = new Bus(config.kafka, 'record-size-split');
    const topic = `${config.kafka.topicPrefix}small-batches`;
    try {
      await bus.ensureTopics([{ name: topic, partitions: 2, replicationFactor: 1, configs: { 'max.message.bytes': '100000' } }]);
      const producer = await bus.producer();
      const small = Array.from({ length: 12 }, (_, i) => ({
        key: `k${i}`,
        value: `split-${i} ${stamp} ${randomBytes(3000).toString('base64')}`,
      }));
      const big = { key: 'k0', value: `split-big ${stamp} ${randomBytes(200_000).toString('base64')}` };
      const err = await producer.send(topic, [...small.slice(0, 6), big, ...small.slice(6)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RecordTooLargeError);
      expect((err as RecordTooLargeError).refused.map((r) => r.record)).toEqual([big]);
      // Later sends still land (the producer's sequence numbers are sound), on both partitions.
      await producer.send(topic, [
        { key: 'k1', value: `split-after-1 ${stamp}` },
        { key: 'k2', value: `split-after-2 ${stamp}` },
      ]);
      const names = (rs: InRecord[]) => new Set(rs.map((r) => text(r).split(' ')[0]));
      const want = [...small.map((_, i) => `split-${i}`), 'split-after-1', 'split-after-2'];
      const got = names(await bus.read(topic, { until: (rs) => want.every((w) => names(rs).has(w)), timeoutMs: 30_000 }));
      expect([...got].sort()).toEqual([...want].sort());
    } finally {
      await bus.close();
    }
  });
});
