import { errorMessage } from '../core/errors/index.js';
import { metrics } from '../core/telemetry/index.js';
import { finishRun, outputsOf, type Engine } from './dispatcher.js';

/** Runs looked at per pass; the rest wait for the next pass. */
const BATCH = 200;

export interface Sweeper {
  /** One pass now (the timer runs them too); resolves with the runs it ended. */
  sweep(now?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Ends the runs that must not stay `running`: past their playbook's `timeout` they end
 * `timed_out`, when a responder cancelled them they end `cancelled`, each with its reason in the
 * audit trail. Runs wait in a sorted set by deadline (a cancel moves one to the front), so that a
 * pass reads only the due ones. Every worker sweeps; the end is written once (HSETNX), so two
 * sweepers agree, and a sweeper that dies between the end and its audit leaves the run due for
 * the next pass.
 */
export function startSweeper(engine: Engine, everyMs: number): Sweeper {
  const sweep = async (now = Date.now()): Promise<number> => {
    let ended = 0;
    for (const runId of await engine.runs.due(now, BATCH)) {
      const state = await engine.runs.load(runId);
      if (!state) {
        await engine.runs.forget(runId);
        continue;
      }
      const pb = engine.playbooks.get(state.playbookId);
      if (!pb) continue; // another instance's playbook: its own sweeper ends it
      const end =
        state.end ??
        (await engine.runs.end(runId, {
          status: state.cancel ? 'cancelled' : 'timed_out',
          reason: state.cancel
            ? `cancelled by ${state.cancel.by}${state.cancel.reason ? `: ${state.cancel.reason}` : ''}`
            : `still running after the playbook's timeout of ${pb.timeoutMs} ms`,
          at: now,
          outputs: outputsOf(engine, pb, state),
        }));
      await finishRun(engine, pb, state, end);
      if (end.status === 'timed_out') metrics.errors.inc({ kind: 'playbook', id: pb.id, code: 'PLAYBOOK_TIMED_OUT' });
      ended++;
    }
    return ended;
  };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweep().catch((err: unknown) => engine.log.error({ err: engine.redact(errorMessage(err)) }, 'sweep failed'));
  }, everyMs);
  timer.unref();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
