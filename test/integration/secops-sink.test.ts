/**
 * The secops sink on REAL Kafka into a stand-in of Google's token URI and the Chronicle API import
 * methods (test/support/standins/secops.ts; no SecOps instance runs here). The service account's
 * JWT is verified against its public key; routed events arrive as UDM, a 429 storm delays but
 * dead-letters nothing (maxRetries 1), the event SecOps refuses (an IP that does not parse) is
 * dead-lettered with Google's reason, unstructured mode sends the original message, and a key the
 * token URI refuses stops the start naming the sink.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecopsSink, withSecopsDefaults, type SecopsSinkConfig } from '../../sinks/secops/index.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { SecopsStandIn } from '../support/standins/secops.js';
import { waitFor } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('secops', RUN);

let kafka: SinkBus;
let api: SecopsStandIn;
let dir: string;

beforeAll(async () => {
  api = await new SecopsStandIn({
    project: 'proj-it',
    location: 'europe',
    instance: 'inst-it',
    logTypes: ['LINUX'],
    maxBodyBytes: 16 * 1024,
  }).start();
  dir = mkdtempSync(join(tmpdir(), 'secops-it-'));
  api.writeKeyFile(join(dir, 'key.json'));
  kafka = await startSinkBus(kafkaConfig, 'secops');
}, 120_000);

afterAll(async () => {
  await kafka?.close();
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sinkConfig = (over: Partial<SecopsSinkConfig> = {}) =>
  withSecopsDefaults({
    id: 'gsecops',
    endpoint: api.base,
    project: 'proj-it',
    location: 'europe',
    instance: 'inst-it',
    credentialsFile: join(dir, 'key.json'),
    topics: ['events'],
    maxRetries: 1,
    maxRetryAfterSeconds: 2,
    routes: [{ name: 'net', match: { selection: { 'event.category': 'network' }, condition: 'selection' } }],
    ...over,
  });

describe('secops sink → Chronicle API stand-in, on real Kafka', () => {
  it('imports routed events as UDM through a 429 storm and dead-letters the event SecOps refuses with its reason', async () => {
    const net = Array.from({ length: 150 }, (_, i) => ({
      '@timestamp': new Date(Date.UTC(2026, 2, 1, 10, 0, i % 60)).toISOString(),
      event: { category: ['network'], type: ['connection', i % 2 ? 'denied' : 'allowed'], dataset: 'fw' },
      source: { ip: i === 33 ? '10.1.2.999' : `10.1.2.${i % 250}`, port: 40000 + i },
      destination: { ip: '192.0.2.7', port: 443 },
      network: { transport: 'tcp' },
      vigil: { id: `id-${i}` },
    }));
    const other = Array.from({ length: 30 }, (_, i) => ({
      '@timestamp': '2026-03-01T10:00:00Z',
      event: { category: ['process'] },
      vigil: { id: `p-${i}` },
    }));
    await kafka.sendEvents([...net.slice(0, 75), ...other, ...net.slice(75)]);
    api.throttle(4, '1');
    kafka.running.push(await startSecopsSink({ sink: sinkConfig(), bus: kafka.bus }));

    const letter = await waitFor('the dead letter', async () => kafka.letters.find((l) => l.component === 'gsecops'), 90_000, 200);
    await waitFor('events imported', async () => api.events.length >= net.length - 1, 60_000, 200);
    await waitFor(
      'commit after the imports',
      async () => (await kafka.committed('sink-gsecops', kafka.bus.topics.events)) === String(net.length + other.length),
      30_000,
    );
    const ids = (e: Record<string, unknown>) => (e.additional as { fields: Record<string, string> }).fields['vigil.id'];
    expect(api.events.map(ids).sort()).toEqual(
      net
        .filter((_, i) => i !== 33)
        .map((d) => d.vigil.id)
        .sort(),
    );
    expect(api.events.find((e) => ids(e) === 'id-5')).toEqual({
      metadata: { event_timestamp: '2026-03-01T10:00:05.000Z', event_type: 'NETWORK_CONNECTION' },
      principal: { ip: ['10.1.2.5'], port: 40005 },
      target: { ip: ['192.0.2.7'], port: 443 },
      network: { ip_protocol: 'TCP' },
      security_result: [{ action: ['BLOCK'] }],
      additional: { fields: { 'event.dataset': 'fw', 'vigil.id': 'id-5' } },
    });
    expect(api.statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(kafka.letters.filter((l) => l.component === 'gsecops')).toHaveLength(1);
    expect(letter.code).toBe('SINK_REJECT');
    expect(letter.reason).toBe(
      'gsecops: secops sink gsecops: HTTP 400 INVALID_ARGUMENT: invalid event at index 0: principal.ip: invalid IP address "10.1.2.999"',
    );
    expect((JSON.parse(letter.raw.data) as { vigil: { id: string } }).vigil.id).toBe('id-33');
  }, 150_000);

  it('sends the original message in unstructured mode', async () => {
    kafka.running.push(
      await startSecopsSink({
        sink: sinkConfig({ id: 'graw', mode: 'unstructured', logType: 'LINUX', routes: undefined }),
        bus: kafka.bus,
      }),
    );
    await waitFor('logs imported', async () => api.logs.length >= 180, 60_000, 200);
    expect(api.logs.every((l) => l.logType === 'LINUX')).toBe(true);
    // Without event.original or message, the document itself is the log.
    expect(JSON.parse(Buffer.from(api.logs[0]!.data, 'base64').toString())).toMatchObject({ vigil: { id: 'id-0' } });
  }, 90_000);

  it('refuses to start with a key the token URI refuses, naming the sink', async () => {
    api.writeKeyFile(join(dir, 'rogue.json'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    await expect(
      startSecopsSink({ sink: sinkConfig({ id: 'gbad', credentialsFile: join(dir, 'rogue.json') }), bus: kafka.bus }),
    ).rejects.toThrow(/^secops sink gbad: the token URI refused service account .*: HTTP 400 invalid_grant: Invalid JWT Signature\./);
  });
});
