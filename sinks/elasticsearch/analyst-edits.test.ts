import { describe, expect, it } from 'vitest';
import type { BatchContext, InRecord } from '../../core/bus/index.js';
import { logger } from '../../core/telemetry/index.js';
import { keepAnalystEdits, withAnalystFields, type CurrentDoc, type MgetFn } from './analyst-edits.js';
import { resolveSinkConfig } from './config.js';
import { createBatchHandler, type BulkFn, type BulkResult } from './deliver.js';
import { bulkBody, encodeTarget, type BulkOp } from './encode.js';

const TOPIC = 't.vigil.incidents';
const cfg = resolveSinkConfig(
  { id: 'es', type: 'elasticsearch', topics: ['incidents'], batchSize: 10, maxRetries: 3 },
  { node: 'http://x', indexPrefix: 'p' },
);
const target = encodeTarget(cfg, 'incidents');
const INDEX = target.index;

type Doc = { '@timestamp'?: string; incident: Record<string, unknown>; vigil: { emitted_status: string } };

/** The incident builder's document: `status` and its copy `vigil.emitted_status`, and the alert count. */
const builderDoc = (status: string, alerts: number): Doc => ({
  '@timestamp': '2026-11-22T09:00:00.000Z',
  incident: { id: 'inc-1', status, alert_count: alerts },
  vigil: { emitted_status: status },
});

const record = (doc: Doc, offset = 0): InRecord => ({
  topic: TOPIC,
  partition: 0,
  offset: String(offset),
  key: 'inc-1',
  value: Buffer.from(JSON.stringify(doc)),
  headers: {},
  timestamp: 1,
});

/**
 * Documents with versions, as Elasticsearch keeps them: `mget` returns `_seq_no` and
 * `_primary_term`; a bulk `index` with `if_seq_no` answers 409 when the document moved on.
 */
class VersionedStore {
  docs = new Map<string, { source: Doc; seqNo: number }>();
  private seq = 0;
  /** Runs before a bulk request is applied (an analyst editing at that moment). */
  beforeBulk: (() => void) | undefined;

  put(id: string, source: Doc): void {
    this.docs.set(id, { source: structuredClone(source), seqNo: this.seq++ });
  }

  /** The analyst's edit in Kibana: a partial update of the status fields. */
  edit(id: string, fields: Record<string, unknown>): void {
    const d = this.docs.get(id) as { source: Doc };
    this.put(id, { ...d.source, incident: { ...d.source.incident, ...fields } });
  }

  mget: MgetFn = async (_index, ids) =>
    ids.map((id): CurrentDoc => {
      const d = this.docs.get(id);
      return d
        ? { _id: id, found: true, _seq_no: d.seqNo, _primary_term: 1, _source: structuredClone(d.source) }
        : { _id: id, found: false };
    });

  bulk: BulkFn = async (body) => {
    const operations = lines(body);
    const hook = this.beforeBulk;
    this.beforeBulk = undefined;
    hook?.();
    const items: BulkResult['items'] = [];
    for (let i = 0; i < operations.length; i += 2) {
      const meta = (operations[i] as { index: { _id: string; if_seq_no?: number } }).index;
      const current = this.docs.get(meta._id);
      if (meta.if_seq_no !== undefined && current?.seqNo !== meta.if_seq_no) {
        items.push({ index: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'version conflict' } } });
        continue;
      }
      this.put(meta._id, operations[i + 1] as Doc);
      items.push({ index: { status: 200 } });
    }
    return { items };
  };
}

/** The lines of a bulk body, parsed. */
function lines(body: Buffer): unknown[] {
  return body
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

const ctx: BatchContext = { topic: TOPIC, partition: 0, heartbeat: async () => undefined, isStopping: () => false };

function sink(store: VersionedStore, guarded = true) {
  return createBatchHandler({
    id: 'es',
    bulk: store.bulk,
    ...(guarded ? { prepare: keepAnalystEdits(INDEX, store.mget) } : {}),
    deadLetter: async () => undefined,
    targets: new Map([[TOPIC, target]]),
    batchSize: 10,
    maxRetries: 3,
    backoff: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    log: logger('test').child({}, { level: 'silent' }),
    sleep: async () => undefined,
  });
}

describe('analyst edits on incident documents', () => {
  it("puts the analyst's fields into the new document and keeps the rest of it", () => {
    const current: CurrentDoc = {
      _id: 'inc-1',
      found: true,
      _source: { incident: { status: 'closed', status_by: 'ana', status_reason: 'benign' }, vigil: { emitted_status: 'open' } },
    };
    expect(withAnalystFields(builderDoc('open', 7), current)).toEqual({
      '@timestamp': '2026-11-22T09:00:00.000Z',
      incident: { id: 'inc-1', status: 'closed', status_by: 'ana', status_reason: 'benign', alert_count: 7 },
      vigil: { emitted_status: 'open' },
    });
  });

  it('makes writes of existing incident documents conditional, and leaves other writes alone', async () => {
    const store = new VersionedStore();
    store.put('inc-1', builderDoc('open', 1));
    store.put('inc-1', builderDoc('open', 2));
    const op = (id: string, index = INDEX): BulkOp => ({ op: 'index', index, id, doc: { a: 1 }, record: record(builderDoc('open', 1)) });
    const out = await keepAnalystEdits(INDEX, store.mget)([op('inc-1'), op('inc-2'), op('inc-1', 'p-alerts')]);
    expect(out.map((o) => o.ifVersion?.seqNo)).toEqual([1, undefined, undefined]);
    expect(lines(bulkBody(out.slice(0, 1)))[0]).toEqual({ index: { _index: INDEX, _id: 'inc-1', if_seq_no: 1, if_primary_term: 1 } });
    expect(lines(bulkBody(out.slice(1, 2)))[0]).toEqual({ index: { _index: INDEX, _id: 'inc-2' } });
  });

  it('keeps an edit the poller has not passed on yet when a new alert updates the incident', async () => {
    const store = new VersionedStore();
    store.put('inc-1', builderDoc('open', 1));
    store.edit('inc-1', { status: 'closed', status_by: 'ana' });
    await sink(store)([record(builderDoc('open', 2))], ctx);
    expect(store.docs.get('inc-1')?.source).toEqual({
      '@timestamp': '2026-11-22T09:00:00.000Z',
      incident: { id: 'inc-1', status: 'closed', status_by: 'ana', alert_count: 2 },
      vigil: { emitted_status: 'open' },
    });
  });

  it('keeps an edit made between the read and the write (409, read again)', async () => {
    for (const guarded of [true, false]) {
      const store = new VersionedStore();
      store.put('inc-1', builderDoc('open', 1));
      store.beforeBulk = () => store.edit('inc-1', { status: 'acknowledged' });
      await sink(store, guarded)([record(builderDoc('open', 2))], ctx);
      const incident = store.docs.get('inc-1')?.source.incident;
      expect(incident?.alert_count).toBe(2);
      // Without the guard (the sink before it), the edit is overwritten.
      expect(incident?.status, guarded ? 'guarded' : 'unguarded').toBe(guarded ? 'acknowledged' : 'open');
    }
  });

  it('keeps a first acknowledgement the document holds and the new version lacks (written by `vigil incidents backfill`)', async () => {
    const store = new VersionedStore();
    store.put('inc-1', builderDoc('closed', 1));
    store.edit('inc-1', { acknowledged_at: '2026-11-22T09:05:00.000Z', minutes_to_acknowledge: 5 });
    // A new alert reopens the incident; the builder never saw the acknowledgement the backfill found.
    await sink(store)([record(builderDoc('open', 2))], ctx);
    expect(store.docs.get('inc-1')?.source.incident).toEqual({
      id: 'inc-1',
      status: 'open',
      alert_count: 2,
      acknowledged_at: '2026-11-22T09:05:00.000Z',
      minutes_to_acknowledge: 5,
    });
    // The builder's own acknowledgement, when it has one, is the one written.
    const own = builderDoc('open', 3);
    own.incident.acknowledged_at = '2026-11-22T09:01:00.000Z';
    own.incident.minutes_to_acknowledge = 1;
    await sink(store)([record(own, 1)], ctx);
    expect(store.docs.get('inc-1')?.source.incident).toMatchObject({
      acknowledged_at: '2026-11-22T09:01:00.000Z',
      minutes_to_acknowledge: 1,
    });
  });

  it('writes the document whole once the builder has taken the edit in', async () => {
    const store = new VersionedStore();
    store.put('inc-1', builderDoc('open', 1));
    store.edit('inc-1', { status: 'closed', status_by: 'ana' });
    await sink(store)([record(builderDoc('closed', 1))], ctx);
    await sink(store)([record(builderDoc('closed', 3), 1)], ctx);
    expect(store.docs.get('inc-1')?.source).toEqual(builderDoc('closed', 3));
  });
});
