import { ERROR_CODES, VigilError, errorMessage, type ErrorCode } from '../core/errors/index.js';
import { metrics } from '../core/telemetry/index.js';
import { ACTIONS } from './actions/registry.js';
import type { AuditEntry } from './audit.js';
import { advance, type Engine } from './dispatcher.js';
import type { RunState, StepProcessor, StepRecord } from './queue/index.js';
import type { Playbook, Step } from './schema.js';
import { renderTemplate, type RunContext } from './template.js';

/** One attempt of one step of one run. */
interface StepRun {
  engine: Engine;
  pb: Playbook;
  step: Step;
  state: RunState;
  attempt: number;
}

/**
 * The processor of step jobs. One call is one BullMQ attempt:
 *
 * 1. a step already settled in Redis (an earlier attempt acted, then its bookkeeping failed)
 *    only redoes the bookkeeping: audit of the outcome, then `advance`;
 * 2. `run_if` false settles the step as skipped;
 * 3. otherwise the args are rendered, the start audited, the action run under the step's
 *    timeout; a retriable failure with attempts left is audited and rethrown (BullMQ retries
 *    after the backoff), anything else settles the step as failed;
 * 4. the outcome is settled in Redis first, then audited, then the run advanced. A failed
 *    step ends its job with a non-retriable error, so that BullMQ shows it failed.
 */
export function stepProcessor(engine: Engine): StepProcessor {
  return async ({ data, attempt }) => {
    const pb = engine.playbooks.get(data.playbookId);
    const step = pb?.byRef.get(data.step);
    if (!pb || !step) {
      throw new VigilError(
        'PLAYBOOK_INVALID',
        `playbook ${data.playbookId} has no step ${data.step} (changed or removed since the run started)`,
      );
    }
    const state = await engine.runs.load(data.runId);
    if (!state) throw new VigilError('PLAYBOOK_RUN_MISSING', `no state for run ${data.runId} of playbook ${pb.id}`);
    const run: StepRun = { engine, pb, step, state, attempt };

    const settled = state.steps.get(step.ref);
    if (settled) return finish(run, settled);
    if (attempt > step.retry.attempts) {
      // Only reached when the bookkeeping of the last action attempt failed before it settled.
      return settle(run, failed(run, new VigilError('ACTION_FAILED', `no attempt left (${step.retry.attempts})`)));
    }

    const ctx: RunContext = { incident: state.incident, steps: results(state) };
    try {
      if (step.runIf && !step.runIf(ctx)) return settle(run, { status: 'skipped', reason: 'run_if is false' });
    } catch (err) {
      return settle(run, failed(run, new VigilError('RULE_MATCH', `run_if failed: ${errorMessage(err)}`, { cause: err })));
    }

    const where = `playbook ${pb.id} step ${step.ref}`;
    let args: Record<string, unknown>;
    try {
      args = renderTemplate(step.args, ctx, engine.secrets, { where }) as Record<string, unknown>;
    } catch (err) {
      return settle(run, failed(run, asVigilError(err)));
    }
    const shown = renderTemplate(step.args, ctx, engine.secrets, { where, redactSecrets: true });
    await engine.audit.record(entry(run, { action: 'playbook.step.started', attempt, maxAttempts: step.retry.attempts, args: shown }));

    const endTimer = metrics.latency.startTimer({ kind: 'playbook', id: pb.id });
    let result: unknown;
    try {
      result = await runAction(step, args);
    } catch (err) {
      const e = asVigilError(err);
      if (!e.retriable || attempt >= step.retry.attempts) return settle(run, failed(run, e));
      metrics.errors.inc({ kind: 'playbook', id: pb.id, code: e.code });
      engine.log.warn(
        { playbook: pb.id, run: state.runId, step: step.ref, attempt, err: engine.redact(e.describe()) },
        'step failed, will retry',
      );
      const error = { code: e.code, message: engine.redact(e.message) };
      await engine.audit.record(
        entry(run, { action: 'playbook.step.failed', attempt, maxAttempts: step.retry.attempts, willRetry: true, error }),
      );
      // BullMQ keeps the message and stack of a failed attempt in Redis: a scrubbed copy, since
      // the action's error may quote what it was sent (a response body echoing a key).
      throw new VigilError(e.code, error.message, { retriable: true });
    } finally {
      endTimer();
    }
    metrics.sent.inc({ kind: 'playbook', id: pb.id });
    return settle(run, { status: 'succeeded', result, attempt });
  };
}

/** An audit entry about this step. */
function entry(run: StepRun, e: Omit<AuditEntry, 'runId' | 'playbookId' | 'incidentId' | 'step' | 'stepAction'>): AuditEntry {
  const { pb, step, state } = run;
  return { runId: state.runId, playbookId: pb.id, incidentId: String(state.incident.id), step: step.ref, stepAction: step.action, ...e };
}

/** A failed outcome; counted, and its message scrubbed before it is stored. */
function failed(run: StepRun, e: VigilError): StepRecord {
  metrics.errors.inc({ kind: 'playbook', id: run.pb.id, code: e.code });
  return { status: 'failed', error: { code: e.code, message: run.engine.redact(e.message) }, attempt: run.attempt };
}

/**
 * Records the outcome in Redis (the first one written stands), then finishes with it. Secret
 * values are scrubbed out of it first, since a result may echo what the action was sent: a later
 * step reading `$.steps.<ref>` sees `[REDACTED]` where a secret was.
 */
async function settle(run: StepRun, record: StepRecord): Promise<void> {
  return finish(run, await run.engine.runs.settle(run.state.runId, run.step.ref, run.engine.redact(record)));
}

/** Audits a settled step and advances the run; a failed step then fails its job for good. */
async function finish(run: StepRun, rec: StepRecord): Promise<void> {
  const { engine, pb, step, state } = run;
  const maxAttempts = step.retry.attempts;
  await engine.audit.record(
    rec.status === 'succeeded'
      ? entry(run, { action: 'playbook.step.succeeded', attempt: rec.attempt, maxAttempts, result: rec.result })
      : rec.status === 'skipped'
        ? entry(run, { action: 'playbook.step.skipped', reason: rec.reason })
        : entry(run, { action: 'playbook.step.failed', attempt: rec.attempt, maxAttempts, willRetry: false, error: rec.error }),
  );
  engine.log.info(
    { playbook: pb.id, run: state.runId, step: step.ref, status: rec.status, attempt: rec.attempt, err: rec.error?.message },
    'step settled',
  );
  // Read the run again after writing this step: a sibling may have settled meanwhile, and of two
  // steps a join needs, the one that settles last must see both (write, then read).
  await advance(engine, pb, (await engine.runs.load(state.runId)) ?? state);
  if (rec.status === 'failed') {
    const code = rec.error && Object.hasOwn(ERROR_CODES, rec.error.code) ? (rec.error.code as ErrorCode) : 'ACTION_FAILED';
    throw new VigilError(code, rec.error?.message ?? 'step failed', { retriable: false });
  }
}

/** Results of the steps that succeeded, by ref: `$.steps.<ref>` in templates and `run_if`. */
function results(state: RunState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [ref, rec] of state.steps) if (rec.status === 'succeeded') out[ref] = rec.result;
  return out;
}

/** Runs the action under the step's timeout; an overrun is ACTION_FAILED (retriable). */
async function runAction(step: Step, args: Record<string, unknown>): Promise<unknown> {
  const ctrl = new AbortController();
  const expired = new Promise<never>((_, reject) => {
    ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason as Error), { once: true });
  });
  const timer = setTimeout(
    () => ctrl.abort(new VigilError('ACTION_FAILED', `step ${step.ref} timed out after ${step.timeoutMs} ms`)),
    step.timeoutMs,
  );
  try {
    return await Promise.race([ACTIONS[step.action].run(args, { signal: ctrl.signal }), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** An action's error as a VigilError; an unexpected one (a bug, a library error) may be retried. */
function asVigilError(err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  return new VigilError('ACTION_FAILED', errorMessage(err), { cause: err });
}
