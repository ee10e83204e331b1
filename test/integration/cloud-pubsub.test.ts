/** The Pub/Sub push endpoint on REAL Kafka: Cloud Audit Logs entries in, ECS out, exactly once. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../cli/config/schema.js';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { withPubSubDefaults } from '../../ingest/inputs/gcp-pubsub/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { pushClaims, signJwt, signingKey, startJwksServer, type JwksServer } from '../support/oidc.js';

const entry = readFileSync(new URL('../fixtures/cloud/gcp-audit/compute-insert.json', import.meta.url), 'utf8');
const denied = readFileSync(new URL('../fixtures/cloud/gcp-audit/storage-get-denied.json', import.meta.url), 'utf8');

const push = (messageId: string, data: string) => ({
  message: {
    attributes: { 'logging.googleapis.com/timestamp': '2023-08-01T12:00:00.045Z' },
    data,
    messageId,
    message_id: messageId,
    publishTime: '2023-08-01T12:00:01.000Z',
    publish_time: '2023-08-01T12:00:01.000Z',
  },
  subscription: 'projects/my-project/subscriptions/vigil-push',
});

const AUDIENCE = 'https://vigil.test/push';
const EMAIL = 'push@vigil-test.iam.gserviceaccount.com';
const key = signingKey('test-key');

let config: VigilConfig;
let pipeline: RunningStages;
let jwks: JwksServer;
let base: string;

beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
  config = testConfig('cloud-pubsub');
  config.sinks = [];
  config.inputs = [
    withPubSubDefaults({ id: 'pubsub', port: 0, oidc: { audience: AUDIENCE, serviceAccountEmail: EMAIL, jwksUrl: jwks.url } }),
  ];
  pipeline = await startStages(config, ['ingest']);
  base = `http://127.0.0.1:${pipeline.ports.pubsub}/push`;
});

afterAll(async () => {
  await pipeline?.close();
  await jwks?.close();
  if (config) await cleanupTest(config);
});

/** Posts as an authenticated push subscription would, with a token for `audience`. */
const send = (body: unknown, audience = AUDIENCE) =>
  fetch(base, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${signJwt(key, { alg: 'RS256', kid: 'test-key', typ: 'JWT' }, pushClaims(audience, EMAIL))}`,
    },
    body: JSON.stringify(body),
  });

describe('gcp-pubsub input on real Kafka', () => {
  it('acknowledges with 2xx after Kafka, dedups a redelivery, refuses a token for another audience, dead-letters a bad envelope', async () => {
    expect((await send(push('1001', Buffer.from(entry).toString('base64')), 'https://elsewhere.test/push')).status).toBe(401);
    const ok = await send(push('1001', Buffer.from(entry).toString('base64')));
    expect(ok.status).toBe(204);
    expect((await send(push('1001', Buffer.from(entry).toString('base64')))).status).toBe(204); // redelivery
    expect((await send(push('1002', Buffer.from(denied).toString('base64')))).status).toBe(204);
    expect((await send({ message: { data: '!!!', messageId: '1003' }, subscription: 'projects/p/subscriptions/s' })).status).toBe(204);

    const events = await pipeline.bus.read(pipeline.bus.topics.events, { until: (r) => r.length >= 2, timeoutMs: 30_000 });
    const docs = events.map(
      (r) =>
        JSON.parse(r.value.toString('utf8')) as {
          event: { action: string; outcome: string };
          user: { email: string };
          labels: Record<string, string>;
        },
    );
    expect(docs.map((d) => [d.event.action, d.event.outcome]).sort()).toEqual([
      ['storage.objects.get', 'failure'],
      ['v1.compute.instances.insert', 'success'],
    ]);
    expect(docs[0]?.labels['logging.googleapis.com/timestamp']).toBeDefined();
    const letters = await pipeline.bus.read(pipeline.bus.topics.deadletter, { until: (r) => r.length >= 1, timeoutMs: 30_000 });
    expect(letters.map((r) => (JSON.parse(r.value.toString('utf8')) as { code: string }).code)).toEqual(['DECODE_PAYLOAD']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pipeline.bus.countRecords(pipeline.bus.topics.events)).toBe(2);
    expect(await pipeline.bus.countRecords(pipeline.bus.topics.deadletter)).toBe(1);
  });
});
