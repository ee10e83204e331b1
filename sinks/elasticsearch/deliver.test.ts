import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import type { BatchContext, InRecord } from '../../core/bus/index.js';
import type { DeadLetter } from '../../core/deadletter/index.js';
import { isVigilError } from '../../core/errors/index.js';
import { logger } from '../../core/telemetry/index.js';
import { createBatchHandler, type BulkFn, type BulkResult } from './deliver.js';
import { encodeTarget } from './encode.js';
import { resolveSinkConfig } from './config.js';

const TOPIC = 't.vigil.events';
const cfg = resolveSinkConfig(
  { id: 'es', type: 'elasticsearch', topics: ['events'], batchSize: 3, maxRetries: 2 },
  { node: 'http://x', indexPrefix: 'p' },
);

const record = (i: number, value?: string): InRecord => ({
  topic: TOPIC,
  partition: 0,
  offset: String(i),
  key: null,
  value: Buffer.from(value ?? JSON.stringify({ '@timestamp': '2025-01-01T00:00:00Z', vigil: { id: `id${i}` } })),
  headers: {},
  timestamp: 1,
});

const ctx = (stopping = () => false): BatchContext => ({
  topic: TOPIC,
  partition: 0,
  heartbeat: async () => undefined,
  isStopping: stopping,
});

type Decide = (id: string, call: number) => { status: number; error?: { type: string; reason: string } };

/** The lines of a bulk body, parsed. */
const lines = (body: Buffer): unknown[] =>
  body
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

/** A fake `_bulk` that records every request and answers per document id. */
function fakeBulk(decide: Decide) {
  const calls: string[][] = [];
  const bulk: BulkFn = async (body) => {
    const operations = lines(body);
    const ids: string[] = [];
    const items: BulkResult['items'] = [];
    for (const line of operations) {
      const action = Object.entries(line as Record<string, { _id?: string }>)[0];
      if (action && ['index', 'create', 'delete'].includes(action[0]) && action[1]?._id !== undefined) {
        ids.push(action[1]._id);
        items.push({ [action[0]]: decide(action[1]._id, calls.length) });
      }
    }
    calls.push(ids);
    return { items };
  };
  return { bulk, calls };
}

/** The document ids of a `_bulk` body, in order. */
const idsOf = (body: Buffer): string[] =>
  lines(body).flatMap((line) => Object.values(line as Record<string, { _id?: string }>).flatMap((a) => a?._id ?? []));

function handler(
  bulk: BulkFn,
  over: { maxRetries?: number; batchSize?: number; concurrency?: number; target?: ReturnType<typeof encodeTarget> } = {},
) {
  const letters: DeadLetter[] = [];
  const h = createBatchHandler({
    id: 'es',
    bulk,
    deadLetter: async (l) => void letters.push(...l),
    targets: new Map([[TOPIC, over.target ?? encodeTarget(cfg, 'events')]]),
    batchSize: over.batchSize ?? cfg.batchSize,
    ...(over.concurrency !== undefined ? { concurrency: over.concurrency } : {}),
    maxRetries: over.maxRetries ?? cfg.maxRetries,
    backoff: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    log: logger('test').child({}, { level: 'silent' }),
    sleep: async () => undefined,
  });
  return { h, letters };
}

describe('batch delivery', () => {
  it('splits batches larger than batchSize, in order', async () => {
    const { bulk, calls } = fakeBulk(() => ({ status: 201 }));
    const { h, letters } = handler(bulk);
    await h(
      [1, 2, 3, 4, 5, 6, 7].map((i) => record(i)),
      ctx(),
    );
    expect(calls).toEqual([['id1', 'id2', 'id3'], ['id4', 'id5', 'id6'], ['id7']]);
    expect(letters).toEqual([]);
  });

  it('retries only the failed items, then succeeds', async () => {
    const { bulk, calls } = fakeBulk((id, call) =>
      id === 'id2' && call < 2
        ? { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } }
        : { status: 201 },
    );
    const { h, letters } = handler(bulk);
    await h(
      [1, 2, 3].map((i) => record(i)),
      ctx(),
    );
    expect(calls).toEqual([['id1', 'id2', 'id3'], ['id2'], ['id2']]);
    expect(letters).toEqual([]);
  });

  it('dead-letters an item still failing after maxRetries, with the reason', async () => {
    const { bulk, calls } = fakeBulk((id) =>
      id === 'id1'
        ? { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } }
        : { status: 201 },
    );
    const { h, letters } = handler(bulk, { maxRetries: 2 });
    await h([record(1), record(2)], ctx());
    expect(calls).toEqual([['id1', 'id2'], ['id1'], ['id1']]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      stage: 'sink',
      component: 'es',
      code: 'SINK_RETRY',
      origin: { topic: TOPIC, partition: 0, offset: '1' },
    });
    expect(letters[0]?.reason).toMatch(/still refused after 3 attempts: unavailable_shards_exception: primary shard is not active/);
  });

  it('dead-letters mapping errors at once, with the raw record and the ES reason', async () => {
    const { bulk, calls } = fakeBulk((id) =>
      id === 'id2'
        ? { status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse field [source.ip]' } }
        : { status: 201 },
    );
    const { h, letters } = handler(bulk);
    await h(
      [1, 2, 3].map((i) => record(i)),
      ctx(),
    );
    expect(calls).toHaveLength(1);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      code: 'SINK_REJECT',
      reason: 'elasticsearch document_parsing_exception: failed to parse field [source.ip]',
    });
    expect(String(letters[0]?.raw)).toContain('"id2"');
  });

  it('dead-letters records that are not JSON objects, and indexes the rest', async () => {
    const { bulk, calls } = fakeBulk(() => ({ status: 201 }));
    const { h, letters } = handler(bulk);
    await h([record(1), record(2, 'not json'), record(3, '[1]')], ctx());
    expect(calls).toEqual([['id1']]);
    expect(letters.map((l) => [l.code, l.origin?.offset, String(l.raw)])).toEqual([
      ['EVENT_INVALID', '2', 'not json'],
      ['EVENT_INVALID', '3', '[1]'],
    ]);
  });

  it('retries the whole request on network errors without dead-lettering anything', async () => {
    let n = 0;
    const inner = fakeBulk(() => ({ status: 201 }));
    const bulk: BulkFn = async (body) => {
      if (n++ < 5) throw new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200');
      return inner.bulk(body);
    };
    const { h, letters } = handler(bulk, { maxRetries: 0 });
    await h([record(1), record(2)], ctx());
    expect(n).toBe(6);
    expect(inner.calls).toEqual([['id1', 'id2']]);
    expect(letters).toEqual([]);
  });

  it('halves a request refused as a whole (400) until the culprit is alone', async () => {
    const inner = fakeBulk(() => ({ status: 201 }));
    const bulk: BulkFn = async (body) => {
      if (body.includes('"id2"')) {
        const meta = {
          body: { error: { type: 'action_request_validation_exception', reason: 'id is too long' } },
          statusCode: 400,
          headers: {},
          warnings: null,
          meta: {},
        };
        throw new errors.ResponseError(meta as never);
      }
      return inner.bulk(body);
    };
    const { h, letters } = handler(bulk);
    await h(
      [1, 2, 3].map((i) => record(i)),
      ctx(),
    );
    expect(inner.calls.flat().sort()).toEqual(['id1', 'id3']);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ code: 'SINK_REJECT', origin: { offset: '2' } });
    expect(letters[0]?.reason).toContain('action_request_validation_exception: id is too long');
  });

  it('treats a create conflict as already written', async () => {
    const { bulk } = fakeBulk(() => ({
      status: 409,
      error: { type: 'version_conflict_engine_exception', reason: 'document already exists' },
    }));
    const { h, letters } = handler(bulk, { target: encodeTarget({ ...cfg, dataStream: true }, 'events'), batchSize: 10, maxRetries: 0 });
    await h([record(1)], ctx());
    expect(letters).toEqual([]);
  });

  it('leaves the batch unresolved (throws) when stopping before Elasticsearch confirmed', async () => {
    let stopping = false;
    const bulk: BulkFn = async () => {
      stopping = true;
      throw new errors.TimeoutError('Request timed out');
    };
    const { h, letters } = handler(bulk);
    const err = await h(
      [record(1)],
      ctx(() => stopping),
    ).catch((e: unknown) => e);
    expect(isVigilError(err, 'SINK_RETRY')).toBe(true);
    expect(letters).toEqual([]);
  });
});

describe('requests in flight at once', () => {
  it('sends `concurrency` bulk requests of one batch at once, after deduplicating the whole batch by id', async () => {
    let inFlight = 0;
    let most = 0;
    const calls: string[][] = [];
    const bulk: BulkFn = async (body) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      const ids = idsOf(body);
      calls.push(ids);
      return { items: ids.map(() => ({ index: { status: 201 } })) };
    };
    const { h, letters } = handler(bulk, { batchSize: 2, concurrency: 3, maxRetries: 2 });
    // id1 twice, in what would be the first and the third request: only its later write goes.
    const later = JSON.stringify({ '@timestamp': '2025-01-01T00:00:01Z', vigil: { id: 'id1' }, v: 2 });
    await h([record(1), record(2), record(3), record(4), record(5), record(6, later), record(7)], ctx());
    expect(most).toBe(3);
    expect(calls.flat().sort()).toEqual(['id1', 'id2', 'id3', 'id4', 'id5', 'id7']);
    expect(letters).toEqual([]);
  });

  it('holds a partition to `concurrency` requests across its batches in delivery at once, each partition its own', async () => {
    const inFlight = new Map<number, number>();
    const most = new Map<number, number>();
    const bulk: BulkFn = async (body) => {
      const ids = idsOf(body);
      const partition = Number((ids[0] as string).split('-')[0]);
      inFlight.set(partition, (inFlight.get(partition) ?? 0) + 1);
      most.set(partition, Math.max(most.get(partition) ?? 0, inFlight.get(partition) as number));
      await new Promise((r) => setTimeout(r, 20));
      inFlight.set(partition, (inFlight.get(partition) as number) - 1);
      return { items: ids.map(() => ({ index: { status: 201 } })) };
    };
    const { h } = handler(bulk, { batchSize: 1, concurrency: 2, maxRetries: 2 });
    const batch = (partition: number, from: number): InRecord[] =>
      [from, from + 1, from + 2].map((i) => ({
        ...record(i, JSON.stringify({ '@timestamp': '2025-01-01T00:00:00Z', vigil: { id: `${partition}-${i}` } })),
        partition,
      }));
    const on = (partition: number): BatchContext => ({ ...ctx(), partition });
    // Two batches of partition 0 in delivery at once (a pipelined consumer), one of partition 1.
    await Promise.all([h(batch(0, 0), on(0)), h(batch(0, 3), on(0)), h(batch(1, 0), on(1))]);
    expect(most.get(0)).toBe(2); // not 4: the two batches share the partition's slots
    expect(most.get(1)).toBe(2);
  });
});
