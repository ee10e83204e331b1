/**
 * The sentinel sink on REAL Kafka into a stand-in of Microsoft Entra's token endpoint and the Azure
 * Monitor Logs Ingestion API (test/support/standins/sentinel.ts; no Azure tenant runs here). A
 * route picks the records, the rows arrive with the configured columns, a 429 storm delays but
 * dead-letters nothing (maxRetries 1), a row the API refuses as too large is dead-lettered with
 * Azure's reason, the offsets are committed after the 204s, and a refused secret stops the start
 * naming the sink. The API's 1 MB limit is scaled down to 16 KiB so that the test moves kilobytes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSentinelSink, withSentinelDefaults, type SentinelSinkConfig } from '../../sinks/sentinel/index.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { SentinelStandIn } from '../support/standins/sentinel.js';
import { waitFor } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('sent', RUN);
const AZ = {
  tenantId: 'tenant-it',
  clientId: 'app-it',
  clientSecret: `secret-${RUN}`,
  dcrImmutableId: 'dcr-it0001',
  stream: 'Custom-VigilAuth_CL',
};

let kafka: SinkBus;
let api: SentinelStandIn;

beforeAll(async () => {
  api = await new SentinelStandIn({ ...AZ, maxBodyBytes: 16 * 1024 }).start();
  kafka = await startSinkBus(kafkaConfig, 'sent');
}, 120_000);

afterAll(async () => {
  await kafka?.close();
  await api?.stop();
});

const sinkConfig = (over: Partial<SentinelSinkConfig> = {}) =>
  withSentinelDefaults({
    id: 'soc',
    endpoint: api.base,
    authorityHost: api.base,
    ...AZ,
    topics: ['events'],
    maxRetries: 1,
    maxRetryAfterSeconds: 2,
    routes: [{ name: 'auth', match: { selection: { 'event.dataset': 'linux.auth' }, condition: 'selection' } }],
    columns: { TimeGenerated: '@timestamp', Computer: 'host.name', UserName: 'user.name', RawData: '$json' },
    ...over,
  });

describe('sentinel sink → Logs Ingestion stand-in, on real Kafka', () => {
  it('delivers the routed records as rows, rides out a 429 storm, dead-letters the oversized row with Azure’s reason, then commits', async () => {
    const auth = Array.from({ length: 120 }, (_, i) => ({
      '@timestamp': new Date(Date.UTC(2026, 2, 1, 10, 0, i % 60)).toISOString(),
      event: { dataset: 'linux.auth' },
      host: { name: `web${i % 3}` },
      user: { name: `u${i}` },
      n: i,
    }));
    const noise = Array.from({ length: 40 }, (_, i) => ({
      '@timestamp': '2026-03-01T10:00:00Z',
      event: { dataset: 'fw.allow' },
      n: 1000 + i,
    }));
    const huge = { '@timestamp': '2026-03-01T10:00:00Z', event: { dataset: 'linux.auth' }, n: -1, pad: 'z'.repeat(40_000) };
    const docs = [...auth.slice(0, 60), huge, ...noise, ...auth.slice(60)];
    await kafka.sendEvents(docs);
    api.throttle(5, '1');
    kafka.running.push(await startSentinelSink({ sink: sinkConfig(), bus: kafka.bus }));

    await waitFor('rows delivered', async () => api.rows.length >= auth.length, 90_000, 200);
    await waitFor(
      'commit after the 204s',
      async () => (await kafka.committed('sink-soc', kafka.bus.topics.events)) === String(docs.length),
      30_000,
    );
    expect(api.rows).toHaveLength(auth.length);
    const byN = new Map(api.rows.map((r) => [(JSON.parse(r.RawData as string) as { n: number }).n, r]));
    expect([...byN.keys()].sort((a, b) => a - b)).toEqual(auth.map((a) => a.n));
    expect(byN.get(4)).toEqual({
      TimeGenerated: '2026-03-01T10:00:04.000Z',
      Computer: 'web1',
      UserName: 'u4',
      RawData: JSON.stringify(auth[4]),
    });
    expect(api.requests.filter((r) => r.status === 429)).toHaveLength(5);
    expect(api.requests.every((r) => r.gzip)).toBe(true);

    const letter = await waitFor('the dead letter', async () => kafka.letters.find((l) => l.component === 'soc'), 30_000);
    expect(kafka.letters.filter((l) => l.component === 'soc')).toHaveLength(1);
    expect(letter.code).toBe('SINK_REJECT');
    expect(letter.reason).toMatch(
      /^soc: sentinel sink soc: HTTP 413 ContentLengthLimitExceeded: Maximum allowed content length: 16384 bytes/,
    );
    expect((JSON.parse(letter.raw.data) as { n: number }).n).toBe(-1);
  }, 150_000);

  it('refuses to start with a secret the tenant refuses, naming the sink', async () => {
    await expect(startSentinelSink({ sink: sinkConfig({ id: 'soc-bad', clientSecret: 'wrong' }), bus: kafka.bus })).rejects.toThrow(
      /^sentinel sink soc-bad: the token endpoint refused client app-it of tenant tenant-it: HTTP 401 invalid_client: AADSTS7000215/,
    );
  });
});
