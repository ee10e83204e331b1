import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { connectWithRetry } from './admin.js';
import type { InRecord } from './types.js';

/** The offsets one partition is read between: [start, end). */
export interface PartitionRange {
  partition: number;
  start: bigint;
  end: bigint;
}

export interface ReadRangeOptions {
  /** First record timestamp (ms, inclusive). */
  fromMs: number;
  /** Last record timestamp (ms, exclusive). */
  toMs: number;
  /** Called with the ranges before the first record (for a progress bar). */
  onPlan?: (ranges: readonly PartitionRange[]) => void;
  /** Each batch of records in range, partition by partition, in offset order. Awaited before the next batch. */
  onRecords: (records: InRecord[]) => Promise<void> | void;
  /** Gives up when no batch came for this long while ranges remain unread. Default 30 s. */
  stallMs?: number;
}

/**
 * Reads the records of a topic whose Kafka timestamps fall in [fromMs, toMs): the start and
 * end offsets of every partition come from the broker's time index (ListOffsets by
 * timestamp), then a throwaway consumer group (nothing committed) reads each partition from
 * its start to its end. For replays and tools, not for stages.
 */
export async function readRange(
  kafka: Kafka,
  topic: string,
  opts: ReadRangeOptions,
): Promise<{ ranges: PartitionRange[]; records: number }> {
  const admin = kafka.admin();
  await connectWithRetry(() => admin.connect(), 'Kafka', 30_000);
  let ranges: PartitionRange[];
  try {
    const [starts, ends] = await Promise.all([
      admin.fetchTopicOffsetsByTimestamp(topic, opts.fromMs),
      admin.fetchTopicOffsetsByTimestamp(topic, opts.toMs),
    ]);
    ranges = starts
      .map(({ partition, offset }) => {
        const end = BigInt(ends.find((e) => e.partition === partition)?.offset ?? offset);
        return { partition, start: BigInt(offset), end };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
  opts.onPlan?.(ranges);
  const pending = new Map(ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  let records = 0;
  if (pending.size === 0) return { ranges, records };

  const consumer = kafka.consumer({ groupId: `vigil-range-${randomUUID()}`, sessionTimeout: 30_000 });
  await connectWithRetry(() => consumer.connect(), 'Kafka', 30_000);
  try {
    await consumer.subscribe({ topics: [topic] });
    await new Promise<void>((resolve, reject) => {
      let stall: NodeJS.Timeout | undefined;
      const armStall = (): void => {
        clearTimeout(stall);
        stall = setTimeout(
          () =>
            reject(
              new Error(
                `reading ${topic}: no record for ${(opts.stallMs ?? 30_000) / 1000} s with partitions ${[...pending.keys()].join(', ')} unfinished`,
              ),
            ),
          opts.stallMs ?? 30_000,
        );
      };
      armStall();
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            const range = pending.get(batch.partition);
            if (!range) return;
            armStall();
            const inRange: InRecord[] = [];
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              if (offset < range.start || offset >= range.end) continue;
              inRange.push({
                topic,
                partition: batch.partition,
                offset: m.offset,
                key: m.key ? m.key.toString('utf8') : null,
                value: m.value ?? Buffer.alloc(0),
                headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
                timestamp: Number(m.timestamp),
              });
            }
            if (inRange.length > 0) {
              await opts.onRecords(inRange);
              records += inRange.length;
            }
            resolveOffset(batch.lastOffset());
            await heartbeat();
            // lastOffset counts control records and compacted gaps too, so a range ending on one still ends.
            if (BigInt(batch.lastOffset()) >= range.end - 1n) {
              pending.delete(batch.partition);
              consumer.pause([{ topic, partitions: [batch.partition] }]);
              if (pending.size === 0) {
                clearTimeout(stall);
                resolve();
              }
            }
          },
        })
        .then(() => {
          for (const r of pending.values()) consumer.seek({ topic, partition: r.partition, offset: r.start.toString() });
        }, reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { ranges, records };
}
