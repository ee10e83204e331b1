import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { connectWithRetry } from './admin.js';
import type { InRecord } from './types.js';

/**
 * Reads a topic from the beginning with a throwaway consumer group, until `until(records)` holds
 * or `timeoutMs` passes, and returns what it read. For tools (demo summary, tests), not stages.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  opts: { until?: (records: InRecord[]) => boolean; timeoutMs?: number; idleMs?: number; readUncommitted?: boolean } = {},
): Promise<InRecord[]> {
  const consumer = kafka.consumer({
    groupId: `vigil-reader-${randomUUID()}`,
    sessionTimeout: 10_000,
    readUncommitted: opts.readUncommitted ?? false,
  });
  const records: InRecord[] = [];
  await connectWithRetry(() => consumer.connect(), 'Kafka', 30_000);
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, opts.timeoutMs ?? 30_000);
      let idle: NodeJS.Timeout | undefined;
      const check = () => {
        if (opts.until?.(records)) {
          clearTimeout(deadline);
          clearTimeout(idle);
          resolve();
        } else if (!opts.until && opts.idleMs) {
          clearTimeout(idle);
          idle = setTimeout(() => {
            clearTimeout(deadline);
            resolve();
          }, opts.idleMs);
        }
      };
      check();
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({
            topic,
            partition,
            offset: message.offset,
            key: message.key ? message.key.toString('utf8') : null,
            value: message.value ?? Buffer.alloc(0),
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
            timestamp: Number(message.timestamp),
          });
          check();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
