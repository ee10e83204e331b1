/**
 * Event time for silent sources. The correlate stage's watermark moves only with the records
 * its partitions receive, so when every source falls silent no window closes and no flatline
 * fires: "a source went silent" would never be said when all of them are. Once the detect stage
 * has read nothing for `idleMs`, it sends every partition of `vigil.correlate-repartition` a
 * tick: the newest event time it sent to correlations plus the wall-clock time since (event
 * time is taken to follow the wall clock while nothing arrives).
 *
 * Only an idle stage ticks. A busy one may be reading a backlog whose partitions are at very
 * different event times; ticking their maximum would make the others' events late. Likewise,
 * with several detect instances, one instance's idle ticks can make a lagging instance's events
 * late: give `allowedLatenessSeconds` room for the lag.
 */
import type { OutRecord, Publisher } from '../../core/bus/index.js';
import { errorMessage } from '../../core/errors/index.js';
import { logger } from '../../core/telemetry/index.js';

const log = logger('correlate');

/** The tick record's value on the correlation input topic. */
export interface TickRecord {
  tick: number;
}

export function isTick(v: unknown): v is TickRecord {
  return typeof v === 'object' && v !== null && typeof (v as TickRecord).tick === 'number';
}

/** What the detect stage has read: the newest event time, and when (wall clock) it last read anything. */
export class EventClock {
  private newest = -Infinity;
  private lastRead = 0;
  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A batch was read; `inputs` are the correlation inputs it made, whose record timestamps are
   * their events' times (a record of `vigil.events` carries its receive time instead).
   */
  read(inputs: ReadonlyArray<{ timestamp?: number }>): void {
    for (const r of inputs) if (r.timestamp !== undefined && r.timestamp > this.newest) this.newest = r.timestamp;
    this.lastRead = this.now();
  }

  /** The event time to tick now: undefined unless nothing was read for `idleMs` (and something was before). */
  idleTime(): number | undefined {
    if (this.newest === -Infinity || this.idleMs <= 0) return undefined;
    const silent = this.now() - this.lastRead;
    return silent >= this.idleMs ? this.newest + silent : undefined;
  }
}

/** Sends a tick to every partition of `topic` every `intervalMs` while the stage is idle. */
export function startTicker(opts: { clock: EventClock; producer: Publisher; topic: string; partitions: number; intervalMs: number }): {
  stop(): void;
} {
  let sent = -Infinity;
  let busy = false;
  const timer = setInterval(() => {
    const t = opts.clock.idleTime();
    if (t === undefined || t <= sent || busy) return;
    const value = JSON.stringify({ tick: t } satisfies TickRecord);
    const records: OutRecord[] = Array.from({ length: opts.partitions }, (_, partition) => ({ partition, value, timestamp: t }));
    busy = true;
    opts.producer
      .send(opts.topic, records)
      .then(() => (sent = t))
      .catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'event-time tick not sent; the next one retries'))
      .finally(() => (busy = false));
  }, opts.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
