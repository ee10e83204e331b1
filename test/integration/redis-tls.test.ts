/**
 * The playbook queue's Redis connection with TLS and an ACL user, against a REAL second
 * redis-server started here with TLS only (a throwaway CA) and the `default` user turned off.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConfig } from '../../core/config/types.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { createRedisClient, redisConnection, StepQueue, startStepWorker, type StepJobData } from '../../playbooks/queue/index.js';
import { startTlsRedis, type TlsRedis } from '../support/tls-redis.js';

const USER = 'vigil-playbooks';
const PASSWORD = randomBytes(12).toString('hex');

/** The first thing the client reports: `ready`, or its first error. */
function firstOutcome(cfg: RedisConfig): Promise<{ ready: boolean; error?: string }> {
  const client = createRedisClient(redisConnection(cfg), 'vigil-test');
  return new Promise<{ ready: boolean; error?: string }>((resolve) => {
    client.once('ready', () => resolve({ ready: true }));
    client.once('error', (err: Error) => resolve({ ready: false, error: err.message }));
    setTimeout(() => resolve({ ready: false, error: 'no answer in 5 s' }), 5000);
  }).finally(() => client.disconnect());
}

describe('Redis with TLS and an ACL user', () => {
  let pki: TestPki;
  let redis: TlsRedis;
  let cfg: RedisConfig;

  beforeAll(async () => {
    pki = makeTestPki();
    redis = await startTlsRedis({
      dir: pki.dir,
      certFile: pki.serverCert,
      keyFile: pki.serverKey,
      caFile: pki.caFile,
      user: USER,
      password: PASSWORD,
    });
    cfg = {
      url: redis.url,
      prefix: `t-${Date.now().toString(36)}`,
      username: USER,
      password: PASSWORD,
      tls: { enabled: true, caFile: pki.caFile },
    };
  });

  afterAll(async () => {
    await redis?.stop();
    pki?.remove();
  });

  it('runs a BullMQ step queue and worker over TLS as the ACL user', async () => {
    const conn = redisConnection(cfg);
    const client = createRedisClient(conn, 'vigil-test-queue');
    const workerClient = createRedisClient(conn, 'vigil-test-worker');
    const queue = new StepQueue(client, cfg.prefix);
    const seen: StepJobData[] = [];
    let done!: () => void;
    const processed = new Promise<void>((resolve) => (done = resolve));
    const worker = startStepWorker({
      connection: workerClient,
      prefix: cfg.prefix,
      concurrency: 1,
      processor: async (job) => {
        seen.push(job.data);
        done();
      },
      onError: () => undefined,
    });
    try {
      await queue.ready();
      await worker.ready();
      expect(await client.acl('WHOAMI')).toBe(USER);
      await queue.enqueue([{ data: { runId: 'r1', playbookId: 'p', step: 's1' }, attempts: 1, backoff: 'fixed', delayMs: 0, jitter: 0 }]);
      await processed;
      expect(seen).toEqual([{ runId: 'r1', playbookId: 'p', step: 's1' }]);
    } finally {
      await worker.close();
      await queue.close();
      client.disconnect();
      workerClient.disconnect();
    }
  }, 30_000);

  it('is refused with a wrong password', async () => {
    const outcome = await firstOutcome({ ...cfg, password: 'wrong' });
    expect(outcome.ready).toBe(false);
    expect(outcome.error).toMatch(/WRONGPASS/);
  });

  it('cannot talk to the TLS port without TLS', async () => {
    const { tls: _tls, ...plain } = cfg;
    expect((await firstOutcome(plain)).ready).toBe(false);
  });

  it('refuses a server whose certificate does not chain to tls.caFile', async () => {
    const outcome = await firstOutcome({ ...cfg, tls: { enabled: true, caFile: pki.rogueCert } });
    expect(outcome.ready).toBe(false);
    expect(outcome.error).toMatch(/self[- ]signed|unable to verify|certificate/i);
  });
});
