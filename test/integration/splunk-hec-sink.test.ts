/**
 * The splunk-hec sink on REAL Kafka into Vigil's OWN HEC receiver (ingest/inputs/splunk-hec, also
 * on real Kafka): events read from one pipeline's vigil.events arrive in the other's, with the
 * Splunk metadata mapped from ECS, sent with gzip and counted as delivered only after indexer
 * acknowledgement (the receiver's ackIds turn true once Kafka has the events).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStages, type RunningStages } from '../../cli/stages.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { withHecDefaults } from '../../ingest/inputs/splunk-hec/index.js';
import { startSplunkHecSink, withHecSinkDefaults } from '../../sinks/splunk-hec/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';

const TOKEN = `acked-${randomUUID()}`;

/** The part of a received event this test reads. */
interface Received {
  '@timestamp': string;
  host: { name: string };
  event: { dataset: string };
  vigil: { splunk: { sourcetype: string; source: string; index: string; event: { message: string; vigil: { id: string } } } };
}

describe('splunk-hec sink → Vigil HEC receiver (real Kafka both sides)', () => {
  let receiverConfig: VigilConfig;
  let receiver: RunningStages;
  let sender: SinkBus;
  let port: number;

  beforeAll(async () => {
    receiverConfig = testConfig('hec-recv');
    receiverConfig.inputs = [withHecDefaults({ id: 'hec', port: 0, tokens: [{ token: TOKEN, name: 'acked', ack: true }] })];
    receiver = await startStages(receiverConfig, ['ingest']);
    port = receiver.ports.hec as number;
    sender = await startSinkBus(testConfig('hec-send').kafka, 'hec-send');
  }, 120_000);

  afterAll(async () => {
    await sender?.close();
    await receiver?.close();
    if (receiverConfig) await cleanupTest(receiverConfig);
  });

  it('delivers every event once acknowledged, with host, source and sourcetype from ECS', async () => {
    const marker = randomUUID();
    const docs = Array.from({ length: 200 }, (_, i) => ({
      '@timestamp': new Date(Date.UTC(2026, 2, 1, 10, 0, i % 60)).toISOString(),
      message: `login ${i} ${marker}`,
      host: { name: `web${i % 3}` },
      event: { dataset: 'linux.auth' },
      log: { file: { path: '/var/log/auth.log' } },
      vigil: { id: `id-${i}`, input: 'syslog-tcp' },
    }));
    await (
      await sender.bus.producer()
    ).send(
      sender.bus.topics.events,
      docs.map((d) => ({ key: d.host.name, value: JSON.stringify(d) })),
    );
    const sink = await startSplunkHecSink({
      sink: withHecSinkDefaults({
        id: 'to-vigil',
        url: `http://127.0.0.1:${port}`,
        token: TOKEN,
        topics: ['events'],
        ackPollMs: 50,
        index: 'main',
      }),
      bus: sender.bus,
    });
    sender.running.push(sink);

    const got = (
      await receiver.bus.read(receiver.bus.topics.events, {
        until: (r) => r.filter((x) => x.value.toString('utf8').includes(marker)).length >= docs.length,
        timeoutMs: 60_000,
      })
    )
      .map((x) => JSON.parse(x.value.toString('utf8')) as Received)
      .filter((e) => JSON.stringify(e).includes(marker));
    expect(got).toHaveLength(docs.length);
    const first = got.find((e) => e.vigil.splunk.event.message === `login 0 ${marker}`)!;
    expect(first['@timestamp']).toBe('2026-03-01T10:00:00.000Z');
    expect(first.host.name).toBe('web0');
    expect(first.event.dataset).toBe('linux.auth');
    expect(first.vigil.splunk).toMatchObject({ sourcetype: 'linux.auth', source: '/var/log/auth.log', index: 'main' });
    expect(first.vigil.splunk.event).toEqual(docs[0]);
    expect(new Set(got.map((e) => e.vigil.splunk.event.vigil.id)).size).toBe(docs.length);
  }, 120_000);

  it('refuses to start with a token the collector does not know, naming the sink', async () => {
    await expect(
      startSplunkHecSink({
        sink: withHecSinkDefaults({ id: 'bad-token', url: `http://127.0.0.1:${port}`, token: `wrong-${randomUUID()}` }),
        bus: sender.bus,
      }),
    ).rejects.toThrow(/^splunk-hec sink bad-token: the collector refused the token: HTTP 40[13]/);
  });
});
