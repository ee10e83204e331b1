import { ERROR_CODES, VigilError, errorMessage, type ErrorCode } from '../core/errors/index.js';
import { deterministicId } from '../core/event/index.js';
import { metrics } from '../core/telemetry/index.js';
import { ACTIONS } from './actions/registry.js';
import { allowHostsFor } from './allow-hosts.js';
import type { AuditEntry } from './audit.js';
import { untilHolds } from './builtin.js';
import { START_STEP, advance, announce, contextOf, incidentIdOf, type Engine } from './dispatcher.js';
import type { RunState, StepProcessor, StepRecord } from './queue/index.js';
import type { Playbook, Step } from './schema.js';
import { evaluate, parseExpr, renderTemplate, type RunContext } from './template.js';

/** How often a pending approval looks for a decision (a decision also wakes it at once). */
const APPROVAL_POLL_MS = 5_000;
/** How soon a step held back by its run's `concurrency` looks for a free slot again. */
const SLOT_POLL_MS = 200;
/** A run slot outlives its step's own time limit by this much (a worker that died frees it then). */
const SLOT_LEASE_SLACK_MS = 30_000;

/** One attempt of one step of one run. */
interface StepRun {
  engine: Engine;
  pb: Playbook;
  step: Step;
  state: RunState;
  attempt: number;
}

type Next = void | { recheckAt: number };

/**
 * The processor of step jobs. One call is one BullMQ attempt:
 *
 * 1. a `$start` job announces a run created elsewhere and queues its first steps;
 * 2. a step already settled in Redis (an earlier attempt acted, then its bookkeeping failed)
 *    only redoes the bookkeeping: audit of the outcome, then `advance`;
 * 3. nothing else runs in a run that ended (timed out, cancelled);
 * 4. `wait` and `approval` steps poll: they return when to look again, holding no worker slot;
 * 5. `run_if` false settles the step as skipped;
 * 6. a call marked in flight by an earlier attempt that never came back (the worker died) is
 *    made again only when the action is idempotent; otherwise the step settles `unknown`;
 * 7. otherwise the args are rendered (per item for `for_each`), the start audited while the
 *    first call is marked in flight (no call is made before both are stored), the action run
 *    under the step's timeout; a retriable failure with attempts left is audited and rethrown
 *    (BullMQ retries after the backoff), anything else settles the step as failed;
 * 8. the outcome is settled in Redis first (with the in-flight marks cleared and the run read
 *    back, one transaction), then audited (with the run's end when it was the last step, one
 *    Kafka request), then the run advanced. A failed step ends its job with a non-retriable
 *    error, so that BullMQ shows it failed.
 *
 * Redis round trips on the run per action step: read the run, mark the call in flight (while its
 * start is audited), settle; Kafka acknowledgements awaited: the start, the outcome.
 */
export function stepProcessor(engine: Engine): StepProcessor {
  return async ({ data, attempt }): Promise<Next> => {
    const pb = engine.playbooks.get(data.playbookId);
    const step = pb?.byRef.get(data.step);
    if (pb && data.step === START_STEP) return announce(engine, pb, data.runId);
    if (!pb || !step) {
      throw new VigilError(
        'PLAYBOOK_INVALID',
        `playbook ${data.playbookId} has no step ${data.step} (changed or removed since the run started)`,
      );
    }
    const state = await engine.runs.load(data.runId);
    if (!state) throw new VigilError('PLAYBOOK_RUN_MISSING', `no state for run ${data.runId} of playbook ${pb.id}`);
    const run: StepRun = { engine, pb, step, state, attempt };

    // Before the run's end: the last step's outcome is audited with the end, after the end is stored.
    const settled = state.steps.get(step.ref);
    if (settled) return finish(run, settled, state);
    if (state.end) return advance(engine, pb, state);

    const ctx: RunContext = contextOf(state);
    try {
      if (step.runIf && !step.runIf(ctx)) return settle(run, { status: 'skipped', reason: 'run_if is false' });
    } catch (err) {
      return settle(run, failed(run, new VigilError('RULE_MATCH', `run_if failed: ${errorMessage(err)}`, { cause: err })));
    }
    if (step.wait) return pollWait(run);
    if (step.approval) return pollApproval(run, ctx);
    if (attempt > step.retry.attempts) {
      // Only reached when the bookkeeping of the last action attempt failed before it settled.
      return settle(run, failed(run, new VigilError('ACTION_FAILED', `no attempt left (${step.retry.attempts})`)));
    }
    return callAction(run, ctx);
  };
}

/** One call of the action: the step's, or one item's of a for_each. */
interface Call {
  key: string;
  /** The step's `allow_hosts`, entries that follow an input or a secret read. */
  allow: readonly string[];
  index: number | undefined;
  args: Record<string, unknown>;
  shown: unknown;
}

async function callAction(run: StepRun, ctx: RunContext): Promise<Next> {
  const { engine, pb, step, state, attempt } = run;
  const where = `playbook ${pb.id} step ${step.ref}`;
  const action = ACTIONS[step.action as keyof typeof ACTIONS];
  let calls: Call[];
  try {
    const allow = allowHostsFor(step.allowHosts, { inputs: state.inputs, secrets: engine.secrets }, where);
    const items = step.forEach === undefined ? [undefined] : listAt(step.forEach, ctx, where);
    calls = items.map((item, i) => {
      const c = step.forEach === undefined ? ctx : { ...ctx, item };
      return {
        key: step.forEach === undefined ? step.ref : `${step.ref}#${i}`,
        allow,
        index: step.forEach === undefined ? undefined : i,
        args: renderTemplate(step.args, c, engine.secrets, { where }) as Record<string, unknown>,
        shown: renderTemplate(step.args, c, engine.secrets, { where, redactSecrets: true }),
      };
    });
  } catch (err) {
    return settle(run, failed(run, asVigilError(err)));
  }
  const done = step.forEach === undefined ? new Map<number, unknown>() : await engine.runs.items(state.runId, step.ref);
  const todo = calls.filter((c) => c.index === undefined || !done.has(c.index));

  // A call still marked in flight was cut short by a crash: it may or may not have acted.
  const lost = todo.find((c) => state.inflight.has(c.key));
  if (lost && !(action.idempotentFor ? action.idempotentFor(lost.args) : action.idempotent === true)) {
    const was = state.inflight.get(lost.key);
    const e = new VigilError(
      'ACTION_OUTCOME_UNKNOWN',
      `the worker stopped during ${step.action} (attempt ${was?.attempt ?? '?'}${lost.index !== undefined ? `, item ${lost.index}` : ''}); ` +
        'it is not idempotent, so it is not called again',
    );
    metrics.errors.inc({ kind: 'playbook', id: pb.id, code: e.code });
    return settle(run, { status: 'unknown', reason: e.message, error: { code: e.code, message: e.message }, attempt });
  }

  // The run's concurrency: a step over the cap is put aside (no attempt used) and looks again.
  const cap = pb.concurrency;
  if (cap !== undefined && engine.slots && todo.length > 0) {
    const leaseMs = step.timeoutMs * Math.ceil(todo.length / step.concurrency) + SLOT_LEASE_SLACK_MS;
    if (!(await engine.slots.take(state.runId, step.ref, cap, leaseMs))) return { recheckAt: Date.now() + SLOT_POLL_MS };
  }
  try {
    return await callWithin(run, calls, todo, done);
  } finally {
    if (cap !== undefined && engine.slots) await engine.slots.give(state.runId, step.ref);
  }
}

/** Makes the calls not made yet (at most `concurrency` at once), each when its rate limit lets it, and settles the step. */
async function callWithin(run: StepRun, calls: Call[], todo: Call[], done: Map<number, unknown>): Promise<void> {
  const { engine, pb, step, state, attempt } = run;
  const shown = step.forEach === undefined ? calls[0]?.shown : calls.map((c) => c.shown);
  const first = todo[0];
  const [audited, marked] = await Promise.allSettled([
    engine.audit.record(entry(run, { action: 'playbook.step.started', attempt, maxAttempts: step.retry.attempts, args: shown })),
    first ? markInFlight(run, first) : undefined,
  ]);
  if (audited.status === 'rejected') {
    // No call was made: the mark goes, so that the next attempt does not take the call for one cut short.
    if (first && marked.status === 'fulfilled') await engine.runs.clearInflight(state.runId, first.key);
    throw audited.reason;
  }
  if (marked.status === 'rejected') throw marked.reason;

  const endTimer = metrics.latency.startTimer({ kind: 'playbook', id: pb.id });
  const results = new Map<number, unknown>(done);
  // Calls that answered whose marks are cleared with the step's outcome, in the same transaction.
  const answered: string[] = [];
  let firstError: VigilError | undefined;
  try {
    await pool(todo, step.concurrency, async (c) => {
      if (c !== first) {
        if (firstError) return;
        await markInFlight(run, c);
      }
      let result: unknown;
      try {
        result = await runAction(run, c);
      } catch (err) {
        // The call answered with an error: its outcome is known, whatever is done next.
        await engine.runs.clearInflight(state.runId, c.key);
        firstError ??= asVigilError(err);
        return;
      }
      if (c.index === undefined) {
        results.set(0, result);
        answered.push(c.key);
      } else {
        await engine.runs.saveItem(state.runId, step.ref, c.index, engine.redact(result), c.key);
        results.set(c.index, result);
      }
    });
  } finally {
    endTimer();
  }
  if (firstError) {
    const e = firstError;
    if (!e.retriable || attempt >= step.retry.attempts) return settle(run, failed(run, e), answered);
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
  }
  metrics.sent.inc({ kind: 'playbook', id: pb.id });
  const result = step.forEach === undefined ? results.get(0) : calls.map((_, i) => results.get(i) ?? null);
  return settle(run, { status: 'succeeded', result, attempt }, answered);
}

/** Waits for the call's rate limit (neither a failure nor an attempt: the step's timeout starts after it), then marks it in flight. */
async function markInFlight(run: StepRun, c: Call): Promise<void> {
  await run.engine.throttle?.wait(run.step.action);
  await run.engine.runs.begin(run.state.runId, run.step.ref, c.key, run.attempt);
}

/** The list a for_each names; anything else is TEMPLATE_INVALID. */
function listAt(path: string, ctx: RunContext, where: string): unknown[] {
  const expr = parseExpr(path);
  const value = typeof expr === 'string' ? undefined : evaluate(expr, ctx, {}, false);
  if (!Array.isArray(value)) {
    throw new VigilError(
      'TEMPLATE_INVALID',
      `${where}: for_each ${path} is not a list (${value === undefined ? 'no value' : typeof value})`,
    );
  }
  return value;
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** `wait`: done after its duration, or once its condition holds on the latest incident record. */
async function pollWait(run: StepRun): Promise<Next> {
  const { engine, step, state } = run;
  const wait = step.wait as NonNullable<Step['wait']>;
  const { at: since, first } = await engine.runs.beganAt(state.runId, step.ref);
  if (first) await engine.audit.record(entry(run, { action: 'playbook.step.started', attempt: 1, maxAttempts: 1 }));
  const now = Date.now();
  if (wait.forMs !== undefined) {
    if (now >= since + wait.forMs) return settle(run, { status: 'succeeded', result: { waited_ms: now - since }, attempt: 1 });
    return { recheckAt: since + wait.forMs };
  }
  const incident = (await engine.runs.loadIncident(incidentIdOf(state))) ?? state.incident;
  if (untilHolds(wait.until, incident)) return settle(run, { status: 'succeeded', result: { waited_ms: now - since }, attempt: 1 });
  if (now >= since + wait.timeoutMs) {
    const e = new VigilError('PLAYBOOK_WAIT_TIMEOUT', `${wait.until.path} did not hold within ${wait.timeoutMs} ms`);
    return settle(run, failed(run, e));
  }
  return { recheckAt: Math.min(now + wait.pollMs, since + wait.timeoutMs) };
}

/**
 * `approval`: asks once (audited with its prompt and deadline), then looks for a decision until
 * the deadline, where the default stands (decided by `timeout`). The decision is audited with
 * who, when and why; approved succeeds, denied fails with PLAYBOOK_APPROVAL_DENIED (on_error applies).
 */
async function pollApproval(run: StepRun, ctx: RunContext): Promise<Next> {
  const { engine, pb, step, state } = run;
  const spec = step.approval as NonNullable<Step['approval']>;
  const { at: since, first } = await engine.runs.beganAt(state.runId, step.ref);
  const deadline = since + spec.timeoutMs;
  if (first) {
    let prompt: string;
    try {
      prompt = String(
        renderTemplate(spec.prompt, ctx, engine.secrets, { where: `playbook ${pb.id} step ${step.ref}`, redactSecrets: true }),
      );
    } catch (err) {
      prompt = `(prompt: ${errorMessage(err)})`;
    }
    await engine.audit.record(
      entry(run, { action: 'playbook.approval.requested', approval: { prompt, deadline: new Date(deadline).toISOString() } }),
    );
  }
  const now = Date.now();
  let decision = state.decisions.get(step.ref);
  if (!decision && now >= deadline) {
    decision = await engine.runs.decide(state.runId, step.ref, {
      decision: spec.default === 'approve' ? 'approved' : 'denied',
      by: 'timeout',
      at: now,
      reason: `no decision within ${spec.timeoutMs} ms: the default (${spec.default}) stands`,
    });
  }
  if (!decision) return { recheckAt: Math.min(now + APPROVAL_POLL_MS, deadline) };
  const approval = {
    decision: decision.decision,
    by: decision.by,
    at: new Date(decision.at).toISOString(),
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
  };
  await engine.audit.record(
    entry(run, { action: 'playbook.approval.decided', outcome: decision.decision === 'approved' ? 'success' : 'failure', approval }),
  );
  if (decision.decision === 'approved') return settle(run, { status: 'succeeded', result: approval, attempt: 1 });
  const e = new VigilError('PLAYBOOK_APPROVAL_DENIED', `denied by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}`);
  return settle(run, failed(run, e));
}

/** An audit entry about this step. */
function entry(run: StepRun, e: Omit<AuditEntry, 'runId' | 'playbookId' | 'incidentId' | 'step' | 'stepAction'>): AuditEntry {
  const { pb, step, state } = run;
  return { runId: state.runId, playbookId: pb.id, incidentId: incidentIdOf(state), step: step.ref, stepAction: step.action, ...e };
}

/** A failed outcome; counted, and its message scrubbed before it is stored. */
function failed(run: StepRun, e: VigilError): StepRecord {
  metrics.errors.inc({ kind: 'playbook', id: run.pb.id, code: e.code });
  return { status: 'failed', error: { code: e.code, message: run.engine.redact(e.message) }, attempt: run.attempt };
}

/**
 * Records the outcome in Redis (the first one written stands) with the marks of the `answered`
 * calls cleared, then finishes with it. Secret values are scrubbed out of it first, since a
 * result may echo what the action was sent: a later step reading `$.steps.<ref>` sees
 * `[REDACTED]` where a secret was.
 */
async function settle(run: StepRun, record: StepRecord, answered: readonly string[] = []): Promise<void> {
  const { record: stood, state } = await run.engine.runs.settleAndLoad(run.state.runId, run.step.ref, run.engine.redact(record), answered);
  return finish(run, stood, state);
}

/**
 * Audits a settled step and advances the run; a failed step then fails its job for good. `now`
 * is the run read after the outcome was written: of two steps a join needs, the one that settles
 * last sees both (write, then read).
 */
async function finish(run: StepRun, rec: StepRecord, now: RunState): Promise<void> {
  const { engine, pb, step, state } = run;
  const maxAttempts = step.retry.attempts;
  const outcome =
    rec.status === 'succeeded'
      ? entry(run, { action: 'playbook.step.succeeded', attempt: rec.attempt, maxAttempts, result: rec.result })
      : rec.status === 'skipped'
        ? entry(run, { action: 'playbook.step.skipped', reason: rec.reason })
        : entry(run, {
            action: 'playbook.step.failed',
            attempt: rec.attempt,
            maxAttempts,
            willRetry: false,
            ...(rec.error ? { error: rec.error } : {}),
            ...(rec.status === 'unknown' ? { outcome: 'unknown' as const, reason: rec.reason } : {}),
          });
  // The outcome's audit record is the first `advance` writes, before it queues what is next.
  await advance(engine, pb, now, [outcome]);
  engine.log.info(
    { playbook: pb.id, run: state.runId, step: step.ref, status: rec.status, attempt: rec.attempt, err: rec.error?.message },
    'step settled',
  );
  if (rec.status === 'failed' || rec.status === 'unknown') {
    const code = rec.error && Object.hasOwn(ERROR_CODES, rec.error.code) ? (rec.error.code as ErrorCode) : 'ACTION_FAILED';
    throw new VigilError(code, rec.error?.message ?? 'step failed', { retriable: false });
  }
}

/**
 * Runs the action under the step's timeout; an overrun is ACTION_FAILED (retriable). The
 * idempotency key is the same for every attempt of this call.
 */
async function runAction(run: StepRun, call: Call): Promise<unknown> {
  const { step, engine, state } = run;
  const ctrl = new AbortController();
  const expired = new Promise<never>((_, reject) => {
    ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason as Error), { once: true });
  });
  const timer = setTimeout(
    () => ctrl.abort(new VigilError('ACTION_FAILED', `step ${step.ref} timed out after ${step.timeoutMs} ms`)),
    step.timeoutMs,
  );
  const name = step.action as keyof typeof ACTIONS;
  const idempotencyKey = idempotencyKeyOf(state.runId, call.key);
  const network = {
    allow: [...(engine.network?.allow ?? []), ...call.allow],
    ...(engine.network?.resolve ? { resolve: engine.network.resolve } : {}),
  };
  const actx = {
    signal: ctrl.signal,
    idempotencyKey,
    network,
    redact: engine.redact<string>,
    ...(engine.services ? { services: engine.services } : {}),
  };
  try {
    return await Promise.race([
      engine.execute ? engine.execute(name, call.args, actx, { step: step.ref, index: call.index }) : ACTIONS[name].run(call.args, actx),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The idempotency key of one call of a run: the same across retries and crashes. */
export function idempotencyKeyOf(runId: string, callKey: string): string {
  return deterministicId('playbook-call', runId, callKey);
}

/** An action's error as a VigilError; an unexpected one (a bug, a library error) may be retried. */
function asVigilError(err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  return new VigilError('ACTION_FAILED', errorMessage(err), { cause: err });
}
