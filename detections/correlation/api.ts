/** The engine's interface types: inputs, outputs, changelog values, options, counters. */
import type { ErrorCode } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import type { TypeCounters } from './types/contract.js';
import type { CorrelationType } from './types/index.js';

export type PartitionKey = string | number;

export interface CorrelationInput {
  /** The id of the base rule that matched the event, or of the correlation whose alert it is (chains). */
  readonly ruleId: string;
  readonly event: EcsEvent;
  /** The partition the record was read from (after repartitioning by group key); its watermark applies. */
  readonly partitionKey: PartitionKey;
  /** Only this correlation (the record was repartitioned for it). Default: every correlation that uses `ruleId`. */
  readonly correlationId?: string;
}

/** A correlation that fired, as an ECS alert and what the caller does with it. */
export interface CorrelationAlert {
  /** The alert's deterministic id (`alert.vigil.id`). */
  readonly id: string;
  readonly correlationId: string;
  /** The state key (`<correlation id>|<group values>`): a natural Kafka key for the alert. */
  readonly key: string;
  readonly kind: 'correlation' | 'state_limit';
  /** Whether to write it to vigil.alerts; false when it only feeds other correlations (`generate: false` upstream). */
  readonly emit: boolean;
  /** Correlations that take this alert as input: process it again with `ruleId` = `correlationId`. */
  readonly feeds: readonly string[];
  readonly alert: EcsEvent;
}

/** An event the engine refused: the caller dead-letters it with `code` and `reason`. */
export interface LateEvent {
  readonly code: Extract<ErrorCode, 'CORRELATION_LATE' | 'EVENT_INVALID'>;
  readonly reason: string;
  readonly ruleId: string;
  readonly correlationId?: string;
  readonly partitionKey: string;
  readonly event: EcsEvent;
}

/** One group's state in the changelog (compact JSON). */
export interface KeySnapshot {
  readonly v: 1;
  readonly type: CorrelationType;
  /** Suppressed until (event time, ms). */
  readonly u?: number;
  readonly d: unknown;
}

/** A partition's watermark in the changelog (key `@@watermark|<partition>`). */
export interface WatermarkSnapshot {
  readonly v: 1;
  /** The highest event time seen (ms); the watermark is this minus the allowed lateness. */
  readonly wm: number;
}

export type Snapshot = KeySnapshot | WatermarkSnapshot;

export interface StateChange {
  readonly key: string;
  /** null: the key is gone (a tombstone for the compacted topic). */
  readonly value: Snapshot | null;
}

/** What a call produced. The arrays are read-only (empty ones are shared). */
export interface CorrelationOutput {
  readonly fired: readonly CorrelationAlert[];
  readonly late: readonly LateEvent[];
  readonly stateChanges: readonly StateChange[];
}

export interface CorrelationEngineOptions {
  /** How far behind the highest event time of a partition an event may be and still count. Default 60 000 ms. */
  allowedLatenessMs?: number;
  /** Live groups per correlation; beyond, events of new groups are dropped and counted, and one alert says so. Default 1 000 000. */
  maxKeysPerCorrelation?: number;
  /** Events held per group (the oldest go first, counted as overflow). Default 10 000. */
  maxEventsPerKey?: number;
  /** Contributing event ids (and distinct values) listed in an alert. Default 20. */
  maxAlertEventIds?: number;
  /**
   * How state changes are reported. `inline` (default): each call returns the snapshots of the
   * keys it changed. `deferred`: calls return none; `drainChanges()` returns each changed key
   * once (call it once per batch, before committing offsets). `off`: not tracked (offline runs).
   */
  changelog?: 'inline' | 'deferred' | 'off';
  /** Event time between two watermark checkpoints of a partition. Default 1 000 ms. */
  watermarkCheckpointMs?: number;
}

export interface CorrelationStats extends TypeCounters {
  correlationId: string;
  keys: number;
  events: number;
  missingGroupBy: number;
  missingValue: number;
  fired: number;
  suppressed: number;
  stateLimited: number;
}
