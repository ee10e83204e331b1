/**
 * Correlations over a finite list of events (`vigil hunt`, tests): events in file order, event
 * time from the events, one partition. Base rules are matched here; alerts of a correlation
 * that others use are fed back to them at once. At the end the watermark moves to the last
 * event time, so windows that closed before it are decided; windows still open at the end of
 * the input are not (as in a live stream, where later events could still come), and no group
 * is reported silent just because the input ended.
 */
import type { EcsEvent } from '../../core/event/index.js';
import type { CompiledRule } from '../sigma/load.js';
import type { CompiledCorrelation } from './compile.js';
import { eventTime } from './event-time.js';
import {
  CorrelationEngine,
  type CorrelationAlert,
  type CorrelationEngineOptions,
  type CorrelationOutput,
  type CorrelationStats,
  type LateEvent,
} from './engine.js';

export interface OfflineOptions extends Omit<CorrelationEngineOptions, 'changelog'> {
  /** Fills `event.created` of the alerts. Default: the current time. */
  now?: Date;
}

export interface OfflineResult {
  /** Every alert that fired, in order; `emit` says whether a live run would write it to vigil.alerts. */
  alerts: CorrelationAlert[];
  late: LateEvent[];
  /** How many events matched a base rule that a correlation uses. */
  matches: number;
  stats: CorrelationStats[];
}

export function runCorrelationsOffline(
  set: { readonly rules: readonly CompiledRule[]; readonly correlations: readonly CompiledCorrelation[] },
  events: Iterable<EcsEvent>,
  options: OfflineOptions = {},
): OfflineResult {
  const engine = new CorrelationEngine(set.correlations, { ...options, changelog: 'off' });
  const used = set.rules.filter((r) => engine.correlationsFor(r.rule.id).length > 0);
  const now = options.now ?? new Date();
  const result: OfflineResult = { alerts: [], late: [], matches: 0, stats: [] };
  const take = (first: CorrelationOutput): void => {
    const queue = [first];
    for (let out = queue.shift(); out; out = queue.shift()) {
      result.late.push(...out.late);
      for (const a of out.fired) {
        result.alerts.push(a);
        if (a.feeds.length > 0) queue.push(engine.process({ ruleId: a.correlationId, event: a.alert, partitionKey: 0 }, now));
      }
    }
  };
  let last = -Infinity;
  for (const event of events) {
    const t = eventTime(event);
    if (t !== undefined && t > last) last = t;
    for (const r of used) {
      if (!r.match(event)) continue;
      result.matches++;
      take(engine.process({ ruleId: r.rule.id, event, partitionKey: 0 }, now));
    }
  }
  if (last > -Infinity) take(engine.advanceWatermark(last, 0, now));
  result.stats = engine.stats().correlations;
  return result;
}
