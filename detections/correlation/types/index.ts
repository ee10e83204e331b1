/**
 * The correlation types, keyed by the YAML `correlation.type`. The first eight are Sigma's
 * (specification 2.x and pySigma); the last three are Vigil's extensions after ElastAlert's and
 * Elastic's rule types. Adding a type: one file, its name in model.ts's `CorrelationType`, one line
 * here, its tests.
 */
import type { CorrelationType } from '../model.js';
import type { KeyState, TypeHandler } from './contract.js';
import { eventCount, valueCount } from './counts.js';
import { flatline } from './flatline.js';
import { newTerm } from './new-term.js';
import { spike } from './spike.js';
import { temporal, temporalOrdered } from './temporal.js';
import { valueAvg, valueMedian, valuePercentile, valueSum } from './values.js';

export const CORRELATION_TYPES = {
  event_count: eventCount,
  value_count: valueCount,
  temporal,
  temporal_ordered: temporalOrdered,
  value_sum: valueSum,
  value_avg: valueAvg,
  value_percentile: valuePercentile,
  value_median: valueMedian,
  new_term: newTerm,
  flatline,
  spike,
} as const satisfies Record<CorrelationType, Pick<TypeHandler, 'value' | 'check' | 'eager'>>;

export type { CorrelationType };

export function isCorrelationType(s: string): s is CorrelationType {
  return Object.prototype.hasOwnProperty.call(CORRELATION_TYPES, s);
}

/** The handler of a type, as the engine uses it (its state type erased). */
export function handlerOf(type: CorrelationType): TypeHandler<KeyState, unknown> {
  return CORRELATION_TYPES[type] as unknown as TypeHandler<KeyState, unknown>;
}
