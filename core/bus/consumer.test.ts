import type { EachBatchPayload, Kafka } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../cli/config/schema.js';
import { startConsumer } from './consumer.js';

/** A kafkajs consumer that hands the test the `eachBatch` it was run with, and records what the loop did to it. */
function fakeKafka(): {
  kafka: Kafka;
  eachBatch: Promise<(p: EachBatchPayload) => Promise<void>>;
  commits: unknown[];
  /** What the loop called, in order: `commit <offset>`, `pause`, `stop`, `disconnect`. */
  calls: string[];
  emit(event: string, payload: unknown): void;
} {
  let give: (fn: (p: EachBatchPayload) => Promise<void>) => void = () => undefined;
  const eachBatch = new Promise<(p: EachBatchPayload) => Promise<void>>((resolve) => (give = resolve));
  const commits: unknown[] = [];
  const calls: string[] = [];
  const listeners = new Map<string, Array<(e: { payload: unknown }) => void>>();
  const consumer = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash', STOP: 'stop', DISCONNECT: 'disconnect', CONNECT: 'connect', FETCH: 'fetch' },
    on: (event: string, fn: (e: { payload: unknown }) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
      return () => undefined;
    },
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (o: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => give(o.eachBatch),
    commitOffsets: async (o: Array<{ offset: string }>) => {
      calls.push(...o.map((c) => `commit ${c.offset}`));
      commits.push(o);
    },
    pause: () => void calls.push('pause'),
    stop: async () => void calls.push('stop'),
    disconnect: async () => void calls.push('disconnect'),
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    eachBatch,
    commits,
    calls,
    emit: (event, payload) => listeners.get(event)?.forEach((fn) => fn({ payload })),
  };
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

/** A batch of partition 0 of topic `t` holding `offsets`, whose `resolveOffset` calls land in `resolved`. */
function batchOf(offsets: number[], resolved: string[] = []): EachBatchPayload {
  return {
    batch: {
      topic: 't',
      partition: 0,
      messages: offsets.map((o) => ({ offset: String(o), key: null, value: Buffer.from(`v${o}`), timestamp: '0', headers: {} })),
    },
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
    resolveOffset: (o: string) => void resolved.push(o),
  } as unknown as EachBatchPayload;
}

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open(): void; fail(err: Error): void } {
  let open: () => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { promise, open, fail };
}

/** Lets the loop's promise callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 10));

/** Whether `p` is still pending after the loop had its turn. */
async function pending(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([p.then(() => false), settle().then(() => true)]);
}

/**
 * A pipelined loop whose handler waits, per batch (keyed by its first offset), on a gate the test
 * opens; `handled` lists the first offset of every handler call. The batches of `failOnce` fail
 * their first attempt at once.
 */
async function pipelined(inFlightBatches: number, failOnce: string[] = []) {
  const fake = fakeKafka();
  const gates = new Map<string, ReturnType<typeof gate>>();
  const handled: string[] = [];
  const loop = await startConsumer(fake.kafka, defaultConfig().kafka, {
    groupId: 'g',
    topics: ['t'],
    component: 'test',
    inFlightBatches,
    handler: async (records) => {
      const first = records[0]?.offset as string;
      handled.push(first);
      if (failOnce.includes(first) && handled.filter((f) => f === first).length === 1) throw new Error('endpoint down');
      const g = gate();
      gates.set(first, g);
      await g.promise;
    },
  });
  return { ...fake, loop, handled, gates, eachBatch: await fake.eachBatch };
}

describe('a pipelined consumer loop (inFlightBatches)', () => {
  it('returns from eachBatch once the batch is handed over, so kafkajs fetches the next while it is delivered', async () => {
    const { eachBatch, handled, commits, gates } = await pipelined(2);
    const resolved: string[] = [];
    await eachBatch(batchOf([0, 1, 2], resolved)); // resolves although the handler has not
    expect(handled).toEqual(['0']);
    expect(resolved).toEqual(['2']); // the fetch position moved past the batch
    expect(commits).toEqual([]); // not delivered: not committed
    gates.get('0')?.open();
    await settle();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '3' }]]);
  });

  it('commits in order: a later batch delivered first waits for the earlier one, then one commit covers both', async () => {
    const { eachBatch, commits, gates } = await pipelined(2);
    await eachBatch(batchOf([0, 1, 2]));
    await eachBatch(batchOf([3, 4]));
    gates.get('3')?.open();
    await settle();
    expect(commits).toEqual([]); // offsets 0-2 are still in flight
    gates.get('0')?.open();
    await settle();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '5' }]]);
  });

  it('hands over at most inFlightBatches batches of a partition: the next waits until the oldest was delivered', async () => {
    const { eachBatch, handled, gates, commits } = await pipelined(2);
    await eachBatch(batchOf([0]));
    await eachBatch(batchOf([1]));
    const resolved: string[] = [];
    const third = eachBatch(batchOf([2], resolved));
    expect(await pending(third)).toBe(true);
    expect(handled).toEqual(['0', '1']);
    gates.get('1')?.open(); // a later batch delivered does not make room: the window starts at the oldest undelivered
    expect(await pending(third)).toBe(true);
    gates.get('0')?.open();
    await third;
    expect(handled).toEqual(['0', '1', '2']);
    expect(resolved).toEqual(['2']);
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '2' }]]);
  });

  it('retries a failing batch on the same records and commits nothing past it until it is delivered', async () => {
    const { eachBatch, handled, gates, commits } = await pipelined(2, ['0']);
    await eachBatch(batchOf([0, 1]));
    await eachBatch(batchOf([2, 3]));
    gates.get('2')?.open();
    await settle();
    expect(commits).toEqual([]); // batch 2-3 delivered, but 0-1 failed: nothing is committed past it
    await vi.waitFor(() => expect(handled).toEqual(['0', '2', '0']), { timeout: 2000 }); // retried after its backoff, same first record
    expect(commits).toEqual([]);
    gates.get('0')?.open();
    await settle();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '4' }]]);
  });

  it('on a rebalance, commits nothing of what was still being delivered, and stops retrying it', async () => {
    const { eachBatch, emit, gates, commits, handled } = await pipelined(2);
    await eachBatch(batchOf([0, 1]));
    await eachBatch(batchOf([2]));
    const waiting = eachBatch(batchOf([3])); // waits for room
    emit('join', { memberAssignment: { t: [0] } }); // a new generation, even with the same partition
    const resolved: string[] = [];
    await waiting;
    gates.get('0')?.open();
    gates.get('2')?.fail(new Error('endpoint down'));
    await new Promise((r) => setTimeout(r, 600)); // past the first backoff (at most 200 ms)
    expect(commits).toEqual([]);
    expect(handled).toEqual(['0', '2']); // the waiting batch was not handed over, the failed one not retried
    // The new generation reads the partition again from its committed offset, and commits as usual.
    await eachBatch(batchOf([0, 1], resolved));
    gates.get('0')?.open();
    await settle();
    expect(resolved).toEqual(['1']);
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '2' }]]);
  });

  it('gives a rebalance the handler met back to kafkajs with the next batch, and commits nothing after it', async () => {
    const { eachBatch, gates, commits } = await pipelined(3);
    await eachBatch(batchOf([0]));
    await eachBatch(batchOf([1]));
    gates.get('1')?.open();
    gates.get('0')?.fail(rebalancing());
    await settle();
    await expect(eachBatch(batchOf([2]))).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(commits).toEqual([]);
  });

  it('stop() stops fetching, waits for the batches being delivered, commits them, and only then stops kafkajs', async () => {
    const { eachBatch, loop, gates, calls } = await pipelined(2);
    await eachBatch(batchOf([0, 1]));
    await eachBatch(batchOf([2]));
    const stopped = loop.stop();
    expect(await pending(stopped)).toBe(true);
    expect(calls).toEqual(['pause']);
    gates.get('0')?.open();
    gates.get('2')?.open();
    await stopped;
    expect(calls).toEqual(['pause', 'commit 2', 'commit 3', 'stop', 'disconnect']);
  });

  it('stop() does not wait out the backoff of a failing batch, and leaves it uncommitted', async () => {
    const { eachBatch, loop, gates, calls } = await pipelined(2);
    await eachBatch(batchOf([0]));
    gates.get('0')?.fail(new Error('endpoint down'));
    await settle();
    const t0 = Date.now();
    await loop.stop();
    expect(Date.now() - t0).toBeLessThan(150);
    expect(calls).toEqual(['pause', 'stop', 'disconnect']);
  });
});
