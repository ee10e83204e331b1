/**
 * Vigil against a Kafka broker secured as production ones are: a SASL_SSL listener (PLAIN,
 * SCRAM-SHA-256/512, OAUTHBEARER), client certificates required, the standard authorizer with
 * no access without an ACL, and ACLs that give each stage only what it needs (the ones
 * core/bus/SECURITY.md lists). The broker is a second one, started here on free
 * ports and removed afterwards; the broker `vigil up` runs is not touched.
 *
 * OAUTHBEARER: the broker validates tokens with Kafka's unsecured validator (unsigned JWS, see
 * test/support/secure-kafka.ts); what is tested is Vigil's side, fetching tokens from a token
 * endpoint by the client_credentials grant and presenting them.
 */
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import { defaultConfig } from '../../cli/config/schema.js';
import type { KafkaConfig, KafkaSaslConfig } from '../../core/config/types.js';
import { VigilError } from '../../core/errors/index.js';
import type { InRecord } from '../../core/bus/index.js';
import { startFakeOAuth, type FakeOAuth } from '../support/fake-oauth.js';
import { startSecureKafka, type SecureKafka } from '../support/secure-kafka.js';
import { waitFor } from '../support/wait.js';

const { AclOperationTypes: Op, AclPermissionTypes, AclResourceTypes: Res, ResourcePatternTypes } = kafkajs;

const USERS = {
  scram512: { ingest: 'ingest-secret' },
  scram256: { respond: 'respond-secret' },
  plain: { detect: 'detect-secret' },
};
const OAUTH_CLIENTS = { 'vigil-sink': 'sink-client-secret' };

let kafka: SecureKafka;
let oauth: FakeOAuth;
const buses: Bus[] = [];

function config(sasl: KafkaSaslConfig | undefined, tls: Partial<NonNullable<KafkaConfig['tls']>> | null = {}): KafkaConfig {
  return {
    ...defaultConfig().kafka,
    brokers: [kafka.broker],
    partitions: 1,
    ...(tls === null
      ? {}
      : {
          tls: {
            enabled: true,
            rejectUnauthorized: true,
            caFile: kafka.caFile,
            certFile: kafka.clientCertFile,
            keyFile: kafka.clientKeyFile,
            keyPassword: kafka.clientKeyPassword,
            ...tls,
          },
        }),
    ...(sasl ? { sasl } : {}),
  };
}

function bus(sasl: KafkaSaslConfig | undefined, tls: Partial<NonNullable<KafkaConfig['tls']>> | null = {}, role = 'test'): Bus {
  const b = new Bus(config(sasl, tls), role);
  buses.push(b);
  return b;
}

const scram512 = (username: string, password: string): KafkaSaslConfig => ({ mechanism: 'scram-sha-512', username, password });

/** Rejects with what `p` rejected with, or fails when it resolves; with the time it took. */
async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error('expected a failure, got success');
}

beforeAll(async () => {
  [kafka, oauth] = await Promise.all([startSecureKafka(USERS), startFakeOAuth(OAUTH_CLIENTS)]);
  const admin = bus(scram512(kafka.admin.username, kafka.admin.password), {}, 'admin');
  await admin.provision();
  const t = admin.topics;
  const allow = (
    principal: string,
    resourceType: kafkajs.AclResourceTypes,
    resourceName: string,
    operation: kafkajs.AclOperationTypes,
  ) => ({
    principal: `User:${principal}`,
    host: '*',
    resourceType,
    resourceName,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  const acls = createKafka(config(scram512(kafka.admin.username, kafka.admin.password)), 'acl-admin').admin();
  await acls.connect();
  try {
    await acls.createAcls({
      acl: [
        // ingest: writes events, dead-letters what it cannot parse.
        allow('ingest', Res.TOPIC, t.events, Op.WRITE),
        allow('ingest', Res.TOPIC, t.deadletter, Op.WRITE),
        // detect: reads events in its group, writes alerts.
        allow('detect', Res.TOPIC, t.events, Op.READ),
        allow('detect', Res.GROUP, 'vigil-detect', Op.READ),
        allow('detect', Res.TOPIC, t.alerts, Op.WRITE),
        // respond: reads incidents in its group, writes actions.
        allow('respond', Res.TOPIC, t.incidents, Op.READ),
        allow('respond', Res.GROUP, 'vigil-respond', Op.READ),
        allow('respond', Res.TOPIC, t.actions, Op.WRITE),
        // an Elasticsearch sink (OAUTHBEARER principal = the OAuth client id): reads alerts in its group.
        allow('vigil-sink', Res.TOPIC, t.alerts, Op.READ),
        allow('vigil-sink', Res.GROUP, 'vigil-sink', Op.READ),
      ],
    });
  } finally {
    await acls.disconnect();
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(buses.map((b) => b.close().catch(() => undefined)));
  await oauth?.close();
  await kafka?.stop();
}, 60_000);

/** Consumes `topic` in group `vigil-<name>` until one record arrives. */
async function firstRecord(b: Bus, name: string, topic: string): Promise<InRecord> {
  const got: InRecord[] = [];
  const loop = await b.consume(name, {
    topics: [topic],
    component: `test-${name}`,
    handler: async (records) => {
      got.push(...records);
    },
  });
  try {
    return await waitFor(`a record on ${topic} for ${name}`, async () => got[0], 30_000, 100);
  } finally {
    await loop.stop();
  }
}

describe('Kafka over SASL_SSL with ACLs per stage', () => {
  it('carries a record from ingest (SCRAM-SHA-512) to detect (PLAIN) to a sink (OAUTHBEARER), each with its own ACLs', async () => {
    const ingest = bus(scram512('ingest', USERS.scram512.ingest));
    const detect = bus({ mechanism: 'plain', username: 'detect', password: USERS.plain.detect });
    const sink = bus({
      mechanism: 'oauthbearer',
      oauth: {
        tokenEndpoint: oauth.tokenEndpoint,
        clientId: 'vigil-sink',
        clientSecret: OAUTH_CLIENTS['vigil-sink'],
        refreshBeforeExpirySeconds: 60,
      },
    });

    await (await ingest.producer()).send(ingest.topics.events, [{ key: 'host-1', value: Buffer.from('{"event":1}') }]);
    const event = await firstRecord(detect, 'detect', detect.topics.events);
    expect(event.value.toString()).toBe('{"event":1}');

    await (await detect.producer()).send(detect.topics.alerts, [{ key: 'host-1', value: Buffer.from('{"alert":1}') }]);
    const alert = await firstRecord(sink, 'sink', sink.topics.alerts);
    expect(alert.value.toString()).toBe('{"alert":1}');
    expect(oauth.issued.get('vigil-sink')).toBeGreaterThanOrEqual(1);
  });

  it('connects with SCRAM-SHA-256 and reads in its own group', async () => {
    const admin = bus(scram512(kafka.admin.username, kafka.admin.password));
    await (await admin.producer()).send(admin.topics.incidents, [{ key: 'inc-1', value: Buffer.from('{"incident":1}') }]);
    const respond = bus({ mechanism: 'scram-sha-256', username: 'respond', password: USERS.scram256.respond });
    expect((await firstRecord(respond, 'respond', respond.topics.incidents)).key).toBe('inc-1');
  });

  it('refuses a wrong password at once with BUS_AUTHENTICATION, without retrying', async () => {
    const { err, ms } = await failure(bus(scram512('ingest', 'not-the-password')).producer());
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: 'BUS_AUTHENTICATION', retriable: false });
    expect((err as Error).message).toContain('SCRAM-SHA-512 user "ingest"');
    expect(ms).toBeLessThan(10_000);
  });

  it('refuses a write without a Write ACL with BUS_AUTHORIZATION naming the topic (detect cannot write incidents)', async () => {
    const detect = bus({ mechanism: 'plain', username: 'detect', password: USERS.plain.detect });
    const producer = await detect.producer();
    const { err, ms } = await failure(producer.send(detect.topics.incidents, [{ key: 'x', value: Buffer.from('{}') }]));
    expect(err).toMatchObject({ code: 'BUS_AUTHORIZATION', retriable: false });
    expect((err as Error).message).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect((err as Error).message).toContain(detect.topics.incidents);
    expect(ms).toBeLessThan(10_000);
  });

  it('reports a stage whose writes an ACL refuses as stalled, naming the ACL, and heals when the write goes through', async () => {
    const ingest = bus(scram512('ingest', USERS.scram512.ingest));
    await (await ingest.producer()).send(ingest.topics.events, [{ key: 'stall-1', value: Buffer.from('{"stall":1}') }]);
    const detect = bus({ mechanism: 'plain', username: 'detect', password: USERS.plain.detect });
    const producer = await detect.producer();
    let target = detect.topics.incidents; // no Write ACL for detect: every attempt is refused
    const written: string[] = [];
    const loop = await detect.consume('detect', {
      topics: [detect.topics.events],
      component: 'test-stall',
      handler: async (records) => {
        await producer.send(
          target,
          records.map((r) => ({ key: r.key, value: r.value })),
        );
        written.push(...records.map((r) => String(r.key)));
      },
    });
    try {
      const stalled = await waitFor(
        'the loop to report a stall',
        async () => (loop.state().status === 'stalled' ? loop.state() : undefined),
        30_000,
        100,
      );
      expect(stalled.error).toContain('TOPIC_AUTHORIZATION_FAILED');
      expect(stalled.error).toContain(detect.topics.incidents);
      expect(written).toEqual([]);
      target = detect.topics.alerts; // the "fix": a topic detect may write
      await waitFor('the stall to end', async () => (loop.state().status === 'running' ? true : undefined), 60_000, 200);
      expect(written).toContain('stall-1');
    } finally {
      await loop.stop();
    }
  });

  it('fails fast with BUS_TLS when TLS is off against the SASL_SSL listener', async () => {
    const { err, ms } = await failure(bus(scram512('ingest', USERS.scram512.ingest), null).producer());
    expect(err).toMatchObject({ code: 'BUS_TLS', retriable: false });
    expect((err as Error).message).toContain('tls.enabled');
    expect(ms).toBeLessThan(10_000);
  });

  it('fails fast with BUS_TLS when the broker certificate does not chain to a trusted CA', async () => {
    const { err, ms } = await failure(bus(scram512('ingest', USERS.scram512.ingest), { caFile: undefined }).producer());
    expect(err).toMatchObject({ code: 'BUS_TLS', retriable: false });
    expect(ms).toBeLessThan(10_000);
  });

  it('fails fast with BUS_TLS when the broker wants a client certificate and gets none', async () => {
    const { err, ms } = await failure(
      bus(scram512('ingest', USERS.scram512.ingest), { certFile: undefined, keyFile: undefined, keyPassword: undefined }).producer(),
    );
    expect(err).toMatchObject({ code: 'BUS_TLS', retriable: false });
    expect(ms).toBeLessThan(10_000);
  });

  it('reports refused OAuth client credentials as BUS_OAUTH_TOKEN, not retried', async () => {
    const sink = bus({
      mechanism: 'oauthbearer',
      oauth: { tokenEndpoint: oauth.tokenEndpoint, clientId: 'vigil-sink', clientSecret: 'wrong', refreshBeforeExpirySeconds: 60 },
    });
    const { err, ms } = await failure(sink.producer());
    expect(err).toMatchObject({ code: 'BUS_OAUTH_TOKEN', retriable: false });
    expect((err as Error).message).toContain('invalid_client');
    expect(ms).toBeLessThan(10_000);
  });
});
