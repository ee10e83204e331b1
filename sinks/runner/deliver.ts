import type { BatchContext, BatchHandler, InRecord } from '../../core/bus/index.js';
import type { DeadLetter } from '../../core/deadletter/index.js';
import { VigilError, errorMessage, type ErrorCode } from '../../core/errors/index.js';
import { backoffDelay, sleep, type BackoffPolicy } from '../../core/retry/index.js';
import { metrics, type Logger } from '../../core/telemetry/index.js';
import { callFailure, type CallFailure } from './call-failure.js';
import { OutgoingRecord } from './outgoing.js';
import { pool } from './pool.js';
import { partitionSlots } from './partition-slots.js';
import type { Deliverable, DeliverFn, Intake, IntakeFn, Outgoing, Parsed, ReadTopic, Router, SinkTopic, Verdict } from './types.js';

/**
 * The batch → route → deliver → retry → dead-letter path every sink shares, apart from the
 * consumer lifecycle (index.ts) so that it can be tested with a fake `deliver`.
 */
export interface BatchHandlerOptions<O extends Deliverable = Outgoing> {
  /** Sink id: metrics label, log field, dead-letter component. */
  id: string;
  deliver: DeliverFn<O>;
  /** The sink's own reading of a batch, in place of JSON parsing and `router` (types.ts). */
  intake?: IntakeFn<O>;
  /**
   * `deliver` calls in flight at once per partition, from one batch or from several of it in
   * delivery together (a pipelined consumer: partition-slots.ts). Default 1: in order, each
   * settled before the next. More only for a sink whose chunks are independent (elasticsearch:
   * ids disjoint after `intake`).
   */
  concurrency?: number;
  /** Names the sink at the start of every dead-letter reason of a refused record. Default `<id>:`. */
  who?: string;
  /** Full topic name → logical topic. */
  topics: ReadonlyMap<string, ReadTopic>;
  /** Records per `deliver` call. */
  batchSize: number;
  /** Retries of a record the sink refused retriably before it is dead-lettered (0 = dead-letter at once). */
  maxRetries: number;
  backoff: BackoffPolicy;
  /** Longest one `deliver` call may take; past it the call is aborted and retried. */
  timeoutMs: number;
  /** Routes; without one every record goes through whole, as route `default`. */
  router?: Router;
  /** Writes dead letters durably (resolves after Kafka acknowledged them). */
  deadLetter: (letters: DeadLetter[]) => Promise<void>;
  log: Logger;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** kafkajs sessions last 30 s: never wait longer than this without a heartbeat. */
const HEARTBEAT_SLICE_MS = 3000;

const passThrough: Router = {
  route: (records) => ({
    out: records.map((r) => new OutgoingRecord(r.topic, r.doc, 'default', r.source, true)),
    settle: () => undefined,
  }),
};

export function createSinkHandler<O extends Deliverable = Outgoing>(opts: BatchHandlerOptions<O>): BatchHandler {
  const labels = { kind: 'sink', id: opts.id } as const;
  const pause = opts.sleep ?? ((ms: number) => sleep(ms));
  const router = opts.router ?? passThrough;
  const who = opts.who ?? `${opts.id}:`;

  const letter = (record: InRecord, code: ErrorCode, reason: string): DeadLetter => ({
    stage: 'sink',
    component: opts.id,
    code,
    reason,
    raw: record.value,
    origin: { topic: record.topic, partition: record.partition, offset: record.offset },
  });

  /** Waits `ms` in slices, heartbeating, and stops early when the consumer is stopping. */
  async function wait(ms: number, ctx: BatchContext): Promise<void> {
    let left = ms;
    while (left > 0 && !ctx.isStopping()) {
      const slice = Math.min(left, HEARTBEAT_SLICE_MS);
      await pause(slice);
      left -= slice;
      await ctx.heartbeat();
    }
  }

  const slots = partitionSlots(opts.concurrency ?? 1);

  /**
   * One `deliver` call, bounded by timeoutMs (its wait for a slot of the partition included),
   * heartbeating while it runs (a slow endpoint must not cost the group membership).
   */
  async function call(batch: O[], attempt: number, ctx: BatchContext): Promise<readonly Verdict[]> {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let beat: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new VigilError('SINK_RETRY', `sink ${opts.id} did not answer within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
    });
    beat = setInterval(() => void ctx.heartbeat().catch(() => undefined), HEARTBEAT_SLICE_MS);
    try {
      const delivered = slots.run(`${ctx.topic}:${ctx.partition}`, ac.signal, () => opts.deliver(batch, { signal: ac.signal, attempt }));
      const verdicts = await Promise.race([delivered, timeout]);
      if (!Array.isArray(verdicts) || verdicts.length !== batch.length) {
        throw new VigilError('SINK_RETRY', `sink ${opts.id} answered ${String(verdicts?.length)} verdicts for ${batch.length} records`);
      }
      return verdicts;
    } finally {
      clearTimeout(timer);
      clearInterval(beat);
      beat = undefined;
    }
  }

  /** Delivers `batch` until every record is confirmed or dead-lettered; returns how many were confirmed. */
  async function deliverAll(batch: O[], ctx: BatchContext, letters: DeadLetter[]): Promise<number> {
    let pending = batch;
    const tries = new Map<O, number>();
    let requestAttempt = 0;
    let itemRound = 0;
    let sent = 0;
    while (pending.length > 0) {
      if (ctx.isStopping()) {
        // Left uncommitted: re-read after the restart; sinks write idempotently or accept a duplicate.
        throw new VigilError('SINK_RETRY', `sink ${opts.id} is stopping with ${pending.length} records not yet delivered`);
      }
      let verdicts: readonly Verdict[] = [];
      let failed: CallFailure | undefined;
      try {
        verdicts = await call(pending, itemRound + requestAttempt + 1, ctx);
        failed = callFailure(verdicts);
      } catch (err) {
        failed = { reason: errorMessage(err) };
      }
      if (failed) {
        // The whole call goes again, however often: an outage spends no record's maxRetries.
        metrics.errors.inc({ ...labels, code: 'SINK_RETRY' });
        const delay = Math.max(backoffDelay(++requestAttempt, opts.backoff), failed.retryAfterMs ?? 0);
        opts.log.warn({ count: pending.length, attempt: requestAttempt, delayMs: delay, err: failed.reason }, 'delivery failed; retrying');
        await wait(delay, ctx);
        continue;
      }
      requestAttempt = 0;
      const retry: O[] = [];
      let rejected = 0;
      let gaveUp = 0;
      let sample: string | undefined;
      verdicts.forEach((v, i) => {
        const o = pending[i] as O;
        if (v.outcome === 'ok') {
          sent++;
          return;
        }
        sample ??= v.reason;
        if (v.outcome === 'reject') {
          rejected++;
          metrics.errors.inc({ ...labels, code: 'SINK_REJECT' });
          letters.push(letter(o.source, 'SINK_REJECT', `${who} ${v.reason}`));
          return;
        }
        metrics.errors.inc({ ...labels, code: 'SINK_RETRY' });
        const n = (tries.get(o) ?? 0) + 1;
        tries.set(o, n);
        if (n > opts.maxRetries) {
          gaveUp++;
          letters.push(letter(o.source, 'SINK_RETRY', `${who} still refused after ${n} attempts: ${v.reason}`));
        } else retry.push(o);
      });
      if (rejected + gaveUp > 0) opts.log.error({ rejected, gaveUp, reason: sample }, 'sink refused records; dead-lettering them');
      if (retry.length > 0)
        opts.log.warn({ count: retry.length, reason: sample, round: itemRound + 1 }, 'sink refused records for now; retrying them');
      pending = retry;
      if (pending.length > 0) await wait(backoffDelay(++itemRound, opts.backoff), ctx);
    }
    return sent;
  }

  return async (records, ctx) => {
    metrics.received.inc(labels, records.length);
    const stop = metrics.latency.startTimer(labels);
    const topic = opts.topics.get(ctx.topic);
    if (!topic) throw new VigilError('SINK_CONFIG', `sink ${opts.id} received records of unconfigured topic ${ctx.topic}`);

    const { out, invalid, superseded, settle } = opts.intake
      ? { ...opts.intake(records, topic), settle: undefined }
      : routeRecords(records, readable(topic));
    const letters: DeadLetter[] = invalid.map(({ record, reason }) => letter(record, 'EVENT_INVALID', reason));
    if (letters.length > 0) {
      const first = invalid[0]?.record;
      metrics.errors.inc({ ...labels, code: 'EVENT_INVALID' }, letters.length);
      opts.log.error(
        { count: letters.length, topic: ctx.topic, partition: ctx.partition, offset: first?.offset, reason: invalid[0]?.reason },
        'records are not JSON objects; dead-lettering them',
      );
    }

    const chunks: O[][] = [];
    for (let i = 0; i < out.length; i += opts.batchSize) chunks.push(out.slice(i, i + opts.batchSize));
    let sent = superseded;
    await pool(chunks, opts.concurrency ?? 1, async (chunk) => {
      const confirmed = await deliverAll(chunk, ctx, letters);
      sent += confirmed;
    });

    // Dead letters go out once per batch, after the sink settled everything else: a batch abandoned
    // half-way (stop, rebalance) leaves no duplicate dead letters behind.
    await opts.deadLetter(topic === 'deadletter' ? notDeliveredDeadLetters(letters) : letters);
    settle?.();
    metrics.sent.inc(labels, sent);
    stop();
  };

  function readable(topic: ReadTopic): SinkTopic {
    if (topic === 'deadletter')
      throw new VigilError('SINK_CONFIG', `sink ${opts.id} reads the dead-letter topic, which needs an intake of its own`);
    return topic;
  }

  /** JSON objects through the routes; anything else is invalid. */
  function routeRecords(records: readonly InRecord[], topic: SinkTopic): Intake<O> & { settle: () => void } {
    const parsed: Parsed[] = [];
    const invalid: Array<{ record: InRecord; reason: string }> = [];
    for (const r of records) {
      const doc = parseObject(r.value);
      if (doc) parsed.push({ topic, doc, source: r });
      else invalid.push({ record: r, reason: `${who} the record is not a JSON object` });
    }
    const routed = router.route(parsed);
    // Without `intake`, O is Outgoing itself (the runner's records are what the sink receives).
    return { out: routed.out as unknown as O[], invalid, superseded: 0, settle: () => routed.settle() };
  }

  /**
   * A dead letter the sink refuses is not dead-lettered again: it would come back to the sink on
   * the same topic, be refused again, and go round for ever. It stays on the dead-letter topic,
   * and the refusal is counted and logged.
   */
  function notDeliveredDeadLetters(letters: DeadLetter[]): DeadLetter[] {
    if (letters.length > 0) {
      metrics.dropped.inc({ ...labels, reason: 'deadletter_not_indexed' }, letters.length);
      const first = letters[0] as DeadLetter;
      opts.log.error(
        { count: letters.length, origin: first.origin, reason: first.reason },
        'dead letters could not be delivered; they stay on the dead-letter topic only',
      );
    }
    return [];
  }
}

function parseObject(value: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(value.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
