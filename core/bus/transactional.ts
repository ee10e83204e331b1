import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { errorMessage } from '../errors/index.js';
import { backoffDelay, sleep } from '../retry/index.js';
import { logger, metrics } from '../telemetry/index.js';
import { connectWithRetry } from './admin.js';
import { trackConsumerState, type ConsumerHealth } from './consumer-state.js';
import { toRecord } from './consumer.js';
import { toBusError, unfixableByRetry } from './kafka-errors.js';
import { saslIdentity } from './kafka-security.js';
import { commitTransaction, createPartitionProducer, fence, type TopicPartition, type TxRecord } from './tx-producer.js';
import type { BatchContext, InRecord } from './types.js';

export type { TopicPartition, TxRecord } from './tx-producer.js';

export interface TxBatchResult {
  /** Written in the same transaction as the input offset: all or none become visible. */
  records: TxRecord[];
  /** Called once the transaction committed (never for a batch whose transaction failed). */
  onCommitted?: () => void;
}

/**
 * Handles a batch of ONE partition, in offset order, and returns what to write. The loop writes
 * it and the input offset in one Kafka transaction. Throwing (or a failed transaction) makes the
 * loop drop the partition (`onPartitionStop(…, 'failed')`), start it again (`onPartitionStart`)
 * and retry the same records after backoff: never skipped, never half applied.
 */
export type TxBatchHandler = (records: InRecord[], ctx: BatchContext) => Promise<TxBatchResult>;

export type PartitionStopReason = 'revoked' | 'failed' | 'stopped';

export interface PartitionStart extends TopicPartition {
  /** The group's committed offset for the partition, read after fencing (so stable); null when none. */
  committedOffset: string | null;
}

export interface TransactionalConsumeOptions {
  /** Consumer group id, already prefixed. Also the prefix of the transactional ids. */
  groupId: string;
  topics: string[];
  handler: TxBatchHandler;
  /** Component id for logs and metrics. */
  component: string;
  /**
   * Called once per partition assignment (and again after a failed batch), after the partition's
   * transactional producer fenced every earlier owner and before the partition's first batch.
   * Restore state here. May return the offset processing must resume from when the caller keeps
   * its own (e.g. in a changelog): records below max(committed, returned) are skipped as done.
   */
  onPartitionStart?: (p: PartitionStart) => Promise<{ nextOffset?: string | null } | void>;
  /** Called when a partition is revoked, failed, or the loop stops; after its last batch ended. */
  onPartitionStop?: (p: TopicPartition, reason: PartitionStopReason) => void | Promise<void>;
  /** Partitions handled at once. Default: the configured partition count. */
  concurrency?: number;
  /** Bytes fetched per partition per request. Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Group session timeout: how long a silent (killed) member keeps its partitions. Default 30 000 ms. */
  sessionTimeoutMs?: number;
  /** Default 3000 ms; must be well below the session timeout. */
  heartbeatIntervalMs?: number;
  /** After this, the broker aborts an open transaction of a dead producer. Default 60 000 ms. */
  transactionTimeoutMs?: number;
  /** Input records per transaction (and per handler call); a fetched batch is split. Default 1000. */
  maxRecordsPerTransaction?: number;
}

export interface TransactionalLoop extends ConsumerHealth {
  pause(): void;
  resume(): void;
  /** Lets the batch in progress commit, leaves the group, stops every partition, closes producers. */
  stop(): Promise<void>;
  /** Partitions currently assigned, as `topic:partition`. */
  assignment(): string[];
}

/** Transactional id of one input partition: stable, so a new owner fences the old one. */
export function transactionalIdFor(groupId: string, tp: TopicPartition): string {
  return `${groupId}-${tp.topic}-${tp.partition}`;
}

interface Task {
  readonly tp: TopicPartition;
  readonly key: string;
  producer: Producer | null;
  /** Fence + committed offset + onPartitionStart; resolves to the first offset still to process. */
  ready: Promise<bigint>;
  /** Records below this offset were processed and committed. */
  floor: bigint;
  closed: boolean;
  /** onPartitionStart was called: onPartitionStop must follow. */
  hookCalled: boolean;
  /** Resolves when the task released its resources. */
  closing: Promise<void> | null;
}

class Cancelled extends Error {}

/** Carries a heartbeat failure (the group rebalances) out of a batch without restarting the partition. */
class Abandon extends Error {
  constructor(readonly reason: unknown) {
    super('batch abandoned');
  }
}

const tpKey = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;

/**
 * A consume-transform-produce loop with exactly-once semantics on Kafka transactions, as Kafka
 * Streams' EOS ("alpha": one transactional producer per input partition) does it:
 *
 * - each assigned input partition gets its own producer, `transactional.id` =
 *   `<group>-<topic>-<partition>`. Its InitProducerId, done when the partition is assigned, bumps
 *   the epoch: a previous owner that is still alive (a zombie past its session) is fenced (its
 *   commits fail with INVALID_PRODUCER_EPOCH) and its open transaction is aborted;
 * - only then is the committed offset read (stable: nothing of this partition is in flight any
 *   more) and `onPartitionStart` run, so state restored from a changelog matches the offset;
 * - every batch's output records and its input offset (`sendOffsets`) go in one transaction:
 *   a crash before the commit leaves nothing visible to read-committed consumers and the offset
 *   unmoved; after it, both are there. Readers downstream must read committed (kafkajs's default).
 *
 * kafkajs sends TxnOffsetCommit without the consumer's generation (no KIP-447), which is why
 * fencing is per input partition and not per instance.
 */
export async function startTransactionalConsumer(
  kafka: Kafka,
  producerKafka: Kafka,
  cfg: KafkaConfig,
  opts: TransactionalConsumeOptions,
): Promise<TransactionalLoop> {
  const log = logger('consumer', { group: opts.groupId, id: opts.component, transactional: true });
  const metricLabels = { kind: 'bus', id: opts.component } as const;
  const compression = cfg.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const consumer: Consumer = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: opts.heartbeatIntervalMs ?? 3_000,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 1_048_576,
    retry: { initialRetryTime: 300, retries: 10 },
    readUncommitted: false,
  });
  const admin: Admin = kafka.admin();
  const tasks = new Map<string, Task>();
  /** Serializes batches and restarts of one partition. */
  const locks = new Map<string, Promise<void>>();
  /** Close of the previous task of a partition, which the next one waits for. */
  const closings = new Map<string, Promise<void>>();
  const maxRecords = Math.max(1, opts.maxRecordsPerTransaction ?? 1000);
  let stopping = false;
  let assigned = new Set<string>();

  const fetchCommitted = async (tp: TopicPartition): Promise<string | null> => {
    const [res] = await admin.fetchOffsets({ groupId: opts.groupId, topics: [tp.topic] });
    const offset = res?.partitions.find((p) => p.partition === tp.partition)?.offset;
    return offset === undefined || Number(offset) < 0 ? null : offset;
  };

  const start = async (task: Task): Promise<bigint> => {
    await closings.get(task.key);
    if (task.closed) throw new Cancelled();
    const started = Date.now();
    const producer = createPartitionProducer(producerKafka, transactionalIdFor(opts.groupId, task.tp), opts.transactionTimeoutMs ?? 60_000);
    task.producer = producer;
    await connectWithRetry(() => producer.connect(), `Kafka at ${cfg.brokers.join(',')}`);
    if (task.closed) throw new Cancelled();
    await fence(producer);
    if (task.closed) throw new Cancelled();
    const committed = await fetchCommitted(task.tp);
    const fenced = Date.now();
    task.hookCalled = true;
    const own = (await opts.onPartitionStart?.({ ...task.tp, committedOffset: committed })) ?? undefined;
    if (task.closed) throw new Cancelled();
    let floor = committed === null ? 0n : BigInt(committed);
    if (own?.nextOffset != null && BigInt(own.nextOffset) > floor) {
      log.warn(
        { ...task.tp, committed, nextOffset: own.nextOffset },
        'partition state is ahead of the committed offset (offsets expired?); skipping records below it',
      );
      floor = BigInt(own.nextOffset);
    }
    log.info({ ...task.tp, committed, fenceMs: fenced - started, startMs: Date.now() - started }, 'partition started');
    return floor;
  };

  const openTask = (tp: TopicPartition): Task => {
    const task: Task = {
      tp,
      key: tpKey(tp),
      producer: null,
      ready: Promise.resolve(0n),
      floor: 0n,
      closed: false,
      hookCalled: false,
      closing: null,
    };
    task.ready = start(task).then((floor) => {
      task.floor = floor;
      return floor;
    });
    task.ready.catch(() => undefined); // observed by the batches; keep Node from calling it unhandled
    tasks.set(task.key, task);
    return task;
  };

  /** Releases a task: waits for its start (and, unless called from its own batch, its batch). */
  const closeTask = (task: Task, reason: PartitionStopReason, fromBatch = false): Promise<void> => {
    if (task.closing) return task.closing;
    task.closed = true;
    if (tasks.get(task.key) === task) tasks.delete(task.key);
    const closing = (async () => {
      await task.ready.catch(() => undefined);
      if (!fromBatch) await locks.get(task.key);
      if (task.hookCalled) {
        await Promise.resolve(opts.onPartitionStop?.(task.tp, reason)).catch((err: unknown) =>
          log.error({ ...task.tp, err: errorMessage(err) }, 'onPartitionStop failed'),
        );
      }
      await task.producer?.disconnect().catch(() => undefined);
      log.info({ ...task.tp, reason }, 'partition stopped');
    })();
    task.closing = closing;
    closings.set(task.key, closing);
    void closing.finally(() => {
      if (closings.get(task.key) === closing) closings.delete(task.key);
    });
    return closing;
  };

  const withLock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = locks.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => mine);
    locks.set(key, chained);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (locks.get(key) === chained) locks.delete(key);
    }
  };

  /**
   * Waits for a task's start while heartbeating (a restore may take longer than the session).
   * Returns the outcome, or 'abandon' when the loop stops or the task closed; throws only what
   * the heartbeat throws (the group rebalances: the batch is left to the next generation).
   */
  const awaitReady = async (
    task: Task,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<'abandon' | { ok: true } | { ok: false; err: unknown }> => {
    let outcome: { ok: true } | { ok: false; err: unknown } | null = null;
    const settled = task.ready.then(
      () => (outcome = { ok: true }),
      (err: unknown) => (outcome = { ok: false, err }),
    );
    for (;;) {
      await Promise.race([settled, sleep(1000)]);
      if (outcome) return task.closed ? 'abandon' : outcome;
      if (!isRunning() || task.closed || stopping) return 'abandon';
      await heartbeat();
    }
  };

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const next = new Set<string>();
    for (const [topic, parts] of Object.entries(e.payload.memberAssignment)) {
      if (!opts.topics.includes(topic)) continue;
      for (const partition of parts) next.add(tpKey({ topic, partition }));
    }
    const revoked = [...assigned].filter((k) => !next.has(k));
    const added = [...next].filter((k) => !assigned.has(k));
    assigned = next;
    log.info({ assignment: [...next], added, revoked }, 'joined group');
    for (const key of revoked) {
      const task = tasks.get(key);
      if (task) void closeTask(task, 'revoked');
    }
    if (stopping) return;
    for (const key of next) {
      if (tasks.has(key)) continue;
      const sep = key.lastIndexOf(':');
      openTask({ topic: key.slice(0, sep), partition: Number(key.slice(sep + 1)) });
    }
  });
  const context = { brokers: cfg.brokers, identity: saslIdentity(cfg.sasl), topic: opts.topics.join(', ') };
  consumer.on(consumer.events.CRASH, (e) =>
    log.error({ err: errorMessage(toBusError(e.payload.error, context)), restart: e.payload.restart }, 'consumer crashed'),
  );

  // Read by /health/ready: kafkajs's run() resolves even when the first join crashed the consumer.
  const tracker = trackConsumerState(consumer, () => stopping);

  await connectWithRetry(() => admin.connect(), `Kafka at ${cfg.brokers.join(',')}`);
  await connectWithRetry(() => consumer.connect(), `Kafka at ${cfg.brokers.join(',')}`);
  await consumer.subscribe({ topics: opts.topics, fromBeginning: true }).catch((err: unknown) => {
    throw toBusError(err, context);
  });

  const eachBatch = async ({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> => {
    if (batch.messages.length === 0) return;
    const tp = { topic: batch.topic, partition: batch.partition };
    const key = tpKey(tp);
    const all = batch.messages.map((m) => toRecord(tp.topic, tp.partition, m));
    // Offset after the batch, control records (transaction markers) included.
    const end = BigInt(batch.lastOffset()) + 1n;
    const ctx: BatchContext = { ...tp, heartbeat, isStopping: () => stopping };
    await withLock(key, async () => {
      for (let attempt = 1; ; attempt++) {
        if (!isRunning() || isStale() || stopping || !assigned.has(key)) return;
        const task = tasks.get(key) ?? openTask(tp);
        const ready = await awaitReady(task, heartbeat, isRunning);
        if (ready === 'abandon') return;
        if (!ready.ok) {
          if (ready.err instanceof Cancelled || task.closed) return;
          metrics.errors.inc({ ...metricLabels, code: 'PARTITION_START_FAILED' });
          log.warn({ ...tp, attempt, err: errorMessage(ready.err) }, 'partition start failed; retrying');
          await closeTask(task, 'failed', true);
          await sleep(backoffDelay(attempt));
          continue;
        }
        const records = all.filter((r) => BigInt(r.offset) >= task.floor);
        if (records.length === 0) {
          // Processed and committed before (by us in an earlier generation, or by the previous owner).
          resolveOffset(batch.lastOffset());
          return;
        }
        // One transaction per chunk: a fetch of compressed records can hold ~10^5 of them, and
        // kafkajs encodes a send on the event loop (heartbeats stall) in time worse than linear.
        let chunkStart = 0;
        const timer = metrics.latency.startTimer(metricLabels);
        try {
          for (; chunkStart < records.length; chunkStart += maxRecords) {
            const chunk = records.slice(chunkStart, chunkStart + maxRecords);
            const final = chunkStart + maxRecords >= records.length;
            const lastOfChunk = (chunk[chunk.length - 1] as InRecord).offset;
            const t0 = performance.now();
            const result = await opts.handler(chunk, ctx);
            if (task.closed) return; // revoked while handling: the new owner redoes the batch
            const t1 = performance.now();
            const next = final ? end : BigInt(lastOfChunk) + 1n;
            if (!task.producer) throw new Error('partition has no producer');
            await commitTransaction(task.producer, { groupId: opts.groupId, tp, records: result.records, nextOffset: next, compression });
            log.debug(
              {
                ...tp,
                records: chunk.length,
                written: result.records.length,
                handleMs: Math.round(t1 - t0),
                commitMs: Math.round(performance.now() - t1),
              },
              'transaction committed',
            );
            task.floor = next;
            result.onCommitted?.();
            resolveOffset(final ? batch.lastOffset() : lastOfChunk);
            // Between chunks: keeps the membership alive, and throws when the group rebalances
            // (the rest of the batch is then left to the next generation).
            if (!final) {
              const failed = await heartbeat().then(
                () => null,
                (e: unknown) => ({ e }),
              );
              if (failed) throw new Abandon(failed.e);
            }
          }
          timer();
          tracker.delivered();
          return;
        } catch (err) {
          timer();
          if (err instanceof Abandon) throw err.reason;
          const type = (err as { type?: string }).type;
          const fenced = type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED';
          const unfixable = fenced ? undefined : unfixableByRetry(err, context);
          metrics.errors.inc({ ...metricLabels, code: fenced ? 'PRODUCER_FENCED' : (unfixable?.code ?? 'BATCH_FAILED') });
          const fields = { ...tp, offset: records[chunkStart]?.offset, attempt, fenced, err: errorMessage(unfixable ?? err) };
          if (unfixable) {
            tracker.stalled(unfixable.message);
            log.error(
              fields,
              'batch failed with an error retrying cannot fix; stalled until it is fixed (restarting the partition and retrying)',
            );
          } else {
            log.warn(
              fields,
              fenced ? 'producer fenced: another instance owns the partition now' : 'batch failed; restarting the partition and retrying',
            );
          }
          if (task.closed) return; // already being closed (revoked): not ours to restart
          // The state behind the failed batch may be half applied: drop it and start over.
          await closeTask(task, 'failed', true);
          if (!isRunning() || stopping) return;
          await sleep(backoffDelay(attempt));
          // While the group rebalances this throws, and the batch is left to the next generation.
          await heartbeat();
        }
      }
    });
  };

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Every partition's batch at once by default: a batch waits on Kafka (a send, a commit), and
    // with fewer slots than partitions the others queue behind it (p50 latency ~1.6× at 6 partitions).
    partitionsConsumedConcurrently: opts.concurrency ?? cfg.partitions,
    eachBatch,
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
      await consumer.stop(); // the batch in progress commits (or is abandoned uncommitted)
      await consumer.disconnect();
      await Promise.all([...tasks.values()].map((t) => closeTask(t, 'stopped')));
      await Promise.all([...closings.values()]);
      await admin.disconnect();
    },
  };
}
