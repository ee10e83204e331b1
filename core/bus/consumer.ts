import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { errorMessage } from '../errors/index.js';
import { backoffDelay, sleep } from '../retry/index.js';
import { logger, metrics } from '../telemetry/index.js';
import { connectWithRetry } from './admin.js';
import { trackConsumerState, type ConsumerHealth } from './consumer-state.js';
import { toBusError, unfixableByRetry } from './kafka-errors.js';
import { saslIdentity } from './kafka-security.js';
import type { BatchHandler, InRecord } from './types.js';

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
}

export interface ConsumerLoop extends ConsumerHealth {
  /** Stops fetching (backpressure); batches in progress finish. */
  pause(): void;
  resume(): void;
  /** Drains the batch in progress, commits, leaves the group and disconnects. */
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
 * kafkajs rejoins the group.
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
  const assigned = new Set<string>();

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assigned.clear();
    for (const [topic, parts] of Object.entries(e.payload.memberAssignment)) {
      for (const p of parts) assigned.add(`${topic}:${p}`);
    }
    log.info({ assignment: [...assigned] }, 'joined group');
  });
  const context = { brokers: cfg.brokers, identity: saslIdentity(cfg.sasl), topic: opts.topics.join(', ') };
  consumer.on(consumer.events.CRASH, (e) =>
    log.error({ err: errorMessage(toBusError(e.payload.error, context)), restart: e.payload.restart }, 'consumer crashed'),
  );

  // Read by /health/ready: kafkajs's run() resolves even when the first join crashed the consumer.
  const tracker = trackConsumerState(consumer, () => stopping);

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
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      if (batch.messages.length === 0) return;
      const { topic, partition } = batch;
      const records = batch.messages.map((m) => toRecord(topic, partition, m));
      const ctx = { topic, partition, heartbeat, isStopping: () => stopping };
      for (let attempt = 1; ; attempt++) {
        if (!isRunning() || isStale()) return; // revoked or stopping before success: leave uncommitted
        const timer = metrics.latency.startTimer({ kind: 'bus', id: opts.component });
        try {
          await opts.handler(records, ctx);
          timer();
          tracker.delivered();
          break;
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
          await sleep(delay);
          await heartbeat().catch(() => undefined);
        }
      }
      const last = records[records.length - 1] as InRecord;
      // resolveOffset moves kafkajs's fetch position; without it the same batch is fetched again.
      resolveOffset(last.offset);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
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
      await consumer.stop(); // waits for the batch in progress, whose offsets are then committed
      await consumer.disconnect();
    },
  };
}
