import { CompressionTypes, type Kafka, type Message, type Producer as KafkaProducer, type TopicMessages } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { logger } from '../telemetry/index.js';
import { connectWithRetry } from './admin.js';
import { keyPartitioner } from './partitioner.js';
import type { OutRecord, Publisher } from './types.js';

const log = logger('bus');

interface Pending {
  topic: string;
  records: OutRecord[];
  bytes: number;
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
  opts: { maxBatchRecords?: number; maxBatchBytes?: number } = {},
): Promise<BusProducer> {
  // Unlimited retries keep the idempotent producer's guarantees: while Kafka is away, sends wait
  // (and inputs stop reading) instead of failing; nothing is dropped.
  const producer: KafkaProducer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: keyPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
  await connectWithRetry(() => producer.connect(), `Kafka at ${cfg.brokers.join(',')}`);
  const compression = cfg.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const maxBatch = opts.maxBatchRecords ?? 10_000;
  // Kafka refuses a record batch over message.max.bytes (1 MiB by default) with MESSAGE_TOO_LARGE,
  // and kafkajs sends one batch per partition: keeping a request under that keeps each batch
  // under it, compressed or not.
  const maxBytes = opts.maxBatchBytes ?? 900_000;

  let queue: Pending[] = [];
  let inFlight: Promise<void> | null = null;
  let closed = false;

  const pump = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch: Pending[] = [];
      let count = 0;
      let bytes = 0;
      while (
        queue.length > 0 &&
        (batch.length === 0 ||
          (count + (queue[0] as Pending).records.length <= maxBatch && bytes + (queue[0] as Pending).bytes <= maxBytes))
      ) {
        const p = queue.shift() as Pending;
        batch.push(p);
        count += p.records.length;
        bytes += p.bytes;
      }
      const byTopic = new Map<string, TopicMessages>();
      for (const p of batch) {
        let tm = byTopic.get(p.topic);
        if (!tm) byTopic.set(p.topic, (tm = { topic: p.topic, messages: [] }));
        // Records go to kafkajs as they are, without a copy each: the patched record encoder
        // (patches/, recordBatch/v0/fastEncoder.js) takes a number timestamp as kafkajs takes
        // its string, and a missing key as null.
        for (const r of p.records) tm.messages.push(r as Message);
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
      // A large send goes as several requests; it resolves when all of them are acknowledged.
      const parts: Promise<void>[] = [];
      for (const chunk of byteChunks(records, maxBytes)) {
        parts.push(
          new Promise<void>((resolve, reject) => {
            queue.push({ topic, records: chunk.records, bytes: chunk.bytes, resolve, reject });
          }),
        );
      }
      kick();
      return parts.length === 1 ? (parts[0] as Promise<void>) : Promise.all(parts).then(() => undefined);
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

const sizeOf = (v: Buffer | string | null | undefined): number =>
  v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength;

type Sized = Pick<OutRecord, 'key' | 'headers'> & { value: OutRecord['value'] | null };

/** Records in runs of at most `max` bytes (key + value + headers, roughly), each run at least one record. */
export function byteChunks<R extends Sized>(records: R[], max: number): Array<{ records: R[]; bytes: number }> {
  const out: Array<{ records: R[]; bytes: number }> = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as R;
    let size = 64 + sizeOf(r.key) + sizeOf(r.value);
    if (r.headers) for (const k in r.headers) size += k.length + sizeOf(r.headers[k]);
    if (i > start && bytes + size > max) {
      out.push({ records: records.slice(start, i), bytes });
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  out.push({ records: start === 0 ? records : records.slice(start), bytes });
  return out;
}
