/**
 * A correlation file's tests (`<file>.tests.yml` beside it): events, and the alerts that the
 * file's correlations must raise over them, no more and no fewer.
 *
 * ```yaml
 * events:
 *   - {'@timestamp': '2026-11-22T10:15:00Z', source: {ip: 203.0.113.45}, …}
 *   - repeat: 12          # one event twelve times, `every` apart
 *     every: 5s
 *     event: {…}
 * expect:
 *   - correlation: ssh_brute_force      # its name, id or title
 *     group: {source.ip: 203.0.113.45}  # optional, each as in the alert's vigil.correlation
 *     count: 10
 *     values: [alice, bob]
 * ```
 *
 * Events run through every correlation of the set offline (`runCorrelationsOffline`), so a
 * file's correlations may chain to others. Events without `vigil.id` get `<file name>-<n>`.
 */
import { basename } from 'node:path';
import { parseYaml } from '../../core/yaml/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import type { CompiledRule } from '../sigma/load.js';
import type { CompiledCorrelation } from './compile.js';
import { runCorrelationsOffline } from './offline.js';
import { parseTimespan } from './timespan.js';

export interface ExpectedAlert {
  readonly correlation: string;
  readonly group?: Readonly<Record<string, unknown>>;
  readonly count?: number;
  readonly values?: readonly unknown[];
}

export interface CorrelationSidecar {
  readonly events: EcsEvent[];
  readonly expect: readonly ExpectedAlert[];
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses a sidecar's text; throws an Error whose message says what is wrong and where (`events[3]`). */
export function parseCorrelationSidecar(text: string, file: string): CorrelationSidecar {
  const doc: unknown = parseYaml(text) ?? {};
  if (!isMap(doc)) throw new Error("a correlation sidecar is a map with 'events' and 'expect' lists");
  const { events = [], expect = [] } = doc as { events?: unknown; expect?: unknown };
  if (!Array.isArray(events)) throw new Error("'events' is a list");
  if (!Array.isArray(expect)) throw new Error("'expect' is a list");
  const name = basename(file).replace(/\.tests\.ya?ml$/i, '');
  const out: EcsEvent[] = [];
  const add = (e: Record<string, unknown>): void => {
    const vigil = isMap(e.vigil) ? e.vigil : {};
    out.push({
      ...e,
      vigil: { id: `${name}-${out.length}`, input: 'test', received_at: String(e['@timestamp']), parse_status: 'ok', ...vigil },
    } as unknown as EcsEvent);
  };
  events.forEach((item: unknown, i) => {
    if (!isMap(item)) throw new Error(`events[${i}] is not a map`);
    if (!('repeat' in item)) return add(item);
    const { repeat, every, event } = item;
    if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 1)
      throw new Error(`events[${i}].repeat is a count (1 or more)`);
    const step = typeof every === 'string' ? parseTimespan(every) : undefined;
    if (step === undefined) throw new Error(`events[${i}].every is a timespan such as 5s or 2m`);
    if (!isMap(event)) throw new Error(`events[${i}].event is not a map`);
    const t0 = Date.parse(String(event['@timestamp']));
    if (Number.isNaN(t0)) throw new Error(`events[${i}].event has no '@timestamp' to repeat from`);
    for (let k = 0; k < repeat; k++) add({ ...event, '@timestamp': new Date(t0 + k * step).toISOString() });
  });
  const expected = expect.map((x: unknown, i): ExpectedAlert => {
    if (!isMap(x) || typeof x.correlation !== 'string') throw new Error(`expect[${i}] needs 'correlation' (a name, id or title)`);
    if (x.group !== undefined && !isMap(x.group)) throw new Error(`expect[${i}].group is a map of field to value`);
    if (x.count !== undefined && typeof x.count !== 'number') throw new Error(`expect[${i}].count is a number`);
    if (x.values !== undefined && !Array.isArray(x.values)) throw new Error(`expect[${i}].values is a list`);
    return x as unknown as ExpectedAlert;
  });
  return { events: out, expect: expected };
}

export interface SidecarResult {
  /** Expected alerts that fired as written. */
  readonly passed: number;
  /** What went wrong, one line each: an alert missing, different, or not expected. */
  readonly failures: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Runs a sidecar's events through the set's correlations and checks the alerts of `own` (the
 * correlations of the file under test) against what it expects.
 */
export function runCorrelationSidecar(
  set: { readonly rules: readonly CompiledRule[]; readonly correlations: readonly CompiledCorrelation[] },
  own: readonly CompiledCorrelation[],
  sidecar: CorrelationSidecar,
): SidecarResult {
  const result = runCorrelationsOffline(set, sidecar.events);
  const failures = result.late.map((l) => `event refused: ${l.reason}`);
  const ownIds = new Set(own.map((c) => c.id));
  const alerts = result.alerts.filter((a) => ownIds.has(a.correlationId) && a.emit);
  const unclaimed = new Set(alerts);
  let passed = 0;
  sidecar.expect.forEach((want, i) => {
    const corr = own.find((c) => c.id === want.correlation || c.rule.name === want.correlation || c.rule.title === want.correlation);
    if (!corr) {
      failures.push(`expect[${i}]: no correlation '${want.correlation}' in the file`);
      return;
    }
    const candidates = [...unclaimed].filter((a) => a.correlationId === corr.id);
    const facts = (a: (typeof alerts)[number]): Record<string, unknown> =>
      (a.alert.vigil as unknown as { correlation?: Record<string, unknown> }).correlation ?? {};
    const diff = (a: (typeof alerts)[number]): string[] => {
      const c = facts(a);
      const out: string[] = [];
      if (want.group !== undefined && !same(c.group, want.group)) out.push(`group ${JSON.stringify(c.group)}`);
      if (want.count !== undefined && c.count !== want.count) out.push(`count ${String(c.count)}`);
      if (want.values !== undefined && !same(c.values, want.values)) out.push(`values ${JSON.stringify(c.values)}`);
      return out;
    };
    const hit = candidates.find((a) => diff(a).length === 0);
    if (hit) {
      unclaimed.delete(hit);
      passed++;
      return;
    }
    const near = candidates[0];
    failures.push(
      `expect[${i}]: ${corr.id} ` +
        (near ? `fired with ${diff(near).join(', ')}` : 'did not fire') +
        ` (wanted ${JSON.stringify({ group: want.group, count: want.count, values: want.values })})`,
    );
    if (near) unclaimed.delete(near);
  });
  for (const a of unclaimed) {
    const c = (a.alert.vigil as unknown as { correlation?: { group?: unknown; count?: unknown } }).correlation;
    failures.push(`unexpected alert of ${a.correlationId}: group ${JSON.stringify(c?.group)}, count ${String(c?.count)}`);
  }
  return { passed, failures };
}
