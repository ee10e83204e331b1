/**
 * The one module outside `core/` that imports kafkajs: Event Hubs is an external system that
 * happens to speak Kafka, with its own brokers and credentials, so it gets its own small wrapper
 * here rather than going through Vigil's bus (which owns Vigil's cluster and topics).
 */
import { Kafka, logLevel, type Consumer, type LogEntry } from 'kafkajs';
import { errorMessage } from '../../../core/errors/index.js';
import { backoffDelay, sleep } from '../../../core/retry/index.js';
import type { Logger } from '../../../core/telemetry/index.js';

export interface HubMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  /** Epoch milliseconds (the event's enqueued time). */
  timestamp: number;
}

export interface HubConsumerOptions {
  clientId: string;
  brokers: string[];
  topic: string;
  groupId: string;
  tls: boolean;
  /** SASL PLAIN password; the user is `$ConnectionString` (Event Hubs for Apache Kafka). */
  connectionString?: string;
  fromBeginning: boolean;
  log: Logger;
  /**
   * Handles the messages of one partition in offset order. The offset after the last one is
   * committed only when this resolves; a rejection retries the same messages after a backoff.
   */
  handler(messages: HubMessage[]): Promise<void>;
}

export interface HubConsumer {
  /** Waits for the batch in progress (and its commit), leaves the group, disconnects. */
  stop(): Promise<void>;
}

export async function startHubConsumer(opts: HubConsumerOptions): Promise<HubConsumer> {
  const { log } = opts;
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    ssl: opts.tls,
    ...(opts.connectionString
      ? { sasl: { mechanism: 'plain' as const, username: '$ConnectionString', password: opts.connectionString } }
      : {}),
    connectionTimeout: 10_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, `kafkajs: ${message}`);
        else log.warn(rest, `kafkajs: ${message}`);
      },
  });
  // Event Hubs caps session timeouts at 300 s and needs heartbeats well inside them.
  const consumer: Consumer = kafka.consumer({ groupId: opts.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [opts.topic], fromBeginning: opts.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      if (batch.messages.length === 0) return;
      const messages: HubMessage[] = batch.messages.map((m) => ({
        partition: batch.partition,
        offset: m.offset,
        key: m.key ? m.key.toString('utf8') : null,
        value: m.value ?? Buffer.alloc(0),
        timestamp: Number(m.timestamp),
      }));
      for (let attempt = 1; ; attempt++) {
        if (!isRunning() || isStale()) return; // revoked or stopping: leave uncommitted, the next owner re-reads
        try {
          await opts.handler(messages);
          break;
        } catch (err) {
          const delay = backoffDelay(attempt);
          log.warn(
            { partition: batch.partition, offset: messages[0]?.offset, attempt, delayMs: delay, err: errorMessage(err) },
            'hub batch failed; retrying',
          );
          await sleep(delay);
          await heartbeat().catch(() => undefined);
        }
      }
      const last = messages[messages.length - 1] as HubMessage;
      // resolveOffset moves kafkajs's fetch position; without it the same batch is fetched again.
      resolveOffset(last.offset);
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    },
  });
  return {
    async stop() {
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
