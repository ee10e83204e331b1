import { workTopicSpec, type Bus, type InRecord, type TxRecord } from '../bus/index.js';
import type { RunningStage } from '../stage.js';
import { logger, metrics, type ComponentKind } from '../telemetry/index.js';
import { errorMessage } from '../errors/index.js';
import { repartitionTopic } from './changelog.js';
import { stateMetrics } from './metrics.js';

export interface RepartitionOptions {
  bus: Bus;
  /** Names the step: topic `<topicPrefix>vigil.<name>-repartition`, group `<groupPrefix>-<name>-repartition`. */
  name: string;
  /** Full name of the topic to re-key. */
  from: string;
  /**
   * The new key of a record; null skips the record (counted as `no_key`). A key function that
   * throws is treated as null (counted as `key_error`, logged): one bad record must not stop the stream.
   */
  keyOf: (record: InRecord) => string | null;
  /**
   * Partitions of the repartition topic when it is created; the processor reading it gets a
   * changelog with as many. Default: the bus's `kafka.partitions`.
   */
  partitions?: number;
  /** Component kind for the shared component metrics. Default `detect`. */
  kind?: ComponentKind;
  /** Partitions processed at once. Default 3. */
  concurrency?: number;
  /** Bytes fetched per partition per request. Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Default 30 000 ms. */
  sessionTimeoutMs?: number;
  /** Default 3000 ms. */
  heartbeatIntervalMs?: number;
  /** Default 60 000 ms. */
  transactionTimeoutMs?: number; /** Input records per transaction (a fetched batch is split). Default 1000. */
  maxRecordsPerTransaction?: number;
}

export interface Repartitioner extends RunningStage {
  /** The repartition topic written to. */
  readonly topic: string;
  readonly groupId: string;
  stats(): { forwarded: number; skipped: number };
}

/**
 * Re-keys a topic through `<prefix>vigil.<name>-repartition`, as Kafka Streams does before a
 * grouping: records keep their value and headers and get the key `keyOf` gives (their timestamp
 * becomes the broker's append time, see `workTopicSpec`), so the default partitioner sends one
 * key to one partition and one processor instance. Writes and input offsets are committed in one
 * transaction per batch (exactly once).
 */
export async function repartition(opts: RepartitionOptions): Promise<Repartitioner> {
  const { bus, name } = opts;
  const log = logger('state', { repartition: name });
  const kind = opts.kind ?? 'detect';
  const id = `${name}-repartition`;
  const topic = repartitionTopic(bus.config.topicPrefix, name);
  await bus.ensureTopics([workTopicSpec(topic, bus.config, opts.partitions ?? bus.config.partitions)]);
  let forwarded = 0;
  let skipped = 0;

  const loop = await bus.consumeTransactional(id, {
    topics: [opts.from],
    component: id,
    concurrency: opts.concurrency,
    maxBytesPerPartition: opts.maxBytesPerPartition,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    heartbeatIntervalMs: opts.heartbeatIntervalMs,
    transactionTimeoutMs: opts.transactionTimeoutMs,
    maxRecordsPerTransaction: opts.maxRecordsPerTransaction,
    handler: async (records) => {
      const out: TxRecord[] = [];
      let noKey = 0;
      let keyErrors = 0;
      for (const r of records) {
        let key: string | null;
        try {
          key = opts.keyOf(r);
        } catch (err) {
          key = null;
          if (keyErrors++ === 0)
            log.warn({ partition: r.partition, offset: r.offset, err: errorMessage(err) }, 'key function threw; record skipped');
        }
        if (key === null) {
          noKey++;
          continue;
        }
        out.push({ topic, key, value: r.value, headers: r.headers, timestamp: r.timestamp });
      }
      noKey -= keyErrors;
      return {
        records: out,
        onCommitted: () => {
          forwarded += out.length;
          skipped += noKey + keyErrors;
          metrics.received.inc({ kind, id }, records.length);
          metrics.sent.inc({ kind, id }, out.length);
          if (noKey > 0) {
            stateMetrics.skipped.inc({ processor: id, reason: 'no_key' }, noKey);
            metrics.dropped.inc({ kind, id, reason: 'no_key' }, noKey);
          }
          if (keyErrors > 0) {
            stateMetrics.skipped.inc({ processor: id, reason: 'key_error' }, keyErrors);
            metrics.dropped.inc({ kind, id, reason: 'key_error' }, keyErrors);
          }
        },
      };
    },
  });
  metrics.up.set({ kind, id }, 1);
  log.info({ from: opts.from, to: topic }, 'repartition started');

  return {
    name: id,
    topic,
    groupId: bus.groupId(id),
    stats: () => ({ forwarded, skipped }),
    async close() {
      await loop.stop();
      metrics.up.set({ kind, id }, 0);
    },
  };
}
