import type { BatchHandler, InRecord } from '../../core/bus/index.js';
import type { DeadLetter } from '../../core/deadletter/index.js';
import { VigilError } from '../../core/errors/index.js';
import type { BackoffPolicy } from '../../core/retry/index.js';
import type { Logger } from '../../core/telemetry/index.js';
import { createSinkHandler, type DeliverFn, type IntakeFn, type Verdict as RecordVerdict } from '../runner/index.js';
import { classifyItem, classifyRequestError, type EsErrorCause, type ItemResult, type Verdict } from './classify.js';
import type { IndexedTopic } from './config.js';
import { bulkBody, dedupeOps, encodeRecord, type BulkOp, type EncodeTarget } from './encode.js';

/**
 * What the Elasticsearch sink gives the shared runner (sinks/runner): how a batch of records
 * becomes bulk operations (`intake`) and how one bulk request is sent and its items read
 * (`deliver`). The loop, the retries, the dead letters, the commits and the counts are the
 * runner's; the cluster lifecycle is sink.ts's.
 */

/** The part of a bulk response this module reads. */
export interface BulkResult {
  items: Array<Partial<Record<NonNullable<ItemResult['op']>, { status: number; error?: EsErrorCause }>>>;
}

/** Sends one `_bulk` request: `body` is its NDJSON (encode.ts's `bulkBody`). */
export type BulkFn = (body: Buffer, signal?: AbortSignal) => Promise<BulkResult>;

/** One record on its way to Elasticsearch: the bulk operation made of it, and the record (for its dead letter). */
export interface BulkRecord {
  readonly op: BulkOp;
  readonly source: InRecord;
}

export interface EsDeliveryOptions {
  bulk: BulkFn;
  /**
   * Called before each bulk attempt with the operations to send; returns them (same order, same
   * length) as they are to be sent: analyst-edits.ts makes incident writes conditional there.
   */
  prepare?: (ops: BulkOp[]) => Promise<BulkOp[]>;
  /** Where each topic's records go. */
  targets: ReadonlyMap<IndexedTopic, EncodeTarget>;
  /** Bulk requests in flight at once per partition, from one batch or two of it (sinks/runner/partition-slots.ts). Default 1. */
  concurrency?: number;
  log: Logger;
}

/** The runner options that make the runner index into Elasticsearch. */
export interface EsDelivery {
  deliver: DeliverFn<BulkRecord>;
  intake: IntakeFn<BulkRecord>;
  concurrency: number;
  /** Dead-letter reasons read `elasticsearch <what Elasticsearch said>`. */
  who: string;
}

export function esDelivery(opts: EsDeliveryOptions): EsDelivery {
  const intake: IntakeFn<BulkRecord> = (records, topic) => {
    const target = opts.targets.get(topic);
    if (!target) throw new VigilError('SINK_CONFIG', `the elasticsearch sink has no index for topic ${topic}`);
    const ops: BulkOp[] = [];
    const invalid: Array<{ record: InRecord; reason: string }> = [];
    for (const r of records) {
      const e = encodeRecord(r, target);
      if (e.ok) ops.push(e.op);
      else invalid.push({ record: r, reason: e.reason });
    }
    // Deduplicated across the whole batch first (the last write of an id wins), so that the
    // requests carry disjoint ids: then their order does not matter and `concurrency` of them go
    // at once, where one at a time left Elasticsearch idle between a response and the next request.
    const { kept, superseded } = dedupeOps(ops);
    return { out: kept.map((op) => ({ op, source: op.record })), invalid, superseded: superseded.length };
  };

  /** One log line per failure class of one bulk response (not one per document). */
  function logFailures(failures: Array<{ op: BulkOp; verdict: Verdict }>, attempt: number): void {
    const groups = new Map<string, { verdict: Verdict; ops: BulkOp[] }>();
    for (const f of failures) {
      const key = `${f.verdict.outcome}:${f.verdict.kind}`;
      const g = groups.get(key) ?? { verdict: f.verdict, ops: [] };
      g.ops.push(f.op);
      groups.set(key, g);
    }
    for (const { verdict, ops } of groups.values()) {
      const first = ops[0] as BulkOp;
      const fields = {
        outcome: verdict.outcome,
        errorType: verdict.kind,
        count: ops.length,
        index: first.index,
        sampleId: first.id,
        origin: `${first.record.topic}/${first.record.partition}@${first.record.offset}`,
        attempt,
        reason: verdict.reason,
      };
      if (verdict.outcome === 'reject') opts.log.error(fields, 'Elasticsearch rejected documents');
      else opts.log.warn(fields, 'Elasticsearch refused documents for now');
    }
  }

  /**
   * One bulk request. A request refused as a whole for its content (400, 413) is halved until the
   * culprit is alone; any other failure of the whole request throws, and the runner sends the
   * same documents again without limit (a cluster that is down must not empty the topic into the
   * dead letter).
   */
  async function send(ops: BulkOp[], signal: AbortSignal, attempt: number): Promise<RecordVerdict[]> {
    let result: BulkResult;
    try {
      const sent = opts.prepare ? await opts.prepare(ops) : ops;
      result = await opts.bulk(bulkBody(sent), signal);
    } catch (err) {
      const c = classifyRequestError(err);
      if (c.outcome === 'fatal') throw new VigilError('SERVICE_UNAVAILABLE', `Elasticsearch cannot be used: ${c.reason}`, { cause: err });
      if (c.outcome === 'split') {
        if (ops.length === 1) {
          const only = ops[0] as BulkOp;
          opts.log.error(
            { errorType: c.kind, index: only.index, sampleId: only.id, reason: c.reason },
            'Elasticsearch refused a one-document request; dead-lettering it',
          );
          return [{ outcome: 'reject', reason: c.reason }];
        }
        opts.log.warn({ errorType: c.kind, count: ops.length, reason: c.reason }, 'Elasticsearch refused the bulk request; splitting it');
        const mid = Math.ceil(ops.length / 2);
        return [...(await send(ops.slice(0, mid), signal, attempt)), ...(await send(ops.slice(mid), signal, attempt))];
      }
      if (c.outcome === 'auth')
        opts.log.error({ errorType: c.kind, count: ops.length, reason: c.reason }, 'Elasticsearch refused the credentials');
      throw new VigilError('SINK_RETRY', `bulk request failed: ${c.kind}: ${c.reason}`, { cause: err });
    }
    if (!Array.isArray(result.items) || result.items.length !== ops.length) {
      throw new VigilError('SINK_RETRY', `bulk response has ${result.items?.length ?? 0} items for ${ops.length} operations`);
    }
    const failures: Array<{ op: BulkOp; verdict: Verdict }> = [];
    const verdicts = result.items.map((item, i): RecordVerdict => {
      const op = ops[i] as BulkOp;
      const [kind, res] = (Object.entries(item)[0] ?? [op.op, { status: 0 }]) as [
        ItemResult['op'],
        { status: number; error?: EsErrorCause },
      ];
      const verdict = classifyItem({ op: kind, status: res.status, error: res.error });
      if (verdict.outcome === 'ok') return { outcome: 'ok' };
      failures.push({ op, verdict });
      return { outcome: verdict.outcome, reason: verdict.reason };
    });
    if (failures.length > 0) logFailures(failures, attempt);
    return verdicts;
  }

  return {
    deliver: (batch, ctx) =>
      send(
        batch.map((r) => r.op),
        ctx.signal,
        ctx.attempt,
      ),
    intake,
    concurrency: opts.concurrency ?? 1,
    who: 'elasticsearch',
  };
}

/**
 * The longest one delivery may take before the runner aborts it and tries again: a backstop
 * only, since the client bounds each request (`requestTimeoutMs`) and one delivery may be an
 * analyst-edit read, a bulk request and the halves of a refused one.
 */
export function deliveryTimeoutMs(requestTimeoutMs: number): number {
  return 10 * requestTimeoutMs;
}

export interface DeliveryOptions extends Omit<EsDeliveryOptions, 'targets'> {
  /** Sink id: metrics label, log field, dead-letter component. */
  id: string;
  /** Writes dead letters durably (resolves after Kafka acknowledged them). */
  deadLetter: (letters: DeadLetter[]) => Promise<void>;
  /** Full topic name → where its records go. */
  targets: ReadonlyMap<string, EncodeTarget>;
  /** Documents per bulk request. */
  batchSize: number;
  /** Retries of an item that failed retriably before it is dead-lettered (0 = dead-letter at once). */
  maxRetries: number;
  backoff: BackoffPolicy;
  /** Timeout of one bulk request, in ms. Default 30000. */
  requestTimeoutMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** The sink's batch handler on the runner, without a consumer (sink.ts starts the runner with the same parts). */
export function createBatchHandler(opts: DeliveryOptions): BatchHandler {
  return createSinkHandler<BulkRecord>({
    id: opts.id,
    ...esDelivery({ ...opts, targets: new Map([...opts.targets.values()].map((t) => [t.topic, t])) }),
    topics: new Map([...opts.targets].map(([name, t]) => [name, t.topic])),
    batchSize: opts.batchSize,
    maxRetries: opts.maxRetries,
    backoff: opts.backoff,
    timeoutMs: deliveryTimeoutMs(opts.requestTimeoutMs ?? 30_000),
    deadLetter: opts.deadLetter,
    log: opts.log,
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
}
