import { CompressionTypes, Partitioners, type Kafka, type Producer as KafkaProducer, type TopicMessages } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { logger } from '../telemetry/index.js';
import { connectWithRetry } from './admin.js';
import type { OutRecord, Publisher } from './types.js';

const log = logger('bus');

interface Pending {
  topic: string;
  records: OutRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BusProducer extends Publisher {
  /** Waits for everything queued so far to be acknowledged. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An idempotent producer (acks=all) that batches: sends issued while a request is in flight
 * are merged into the next `sendBatch`, so many small callers make few large requests.
 * One request in flight at a time keeps kafkajs's idempotent sequence numbers in order.
 */
export async function createProducer(
  kafka: Kafka,
  cfg: KafkaConfig,
  opts: { maxBatchRecords?: number } = {},
): Promise<BusProducer> {
  // Unlimited retries keep the idempotent producer's guarantees: while Kafka is away, sends wait
  // (and inputs stop reading) instead of failing; nothing is dropped.
  const producer: KafkaProducer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
  await connectWithRetry(() => producer.connect(), `Kafka at ${cfg.brokers.join(',')}`);
  const compression = cfg.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const maxBatch = opts.maxBatchRecords ?? 10_000;

  let queue: Pending[] = [];
  let inFlight: Promise<void> | null = null;
  let closed = false;

  const pump = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch: Pending[] = [];
      let count = 0;
      while (queue.length > 0 && (batch.length === 0 || count + (queue[0] as Pending).records.length <= maxBatch)) {
        const p = queue.shift() as Pending;
        batch.push(p);
        count += p.records.length;
      }
      const byTopic = new Map<string, TopicMessages>();
      for (const p of batch) {
        let tm = byTopic.get(p.topic);
        if (!tm) byTopic.set(p.topic, (tm = { topic: p.topic, messages: [] }));
        for (const r of p.records) {
          tm.messages.push({
            key: r.key ?? null,
            value: r.value,
            headers: r.headers,
            timestamp: r.timestamp === undefined ? undefined : String(r.timestamp),
          });
        }
      }
      try {
        await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1, compression });
        for (const p of batch) p.resolve();
      } catch (err) {
        log.error({ err: String(err), records: count }, 'Kafka refused a batch');
        for (const p of batch) p.reject(err);
      }
    }
  };

  const kick = () => {
    if (inFlight) return;
    inFlight = pump().finally(() => {
      inFlight = null;
      if (queue.length > 0) kick();
    });
  };

  return {
    send(topic, records) {
      if (records.length === 0) return Promise.resolve();
      if (closed) return Promise.reject(new Error('producer is closed'));
      return new Promise<void>((resolve, reject) => {
        queue.push({ topic, records, resolve, reject });
        kick();
      });
    },
    async flush() {
      while (inFlight) await inFlight;
    },
    async close() {
      closed = true;
      while (inFlight) await inFlight;
      queue = [];
      await producer.disconnect();
    },
  };
}
