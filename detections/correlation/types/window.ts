/**
 * The sliding window that the Sigma types share (event_count, value_count, temporal,
 * temporal_ordered, value_sum, value_avg, value_percentile, value_median): one group's events
 * sorted by event time (time, id, and the value the type reads), with the two ways of deciding
 * a condition.
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

/**
 * One group's events, flat in one array: `[time, id]` per event, or `[time, id, value]` when
 * the type reads a value. Times are stored as offsets from `baseSec`, so that they stay small
 * integers (V8 keeps those unboxed) instead of one heap number per event. A million groups of
 * one or two events is the common case this layout is for: one array per group instead of
 * three roughly halves the memory of a group.
 */
export class WindowState extends KeyState {
  /** Flat entries, `stride` slots each, sorted by (time, tie, id). */
  e: (string | number)[] = [];
  /**
   * The time the stored offsets are relative to, in whole seconds (set by the first event a
   * group holds): seconds stay a small integer where milliseconds would be a boxed number.
   */
  baseSec = 0;
  /** 2 without values (event_count), 3 with. */
  readonly stride: 2 | 3;
  /** Events at or before this time belong to an alert already raised (undefined: none yet). */
  consumed?: number;
  constructor(part: PartitionRef, withValues: boolean) {
    super(part);
    this.stride = withValues ? 3 : 2;
  }
  /** How many events the group holds. */
  get size(): number {
    return this.e.length / this.stride;
  }
  timeAt(k: number): number {
    return this.baseSec * 1000 + (this.e[k * this.stride] as number);
  }
  idAt(k: number): string {
    return this.e[k * this.stride + 1] as string;
  }
  /** The value the type reads (value_count: a string; value_sum…: a number; temporal: a rule index). */
  valAt(k: number): string | number {
    return this.e[k * this.stride + 2] as string | number;
  }
  numAt(k: number): number {
    return this.e[k * this.stride + 2] as number;
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

/** The first entry whose time is at least `x`. */
export function lowerBound(s: WindowState, x: number): number {
  let lo = 0;
  let hi = s.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.timeAt(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function removeFront(s: WindowState, k: number): void {
  if (k <= 0) return;
  if (k >= s.size) s.e = [];
  else s.e.splice(0, k * s.stride);
}

/**
 * `a` with `entry` inserted at slot `at`. Most groups hold a few events, and `push` grows an
 * array's capacity by at least 16 slots, which would triple the memory of such a group: small
 * arrays are rebuilt at their exact size instead.
 */
function inserted(a: (string | number)[], at: number, entry: (string | number)[]): (string | number)[] {
  if (a.length >= 12) {
    if (at === a.length) a.push(...entry);
    else a.splice(at, 0, ...entry);
    return a;
  }
  if (at === a.length) return a.concat(entry);
  return a.slice(0, at).concat(entry, a.slice(at));
}

/** Inserts in (time, tie, id) order; -1 when an event with the same id and time is already held. */
function insert(s: WindowState, e: Entry, tieByValue: boolean): number {
  const n = s.size;
  if (n === 0) s.baseSec = Math.floor(e.ts / 1000);
  const offset = e.ts - s.baseSec * 1000;
  const entry = s.stride === 3 ? [offset, e.id, e.val] : [offset, e.id];
  if (n === 0 || s.timeAt(n - 1) < e.ts) {
    s.e = inserted(s.e, s.e.length, entry);
    return n;
  }
  const lo = lowerBound(s, e.ts);
  let end = lo;
  while (end < n && s.timeAt(end) === e.ts) {
    if (s.idAt(end) === e.id) return -1;
    end++;
  }
  let pos = lo;
  while (pos < end && entryBefore(s, pos, e, tieByValue)) pos++;
  s.e = inserted(s.e, pos * s.stride, entry);
  return pos;
}

function entryBefore(s: WindowState, k: number, e: Entry, tieByValue: boolean): boolean {
  if (tieByValue && s.stride === 3) {
    const v = s.numAt(k);
    if (v !== e.val) return v < (e.val as number);
  }
  return s.idAt(k) < e.id;
}

/** The earliest window [i..j] that satisfies an eager condition, looking at anchors near `p` (or all when p < 0). */
function eagerFind(
  s: WindowState,
  p: number,
  metric: WindowMetric,
  acc: Accumulator | undefined,
  cfg: TypeConfig,
): [number, number] | undefined {
  const n = s.size;
  if (n === 0) return undefined;
  const span = cfg.spanMs;
  const from = p < 0 ? 0 : lowerBound(s, s.timeAt(p) - span);
  const to = p < 0 ? n - 1 : p;
  for (let i = from; i <= to; i++) {
    if (metric.canAnchor && !metric.canAnchor(s, i, cfg)) continue;
    const limit = s.timeAt(i) + span;
    if (!acc) {
      const j = i + cfg.minMetric - 1;
      if (j < n && s.timeAt(j) <= limit) return [i, j];
      // Every later anchor sees a subset of what this one sees.
      if (s.timeAt(n - 1) <= limit) return undefined;
      continue;
    }
    acc.reset();
    let j = i;
    for (; j < n && s.timeAt(j) <= limit; j++) if (cfg.test(acc.add(s, j))) return [i, j];
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
    start: s.timeAt(i),
    end: s.timeAt(j),
    count: j - i + 1,
    ids: idsOf(s, i, cap),
    ...metric.describe?.(s, i, j, value, ctx),
    ...(event && { event }),
  };
}

function idsOf(s: WindowState, from: number, to: number): string[] {
  const out = new Array<string>(to - from);
  for (let k = from; k < to; k++) out[k - from] = s.idAt(k);
  return out;
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
      if (s.size > limits.maxEventsPerKey) {
        const drop = s.size - limits.maxEventsPerKey;
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
        s.consumed = Math.max(s.consumed ?? -Infinity, s.timeAt(j));
        removeFront(s, j + 1);
        found = eagerFind(s, -1, metric, acc, cfg);
      }
      return fires;
    },

    wake(s, wm, ctx): readonly Fire[] {
      const { cfg } = ctx;
      const span = cfg.spanMs;
      if (cfg.eager) {
        // Nothing older than the watermark minus the timespan can share a window with an event still to come.
        removeFront(s, lowerBound(s, wm - span));
        // An event no later than `consumed` would now be late anyway.
        if (s.consumed !== undefined && s.consumed < wm) s.consumed = undefined;
        return NO_FIRES;
      }
      const fires: Fire[] = [];
      const n = s.size;
      let a = 0;
      let j = 0;
      while (a < n && s.timeAt(a) + span < wm) {
        if (metric.canAnchor && !metric.canAnchor(s, a, cfg)) {
          a++;
          continue;
        }
        const limit = s.timeAt(a) + span;
        if (j < a) j = a;
        while (j + 1 < n && s.timeAt(j + 1) <= limit) j++;
        const m = metric.measure(s, a, j, cfg);
        if (cfg.test(m)) {
          fires.push(makeFire(s, a, j, metric, m, ctx));
          s.consumed = Math.max(s.consumed ?? -Infinity, s.timeAt(j));
          a = j + 1;
        } else a++;
      }
      removeFront(s, a);
      return fires;
    },

    nextWake(s, ctx) {
      if (s.size > 0) return s.timeAt(0) + ctx.cfg.spanMs;
      return s.consumed ?? Infinity;
    },

    isEmpty: (s, wm) => s.e.length === 0 && (s.consumed ?? -Infinity) < wm,

    snapshot(s): WindowSnapshot {
      const n = s.size;
      const b = n > 0 ? s.timeAt(0) : 0;
      const t = new Array<number>(n);
      const i = new Array<string>(n);
      for (let k = 0; k < n; k++) {
        t[k] = s.timeAt(k) - b;
        i[k] = s.idAt(k);
      }
      const snap: WindowSnapshot = { b, t, i };
      if (s.stride === 3) {
        const x = new Array<string | number>(n);
        for (let k = 0; k < n; k++) x[k] = s.valAt(k);
        snap.x = x;
      }
      if (s.consumed !== undefined) snap.c = s.consumed;
      return snap;
    },

    restore(s, data): boolean {
      const d = data as Partial<WindowSnapshot> | null;
      if (!d || typeof d.b !== 'number' || !Array.isArray(d.t) || !Array.isArray(d.i) || d.t.length !== d.i.length) return false;
      const withValues = s.stride === 3;
      if (withValues && (!Array.isArray(d.x) || d.x.length !== d.t.length)) return false;
      const n = d.t.length;
      const e = new Array<string | number>(n * s.stride);
      const baseSec = Math.floor(d.b / 1000);
      const shift = d.b - baseSec * 1000;
      for (let k = 0; k < n; k++) {
        const at = k * s.stride;
        e[at] = (d.t[k] as number) + shift;
        e[at + 1] = d.i[k] as string;
        if (withValues) e[at + 2] = (d.x as (string | number)[])[k] as string | number;
      }
      s.baseSec = baseSec;
      s.e = e;
      s.consumed = typeof d.c === 'number' ? d.c : undefined;
      return true;
    },
  };
}

function hasNot(e: TemporalExpr): boolean {
  return e.kind === 'not' || (e.kind !== 'ref' && e.args.some(hasNot));
}
