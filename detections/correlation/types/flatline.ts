/**
 * flatline (ElastAlert's flatline, Elastic's "no data"): a group that had at least N events
 * within the timespan, then fewer than N: the source went silent. The condition is `lt: N`
 * (or `lte: N-1`). Decided by the watermark's advance, not by an event: the caller advances
 * the watermark on idle partitions too (see CorrelationEngine.advanceWatermark).
 *
 * State: the N most recent event times. Once they fit in one timespan the group is armed; it
 * fires when the watermark passes the oldest of them plus the timespan, and is then forgotten
 * until events come again. A group that never reached N events raises nothing.
 */
import { refuse } from './checks.js';
import { KeyState, NO_FIRES, type AddResult, type Fire, type PartitionRef, type TypeConfig, type TypeHandler } from './contract.js';
import type { Condition } from '../model.js';

export class FlatState extends KeyState {
  ts: number[] = [];
  ids: string[] = [];
  armed = false;
}

export interface FlatSnapshot {
  t: number[];
  i: string[];
  a: boolean;
}

/** N: the fewest events per timespan that count as alive. */
export function flatlineNeed(c: Condition): number {
  const b = c.bounds[0];
  if (!b) return 1;
  return b.op === 'lte' ? Math.floor(b.value) + 1 : Math.ceil(b.value);
}

const needOf = new WeakMap<TypeConfig, number>();
function need(cfg: TypeConfig): number {
  let n = needOf.get(cfg);
  if (n === undefined) {
    n = flatlineNeed(cfg.condition);
    needOf.set(cfg, n);
  }
  return n;
}

function clear(s: FlatState): void {
  s.ts = [];
  s.ids = [];
  s.armed = false;
}

export const flatline: TypeHandler<FlatState, FlatSnapshot> = {
  value: 'none',
  check(c, _n, report) {
    refuse(c, 'flatline', report, ['field', 'percentile', 'spike', 'expression']);
    const b = c.bounds;
    if (b.length !== 1 || (b[0]?.op !== 'lt' && b[0]?.op !== 'lte')) {
      report('a flatline correlation needs one condition, lt or lte: fewer events than this per timespan mean the source went silent');
    } else if (flatlineNeed(c) < 1) report('a flatline condition must allow at least one event per timespan (lt: 1 or more)');
  },
  eager: () => false,
  create: (part: PartitionRef) => new FlatState(part),

  add(s, e, _wm, ctx): AddResult {
    const n = need(ctx.cfg);
    let pos = s.ts.length;
    while (pos > 0 && (s.ts[pos - 1] as number) > e.ts) pos--;
    for (let k = pos - 1; k >= 0 && s.ts[k] === e.ts; k--) {
      if (s.ids[k] === e.id) {
        ctx.counters.duplicates++;
        return null;
      }
    }
    s.ts.splice(pos, 0, e.ts);
    s.ids.splice(pos, 0, e.id);
    if (s.ts.length > n) {
      s.ts.shift();
      s.ids.shift();
    }
    if (s.ts.length === n && (s.ts[n - 1] as number) - (s.ts[0] as number) <= ctx.cfg.spanMs) s.armed = true;
    return NO_FIRES;
  },

  wake(s, wm, ctx): readonly Fire[] {
    const span = ctx.cfg.spanMs;
    const n = need(ctx.cfg);
    if (s.armed && s.ts.length === n && (s.ts[0] as number) + span < wm) {
      const start = s.ts[0] as number;
      const fire: Fire = {
        start,
        end: start + span,
        count: n - 1,
        ids: s.ids.slice(1, 1 + ctx.limits.maxAlertEventIds),
        detail: { last_seen: new Date(s.ts[n - 1] as number).toISOString(), threshold: n },
      };
      clear(s);
      return [fire];
    }
    const last = s.ts[s.ts.length - 1];
    if (!s.armed && last !== undefined && last + span < wm) clear(s);
    return NO_FIRES;
  },

  nextWake(s, ctx) {
    if (s.ts.length === 0) return Infinity;
    return (s.armed ? (s.ts[0] as number) : (s.ts[s.ts.length - 1] as number)) + ctx.cfg.spanMs;
  },

  isEmpty: (s) => s.ts.length === 0,

  snapshot: (s) => ({ t: s.ts.slice(), i: s.ids.slice(), a: s.armed }),

  restore(s, data) {
    const d = data as Partial<FlatSnapshot> | null;
    if (!d || !Array.isArray(d.t) || !Array.isArray(d.i) || d.t.length !== d.i.length || typeof d.a !== 'boolean') return false;
    s.ts = d.t.slice();
    s.ids = d.i.slice();
    s.armed = d.a;
    return true;
  },
};
