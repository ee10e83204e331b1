export { Bus } from './bus.js';
export type { ConsumerLoop, ConsumeOptions } from './consumer.js';
export type { ConsumerHealth, ConsumerState, ConsumerStatus } from './consumer-state.js';
export type { LagMonitor, LagSnapshot, PartitionLag } from './lag.js';
export type { BusProducer } from './producer.js';
export { RecordTooLargeError, isMessageTooLarge, recordBytes, type RefusedRecord } from './record-size.js';
export { topicsFor, topicSpecs, workTopicSpec, TOPIC_NAMES, type Topics, type TopicSpec } from './topics.js';
export type { BatchContext, BatchHandler, InRecord, OutRecord, Publisher, TopicName } from './types.js';
export type { RestoreOptions, RestoreResult } from './restore.js';
export type { PartitionRange, ReadRangeOptions } from './range.js';
export {
  transactionalIdFor,
  type PartitionStart,
  type PartitionStopReason,
  type TopicPartition,
  type TransactionalConsumeOptions,
  type TransactionalLoop,
  type TxBatchHandler,
  type TxBatchResult,
  type TxRecord,
} from './transactional.js';
