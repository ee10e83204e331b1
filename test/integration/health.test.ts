/**
 * `/health/live`, `/health/ready` and the consumer lag gauge of a REAL `vigil run --stage sink`
 * process on the local Kafka and Elasticsearch. A consumer crash is made the way it happens in
 * production: another application already holds the sink's consumer group with a different
 * partition assignor, so the broker refuses the sink's join (INCONSISTENT_GROUP_PROTOCOL, not
 * retriable) and kafkajs stops the consumer for good, while the process itself runs on.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignerProtocol, Kafka, logLevel, type Consumer, type PartitionAssigner } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { exitOf, freePort, spawnVigil } from '../support/child.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

interface Health {
  status: number;
  body: { ok: boolean; checks: Record<string, { ok: boolean; reason?: string }> };
}

async function get(port: number, path: string): Promise<Health> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Health['body'] };
}

/** A partition assignor under another name: a group member using it cannot share a group with kafkajs's RoundRobin. */
const OtherAssigner: PartitionAssigner = () => ({
  name: 'OtherApplicationAssigner',
  version: 1,
  async assign({ members }) {
    const empty = AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: {}, userData: Buffer.alloc(0) });
    return members.map((m) => ({ memberId: m.memberId, memberAssignment: empty }));
  },
  protocol({ topics }) {
    return {
      name: 'OtherApplicationAssigner',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});

describe('vigil run: liveness, readiness and consumer lag', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-health-'));
  let config: VigilConfig;
  let bus: Bus;

  beforeAll(async () => {
    config = testConfig('health');
    config.inputs = [];
    bus = new Bus(config.kafka, 'health-test');
    await bus.provision();
  });

  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
    rmSync(work, { recursive: true, force: true });
  });

  async function start(name: string): Promise<{ child: ChildProcess; port: number; log: string }> {
    const port = await freePort();
    const file = join(work, `${name}.yaml`);
    const ops = { host: '127.0.0.1', port, health: { maxConsumerLag: 5, lagIntervalMs: 1000, checkTimeoutMs: 2000 } };
    writeFileSync(file, stringify({ ...config, ops }));
    const log = join(work, `${name}.log`);
    const child = await spawnVigil(['run', '--config', file, '--stage', 'sink'], log, port);
    return { child, port, log };
  }

  async function stop(child: ChildProcess): Promise<void> {
    child.kill('SIGTERM');
    await exitOf(child);
  }

  it('is ready once the sink consumes and Kafka and Elasticsearch answer', async () => {
    const { child, port, log } = await start('ready');
    try {
      const ready = await waitFor(`ready (log: ${log})`, async () => {
        const h = await get(port, '/health/ready');
        return h.status === 200 ? h : null;
      });
      expect(Object.keys(ready.body.checks).sort()).toEqual(['consumerLag', 'consumers', 'elasticsearch', 'kafka', 'pipeline']);
      expect(Object.values(ready.body.checks).every((c) => c.ok)).toBe(true);
      expect((await get(port, '/health')).status).toBe(200);
      expect((await get(port, '/health/live')).status).toBe(200);
    } finally {
      await stop(child);
    }
  });

  it('is not ready while a consumer has crashed, still live, and shows the lag of its group', async () => {
    const group = `${config.kafka.groupPrefix}-sink-es`;
    const kafka = new Kafka({ clientId: 'other-application', brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
    const other: Consumer = kafka.consumer({ groupId: group, partitionAssigners: [OtherAssigner] });
    await other.connect();
    await other.subscribe({ topics: [bus.topics.events] });
    await other.run({ eachBatch: async () => undefined });
    const { child, port, log } = await start('crashed');
    try {
      const notReady = await waitFor(`the crash reported (log: ${log})`, async () => {
        const h = await get(port, '/health/ready');
        return h.body.checks.pipeline?.ok && h.body.checks.consumers?.ok === false ? h : null;
      });
      expect(notReady.status).toBe(503);
      expect(notReady.body.ok).toBe(false);
      expect(notReady.body.checks.consumers?.reason).toMatch(
        new RegExp(`consumer group ${group} is crashed: .*INCONSISTENT_GROUP_PROTOCOL|${group} is crashed: .*protocol`),
      );
      expect(notReady.body.checks.kafka?.ok).toBe(true);
      expect((await get(port, '/health')).status).toBe(503);
      expect((await get(port, '/health/live')).status).toBe(200);

      // Records nobody consumes: the crashed group's lag grows on /metrics.
      const producer = await bus.producer();
      await producer.send(
        bus.topics.events,
        Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ message: `m${i}` }) })),
      );
      const total = await waitFor(`lag of ${group} on /metrics (log: ${log})`, async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const lines = text
          .split('\n')
          .filter(
            (l) => l.startsWith('vigil_consumer_lag{') && l.includes(`group="${group}"`) && l.includes(`topic="${bus.topics.events}"`),
          );
        const sum = lines.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
        return sum >= 20 ? sum : null;
      });
      expect(total).toBe(20);
      const lagged = await get(port, '/health/ready');
      expect(lagged.body.checks.consumerLag?.ok).toBe(false);
      expect(lagged.body.checks.consumerLag?.reason).toMatch(
        new RegExp(`${group} lags \\d+ records on ${bus.topics.events.replace(/\./g, '\\.')}\\[\\d\\]`),
      );
    } finally {
      await stop(child);
      await other.disconnect();
    }
  });
});
