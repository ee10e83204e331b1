import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { errorMessage } from '../errors/index.js';
import { backoffDelay, sleep } from '../retry/index.js';
import { logger, metrics } from '../telemetry/index.js';
import { connectWithRetry } from './admin.js';
import { trackConsumerState, type ConsumerHealth } from './consumer-state.js';
import { toBusError, unfixableByRetry } from './kafka-errors.js';
import { saslIdentity } from './kafka-security.js';
import { CommitQueue, PartitionWindow } from './in-order-commits.js';
import type { BatchContext, BatchHandler, InRecord } from './types.js';

export interface ConsumeOptions {
  /** Consumer group id, already prefixed. */
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  /** Component id for logs and metrics. */
  component: string;
  /** Partitions handled at once. Default: the configured partition count. */
  concurrency?: number;
  /** Bytes fetched per partition per request. Default 1 MiB. */
  maxBytesPerPartition?: number;
  /**
   * Pipelines the loop: up to this many batches of one partition are handed to `handler` before
   * the first of them was delivered, and kafkajs fetches the next batch while they are being
   * delivered (without it, a batch's delivery and commit end before the next fetch starts).
   * Offsets are still committed in order, each only once every batch before it in its partition
   * was delivered. Above 1, batches of one partition are handled at once and may land in any
   * order: give 1 for a topic whose later record replaces an earlier one downstream (1 still
   * fetches ahead). A function gives it per topic (full name). Holds up to this many fetched
   * batches per partition in memory, plus the one kafkajs waits to hand over. Default: not pipelined.
   */
  inFlightBatches?: number | ((topic: string) => number);
}

export interface ConsumerLoop extends ConsumerHealth {
  /** Stops fetching (backpressure); batches in progress finish. */
  pause(): void;
  resume(): void;
  /**
   * Stops fetching, waits for the batches in progress (their delivery, or their giving up when
   * the handler honours `isStopping`), commits what was delivered, leaves the group and disconnects.
   */
  stop(): Promise<void>;
  /** Partitions currently assigned, as `topic:partition`. */
  assignment(): string[];
}

export function toRecord(topic: string, partition: number, m: EachBatchPayload['batch']['messages'][number]): InRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(m.timestamp),
  };
}

/** kafkajs errors that mean this member must rejoin its group (kafkajs's `isRebalancing`, and a member the coordinator dropped). */
const REJOIN_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * The kafkajs error, on `err` or its causes, that says the group is rebalancing. A handler meets
 * it when it heartbeats during a long batch. Retrying the batch cannot succeed: kafkajs rejoins
 * only once the batch gives the error back to it, so the loop would retry until the session ends
 * and then for ever as an unknown member, its partitions unread.
 */
function rejoinError(err: unknown): Error | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (REJOIN_TYPES.has(String((e as { type?: unknown }).type))) return e as Error;
  }
  return undefined;
}

/**
 * The consumer loop of every stage: hands each fetched batch of one partition to `handler`,
 * and commits that partition's offset only after the handler resolved, i.e. after every record
 * before it was delivered or dead-lettered. A failing handler is retried with backoff on the same
 * records (never skipped). On a rebalance, a batch whose partition was revoked is abandoned
 * uncommitted: its new owner re-reads it (at-least-once; downstream writes are idempotent). A
 * rebalance the handler meets (its heartbeat refused) ends the batch uncommitted too, and
 * kafkajs rejoins the group. With `inFlightBatches`, kafkajs's `eachBatch` returns once a batch
 * was handed over, and its delivery goes on beside the next fetch (in-order-commits.ts keeps the
 * commits in order).
 */
export async function startConsumer(kafka: Kafka, cfg: KafkaConfig, opts: ConsumeOptions): Promise<ConsumerLoop> {
  const log = logger('consumer', { group: opts.groupId, id: opts.component });
  const consumer: Consumer = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 1_048_576,
    retry: { initialRetryTime: 300, retries: 10 },
  });
  let stopping = false;
  /** Aborts the backoff waits of failed batches when the loop stops. */
  const stopSignal = new AbortController();
  const assigned = new Set<string>();
  /** Pipelined: each partition's batches handed over and not yet committed. */
  const windows = new Map<string, PartitionWindow>();
  /** Batches in progress (handed over, or inside `eachBatch`): what `stop` waits for. */
  const inProgress = new Set<Promise<void>>();
  /** Pipelined: a rejoin a handler met after its `eachBatch` returned; the next `eachBatch` gives it to kafkajs. */
  let rejoinNeeded: Error | undefined;

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assigned.clear();
    for (const [topic, parts] of Object.entries(e.payload.memberAssignment)) {
      for (const p of parts) assigned.add(`${topic}:${p}`);
    }
    // A new generation: kafkajs rebalances eagerly, so every partition was revoked and is read
    // again from its committed offset. What is still being delivered is committed by no one.
    for (const w of windows.values()) w.revoke();
    windows.clear();
    rejoinNeeded = undefined;
    log.info({ assignment: [...assigned] }, 'joined group');
  });
  const context = { brokers: cfg.brokers, identity: saslIdentity(cfg.sasl), topic: opts.topics.join(', ') };
  consumer.on(consumer.events.CRASH, (e) =>
    log.error({ err: errorMessage(toBusError(e.payload.error, context)), restart: e.payload.restart }, 'consumer crashed'),
  );

  // Read by /health/ready: kafkajs's run() resolves even when the first join crashed the consumer.
  const tracker = trackConsumerState(consumer, () => stopping);

  const commits = new CommitQueue(
    (offsets) => consumer.commitOffsets(offsets),
    (err, offsets) => {
      metrics.errors.inc({ kind: 'bus', id: opts.component, code: 'COMMIT_FAILED' });
      log.warn({ offsets, err: errorMessage(err) }, 'commit failed; the offsets go again with the next commit');
    },
  );

  /**
   * Hands `records` to the handler until it resolves (true), or until `live()` says the batch is
   * no longer this loop's to deliver (false: left uncommitted). Throws the rejoin error when the
   * handler met a rebalance.
   */
  async function handle(records: InRecord[], ctx: BatchContext, live: () => boolean): Promise<boolean> {
    const { topic, partition } = ctx;
    for (let attempt = 1; ; attempt++) {
      if (!live()) return false; // revoked or stopping before success: leave uncommitted
      const timer = metrics.latency.startTimer({ kind: 'bus', id: opts.component });
      try {
        await opts.handler(records, ctx);
        timer();
        tracker.delivered();
        return true;
      } catch (err) {
        timer();
        const rejoin = rejoinError(err);
        if (rejoin) {
          log.info(
            { topic, partition, offset: records[0]?.offset, err: rejoin.message },
            'group rebalancing: batch left uncommitted, rejoining',
          );
          throw rejoin;
        }
        const unfixable = unfixableByRetry(err, context);
        metrics.errors.inc({ kind: 'bus', id: opts.component, code: unfixable?.code ?? 'HANDLER_FAILED' });
        const delay = backoffDelay(attempt);
        const fields = { topic, partition, offset: records[0]?.offset, attempt, delayMs: delay, err: errorMessage(unfixable ?? err) };
        if (unfixable) {
          tracker.stalled(unfixable.message);
          log.error(fields, 'batch failed with an error retrying cannot fix; stalled until it is fixed (retrying)');
        } else {
          log.warn(fields, 'batch failed; retrying');
        }
        await sleep(delay, stopSignal.signal);
        await ctx.heartbeat().catch(() => undefined);
      }
    }
  }

  /** Not pipelined: the batch is delivered and committed before `eachBatch` returns. */
  async function handleInTurn({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const records = batch.messages.map((m) => toRecord(topic, partition, m));
    const ctx = { topic, partition, heartbeat, isStopping: () => stopping };
    if (!(await handle(records, ctx, () => !stopping && isRunning() && !isStale()))) return;
    const last = records[records.length - 1] as InRecord;
    // resolveOffset moves kafkajs's fetch position; without it the same batch is fetched again.
    resolveOffset(last.offset);
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
  }

  /** Pipelined: hands the batch over once its partition's window has room, and returns; the delivery goes on. */
  async function handOver({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload, limit: number): Promise<void> {
    const { topic, partition } = batch;
    const key = `${topic}:${partition}`;
    let window = windows.get(key);
    if (!window) windows.set(key, (window = new PartitionWindow(topic, partition, limit)));
    while (!window.hasRoom() && !window.revoked && !stopping) await window.changed();
    if (rejoinNeeded) throw rejoinNeeded;
    // Not handed over, and not resolved: kafkajs fetches it again, or the partition's next owner reads it.
    if (window.revoked || stopping || !isRunning() || isStale()) return;
    const w = window;
    const records = batch.messages.map((m) => toRecord(topic, partition, m));
    const last = records[records.length - 1] as InRecord;
    const inFlight = w.add(last.offset);
    // Moves kafkajs's fetch position past this batch: the next fetch reads on while it is delivered.
    resolveOffset(last.offset);
    const ctx = { topic, partition, heartbeat, isStopping: () => stopping };
    const delivery = handle(records, ctx, () => !stopping && !w.revoked && isRunning() && !isStale()).then(
      (delivered) => {
        const offset = w.settle(inFlight, delivered ? 'delivered' : 'abandoned');
        if (offset !== undefined) commits.add(w, offset);
      },
      (rejoin: Error) => {
        w.settle(inFlight, 'abandoned');
        if (w.revoked) return; // a rebalance already handled
        w.revoke(); // nothing after it is committed either: the partition is read again after the rejoin
        rejoinNeeded = rejoin;
      },
    );
    track(delivery);
  }

  function track(p: Promise<void>): void {
    inProgress.add(p);
    void p.finally(() => inProgress.delete(p)).catch(() => undefined);
  }

  const limitFor = (topic: string): number | undefined => {
    const n = typeof opts.inFlightBatches === 'function' ? opts.inFlightBatches(topic) : opts.inFlightBatches;
    return n === undefined ? undefined : Math.max(1, Math.floor(n));
  };

  await connectWithRetry(() => consumer.connect(), `Kafka at ${cfg.brokers.join(',')}`);
  await consumer.subscribe({ topics: opts.topics, fromBeginning: true }).catch(async (err: unknown) => {
    await consumer.disconnect().catch(() => undefined);
    throw toBusError(err, context);
  });

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Every partition's batch at once by default: a batch waits on Kafka (a send, a commit), and
    // with fewer slots than partitions the others queue behind it (p50 latency ~1.6× at 6 partitions).
    partitionsConsumedConcurrently: opts.concurrency ?? cfg.partitions,
    eachBatch: async (payload) => {
      if (payload.batch.messages.length === 0) return;
      const limit = limitFor(payload.batch.topic);
      const run = limit === undefined ? handleInTurn(payload) : handOver(payload, limit);
      track(run);
      await run;
    },
  });

  return {
    groupId: opts.groupId,
    topics: opts.topics,
    state: tracker.state,
    pause: () => consumer.pause(opts.topics.map((topic) => ({ topic }))),
    resume: () => consumer.resume(opts.topics.map((topic) => ({ topic }))),
    assignment: () => [...assigned],
    async stop() {
      stopping = true;
      stopSignal.abort();
      // No further fetches while the batches in progress finish: kafkajs commits only while it runs.
      try {
        consumer.pause(opts.topics.map((topic) => ({ topic })));
      } catch {
        // not running (crashed): nothing is fetched anyway
      }
      for (const w of windows.values()) w.wake();
      while (inProgress.size > 0) await Promise.allSettled([...inProgress]);
      await commits.flush();
      for (const w of windows.values()) w.revoke();
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
