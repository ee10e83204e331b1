/**
 * Correlation: Sigma correlation rules (and Vigil's extensions) over event-time windows, as a
 * pure engine the detection stage runs on the bus with changelog-backed state.
 */
export {
  holdsCorrelation,
  loadCorrelations,
  loadCorrelationText,
  splitDocuments,
  type CorrelationLoadOptions,
  type CorrelationSet,
} from './load.js';
export { compileCorrelations, type CompiledCorrelation, type CorrelationInputSpec } from './compile.js';
export {
  CorrelationEngine,
  type CorrelationAlert,
  type CorrelationEngineOptions,
  type CorrelationInput,
  type CorrelationOutput,
  type CorrelationStats,
  type KeySnapshot,
  type LateEvent,
  type PartitionKey,
  type Snapshot,
  type StateChange,
  type WatermarkSnapshot,
} from './engine.js';
export { runCorrelationsOffline, type OfflineOptions, type OfflineResult } from './offline.js';
export { correlationAlertId } from './alert.js';
export { parseTimespan } from './timespan.js';
export { splitKey, WATERMARK_PREFIX } from './key.js';
export { CORRELATION_TYPES, type CorrelationType } from './types/index.js';
export type { Bound, Condition, ConditionOp, CorrelationRule, SpikeSpec, Timespan } from './model.js';
