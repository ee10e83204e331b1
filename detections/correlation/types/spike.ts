/**
 * spike (ElastAlert's spike rule): the number of events in a timespan is `ratio` times the
 * number in the timespan before it (up), or that many times lower (down). Windows here are
 * buckets aligned to the epoch (bucket k covers [k·timespan, (k+1)·timespan)), so that the
 * "previous window" is well defined and the alert id is the same whoever computes it.
 *
 * An up spike fires as soon as the current bucket's count reaches the ratio (the count only
 * grows), or at the latest when the bucket closes; a down spike is known only when the bucket
 * closes, including a bucket with no events at all after a busy one. Counts are not
 * deduplicated by event id: a redelivered batch may inflate a bucket (see the README of this
 * folder).
 */
import { refuse } from './checks.js';
import { KeyState, NO_FIRES, type AddResult, type Fire, type HandlerContext, type PartitionRef, type TypeHandler } from './contract.js';
import type { SpikeSpec } from '../model.js';

interface Bucket {
  /** Bucket index: floor(time / timespan). */
  x: number;
  n: number;
  /** Whether an up spike already fired for this bucket. */
  up: boolean;
  ids: string[];
}

export class SpikeState extends KeyState {
  buckets: Bucket[] = [];
  /** The last bucket closed (evaluated when the watermark passed its end). */
  closed = -Infinity;
}

export interface SpikeSnapshot {
  c: number;
  b: Array<[number, number, 0 | 1, string[]]>;
}

const bucketEnd = (x: number, span: number): number => (x + 1) * span - 1;

function countOf(s: SpikeState, x: number): number {
  for (const b of s.buckets) if (b.x === x) return b.n;
  return 0;
}

function upFire(spec: SpikeSpec, b: Bucket, prev: number, span: number, end: number, event?: Fire['event']): Fire | undefined {
  if (b.up || (spec.direction !== 'up' && spec.direction !== 'both')) return undefined;
  if (prev < spec.minReference || b.n < spec.minCurrent || b.n < spec.ratio * prev) return undefined;
  b.up = true;
  return spikeFire('up', b.x * span, end, b.n, prev, b.ids, spec, event);
}

function spikeFire(
  direction: 'up' | 'down',
  start: number,
  end: number,
  cur: number,
  prev: number,
  ids: readonly string[],
  spec: SpikeSpec,
  event?: Fire['event'],
): Fire {
  return {
    start,
    end,
    count: cur,
    ids: ids.slice(),
    value: prev === 0 ? cur : cur / prev,
    idParts: [direction],
    detail: { direction, current: cur, reference: prev, ratio: spec.ratio },
    ...(event && { event }),
  };
}

/** Whether a bucket is still to be decided: an open one with events, or the one after a closed bucket that is a reference. */
function pending(s: SpikeState, spec: SpikeSpec): boolean {
  if (s.buckets.some((b) => b.x > s.closed)) return true;
  // The last closed bucket is the reference of the next one, for an up spike as for a down one.
  return countOf(s, s.closed) >= spec.minReference;
}

const specOf = (ctx: HandlerContext): SpikeSpec => ctx.cfg.condition.spike as SpikeSpec;

export const spike: TypeHandler<SpikeState, SpikeSnapshot> = {
  value: 'none',
  check(c, _n, report) {
    refuse(c, 'spike', report, ['bounds', 'field', 'percentile', 'expression']);
    if (!c.spike) report("a spike correlation needs 'condition.ratio': how many times the previous window's count makes a spike");
  },
  eager: () => true,
  create: (part: PartitionRef) => new SpikeState(part),

  add(s, e, wm, ctx): AddResult {
    const span = ctx.cfg.spanMs;
    const x = Math.floor(e.ts / span);
    // A new group: the buckets before the watermark are closed; the one before this event
    // stays open for events still on their way (within the allowed lateness).
    if (s.closed === -Infinity) s.closed = wm > -Infinity ? Math.min(x - 1, Math.floor(wm / span) - 1) : x - 2;
    if (x <= s.closed) {
      ctx.counters.absorbed++;
      return null;
    }
    let k = s.buckets.length;
    while (k > 0 && (s.buckets[k - 1] as Bucket).x > x) k--;
    let b = s.buckets[k - 1];
    if (!b || b.x !== x) {
      b = { x, n: 0, up: false, ids: [] };
      s.buckets.splice(k, 0, b);
    }
    b.n++;
    if (b.ids.length < ctx.limits.maxAlertEventIds) b.ids.push(e.id);
    const fire = upFire(specOf(ctx), b, countOf(s, x - 1), span, e.ts, e.event);
    return fire ? [fire] : NO_FIRES;
  },

  wake(s, wm, ctx): readonly Fire[] {
    const span = ctx.cfg.spanMs;
    const spec = specOf(ctx);
    const fires: Fire[] = [];
    while (bucketEnd(s.closed + 1, span) < wm) {
      if (!pending(s, spec)) {
        // Nothing left to decide: skip the empty buckets in one step.
        s.closed = Math.max(s.closed, Math.floor(wm / span) - 1);
        break;
      }
      const x = s.closed + 1;
      const prev = countOf(s, x - 1);
      const b = s.buckets.find((c) => c.x === x) ?? { x, n: 0, up: false, ids: [] };
      const up = upFire(spec, b, prev, span, bucketEnd(x, span));
      if (up) fires.push(up);
      if (spec.direction !== 'up' && prev >= spec.minReference && b.n * spec.ratio <= prev) {
        fires.push(spikeFire('down', x * span, bucketEnd(x, span), b.n, prev, b.ids, spec));
      }
      s.closed = x;
      s.buckets = s.buckets.filter((c) => c.x >= x);
    }
    return fires;
  },

  nextWake: (s, ctx) => (pending(s, specOf(ctx)) ? bucketEnd(s.closed + 1, ctx.cfg.spanMs) : Infinity),

  isEmpty: (s, _wm, ctx) => !pending(s, specOf(ctx)),

  snapshot: (s) => ({ c: s.closed, b: s.buckets.map((b) => [b.x, b.n, b.up ? 1 : 0, b.ids.slice()]) }),

  restore(s, data) {
    const d = data as Partial<SpikeSnapshot> | null;
    if (!d || typeof d.c !== 'number' || !Array.isArray(d.b)) return false;
    s.closed = d.c;
    s.buckets = d.b.map(([x, n, up, ids]) => ({ x, n, up: up === 1, ids: ids.slice() }));
    return true;
  },
};
