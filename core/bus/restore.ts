import { randomUUID } from 'node:crypto';
import { AssignerProtocol, type Kafka, type PartitionAssigner } from 'kafkajs';
import { logger } from '../telemetry/index.js';
import { connectWithRetry } from './admin.js';
import { toRecord } from './consumer.js';
import type { InRecord } from './types.js';

const log = logger('bus');

export interface RestoreOptions {
  /** Receives the records of one partition in offset order (read committed), below the end offset. */
  onRecords: (partition: number, records: InRecord[]) => void | Promise<void>;
  /** Bytes fetched per partition per request. Default 8 MiB (restores read whole partitions). */
  maxBytesPerPartition?: number;
  /** Used as the prefix of the throwaway group id. Default `vigil-restore`. */
  groupPrefix?: string;
}

export interface RestoreResult {
  /** Per partition: records handed to `onRecords` and the end offset read up to. */
  partitions: Array<{ partition: number; records: number; endOffset: string }>;
  durationMs: number;
}

/** Assigns exactly the wanted partitions to the (only) member: kafkajs has no manual assign(). */
function fixedAssigner(topic: string, partitions: number[]): PartitionAssigner {
  return () => ({
    name: 'VigilFixedAssigner',
    version: 0,
    async assign({ members }) {
      const [first] = members.map((m) => m.memberId).sort();
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: memberId === first ? { [topic]: partitions } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'VigilFixedAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}

/**
 * Reads partitions of a topic from their beginning up to their end offset as of the call, read
 * committed, and hands every record to `onRecords`: how a state store is rebuilt from its
 * changelog. The caller must make sure nothing writes the partitions meanwhile (a processor
 * fences the partition's transactional producer first), or the newer records are not included.
 *
 * The end is the high watermark: after the fence no transaction of the partition is open, so
 * the last stable offset equals it. Progress is tracked on kafkajs's end-of-batch events, which
 * also fire for batches made only of transaction markers or aborted records.
 */
export async function restorePartitions(kafka: Kafka, topic: string, partitions: number[], opts: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const admin = kafka.admin();
  await connectWithRetry(() => admin.connect(), 'Kafka', 60_000);
  let offsets: Array<{ partition: number; high: string; low: string }>;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const end = new Map<number, bigint>();
  const position = new Map<number, bigint>();
  const counts = new Map<number, number>();
  for (const p of partitions) {
    const o = offsets.find((x) => x.partition === p);
    if (!o) throw new Error(`${topic} has no partition ${p}`);
    end.set(p, BigInt(o.high));
    position.set(p, BigInt(o.low));
    counts.set(p, 0);
  }
  const pending = () => partitions.filter((p) => (position.get(p) as bigint) < (end.get(p) as bigint));
  const result = (): RestoreResult => ({
    partitions: partitions.map((p) => ({ partition: p, records: counts.get(p) ?? 0, endOffset: String(end.get(p)) })),
    durationMs: Date.now() - started,
  });
  if (pending().length === 0) return result();

  const wanted = pending();
  const consumer = kafka.consumer({
    groupId: `${opts.groupPrefix ?? 'vigil-restore'}-${randomUUID()}`,
    partitionAssigners: [fixedAssigner(topic, wanted)],
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 8 * 1_048_576,
    maxBytes: 64 * 1_048_576,
    maxWaitTimeInMs: 500,
    sessionTimeout: 30_000,
    readUncommitted: false,
  });
  let finish: () => void = () => {};
  let fail: (err: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const advance = (partition: number, lastOffset: string) => {
    const next = BigInt(lastOffset) + 1n;
    if (next > (position.get(partition) ?? 0n)) position.set(partition, next);
    if (pending().length === 0) finish();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    if (e.payload.topic === topic) advance(e.payload.partition, e.payload.lastOffset);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) fail(e.payload.error);
  });
  const stall = setInterval(() => {
    log.info(
      { topic, pending: pending().map((p) => ({ partition: p, at: String(position.get(p)), end: String(end.get(p)) })) },
      'restoring',
    );
  }, 10_000);
  try {
    await connectWithRetry(() => consumer.connect(), 'Kafka', 60_000);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: wanted.length,
      eachBatch: async ({ batch }) => {
        const limit = end.get(batch.partition);
        if (limit === undefined) return;
        const records: InRecord[] = [];
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= limit) break;
          records.push(toRecord(topic, batch.partition, m));
        }
        if (records.length > 0) {
          counts.set(batch.partition, (counts.get(batch.partition) ?? 0) + records.length);
          await opts.onRecords(batch.partition, records);
        }
      },
    });
    await done;
  } finally {
    clearInterval(stall);
    await consumer.stop().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
  }
  return result();
}
