import { describe, expect, it } from 'vitest';
import type { BatchContext, InRecord } from '../../core/bus/index.js';
import type { DeadLetter } from '../../core/deadletter/index.js';
import { logger } from '../../core/telemetry/index.js';
import { createSinkHandler } from './deliver.js';
import type { DeliverFn, Outgoing } from './types.js';

const TOPIC = 'u.vigil.events';
const rec = (i: number, value = JSON.stringify({ n: i })): InRecord => ({
  topic: TOPIC,
  partition: 0,
  offset: String(i),
  key: null,
  value: Buffer.from(value),
  headers: {},
  timestamp: 0,
});
const ctx: BatchContext = { topic: TOPIC, partition: 0, heartbeat: async () => undefined, isStopping: () => false };
const n = (o: Outgoing) => (o.doc as { n: number }).n;

function handler(deliver: DeliverFn, over: { timeoutMs?: number; maxRetries?: number } = {}) {
  const letters: DeadLetter[] = [];
  const h = createSinkHandler({
    id: 'unit',
    deliver,
    topics: new Map([[TOPIC, 'events']]),
    batchSize: 2,
    maxRetries: over.maxRetries ?? 1,
    backoff: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    timeoutMs: over.timeoutMs ?? 1000,
    deadLetter: async (l) => void letters.push(...l),
    log: logger('test'),
    sleep: async () => undefined,
  });
  return { h, letters };
}

describe('sink batch handler', () => {
  it('hands the sink chunks of batchSize in order, with each record as JSON', async () => {
    const seen: number[][] = [];
    const { h } = handler(async (batch) => {
      seen.push(batch.map(n));
      expect(batch.map((o) => o.json)).toEqual(batch.map((o) => o.source.value.toString()));
      return batch.map(() => ({ outcome: 'ok' }));
    });
    await h([rec(1), rec(2), rec(3)], ctx);
    expect(seen).toEqual([[1, 2], [3]]);
  });

  it('retries a call that answered the wrong number of verdicts, and one that timed out (aborting it)', async () => {
    let calls = 0;
    let aborted = false;
    const { h, letters } = handler(
      async (batch, { signal }) => {
        calls++;
        if (calls === 1) return [];
        if (calls === 2) {
          signal.addEventListener('abort', () => (aborted = true));
          return new Promise(() => undefined);
        }
        return batch.map(() => ({ outcome: 'ok' as const }));
      },
      { timeoutMs: 50 },
    );
    await h([rec(1)], ctx);
    expect(calls).toBe(3);
    expect(aborted).toBe(true);
    expect(letters).toEqual([]);
  });

  it('dead-letters rejects at once and retries up to maxRetries, with the reason and origin', async () => {
    const tries = new Map<number, number>();
    const { h, letters } = handler(
      async (batch) =>
        batch.map((o) => {
          tries.set(n(o), (tries.get(n(o)) ?? 0) + 1);
          return n(o) === 1 ? { outcome: 'reject', reason: '400 bad field' } : { outcome: 'retry', reason: '503 busy' };
        }),
      { maxRetries: 2 },
    );
    await h([rec(1), rec(2), rec(3, '[1,2]')], ctx);
    expect(tries).toEqual(
      new Map([
        [1, 1],
        [2, 3],
      ]),
    );
    expect(letters.map((l) => [l.code, l.origin?.offset, l.reason])).toEqual([
      ['EVENT_INVALID', '3', 'unit: the record is not a JSON object'],
      ['SINK_REJECT', '1', 'unit: 400 bad field'],
      ['SINK_RETRY', '2', 'unit: still refused after 3 attempts: 503 busy'],
    ]);
  });

  it('gives up a batch (uncommitted, no dead letters) when the consumer is stopping', async () => {
    const { h, letters } = handler(async () => {
      throw new Error('down');
    });
    let stopping = false;
    const stoppingCtx: BatchContext = { ...ctx, heartbeat: async () => void (stopping = true), isStopping: () => stopping };
    await expect(h([rec(1)], stoppingCtx)).rejects.toThrow(/stopping with 1 records not yet delivered/);
    expect(letters).toEqual([]);
  });
});
