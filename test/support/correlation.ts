/**
 * Helpers for the correlation tests: a correlation from YAML over three stub base rules, and
 * compact event inputs (`{ r: 'a', t: 12 }` = rule a matched an event at T0 + 12 s).
 */
import type { EcsEvent } from '../../core/event/index.js';
import type { CompiledCorrelation } from '../../detections/correlation/compile.js';
import {
  CorrelationEngine,
  type CorrelationAlert,
  type CorrelationEngineOptions,
  type CorrelationOutput,
  type LateEvent,
  type StateChange,
} from '../../detections/correlation/engine.js';
import { loadCorrelationText, type CorrelationSet } from '../../detections/correlation/load.js';

export const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** Three base rules (ids rule-a, rule-b, rule-c; names a, b, c) matching event.action a, b, c. */
export const BASE_RULES = ['a', 'b', 'c']
  .map(
    (x) => `title: Rule ${x}
id: rule-${x}
name: ${x}
logsource: { product: test }
detection:
  selection: { event.action: ${x} }
  condition: selection
level: low
`,
  )
  .join('---\n');

/** Loads correlation documents (joined to the base rules); throws on any load error. */
export function correlationSet(yaml: string): CorrelationSet {
  const set = loadCorrelationText(`${BASE_RULES}---\n${yaml}`, 'test.yml');
  if (set.errors.length > 0) throw new Error(set.errors.map((e) => e.describe()).join('\n'));
  return set;
}

export function correlation(yaml: string): CompiledCorrelation {
  const set = correlationSet(yaml);
  return set.correlations[set.correlations.length - 1] as CompiledCorrelation;
}

export interface In {
  /** Base rule letter, or a correlation id (chains). */
  r: string;
  /** Seconds after T0. */
  t: number;
  ip?: string | null;
  user?: string;
  n?: number;
  id?: string;
  host?: string;
  part?: number;
}

let seq = 0;
export function event(i: In): EcsEvent {
  return {
    '@timestamp': new Date(T0 + i.t * 1000).toISOString(),
    event: { kind: 'event', action: i.r },
    ...(i.ip !== null && { source: { ip: i.ip ?? '203.0.113.7' } }),
    ...(i.user !== undefined && { user: { name: i.user } }),
    ...(i.n !== undefined && { http: { bytes: i.n } }),
    host: { name: i.host ?? 'web-01' },
    vigil: { id: i.id ?? `ev-${++seq}`, input: 'test', received_at: '2026-11-22T10:00:00.000Z', parse_status: 'ok' },
  };
}

export const ruleId = (r: string): string => (r.length === 1 ? `rule-${r}` : r);

/** Feeds inputs to an engine; `{ advance: s }` moves the watermark of partition 0 to T0 + s seconds. */
export function feed(engine: CorrelationEngine, inputs: ReadonlyArray<In | { advance: number }>): CorrelationOutput {
  const fired: CorrelationAlert[] = [];
  const late: LateEvent[] = [];
  const stateChanges: StateChange[] = [];
  for (const i of inputs) {
    const out =
      'advance' in i
        ? engine.advanceWatermark(T0 + i.advance * 1000, 0, T0)
        : engine.process({ ruleId: ruleId(i.r), event: event(i), partitionKey: i.part ?? 0 }, T0);
    fired.push(...out.fired);
    late.push(...out.late);
    stateChanges.push(...out.stateChanges);
  }
  return { fired, late, stateChanges };
}

export function engineFor(
  corr: CompiledCorrelation | readonly CompiledCorrelation[],
  options: CorrelationEngineOptions = {},
): CorrelationEngine {
  return new CorrelationEngine(Array.isArray(corr) ? corr : [corr as CompiledCorrelation], { allowedLatenessMs: 60_000, ...options });
}

/** A fired alert in seconds after T0: [start, end, count]. */
export function windows(out: CorrelationOutput): Array<[number, number, number]> {
  return out.fired.map((f) => {
    const c = f.alert.vigil as unknown as { correlation: { window: { start: string; end: string }; count: number } };
    return [(Date.parse(c.correlation.window.start) - T0) / 1000, (Date.parse(c.correlation.window.end) - T0) / 1000, c.correlation.count];
  });
}
