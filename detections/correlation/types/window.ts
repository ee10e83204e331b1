/**
 * The sliding window that the Sigma types share (event_count, value_count, temporal,
 * temporal_ordered, value_sum, value_avg, value_percentile, value_median): one group's events
 * as parallel arrays sorted by event time (times, ids, and the value the type reads), with the
 * two ways of deciding a condition.
 *
 * - Eager (a condition with only lower bounds, `gt`/`gte`, on a metric that can only grow as
 *   events are added): decided when an event arrives. The window is the span after its first
 *   contributing event; the alert fires at the earliest event that makes the condition hold.
 *   The events up to that one are then consumed, and an event no later than it that arrives
 *   afterwards is attributed to the alert already raised (`absorbed`), so that a redelivered
 *   batch raises nothing twice.
 * - Final (any other condition, and every value_* type): decided when the watermark passes the
 *   end of a window anchored at the oldest event, so the window is complete whatever order its
 *   events came in. A window that holds is consumed; one that does not slides to the next event.
 *
 * Windows are closed intervals [start, start + timespan]. Timestamps are epoch milliseconds.
 */
import {
  KeyState,
  NO_FIRES,
  type AddResult,
  type Entry,
  type Fire,
  type HandlerContext,
  type PartitionRef,
  type TypeConfig,
  type TypeHandler,
} from './contract.js';
import type { Condition, TemporalExpr } from '../model.js';

export class WindowState extends KeyState {
  ts: number[] = [];
  ids: string[] = [];
  /** The values the type reads (absent for event_count). */
  vals: (string | number)[] | undefined;
  /** Events at or before this time belong to an alert already raised (undefined: none yet). */
  consumed?: number;
  constructor(part: PartitionRef, withValues: boolean) {
    super(part);
    this.vals = withValues ? [] : undefined;
  }
}

/** The changelog form: times as offsets from the first, to keep the JSON short. */
export interface WindowSnapshot {
  /** Base time. */
  b: number;
  /** Offsets from `b`. */
  t: number[];
  i: string[];
  x?: (string | number)[];
  /** consumed, when set. */
  c?: number;
}

/** A metric over entries [i..j] of a window, and how to grow it one entry at a time. */
export interface WindowMetric {
  readonly value: 'none' | 'string' | 'number' | 'rule';
  /** Whether events of equal time are ordered by rule index (so that temporal_ordered sees `a` before `b`). */
  readonly tieByValue?: boolean;
  measure(s: WindowState, i: number, j: number, cfg: TypeConfig): number;
  /** Whether entry i can start a window (temporal_ordered: only an event of the first rule). Default: any. */
  canAnchor?(s: WindowState, i: number, cfg: TypeConfig): boolean;
  /** An accumulator for eager search; event_count uses a faster path and has none. */
  accumulator?(cfg: TypeConfig): Accumulator;
  /** What the alert shows besides count and ids. */
  describe?(s: WindowState, i: number, j: number, metric: number, ctx: HandlerContext): Pick<Fire, 'value' | 'values' | 'rules' | 'detail'>;
  check(condition: Condition, ruleCount: number, report: (message: string) => void): void;
  /** Whether the metric never decreases as events are added (so lower bounds can be decided eagerly). */
  readonly monotone: boolean;
}

export interface Accumulator {
  reset(): void;
  /** Adds entry j and returns the metric so far. */
  add(s: WindowState, j: number): number;
}

export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function removeFront(s: WindowState, k: number): void {
  if (k <= 0) return;
  if (k >= s.ts.length) {
    s.ts = [];
    s.ids = [];
    if (s.vals) s.vals = [];
    return;
  }
  s.ts.splice(0, k);
  s.ids.splice(0, k);
  s.vals?.splice(0, k);
}

/**
 * Most groups hold a few events. `push` grows an array's capacity by at least 16 slots, which
 * would triple the memory of such a group, so the first few entries are appended by building an
 * array literal of the exact size. There are two copies of the same code on purpose: V8 keeps
 * an array literal's element kind per literal, and one literal shared by times (doubles) and
 * ids (strings) would box every time as a heap number.
 */
function insertedTime(a: number[], pos: number, x: number): number[] {
  if (pos !== a.length) return insertedInside(a, pos, x);
  switch (a.length) {
    case 0:
      return [x];
    case 1:
      return [a[0] as number, x];
    case 2:
      return [a[0] as number, a[1] as number, x];
    case 3:
      return [a[0] as number, a[1] as number, a[2] as number, x];
    default:
      a.push(x);
      return a;
  }
}

function insertedValue<T extends string | number>(a: T[], pos: number, x: T): T[] {
  if (pos !== a.length) return insertedInside(a, pos, x);
  switch (a.length) {
    case 0:
      return [x];
    case 1:
      return [a[0] as T, x];
    case 2:
      return [a[0] as T, a[1] as T, x];
    case 3:
      return [a[0] as T, a[1] as T, a[2] as T, x];
    default:
      a.push(x);
      return a;
  }
}

function insertedInside<T>(a: T[], pos: number, x: T): T[] {
  if (a.length < 4) return a.slice(0, pos).concat(x, a.slice(pos));
  a.splice(pos, 0, x);
  return a;
}

/** Inserts in (time, tie, id) order; -1 when an event with the same id and time is already held. */
function insert(s: WindowState, e: Entry, tieByValue: boolean): number {
  const { ts, ids } = s;
  const n = ts.length;
  if (n === 0 || (ts[n - 1] as number) < e.ts) {
    s.ts = insertedTime(ts, n, e.ts);
    s.ids = insertedValue(ids, n, e.id);
    if (s.vals) s.vals = insertedValue(s.vals, n, e.val);
    return n;
  }
  const lo = lowerBound(ts, e.ts);
  let end = lo;
  while (end < n && ts[end] === e.ts) {
    if (ids[end] === e.id) return -1;
    end++;
  }
  let pos = lo;
  while (pos < end && entryBefore(s, pos, e, tieByValue)) pos++;
  s.ts = insertedTime(ts, pos, e.ts);
  s.ids = insertedValue(ids, pos, e.id);
  if (s.vals) s.vals = insertedValue(s.vals, pos, e.val);
  return pos;
}

function entryBefore(s: WindowState, k: number, e: Entry, tieByValue: boolean): boolean {
  if (tieByValue && s.vals) {
    const v = s.vals[k] as number;
    if (v !== e.val) return v < (e.val as number);
  }
  return (s.ids[k] as string) < e.id;
}

/** The earliest window [i..j] that satisfies an eager condition, looking at anchors near `p` (or all when p < 0). */
function eagerFind(
  s: WindowState,
  p: number,
  metric: WindowMetric,
  acc: Accumulator | undefined,
  cfg: TypeConfig,
): [number, number] | undefined {
  const { ts } = s;
  const n = ts.length;
  if (n === 0) return undefined;
  const span = cfg.spanMs;
  const from = p < 0 ? 0 : lowerBound(ts, (ts[p] as number) - span);
  const to = p < 0 ? n - 1 : p;
  for (let i = from; i <= to; i++) {
    if (metric.canAnchor && !metric.canAnchor(s, i, cfg)) continue;
    const limit = (ts[i] as number) + span;
    if (!acc) {
      const j = i + cfg.minMetric - 1;
      if (j < n && (ts[j] as number) <= limit) return [i, j];
      // Every later anchor sees a subset of what this one sees.
      if ((ts[n - 1] as number) <= limit) return undefined;
      continue;
    }
    acc.reset();
    let j = i;
    for (; j < n && (ts[j] as number) <= limit; j++) if (cfg.test(acc.add(s, j))) return [i, j];
    if (j === n) return undefined;
  }
  return undefined;
}

function makeFire(
  s: WindowState,
  i: number,
  j: number,
  metric: WindowMetric,
  value: number,
  ctx: HandlerContext,
  event?: Entry['event'],
): Fire {
  const cap = Math.min(j + 1, i + ctx.limits.maxAlertEventIds);
  return {
    start: s.ts[i] as number,
    end: s.ts[j] as number,
    count: j - i + 1,
    ids: s.ids.slice(i, cap),
    ...metric.describe?.(s, i, j, value, ctx),
    ...(event && { event }),
  };
}

/** A TypeHandler over a sliding window, for a metric. */
export function windowType(metric: WindowMetric): TypeHandler<WindowState, WindowSnapshot> {
  const tie = metric.tieByValue === true;
  const accs = new WeakMap<TypeConfig, Accumulator | undefined>();
  const accFor = (cfg: TypeConfig): Accumulator | undefined => {
    if (!accs.has(cfg)) accs.set(cfg, metric.accumulator?.(cfg));
    return accs.get(cfg);
  };
  return {
    value: metric.value,
    check: (c, n, report) => metric.check(c, n, report),
    eager: (c) =>
      metric.monotone &&
      (c.expression ? !hasNot(c.expression) : c.bounds.length > 0 && c.bounds.every((b) => b.op === 'gt' || b.op === 'gte')),
    create: (part) => new WindowState(part, metric.value !== 'none'),

    add(s, e, _wm, ctx): AddResult {
      const { cfg, counters, limits } = ctx;
      if (s.consumed !== undefined && e.ts <= s.consumed) {
        counters.absorbed++;
        return null;
      }
      let p = insert(s, e, tie);
      if (p < 0) {
        counters.duplicates++;
        return null;
      }
      if (s.ts.length > limits.maxEventsPerKey) {
        const drop = s.ts.length - limits.maxEventsPerKey;
        removeFront(s, drop);
        counters.overflow += drop;
        p -= drop;
        if (p < 0) return NO_FIRES;
      }
      if (!cfg.eager) return NO_FIRES;
      const acc = accFor(cfg);
      let found = eagerFind(s, p, metric, acc, cfg);
      if (!found) return NO_FIRES;
      const fires: Fire[] = [];
      let first = true;
      while (found) {
        const [i, j] = found;
        const m = metric.measure(s, i, j, cfg);
        fires.push(makeFire(s, i, j, metric, m, ctx, first ? e.event : undefined));
        first = false;
        s.consumed = Math.max(s.consumed ?? -Infinity, s.ts[j] as number);
        removeFront(s, j + 1);
        found = eagerFind(s, -1, metric, acc, cfg);
      }
      return fires;
    },

    wake(s, wm, ctx): readonly Fire[] {
      const { cfg } = ctx;
      const { ts } = s;
      const span = cfg.spanMs;
      if (cfg.eager) {
        // Nothing older than the watermark minus the timespan can share a window with an event still to come.
        removeFront(s, lowerBound(ts, wm - span));
        // An event no later than `consumed` would now be late anyway.
        if (s.consumed !== undefined && s.consumed < wm) s.consumed = undefined;
        return NO_FIRES;
      }
      const fires: Fire[] = [];
      const n = ts.length;
      let a = 0;
      let j = 0;
      while (a < n && (ts[a] as number) + span < wm) {
        if (metric.canAnchor && !metric.canAnchor(s, a, cfg)) {
          a++;
          continue;
        }
        const limit = (ts[a] as number) + span;
        if (j < a) j = a;
        while (j + 1 < n && (ts[j + 1] as number) <= limit) j++;
        const m = metric.measure(s, a, j, cfg);
        if (cfg.test(m)) {
          fires.push(makeFire(s, a, j, metric, m, ctx));
          s.consumed = Math.max(s.consumed ?? -Infinity, ts[j] as number);
          a = j + 1;
        } else a++;
      }
      removeFront(s, a);
      return fires;
    },

    nextWake(s, ctx) {
      if (s.ts.length > 0) return (s.ts[0] as number) + ctx.cfg.spanMs;
      return s.consumed ?? Infinity;
    },

    isEmpty: (s, wm) => s.ts.length === 0 && (s.consumed ?? -Infinity) < wm,

    snapshot(s): WindowSnapshot {
      const { ts } = s;
      const b = ts.length > 0 ? (ts[0] as number) : 0;
      const t = new Array<number>(ts.length);
      for (let k = 0; k < ts.length; k++) t[k] = (ts[k] as number) - b;
      const snap: WindowSnapshot = { b, t, i: s.ids.slice() };
      if (s.vals) snap.x = s.vals.slice();
      if (s.consumed !== undefined) snap.c = s.consumed;
      return snap;
    },

    restore(s, data): boolean {
      const d = data as Partial<WindowSnapshot> | null;
      if (!d || typeof d.b !== 'number' || !Array.isArray(d.t) || !Array.isArray(d.i) || d.t.length !== d.i.length) return false;
      if (s.vals && (!Array.isArray(d.x) || d.x.length !== d.t.length)) return false;
      const b = d.b;
      s.ts = d.t.map((t) => b + t);
      s.ids = d.i.slice();
      if (s.vals) s.vals = (d.x as (string | number)[]).slice();
      s.consumed = typeof d.c === 'number' ? d.c : undefined;
      return true;
    },
  };
}

function hasNot(e: TemporalExpr): boolean {
  return e.kind === 'not' || (e.kind !== 'ref' && e.args.some(hasNot));
}
