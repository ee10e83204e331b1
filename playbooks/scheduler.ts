import { Cron } from 'croner';
import { errorMessage } from '../core/errors/index.js';
import { metrics } from '../core/telemetry/index.js';
import { startScheduled, type Engine } from './dispatcher.js';
import type { Playbook } from './schema.js';

/** setTimeout takes at most 2^31-1 ms; a longer wait is taken in parts. */
const MAX_SLEEP_MS = 3_600_000;

export interface Scheduler {
  stop(): void;
}

/**
 * Starts the runs of the scheduled playbooks at their ticks. Every respond worker runs one; each
 * tick runs once whatever their number (see {@link startScheduled}). Only ticks from now on are
 * run: a tick missed while no worker was up, or while this one was stalled past it, is skipped,
 * never replayed in a burst.
 */
export function startScheduler(engine: Engine): Scheduler {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  const plan = (pb: Playbook, cron: Cron, after: number) => {
    if (stopped) return;
    const next = cron.nextRun(new Date(Math.max(after, Date.now())));
    if (!next) return; // a pattern with no future tick (a date that has passed)
    const tick = next.getTime();
    const wait = tick - Date.now();
    const timer = setTimeout(
      () => {
        if (wait > MAX_SLEEP_MS) return plan(pb, cron, after);
        plan(pb, cron, tick);
        startScheduled(engine, pb, tick).catch((err: unknown) => {
          metrics.errors.inc({ kind: 'playbook', id: pb.id, code: 'SERVICE_UNAVAILABLE' });
          engine.log.error(
            { playbook: pb.id, tick: new Date(tick).toISOString(), err: engine.redact(errorMessage(err)) },
            'scheduled run not started',
          );
        });
      },
      Math.max(0, Math.min(wait, MAX_SLEEP_MS)),
    );
    timer.unref();
    timers.set(pb.id, timer);
  };
  for (const pb of engine.playbooks.values()) {
    if (!pb.schedule) continue;
    const cron = new Cron(pb.schedule.cron, { paused: true, ...(pb.schedule.timezone ? { timezone: pb.schedule.timezone } : {}) });
    plan(pb, cron, Date.now());
  }
  return {
    stop: () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
