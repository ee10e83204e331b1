/**
 * new_term (Elastic's "new terms" rule, ElastAlert's new_term): an alert when a group sees a
 * value of `condition.field` that it has not seen within the history window (`timespan`).
 * With `learning`, a group raises nothing until it has been known that long, so that a fresh
 * deployment does not report every value as new.
 *
 * State: value → last time seen. An event whose value was seen later than it (an out-of-order
 * event) is not new. A value expires when the watermark passes its last time plus the history.
 */
import { refuse } from './checks.js';
import { KeyState, NO_FIRES, type AddResult, type Fire, type PartitionRef, type TypeHandler } from './contract.js';

export class TermState extends KeyState {
  seen = new Map<string, number>();
  /** When the group was first seen (for learning). */
  since = Infinity;
  /** No value's last time is below this (a lower bound, made exact on each wake). */
  low = Infinity;
}

export interface TermSnapshot {
  s: number;
  v: Array<[string, number]>;
}

export const newTerm: TypeHandler<TermState, TermSnapshot> = {
  value: 'string',
  check(c, _n, report) {
    if (!c.field || c.field.length === 0) report("a new_term correlation needs 'condition.field': the field whose new values it reports");
    refuse(c, 'new_term', report, ['bounds', 'percentile', 'spike', 'expression']);
  },
  eager: () => true,
  create: (part: PartitionRef) => new TermState(part),

  add(s, e, _wm, ctx): AddResult {
    const v = e.val as string;
    const last = s.seen.get(v);
    const history = ctx.cfg.spanMs;
    if (e.ts < s.since) s.since = e.ts;
    if (last !== undefined && last >= e.ts - history) {
      if (e.ts > last) {
        s.seen.set(v, e.ts);
        return NO_FIRES;
      }
      // Seen at this time or later already: a redelivery, or an older occurrence.
      ctx.counters.duplicates++;
      return null;
    }
    if (s.seen.size >= ctx.limits.maxEventsPerKey && last === undefined) {
      ctx.counters.overflow++;
      evictOldest(s);
    }
    s.seen.set(v, e.ts);
    if (e.ts < s.low) s.low = e.ts;
    if (e.ts < s.since + ctx.cfg.learningMs) return NO_FIRES;
    const fire: Fire = { start: e.ts, end: e.ts, count: 1, ids: [e.id], values: [v], idParts: [v], event: e.event };
    return [fire];
  },

  wake(s, wm, ctx) {
    const history = ctx.cfg.spanMs;
    let low = Infinity;
    for (const [v, last] of s.seen) {
      if (last + history < wm) s.seen.delete(v);
      else if (last < low) low = last;
    }
    s.low = low;
    return NO_FIRES;
  },

  nextWake: (s, ctx) => s.low + ctx.cfg.spanMs,

  isEmpty: (s) => s.seen.size === 0,

  snapshot: (s) => ({ s: s.since, v: [...s.seen] }),

  restore(s, data) {
    const d = data as Partial<TermSnapshot> | null;
    if (!d || typeof d.s !== 'number' || !Array.isArray(d.v)) return false;
    s.since = d.s;
    s.seen = new Map(d.v.filter((p): p is [string, number] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'number'));
    s.low = Infinity;
    for (const last of s.seen.values()) if (last < s.low) s.low = last;
    return true;
  },
};

function evictOldest(s: TermState): void {
  let oldest: string | undefined;
  let min = Infinity;
  for (const [v, last] of s.seen) {
    if (last < min) {
      min = last;
      oldest = v;
    }
  }
  if (oldest !== undefined) s.seen.delete(oldest);
}
