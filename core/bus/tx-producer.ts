import { CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { sleep } from '../retry/index.js';
import { byteChunks } from './producer.js';
import { keyPartitioner } from './partitioner.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A record written inside a transaction: to any topic, tombstones (null value) allowed. */
export interface TxRecord {
  topic: string;
  /** Explicit partition (changelogs); otherwise the default partitioner hashes the key. */
  partition?: number;
  key?: string | null;
  /** `null` writes a tombstone (deletes the key in a compacted topic). */
  value: Buffer | string | null;
  headers?: Record<string, string>;
  /** Epoch milliseconds. */
  timestamp?: number;
}

/**
 * The transactional producer of one input partition. `transactionalId` must be stable per input
 * partition: the InitProducerId of a new owner then fences the previous one.
 */
export function createPartitionProducer(kafka: Kafka, transactionalId: string, transactionTimeoutMs: number): Producer {
  return kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: transactionTimeoutMs,
    allowAutoTopicCreation: false,
    createPartitioner: keyPartitioner,
    // After EndTxn returns, the broker still writes the markers; the next transaction's first
    // AddPartitionsToTxn gets CONCURRENT_TRANSACTIONS until it is done. Java's producer retries
    // that after 20 ms; kafkajs's 300 ms default would cap a partition at ~3 transactions/s.
    retry: { initialRetryTime: 10, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
  });
}

/**
 * Runs InitProducerId for the producer's transactional id (kafkajs does it on the first
 * transaction()): bumps the epoch, so earlier producers of the id are fenced (their requests
 * fail with INVALID_PRODUCER_EPOCH), and waits until their open transaction is aborted.
 */
export async function fence(producer: Producer): Promise<void> {
  const tx = await producer.transaction();
  await tx.abort(); // nothing was added: no EndTxn is sent
}

/** Writes `records` and commits `nextOffset` for the group's input partition, in one transaction. */
const MAX_REQUEST_BYTES = 900_000;

export async function commitTransaction(
  producer: Producer,
  t: { groupId: string; tp: TopicPartition; records: TxRecord[]; nextOffset: bigint; compression: CompressionTypes },
): Promise<void> {
  const tx = await producer.transaction();
  try {
    // Several requests when the records would make a batch over Kafka's message.max.bytes; all
    // in the one transaction, so they still commit or abort together.
    for (const chunk of byteChunks(t.records, MAX_REQUEST_BYTES)) {
      const byTopic = new Map<string, TopicMessages>();
      for (const r of chunk.records) {
        let tm = byTopic.get(r.topic);
        if (!tm) byTopic.set(r.topic, (tm = { topic: r.topic, messages: [] }));
        tm.messages.push({
          key: r.key ?? null,
          value: r.value,
          partition: r.partition,
          headers: r.headers,
          timestamp: r.timestamp === undefined ? undefined : String(r.timestamp),
        });
      }
      await tx.sendBatch({ topicMessages: [...byTopic.values()], acks: -1, compression: t.compression });
    }
    const offsets = {
      consumerGroupId: t.groupId,
      topics: [{ topic: t.tp.topic, partitions: [{ partition: t.tp.partition, offset: t.nextOffset.toString() }] }],
    };
    // AddOffsetsToTxn is not retried by kafkajs; when it opens the transaction it may meet the
    // previous transaction's markers still being written (CONCURRENT_TRANSACTIONS).
    for (let attempt = 1; ; attempt++) {
      try {
        await tx.sendOffsets(offsets);
        break;
      } catch (err) {
        if ((err as { type?: string }).type !== 'CONCURRENT_TRANSACTIONS' || attempt >= 50) throw err;
        await sleep(Math.min(10 * attempt, 200));
      }
    }
    await tx.commit();
  } catch (err) {
    if (tx.isActive()) await tx.abort().catch(() => undefined);
    throw err;
  }
}
