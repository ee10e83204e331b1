import type { BatchContext, BatchHandler, InRecord } from '../../core/bus/index.js';
import type { DeadLetter } from '../../core/deadletter/index.js';
import { VigilError, type ErrorCode } from '../../core/errors/index.js';
import { backoffDelay, sleep, type BackoffPolicy } from '../../core/retry/index.js';
import { metrics, type Logger } from '../../core/telemetry/index.js';
import { classifyItem, classifyRequestError, type EsErrorCause, type ItemResult, type Verdict } from './classify.js';
import { pool } from '../runner/pool.js';
import { bulkOperations, dedupeOps, encodeRecord, type BulkOp, type EncodeTarget } from './encode.js';

/**
 * The batch → bulk → classify → retry → dead-letter path, apart from the cluster lifecycle
 * (sink.ts) so that it can be tested against a fake `bulk`.
 */

/** The part of a bulk response this module reads. */
export interface BulkResult {
  items: Array<Partial<Record<ItemResult['op'], { status: number; error?: EsErrorCause }>>>;
}

export type BulkFn = (operations: unknown[]) => Promise<BulkResult>;

export interface DeliveryOptions {
  /** Sink id: metrics label, log field, dead-letter component. */
  id: string;
  bulk: BulkFn;
  /**
   * Called before each bulk attempt with the operations to send; returns them (same order, same
   * length) as they are to be sent: analyst-edits.ts makes incident writes conditional there.
   */
  prepare?: (ops: BulkOp[]) => Promise<BulkOp[]>;
  /** Writes dead letters durably (resolves after Kafka acknowledged them). */
  deadLetter: (letters: DeadLetter[]) => Promise<void>;
  /** Full topic name → where its records go. */
  targets: ReadonlyMap<string, EncodeTarget>;
  /** Documents per bulk request. */
  batchSize: number;
  /** Bulk requests of one batch in flight at once. Default 1. */
  concurrency?: number;
  /** Retries of an item that failed retriably before it is dead-lettered (0 = dead-letter at once). */
  maxRetries: number;
  backoff: BackoffPolicy;
  log: Logger;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** kafkajs sessions last 30 s: never wait longer than this without a heartbeat. */
const HEARTBEAT_SLICE_MS = 3000;

/** Per-batch state: what was confirmed, what must be dead-lettered. */
interface BatchState {
  sent: number;
  letters: DeadLetter[];
}

export function createBatchHandler(opts: DeliveryOptions): BatchHandler {
  const labels = { kind: 'sink', id: opts.id } as const;
  const pause = opts.sleep ?? ((ms: number) => sleep(ms));

  const letter = (record: InRecord, code: ErrorCode, reason: string): DeadLetter => ({
    stage: 'sink',
    component: opts.id,
    code,
    reason,
    raw: record.value,
    origin: { topic: record.topic, partition: record.partition, offset: record.offset },
  });

  /** Waits `ms` in slices, heartbeating; a rebalance surfaces as a thrown heartbeat, which abandons the batch. */
  async function wait(ms: number, ctx: BatchContext): Promise<void> {
    let left = ms;
    while (left > 0 && !ctx.isStopping()) {
      const slice = Math.min(left, HEARTBEAT_SLICE_MS);
      await pause(slice);
      left -= slice;
      await ctx.heartbeat();
    }
  }

  function stopIfStopping(ctx: BatchContext, pending: number): void {
    if (ctx.isStopping()) {
      // Leaving the batch uncommitted is safe: it is re-read and the writes are idempotent.
      throw new VigilError('SINK_RETRY', `sink ${opts.id} is stopping with ${pending} documents not yet confirmed by Elasticsearch`);
    }
  }

  /** One log line per failure class of one bulk response (not one per document). */
  function logFailures(failures: Array<{ op: BulkOp; verdict: Verdict }>, attempt: number, gaveUp: number): void {
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
      if (verdict.outcome === 'reject') opts.log.error(fields, 'Elasticsearch rejected documents; dead-lettering them');
      else opts.log.warn(fields, 'Elasticsearch refused documents for now; retrying them');
    }
    if (gaveUp > 0)
      opts.log.error({ count: gaveUp, maxRetries: opts.maxRetries }, 'documents still refused after the last retry; dead-lettering them');
  }

  /**
   * Delivers `ops` (at most batchSize) until each one is confirmed or dead-lettered. Whole-request
   * failures are retried without limit (a cluster that is down must not empty the topic into
   * the dead-letter queue); failed items are retried up to maxRetries.
   */
  async function deliver(ops: BulkOp[], ctx: BatchContext, state: BatchState): Promise<void> {
    let pending = ops;
    const tries = new Map<BulkOp, number>();
    let requestAttempt = 0;
    let itemRound = 0;
    while (pending.length > 0) {
      stopIfStopping(ctx, pending.length);
      let result: BulkResult;
      try {
        const sent = opts.prepare ? await opts.prepare(pending) : pending;
        result = await opts.bulk(bulkOperations(sent));
        if (!Array.isArray(result.items) || result.items.length !== pending.length) {
          throw new VigilError('SINK_RETRY', `bulk response has ${result.items?.length ?? 0} items for ${pending.length} operations`);
        }
      } catch (err) {
        const c =
          err instanceof VigilError ? { outcome: 'retry' as const, kind: 'bad_response', reason: err.message } : classifyRequestError(err);
        metrics.errors.inc({ ...labels, code: c.outcome === 'split' ? 'SINK_REJECT' : 'SINK_RETRY' });
        if (c.outcome === 'fatal') {
          throw new VigilError('SERVICE_UNAVAILABLE', `Elasticsearch cannot be used: ${c.reason}`, { cause: err });
        }
        if (c.outcome === 'split') {
          if (pending.length === 1) {
            const only = pending[0] as BulkOp;
            opts.log.error(
              { errorType: c.kind, index: only.index, sampleId: only.id, reason: c.reason },
              'Elasticsearch refused a one-document request; dead-lettering it',
            );
            state.letters.push(letter(only.record, 'SINK_REJECT', `elasticsearch ${c.reason}`));
            return;
          }
          opts.log.warn(
            { errorType: c.kind, count: pending.length, reason: c.reason },
            'Elasticsearch refused the bulk request; splitting it',
          );
          const mid = Math.ceil(pending.length / 2);
          await deliver(pending.slice(0, mid), ctx, state);
          await deliver(pending.slice(mid), ctx, state);
          return;
        }
        const delay = backoffDelay(++requestAttempt, opts.backoff);
        const fields = { errorType: c.kind, count: pending.length, attempt: requestAttempt, delayMs: delay, reason: c.reason };
        if (c.outcome === 'auth') opts.log.error(fields, 'Elasticsearch refused the credentials; retrying the bulk request');
        else opts.log.warn(fields, 'bulk request failed; retrying it');
        await wait(delay, ctx);
        continue;
      }
      requestAttempt = 0;

      const retry: BulkOp[] = [];
      const failures: Array<{ op: BulkOp; verdict: Verdict }> = [];
      let gaveUp = 0;
      result.items.forEach((item, i) => {
        const op = pending[i] as BulkOp;
        const [kind, res] = (Object.entries(item)[0] ?? [op.op, { status: 0 }]) as [
          ItemResult['op'],
          { status: number; error?: EsErrorCause },
        ];
        const verdict = classifyItem({ op: kind, status: res.status, error: res.error });
        if (verdict.outcome === 'ok') {
          state.sent++;
          return;
        }
        failures.push({ op, verdict });
        if (verdict.outcome === 'reject') {
          metrics.errors.inc({ ...labels, code: 'SINK_REJECT' });
          state.letters.push(letter(op.record, 'SINK_REJECT', `elasticsearch ${verdict.reason}`));
          return;
        }
        metrics.errors.inc({ ...labels, code: 'SINK_RETRY' });
        const n = (tries.get(op) ?? 0) + 1;
        tries.set(op, n);
        if (n > opts.maxRetries) {
          gaveUp++;
          state.letters.push(letter(op.record, 'SINK_RETRY', `elasticsearch still refused after ${n} attempts: ${verdict.reason}`));
        } else {
          retry.push(op);
        }
      });
      if (failures.length > 0) logFailures(failures, itemRound + 1, gaveUp);
      pending = retry;
      if (pending.length > 0) await wait(backoffDelay(++itemRound, opts.backoff), ctx);
      else await ctx.heartbeat();
    }
  }

  /**
   * A dead letter Elasticsearch refuses is not dead-lettered again: it would come back to this
   * sink on the same topic, be refused again, and go round for ever. It stays on the dead-letter
   * topic, and the refusal is counted and logged.
   */
  function notIndexedDeadLetters(letters: DeadLetter[]): DeadLetter[] {
    if (letters.length > 0) {
      metrics.dropped.inc({ ...labels, reason: 'deadletter_not_indexed' }, letters.length);
      const first = letters[0] as DeadLetter;
      opts.log.error(
        { count: letters.length, origin: first.origin, reason: first.reason },
        'dead letters could not be indexed; they stay on the dead-letter topic only',
      );
    }
    return [];
  }

  return async (records, ctx) => {
    metrics.received.inc(labels, records.length);
    const stop = metrics.latency.startTimer(labels);
    const target = opts.targets.get(ctx.topic);
    if (!target) throw new VigilError('SINK_CONFIG', `sink ${opts.id} received records of unconfigured topic ${ctx.topic}`);

    const state: BatchState = { sent: 0, letters: [] };
    const ops: BulkOp[] = [];
    const invalid: Array<{ record: InRecord; reason: string }> = [];
    for (const r of records) {
      const e = encodeRecord(r, target);
      if (e.ok) ops.push(e.op);
      else invalid.push({ record: r, reason: e.reason });
    }
    if (invalid.length > 0) {
      const first = invalid[0] as { record: InRecord; reason: string };
      opts.log.error(
        { count: invalid.length, origin: `${first.record.topic}/${first.record.partition}@${first.record.offset}`, reason: first.reason },
        'records are not JSON objects; dead-lettering them',
      );
      metrics.errors.inc({ ...labels, code: 'EVENT_INVALID' }, invalid.length);
      for (const { record, reason } of invalid) state.letters.push(letter(record, 'EVENT_INVALID', reason));
    }

    // Deduplicated across the whole batch first (the last write of an id wins), so that the
    // requests carry disjoint ids: then their order does not matter and `concurrency` of them go
    // at once, where one at a time left Elasticsearch idle between a response and the next request.
    const { kept, superseded } = dedupeOps(ops);
    state.sent += superseded.length;
    const chunks: BulkOp[][] = [];
    for (let i = 0; i < kept.length; i += opts.batchSize) chunks.push(kept.slice(i, i + opts.batchSize));
    await pool(chunks, opts.concurrency ?? 1, (chunk) => deliver(chunk, ctx, state));

    // Dead letters go out once per batch, after Elasticsearch settled everything else: a batch
    // abandoned half-way (stop, rebalance) then leaves no duplicate dead letters behind.
    await opts.deadLetter(target.topic === 'deadletter' ? notIndexedDeadLetters(state.letters) : state.letters);
    metrics.sent.inc(labels, state.sent);
    stop();
  };
}
