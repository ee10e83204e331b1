import { metrics } from '../../core/telemetry/index.js';

export type DropReason = 'unrouted' | 'sampled' | 'duplicate' | 'aggregated';
/** The route label of records no route took. */
export const UNROUTED = '(none)';

export interface Count {
  events: number;
  bytes: number;
}

/** What one route of one sink did over some time. */
export interface RouteCounts {
  in: Count;
  out: Count;
  dropped: Partial<Record<DropReason, Count>>;
}

const zero = (): Count => ({ events: 0, bytes: 0 });
export const emptyCounts = (): RouteCounts => ({ in: zero(), out: zero(), dropped: {} });

/** Adds `b` into `a`. */
export function addCounts(a: RouteCounts, b: RouteCounts): RouteCounts {
  a.in.events += b.in.events;
  a.in.bytes += b.in.bytes;
  a.out.events += b.out.events;
  a.out.bytes += b.out.bytes;
  for (const [reason, c] of Object.entries(b.dropped) as Array<[DropReason, Count]>) {
    const d = (a.dropped[reason] ??= zero());
    d.events += c.events;
    d.bytes += c.bytes;
  }
  return a;
}

/**
 * The counts of one batch, per route, applied (to /metrics and to the running totals) only when
 * the batch settled, so that a retried batch is counted once.
 */
export class BatchTally {
  readonly routes = new Map<string, RouteCounts>();

  private of(route: string): RouteCounts {
    let c = this.routes.get(route);
    if (!c) this.routes.set(route, (c = emptyCounts()));
    return c;
  }

  in(route: string, bytes: number): void {
    const c = this.of(route).in;
    c.events++;
    c.bytes += bytes;
  }

  out(route: string, bytes: number): void {
    const c = this.of(route).out;
    c.events++;
    c.bytes += bytes;
  }

  drop(route: string, reason: DropReason, bytes: number): void {
    const c = (this.of(route).dropped[reason] ??= zero());
    c.events++;
    c.bytes += bytes;
  }
}

/** Running totals of one sink's routes since start; the stats publisher sends their deltas. */
export class SinkRouteStats {
  private readonly totals = new Map<string, RouteCounts>();

  constructor(readonly sink: string) {}

  apply(tally: BatchTally): void {
    for (const [route, c] of tally.routes) {
      addCounts((this.totals.get(route) ?? this.totals.set(route, emptyCounts()).get(route)) as RouteCounts, c);
      const l = { sink: this.sink, route };
      if (c.in.events) {
        metrics.routeEvents.inc({ ...l, outcome: 'in', reason: '' }, c.in.events);
        metrics.routeBytes.inc({ ...l, outcome: 'in', reason: '' }, c.in.bytes);
      }
      if (c.out.events) {
        metrics.routeEvents.inc({ ...l, outcome: 'out', reason: '' }, c.out.events);
        metrics.routeBytes.inc({ ...l, outcome: 'out', reason: '' }, c.out.bytes);
      }
      for (const [reason, d] of Object.entries(c.dropped) as Array<[DropReason, Count]>) {
        metrics.routeEvents.inc({ ...l, outcome: 'dropped', reason }, d.events);
        metrics.routeBytes.inc({ ...l, outcome: 'dropped', reason }, d.bytes);
        metrics.dropped.inc({ kind: 'sink', id: this.sink, reason }, d.events);
      }
    }
  }

  /** The totals since start, by route (a copy). */
  snapshot(): Map<string, RouteCounts> {
    return new Map([...this.totals].map(([r, c]) => [r, addCounts(emptyCounts(), c)]));
  }
}
