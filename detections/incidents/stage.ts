import type { Bus } from '../../core/bus/index.js';
import type { VigilConfig } from '../../core/config/index.js';
import { deadLetterRecord } from '../../core/deadletter/index.js';
import { errorMessage, isVigilError } from '../../core/errors/index.js';
import type { RunningStage } from '../../core/stage.js';
import { startStatefulProcessor, type StateStore } from '../../core/state/index.js';
import { logger, metrics } from '../../core/telemetry/index.js';
import { foldAlertBatch } from './alert-batch.js';
import { IncidentBuilder } from './builder.js';
import { incidentRecord } from './document.js';
import { ensureIncidentInputTopic } from './input-topic.js';
import { incidentStateSerde } from './state-serde.js';
import { consoleBaseUrl, incidentOptionsFromConfig } from './options.js';
import { decodeIncidentChange } from './change.js';
import { ensureIncidentStatusTopic } from './status-topic.js';

const log = logger('incidents');

/** How much of `vigil.incident-alerts` one transaction of the incident stage takes at most. */
export interface IncidentBatching {
  maxRecordsPerTransaction: number;
  /** Bytes fetched at once (as stored: compressed). */
  maxBytesPerPartition: number;
}

/**
 * Larger than the processor's defaults (1,000 records, 1 MiB): with one partition every alert
 * waits for the same transactions, and a transaction has a fixed cost (its round trips to the
 * coordinator) while the incidents a batch changes are written once however many of its alerts
 * they took. When alerts arrive slower than the stage works, batches stay small (what came
 * during the previous transaction), so this bounds the latency of a backlog only.
 */
export const INCIDENT_BATCHING: IncidentBatching = { maxRecordsPerTransaction: 5000, maxBytesPerPartition: 4 * 1_048_576 };

/**
 * The incident stage: alerts → grouped, deduplicated, scored incidents on `vigil.incidents`,
 * with the builder's state in a compacted changelog.
 *
 * Alerts are few next to events, and grouping must see every alert that may share an entity,
 * so the stages that raise alerts also write them to a one-partition topic (input-topic.ts):
 * one builder, held by one instance at a time, sees them all; Kafka moves it (with its
 * restored state) when that instance goes away.
 * Changes (`vigil incident`, the API, `incident.update` in playbooks, the Elasticsearch poller) are read from the start
 * of `vigil.incident-status` by every instance: they are few and each applies once (the builder
 * remembers change ids, those it refused too; statuses are ordered by time), so replaying them
 * after a restore re-applies exactly what the changelog may have missed, and refuses nothing twice.
 */
export async function startIncidentStage({
  config,
  bus,
  batching = INCIDENT_BATCHING,
}: {
  config: VigilConfig;
  bus: Bus;
  batching?: IncidentBatching;
}): Promise<RunningStage[]> {
  const options = { ...incidentOptionsFromConfig(config.detections.incidents), consoleUrl: consoleBaseUrl(config.api) };
  /**
   * The builder of each partition, for the state it was restored from. A partition that starts
   * again (taken back after a rebalance, or after a failed batch) gets a new state store, and its
   * builder replaces the old one, which would otherwise go on answering status changes from the
   * state it had then.
   */
  const builders = new Map<number, { store: StateStore<string>; builder: IncidentBuilder }>();
  const statusTopic = await ensureIncidentStatusTopic(config.kafka);

  const builderFor = (store: StateStore<string>, partition: number): IncidentBuilder => {
    const held = builders.get(partition);
    if (held?.store === store) return held.builder;
    const b = new IncidentBuilder(options);
    const restored = b.restore([...store.entries()].map(([key, value]) => ({ key, value })));
    for (const e of restored.errors) log.error({ code: e.code }, e.describe());
    builders.set(partition, { store, builder: b });
    log.info({ partition, incidents: restored.restored }, 'incident state restored');
    return b;
  };

  const input = await ensureIncidentInputTopic(bus);
  const processor = await startStatefulProcessor<string>({
    bus,
    name: 'incidents',
    input,
    serde: incidentStateSerde,
    maxRecordsPerTransaction: batching.maxRecordsPerTransaction,
    maxBytesPerPartition: batching.maxBytesPerPartition,
    process: (batch, store, ctx) => ({
      outputs: foldAlertBatch(builderFor(store, ctx.partition), batch, store, {
        incidents: bus.topics.incidents,
        deadletter: bus.topics.deadletter,
      }),
    }),
  });

  const producer = await bus.producer();
  const status = await bus.consume(`incident-status-${process.pid}-${Date.now().toString(36)}`, {
    topics: [statusTopic],
    component: 'incident-status',
    handler: async (records) => {
      const docs = [];
      // The builders of the partitions this instance owns now, each for its partition's current
      // state: one whose partition moved to another instance no longer speaks for its incidents.
      const owned: IncidentBuilder[] = [];
      for (const partition of processor.assignment()) {
        const store = processor.store(partition);
        if (store) owned.push(builderFor(store, partition));
      }
      for (const r of records) {
        try {
          const change = decodeIncidentChange(r);
          for (const b of owned) docs.push(...b.applyChange(change));
        } catch (err) {
          // Every instance reads every change; the one holding the builder speaks for it.
          if (owned.length === 0) continue;
          // A malformed change, or one the incident's state refuses (INCIDENT_CONFLICT): kept with its reason.
          const code = isVigilError(err) && err.code === 'INCIDENT_CONFLICT' ? 'INCIDENT_CONFLICT' : 'INCIDENT_STATUS';
          metrics.deadLettered.inc({ stage: 'detect', code });
          log.warn({ code, err: errorMessage(err) }, 'incident change refused');
          await producer.send(bus.topics.deadletter, [
            deadLetterRecord({
              stage: 'detect',
              component: 'incident-status',
              code,
              reason: errorMessage(err),
              raw: r.value,
              origin: { topic: r.topic, partition: r.partition, offset: r.offset },
            }),
          ]);
        }
      }
      await producer.send(bus.topics.incidents, docs.map(incidentRecord));
    },
  });

  return [
    { name: 'incidents', close: () => processor.close() },
    { name: 'incidents:status', close: () => status.stop() },
  ];
}
