import { CompressionTypes, type Kafka, type Message, type Producer as KafkaProducer, type TopicMessages } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { logger } from '../telemetry/index.js';
import { connectWithRetry } from './admin.js';
import { toBusError } from './kafka-errors.js';
import { saslIdentity } from './kafka-security.js';
import { keyPartitioner } from './partitioner.js';
import { isMessageTooLarge, recordBytes, RecordTooLargeError, type RefusedRecord, type Sized } from './record-size.js';
import type { OutRecord, Publisher } from './types.js';

const log = logger('bus');

interface Pending {
  topic: string;
  records: OutRecord[];
  bytes: number;
  /** Records of this part the broker refused as too large; the others were acknowledged. */
  refused: RefusedRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** One record of a pending part, for sending records of several parts in one request. */
interface Entry {
  pending: Pending;
  record: OutRecord;
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
 *
 * A record Kafka will never take (over `cfg.maxRecordBytes`, or refused by the broker as
 * MESSAGE_TOO_LARGE) is not retried: the send delivers every other record, then rejects with a
 * RecordTooLargeError naming the refused ones, for the caller to dead-letter.
 */
export async function createProducer(
  kafka: Kafka,
  cfg: KafkaConfig,
  opts: {
    maxBatchRecords?: number;
    maxBatchBytes?: number;
    /** `all` (default): idempotent, every in-sync replica acknowledges. `leader`: the leader alone, not idempotent (Kafka requires acks=all for it). */
    acks?: 'all' | 'leader';
  } = {},
): Promise<BusProducer> {
  const idempotent = (opts.acks ?? 'all') === 'all';
  // Unlimited retries keep the idempotent producer's guarantees: while Kafka is away, sends wait
  // (and inputs stop reading) instead of failing; nothing is dropped.
  const newProducer = (): KafkaProducer =>
    kafka.producer({
      idempotent,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: keyPartitioner,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 },
    });
  const connect = (p: KafkaProducer) => connectWithRetry(() => p.connect(), `Kafka at ${cfg.brokers.join(',')}`);
  let producer = newProducer();
  await connect(producer);
  const compression = cfg.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const maxBatch = opts.maxBatchRecords ?? 10_000;
  // Kafka refuses a record batch over message.max.bytes (1 MiB by default) with MESSAGE_TOO_LARGE,
  // and kafkajs sends one batch per partition: keeping a request under that keeps each batch
  // under it, compressed or not.
  const maxBytes = opts.maxBatchBytes ?? 900_000;
  const maxRecordBytes = cfg.maxRecordBytes;

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
      try {
        await sendEntries(batch.flatMap((pending) => pending.records.map((record) => ({ pending, record }))));
        for (const p of batch) p.resolve();
      } catch (err) {
        if (isMessageTooLarge(err)) {
          await isolate(batch, err);
          continue;
        }
        // A missing Write ACL or refused credentials become a non-retriable VigilError naming the topic.
        const topics = [...new Set(batch.map((p) => p.topic))];
        const failure = toBusError(err, { brokers: cfg.brokers, identity: saslIdentity(cfg.sasl), topic: topics.join(', ') });
        log.error({ err: String(failure), records: count }, 'Kafka refused a batch');
        for (const p of batch) p.reject(failure);
      }
    }
  };

  const sendEntries = async (entries: Entry[]): Promise<void> => {
    const byTopic = new Map<string, TopicMessages>();
    for (const { pending, record } of entries) {
      let tm = byTopic.get(pending.topic);
      if (!tm) byTopic.set(pending.topic, (tm = { topic: pending.topic, messages: [] }));
      // Records go to kafkajs as they are, without a copy each: the patched record encoder
      // (patches/, recordBatch/v0/fastEncoder.js) takes a number timestamp as kafkajs takes
      // its string, and a missing key as null.
      tm.messages.push(record as Message);
    }
    await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: idempotent ? -1 : 1, compression });
  };

  /**
   * A fresh idempotent producer (a new producer id, sequences from 0). Needed after a refused
   * request that spanned partitions: the broker wrote the partitions it did not refuse, but
   * kafkajs rolls back the sequence numbers of all of them, and the next batch on a written
   * partition would reuse a sequence (taken by the broker for a duplicate and silently dropped).
   */
  const renew = async (): Promise<void> => {
    const old = producer;
    producer = newProducer();
    await old.disconnect().catch(() => undefined);
    await connect(producer);
  };

  /**
   * The broker refused a request as too large without saying which record: halve it until the
   * refused records stand alone (about 2·log2(n) requests for one bad record among n). A record
   * of a partition the broker did write may be sent twice (at least once, as on any retry).
   */
  const isolate = async (batch: Pending[], firstError: unknown): Promise<void> => {
    const failed = new Map<Pending, unknown>();
    const split = async (entries: Entry[], err: unknown): Promise<void> => {
      if (entries.length === 1) {
        const { pending, record } = entries[0] as Entry;
        pending.refused.push({ record, bytes: recordBytes(record), reason: `Kafka refused it: ${String(err)}` });
        return;
      }
      await renew();
      const mid = entries.length >> 1;
      await attempt(entries.slice(0, mid));
      await attempt(entries.slice(mid));
    };
    const attempt = async (entries: Entry[]): Promise<void> => {
      const live = entries.filter((e) => !failed.has(e.pending));
      if (live.length === 0) return;
      try {
        await sendEntries(live);
      } catch (err) {
        if (isMessageTooLarge(err)) await split(live, err);
        else for (const e of live) failed.set(e.pending, err);
      }
    };
    await split(
      batch.flatMap((pending) => pending.records.map((record) => ({ pending, record }))),
      firstError,
    );
    for (const p of batch) {
      if (failed.has(p)) p.reject(toBusError(failed.get(p), { brokers: cfg.brokers, identity: saslIdentity(cfg.sasl), topic: p.topic }));
      else p.resolve();
    }
    const refused = batch.reduce((n, p) => n + p.refused.length, 0);
    log.warn({ records: batch.reduce((n, p) => n + p.records.length, 0), refused }, 'Kafka refused records as too large');
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
      // Kafka refuses a record over its message.max.bytes for good: never send one.
      const tooLarge: RefusedRecord[] = [];
      let fit = records;
      for (const record of records) {
        const bytes = recordBytes(record);
        if (bytes > maxRecordBytes) tooLarge.push({ record, bytes, reason: `it exceeds kafka.maxRecordBytes (${maxRecordBytes})` });
      }
      if (tooLarge.length > 0) {
        const refused = new Set(tooLarge.map((r) => r.record));
        fit = records.filter((r) => !refused.has(r));
      }
      // A large send goes as several requests; it resolves when all of them are acknowledged.
      const parts: Pending[] = [];
      const done: Promise<void>[] = [];
      for (const chunk of fit.length > 0 ? byteChunks(fit, maxBytes) : []) {
        done.push(
          new Promise<void>((resolve, reject) => {
            const p: Pending = { topic, records: chunk.records, bytes: chunk.bytes, refused: [], resolve, reject };
            parts.push(p);
            queue.push(p);
          }),
        );
      }
      kick();
      return Promise.all(done).then(() => {
        const refused = [...tooLarge, ...parts.flatMap((p) => p.refused)];
        if (refused.length > 0) throw new RecordTooLargeError(topic, refused);
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

/** Records in runs of at most `max` bytes (key + value + headers, roughly), each run at least one record. */
export function byteChunks<R extends Sized>(records: R[], max: number): Array<{ records: R[]; bytes: number }> {
  const out: Array<{ records: R[]; bytes: number }> = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const size = recordBytes(records[i] as R);
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
