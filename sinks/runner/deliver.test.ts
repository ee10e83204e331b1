import { beforeEach, describe, expect, it } from 'vitest';
import type { BatchContext, InRecord } from '../../core/bus/index.js';
import type { DeadLetter } from '../../core/deadletter/index.js';
import { logger, metrics } from '../../core/telemetry/index.js';
import { callFailure } from './call-failure.js';
import { createSinkHandler } from './deliver.js';
import type { DeliverFn, IntakeFn, Outgoing } from './types.js';

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

function handler(deliver: DeliverFn, over: { timeoutMs?: number; maxRetries?: number; sleep?: (ms: number) => Promise<void> } = {}) {
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
    sleep: over.sleep ?? (async () => undefined),
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

  it('sends a call with an unavailable verdict again whole, without limit, after its Retry-After, and dead-letters nothing for it', async () => {
    const calls: number[][] = [];
    const waits: number[] = [];
    const { h, letters } = handler(
      async (batch) => {
        calls.push(batch.map(n));
        // Five answers about the whole request (more than maxRetries), then one about each record.
        if (calls.length <= 5) {
          return batch.map((o) =>
            n(o) === 1 ? { outcome: 'ok' } : { outcome: 'unavailable', reason: 'HTTP 503 no healthy upstream', retryAfterMs: 4000 },
          );
        }
        return batch.map((o) => (n(o) === 2 ? { outcome: 'reject', reason: 'HTTP 400 bad field' } : { outcome: 'ok' }));
      },
      { maxRetries: 1, sleep: async (ms) => void waits.push(ms) },
    );
    await h([rec(1), rec(2)], ctx);
    // The record the far end took is sent again with the rest: the call, not the record, failed.
    expect(calls).toEqual(Array.from({ length: 6 }, () => [1, 2]));
    // Each failed call waits its Retry-After (in heartbeat slices), not the 1 ms backoff.
    expect(waits.reduce((a, b) => a + b, 0)).toBe(5 * 4000);
    expect(letters.map((l) => [l.code, l.origin?.offset, l.reason])).toEqual([['SINK_REJECT', '2', 'unit: HTTP 400 bad field']]);
  });

  it('reads a call as failed when one verdict is unavailable: the first reason, the longest Retry-After', () => {
    expect(
      callFailure([
        { outcome: 'ok' },
        { outcome: 'unavailable', reason: 'HTTP 429', retryAfterMs: 1000 },
        { outcome: 'unavailable', reason: 'HTTP 503', retryAfterMs: 3000 },
        { outcome: 'retry', reason: 'shard busy' },
      ]),
    ).toEqual({ reason: 'HTTP 429', retryAfterMs: 3000 });
    expect(callFailure([{ outcome: 'unavailable', reason: 'ECONNREFUSED' }])).toEqual({ reason: 'ECONNREFUSED' });
    expect(
      callFailure([{ outcome: 'ok' }, { outcome: 'retry', reason: 'shard busy' }, { outcome: 'reject', reason: 'x' }]),
    ).toBeUndefined();
  });

  it('retries a call that threw without limit, spending no record retries', async () => {
    let calls = 0;
    const { h, letters } = handler(
      async (batch) => {
        if (++calls <= 4) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
        return batch.map(() => ({ outcome: 'ok' as const }));
      },
      { maxRetries: 0 },
    );
    await h([rec(1)], ctx);
    expect(calls).toBe(5);
    expect(letters).toEqual([]);
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

describe('a sink with its own intake', () => {
  const DLQ = 'u.vigil.deadletter';
  const sentCount = async (id: string) =>
    (await metrics.sent.get()).values.find((v) => v.labels.kind === 'sink' && v.labels.id === id)?.value ?? 0;
  const droppedCount = async (id: string) =>
    (await metrics.dropped.get()).values.find((v) => v.labels.id === id && v.labels.reason === 'deadletter_not_indexed')?.value ?? 0;

  /** Reads each record's value as a number; `x` is invalid; the batch's second `5` supersedes its first. */
  const intake: IntakeFn<{ source: InRecord; v: number }> = (records) => {
    const seen = new Set<string>();
    const out: Array<{ source: InRecord; v: number }> = [];
    const invalid: Array<{ record: InRecord; reason: string }> = [];
    let superseded = 0;
    for (const r of [...records].reverse()) {
      const text = r.value.toString();
      if (text === 'x') invalid.unshift({ record: r, reason: 'not a number' });
      else if (seen.has(text)) superseded++;
      else {
        seen.add(text);
        out.unshift({ source: r, v: Number(text) });
      }
    }
    return { out, invalid, superseded };
  };

  const letters: DeadLetter[] = [];
  const common = {
    batchSize: 1,
    maxRetries: 0,
    backoff: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    timeoutMs: 1000,
    deadLetter: async (l: DeadLetter[]) => void letters.push(...l),
    log: logger('test').child({}, { level: 'silent' }),
    sleep: async () => undefined,
  };
  beforeEach(() => void (letters.length = 0));

  function intakeHandler(id: string, topic: string, logical: 'events' | 'deadletter', deliver: DeliverFn<{ source: InRecord; v: number }>) {
    const h = createSinkHandler({ ...common, id, deliver, intake, concurrency: 3, who: 'far-end', topics: new Map([[topic, logical]]) });
    return { h, letters };
  }

  it('delivers what its intake made, chunks at once, counting each confirmed or superseded record once', async () => {
    let inFlight = 0;
    let most = 0;
    const { h, letters } = intakeHandler('intake-unit', TOPIC, 'events', async (batch) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return batch.map((o) => (o.v === 4 ? { outcome: 'reject', reason: 'four is refused' } : { outcome: 'ok' }));
    });
    const before = await sentCount('intake-unit');
    await h([rec(1, '5'), rec(2, '2'), rec(3, 'x'), rec(4, '3'), rec(5, '4'), rec(6, '5')], ctx);
    expect(most).toBe(3);
    // 2, 3 and the second 5 confirmed, the first 5 superseded; 4 refused, x invalid.
    expect((await sentCount('intake-unit')) - before).toBe(4);
    expect(letters.map((l) => [l.code, l.origin?.offset, l.reason])).toEqual([
      ['EVENT_INVALID', '3', 'not a number'],
      ['SINK_REJECT', '5', 'far-end four is refused'],
    ]);
  });

  it('never dead-letters a dead letter again: it stays on the dead-letter topic, counted as dropped', async () => {
    const { h, letters } = intakeHandler('intake-dlq', DLQ, 'deadletter', async (batch) =>
      batch.map(() => ({ outcome: 'reject', reason: 'refused' })),
    );
    const before = await droppedCount('intake-dlq');
    await h([rec(1, '1'), rec(2, 'x')], { ...ctx, topic: DLQ });
    expect(letters).toEqual([]);
    expect((await droppedCount('intake-dlq')) - before).toBe(2);
  });

  it('refuses the dead-letter topic to a sink without an intake of its own', async () => {
    const h = createSinkHandler({
      ...common,
      id: 'plain',
      deliver: async (batch) => batch.map(() => ({ outcome: 'ok' })),
      topics: new Map([[DLQ, 'deadletter']]),
    });
    await expect(h([rec(1)], { ...ctx, topic: DLQ })).rejects.toThrow(/dead-letter topic/);
  });
});
