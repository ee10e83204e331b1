/**
 * core/state: a Kafka Streams-like runtime for keyed, stateful processing.
 *
 *   const rep = await repartition({ bus, name: 'brute-force', from: bus.topics.events, keyOf: (r) => userOf(r) });
 *   const proc = await startStatefulProcessor<Window>({
 *     bus, name: 'brute-force', input: rep.topic, allowedLatenessMs: 60_000,
 *     process: (batch, store, ctx) => ({ outputs: [...] }), // store.get/set/delete, ctx.watermark
 *   });
 *   ... await proc.close(); await rep.close();
 *
 * Exactly once (Kafka transactions, one transactional producer per input partition): outputs,
 * state changes (changelog) and input offsets of a batch commit together; readers of the outputs
 * must read committed (the bus's consumers do). `process` must be free of other side effects:
 * after a failure it runs again on the same records with the state as it was before them.
 */
export { changelogTopic, repartitionTopic, META_KEY, type PartitionMeta } from './changelog.js';
export { stateMetrics } from './metrics.js';
export {
  startStatefulProcessor,
  type OutputRecord,
  type PartitionStats,
  type ProcessContext,
  type ProcessFn,
  type ProcessResult,
  type ProcessorStats,
  type StatefulProcessor,
  type StatefulProcessorOptions,
} from './processor.js';
export { repartition, type RepartitionOptions, type Repartitioner } from './repartition.js';
export { jsonSerde, type Serde } from './serde.js';
export { KeyValueStore, RESERVED_KEY_PREFIX, type StateStore } from './store.js';
export { Watermark } from './watermark.js';
