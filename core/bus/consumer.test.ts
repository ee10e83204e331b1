import type { EachBatchPayload, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../cli/config/schema.js';
import { startConsumer } from './consumer.js';

/** A kafkajs consumer that hands the test the `eachBatch` it was run with. */
function fakeKafka(): { kafka: Kafka; eachBatch: Promise<(p: EachBatchPayload) => Promise<void>>; commits: unknown[] } {
  let give: (fn: (p: EachBatchPayload) => Promise<void>) => void = () => undefined;
  const eachBatch = new Promise<(p: EachBatchPayload) => Promise<void>>((resolve) => (give = resolve));
  const commits: unknown[] = [];
  const consumer = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash', STOP: 'stop', DISCONNECT: 'disconnect', CONNECT: 'connect', FETCH: 'fetch' },
    on: () => () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (o: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => give(o.eachBatch),
    commitOffsets: async (o: unknown) => void commits.push(o),
    stop: async () => undefined,
    disconnect: async () => undefined,
  };
  return { kafka: { consumer: () => consumer } as unknown as Kafka, eachBatch, commits };
}

const payload = (heartbeat: () => Promise<void>) =>
  ({
    batch: { topic: 't', partition: 0, messages: [{ offset: '7', key: null, value: Buffer.from('x'), timestamp: '0', headers: {} }] },
    heartbeat,
    isRunning: () => true,
    isStale: () => false,
    resolveOffset: () => undefined,
  }) as unknown as EachBatchPayload;

/** kafkajs's error for a heartbeat refused because the group is rebalancing. */
const rebalancing = () => Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });

describe('the consumer loop meets a rebalance inside a batch', () => {
  it('gives the rebalance back to kafkajs (which rejoins) instead of retrying the batch, and commits nothing', async () => {
    const { kafka, eachBatch, commits } = fakeKafka();
    let calls = 0;
    await startConsumer(kafka, defaultConfig().kafka, {
      groupId: 'g',
      topics: ['t'],
      component: 'test',
      handler: async (_records, ctx) => {
        calls++;
        await ctx.heartbeat(); // as a sink does while it waits on a slow endpoint
      },
    });
    const run = (await eachBatch)(payload(async () => Promise.reject(rebalancing())));
    const settled = await Promise.race([
      run.then(
        () => 'resolved',
        (err: unknown) => err,
      ),
      new Promise((r) => setTimeout(() => r('still retrying'), 3000)),
    ]);
    expect(settled).toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(calls).toBe(1);
    expect(commits).toEqual([]);
  });

  it('finds the rebalance under a wrapping error and still retries other failures', async () => {
    const { kafka, eachBatch, commits } = fakeKafka();
    let calls = 0;
    await startConsumer(kafka, defaultConfig().kafka, {
      groupId: 'g',
      topics: ['t'],
      component: 'test',
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('endpoint down');
        if (calls === 2) throw new Error('delivery stopped', { cause: Object.assign(new Error('gone'), { type: 'UNKNOWN_MEMBER_ID' }) });
      },
    });
    const fn = await eachBatch;
    await expect(fn(payload(async () => undefined))).rejects.toMatchObject({ type: 'UNKNOWN_MEMBER_ID' });
    expect(calls).toBe(2);
    await fn(payload(async () => undefined));
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '8' }]]);
  });
});
