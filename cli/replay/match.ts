/**
 * One batch of `vigil.events` record values through the rules: the alerts they raise (JSON
 * texts, with what the main thread needs of each beside them), the records a correlation's
 * base rule matched (their own texts, for the main thread's `correlate`), unreadable records
 * and rule errors, each with the index of its record so that the main thread can put them
 * back in stream order. On a replay worker, or on the main thread while a range is too small
 * to be worth starting workers for.
 */
import type { EcsEvent } from '../../core/event/index.js';
import { errorMessage } from '../../core/errors/index.js';
import type { RetroHunt } from '../../detections/engine/retro.js';
import { ValueWriter } from '../../ingest/workers/codec.js';
import { parseRangeEvent } from '../kafka-range.js';
import type { ReplayResults } from './protocol.js';

export function matchBatch(retro: RetroHunt, records: readonly Buffer[]): ReplayResults {
  let bytes = 0;
  for (const r of records) bytes += r.length;
  const alerts = new ValueWriter(bytes);
  const kept = new ValueWriter(1024);
  const alertMeta: ReplayResults['alertMeta'] = [];
  const keptRecords: number[] = [];
  const keptTimes: number[] = [];
  const unreadable: ReplayResults['unreadable'] = [];
  const ruleErrors: ReplayResults['ruleErrors'] = [];
  records.forEach((record, index) => {
    const event = parseRangeEvent(record);
    if (typeof event === 'string') {
      unreadable.push({ index, reason: event });
      return;
    }
    retro.matchRules(
      event,
      (alert: EcsEvent) => {
        const rule = alert.rule as { id: string; name: string };
        const level = (alert.vigil as unknown as { alert?: { level?: string } }).alert?.level ?? 'medium';
        alerts.push(JSON.stringify(alert));
        alertMeta.push([alert.vigil?.id as string, rule.id, rule.name, level, alert['@timestamp']]);
      },
      (rule, err) => ruleErrors.push({ index, rule: rule.fired.id, message: errorMessage(err) }),
    );
    if (event.vigil?.parse_status === 'partial') return;
    const t = retro.correlationTime(event);
    if (t === undefined) return;
    kept.push(record.toString('utf8'));
    keptRecords.push(index);
    keptTimes.push(t);
  });
  const a = alerts.finish();
  const k = kept.finish();
  return {
    alerts: a.values,
    alertEnds: a.valueEnds,
    alertMeta,
    kept: k.values,
    keptEnds: k.valueEnds,
    keptRecords: Int32Array.from(keptRecords),
    keptTimes: Float64Array.from(keptTimes),
    unreadable,
    ruleErrors,
  };
}
