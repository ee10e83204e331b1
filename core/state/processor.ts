import { recordBytes, type Bus, type InRecord, type TxRecord } from '../bus/index.js';
import { deadLetterRecord } from '../deadletter/index.js';
import { VigilError, errorMessage } from '../errors/index.js';
import type { RunningStage } from '../stage.js';
import { logger, metrics, type ComponentKind } from '../telemetry/index.js';
import { changelogSpec, changelogTopic, decodeMeta, encodeMeta, META_KEY } from './changelog.js';
import { stateMetrics } from './metrics.js';
import { jsonSerde, type Serde } from './serde.js';
import { KeyValueStore, type StateStore } from './store.js';
import { Watermark } from './watermark.js';

/** A record `process` asks to write; partitioned by key (Kafka's default partitioner). */
export interface OutputRecord {
  topic: string;
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
  /** Epoch milliseconds; default: the time of writing. */
  timestamp?: number;
}

export interface ProcessResult {
  outputs: OutputRecord[];
}

export interface ProcessContext {
  /** The input topic and partition of this batch (its state is this partition's). */
  readonly topic: string;
  readonly partition: number;
  /** This partition's event-time watermark; persisted with the state. */
  readonly watermark: Watermark;
  /** Call during long work to keep the group membership alive. */
  heartbeat(): Promise<void>;
  /** True once shutdown started. */
  isStopping(): boolean;
}

/**
 * Turns a batch of one partition (offset order) into outputs, reading and changing that
 * partition's state. Called again with the same records (and the state restored as it was
 * before them) if the batch's transaction fails, so it must not have other side effects.
 */
export type ProcessFn<S> = (batch: InRecord[], store: StateStore<S>, ctx: ProcessContext) => ProcessResult | Promise<ProcessResult>;

export interface StatefulProcessorOptions<S> {
  bus: Bus;
  /**
   * Names the processor: consumer group `<groupPrefix>-<name>`, changelog
   * `<topicPrefix>vigil.<name>-changelog`, transactional ids `<group>-<input>-<partition>`.
   */
  name: string;
  /** Full name of the input topic (e.g. a repartition topic). Must exist. */
  input: string;
  process: ProcessFn<S>;
  /** How state values are stored in the changelog. Default JSON. */
  serde?: Serde<S>;
  /** Lateness the watermark allows (`ctx.watermark`). Default 0 ms. */
  allowedLatenessMs?: number;
  /** Component kind for the shared component metrics. Default `detect`. */
  kind?: ComponentKind;
  /** Partitions processed at once. Default 3. */
  concurrency?: number;
  /** Bytes fetched per partition per request (bounds a batch). Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** How long a killed instance keeps its partitions before the group moves them. Default 30 000 ms. */
  sessionTimeoutMs?: number;
  /** Default 3000 ms. */
  heartbeatIntervalMs?: number;
  /** The broker aborts a transaction left open this long by a dead producer. Default 60 000 ms. */
  transactionTimeoutMs?: number; /** Input records per transaction (a fetched batch is split). Default 1000. */
  maxRecordsPerTransaction?: number;
}

export interface PartitionStats {
  partition: number;
  keys: number;
  /** The watermark (max event time − lateness), null before any event. */
  watermark: number | null;
  restoredKeys: number;
  restoreMs: number;
}

export interface ProcessorStats {
  /** Input records of this instance whose batch committed. */
  processed: number;
  /** Partitions owned now. */
  partitions: PartitionStats[];
  /** Every restore this instance did, in order. */
  restores: Array<{ partition: number; keys: number; records: number; ms: number }>;
}

export interface StatefulProcessor<S = unknown> extends RunningStage {
  readonly changelog: string;
  readonly groupId: string;
  /** Input partitions owned and started. */
  assignment(): number[];
  /** The state of a partition owned and started (a new store each time the partition starts). */
  store(partition: number): StateStore<S> | undefined;
  stats(): ProcessorStats;
}

interface PartitionState<S> {
  store: KeyValueStore<S>;
  watermark: Watermark;
  restoredKeys: number;
  restoreMs: number;
}

/**
 * A keyed, stateful processor over Kafka with the semantics of Kafka Streams state stores: per
 * assigned input partition, an in-memory store restored from the same partition of a compacted
 * changelog before the partition's first batch; each batch's outputs, state changes (set →
 * value, delete → tombstone, plus the partition's watermark) and input offset are committed in
 * one Kafka transaction, so after a crash nothing is lost and nothing is emitted twice (for
 * read-committed readers). On revocation the partition's store is dropped; its new owner
 * restores it.
 */
/** How long a topic just created (here or by another instance) may take to reach every broker's metadata. */
const TOPIC_WAIT_MS = 30_000;

export async function startStatefulProcessor<S>(opts: StatefulProcessorOptions<S>): Promise<StatefulProcessor<S>> {
  const { bus, name } = opts;
  const log = logger('state', { processor: name });
  const kind = opts.kind ?? 'detect';
  const changelog = changelogTopic(bus.config.topicPrefix, name);
  const deadletterTopic = bus.topics.deadletter;
  const { maxRecordBytes } = bus.config;
  const serde = opts.serde ?? jsonSerde<S>();
  const lateness = opts.allowedLatenessMs ?? 0;

  const partitions = await bus.partitionCount(opts.input, { waitMs: TOPIC_WAIT_MS });
  if (partitions === null) throw new VigilError('STATE_STORE', `processor ${name}: input topic ${opts.input} does not exist`);
  await bus.ensureTopics([changelogSpec(changelog, partitions, bus.config.replicationFactor)]);
  const changelogPartitions = await bus.partitionCount(changelog, { waitMs: TOPIC_WAIT_MS });
  if (changelogPartitions !== partitions) {
    throw new VigilError(
      'STATE_STORE',
      `processor ${name}: changelog ${changelog} has ${changelogPartitions} partitions, its input ${opts.input} ${partitions}; ` +
        'state of input partition n lives in changelog partition n, so they must match',
    );
  }

  // A changelog value of zero bytes reads back as a tombstone (kafkajs gives null for both).
  const serialize = (key: string, value: S): Buffer | string => {
    const bytes = serde.serialize(value);
    if (bytes.length === 0)
      throw new VigilError('STATE_STORE', `processor ${name}: the serde turned the state of ${JSON.stringify(key)} into zero bytes`);
    return bytes;
  };

  const live = new Map<number, PartitionState<S>>();
  const restores: ProcessorStats['restores'] = [];
  let processed = 0;

  const restore = async (partition: number, committedOffset: string | null): Promise<{ nextOffset: string | null }> => {
    const started = Date.now();
    const state: PartitionState<S> = { store: new KeyValueStore<S>(), watermark: new Watermark(lateness), restoredKeys: 0, restoreMs: 0 };
    let meta: ReturnType<typeof decodeMeta> = null;
    let undecodable = 0;
    const result = await bus.restore(changelog, [partition], {
      onRecords: (_p, records) => {
        for (const r of records) {
          if (r.key === null) continue;
          if (r.key === META_KEY) {
            meta = r.value.length > 0 ? decodeMeta(r.value) : null;
            continue;
          }
          // Tombstone: kafkajs gives an empty value for null; a store value never serializes to zero bytes.
          if (r.value.length === 0) {
            state.store.restore(r.key, undefined);
            continue;
          }
          try {
            state.store.restore(r.key, serde.deserialize(r.value));
          } catch (err) {
            undecodable++;
            state.store.restore(r.key, undefined);
            if (undecodable <= 5)
              log.error(
                { partition, key: r.key, offset: r.offset, err: errorMessage(err) },
                'changelog value cannot be deserialized; key dropped',
              );
          }
        }
      },
    });
    const restoredMeta = meta as ReturnType<typeof decodeMeta>;
    state.watermark = new Watermark(lateness, restoredMeta?.maxEventTime ?? null);
    state.restoredKeys = state.store.size;
    state.restoreMs = Date.now() - started;
    live.set(partition, state);
    const records = result.partitions[0]?.records ?? 0;
    restores.push({ partition, keys: state.restoredKeys, records, ms: state.restoreMs });
    stateMetrics.restoredKeys.inc({ processor: name }, state.restoredKeys);
    stateMetrics.restoreSeconds.observe({ processor: name }, state.restoreMs / 1000);
    stateMetrics.keys.set({ processor: name, partition: String(partition) }, state.store.size);
    stateMetrics.partitions.set({ processor: name }, live.size);
    if (undecodable > 0) metrics.errors.inc({ kind, id: name, code: 'STATE_STORE' }, undecodable);
    log.info(
      { partition, keys: state.restoredKeys, records, ms: state.restoreMs, committedOffset, nextOffset: restoredMeta?.nextOffset ?? null },
      'restored partition state',
    );
    if (!restoredMeta && committedOffset !== null && committedOffset !== '0') {
      log.warn(
        { partition, committedOffset },
        'the changelog holds no state for a partition with committed input offsets: was it deleted?',
      );
    }
    return { nextOffset: restoredMeta?.nextOffset ?? null };
  };

  const loop = await bus.consumeTransactional(name, {
    topics: [opts.input],
    component: name,
    concurrency: opts.concurrency,
    maxBytesPerPartition: opts.maxBytesPerPartition,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    heartbeatIntervalMs: opts.heartbeatIntervalMs,
    transactionTimeoutMs: opts.transactionTimeoutMs,
    maxRecordsPerTransaction: opts.maxRecordsPerTransaction,
    onPartitionStart: ({ partition, committedOffset }) => restore(partition, committedOffset),
    onPartitionStop: ({ partition }, reason) => {
      const state = live.get(partition);
      live.delete(partition);
      stateMetrics.keys.remove({ processor: name, partition: String(partition) });
      stateMetrics.partitions.set({ processor: name }, live.size);
      log.info({ partition, reason, keys: state?.store.size ?? 0 }, 'dropped partition state');
    },
    handler: async (records, ctx) => {
      const state = live.get(ctx.partition);
      if (!state) throw new Error(`partition ${ctx.partition} of ${opts.input} has no state (not started)`);
      metrics.received.inc({ kind, id: name }, records.length);
      const pctx: ProcessContext = {
        topic: ctx.topic,
        partition: ctx.partition,
        watermark: state.watermark,
        heartbeat: ctx.heartbeat,
        isStopping: ctx.isStopping,
      };
      const { outputs } = await opts.process(records, state.store, pctx);
      const out: TxRecord[] = [];
      let oversized = 0;
      for (const o of outputs) {
        const bytes = recordBytes(o);
        if (bytes <= maxRecordBytes) {
          out.push({ ...o });
          continue;
        }
        // An output can outgrow its inputs (a correlation alert, an incident): Kafka would refuse
        // the whole transaction, and the batch would be offered again for ever. The output goes
        // to the dead letter in the same transaction; the state change behind it stands.
        oversized++;
        const letter = deadLetterRecord({
          stage: 'detect',
          component: name,
          code: 'RECORD_TOO_LARGE',
          reason: `record of ${bytes} bytes for ${o.topic} not sent: it exceeds kafka.maxRecordBytes (${maxRecordBytes}); written while processing ${ctx.topic}[${ctx.partition}] offsets ${(records[0] as InRecord).offset}-${(records[records.length - 1] as InRecord).offset}`,
          raw: o.value,
        });
        out.push({ topic: deadletterTopic, ...letter });
      }
      for (const [key, value] of state.store.drainChanges()) {
        out.push({ topic: changelog, partition: ctx.partition, key, value: value === undefined ? null : serialize(key, value) });
      }
      const last = records[records.length - 1] as InRecord;
      const meta = encodeMeta({ maxEventTime: state.watermark.maxEventTime, nextOffset: (BigInt(last.offset) + 1n).toString() });
      out.push({ topic: changelog, partition: ctx.partition, key: META_KEY, value: meta });
      return {
        records: out,
        onCommitted: () => {
          processed += records.length;
          stateMetrics.processed.inc({ processor: name }, records.length);
          stateMetrics.keys.set({ processor: name, partition: String(ctx.partition) }, state.store.size);
          metrics.sent.inc({ kind, id: name }, outputs.length - oversized);
          if (oversized > 0) {
            metrics.errors.inc({ kind, id: name, code: 'RECORD_TOO_LARGE' }, oversized);
            metrics.deadLettered.inc({ stage: 'detect', code: 'RECORD_TOO_LARGE' }, oversized);
          }
        },
      };
    },
  });
  metrics.up.set({ kind, id: name }, 1);
  log.info({ input: opts.input, changelog, partitions }, 'stateful processor started');

  return {
    name,
    changelog,
    groupId: bus.groupId(name),
    assignment: () => [...live.keys()].sort((a, b) => a - b),
    store: (partition) => live.get(partition)?.store,
    stats: () => ({
      processed,
      partitions: [...live.entries()]
        .sort(([a], [b]) => a - b)
        .map(([partition, s]) => ({
          partition,
          keys: s.store.size,
          watermark: s.watermark.value,
          restoredKeys: s.restoredKeys,
          restoreMs: s.restoreMs,
        })),
      restores: [...restores],
    }),
    async close() {
      await loop.stop();
      metrics.up.set({ kind, id: name }, 0);
      log.info({ processed }, 'stateful processor stopped');
    },
  };
}
