import { VigilError, errorMessage } from '../core/errors/index.js';
import { deterministicId } from '../core/event/index.js';
import { metrics, type Logger } from '../core/telemetry/index.js';
import type { ActionName } from './actions/registry.js';
import type { NetworkPolicy } from './actions/net/guard.js';
import type { ActionContext, ActionServices } from './actions/types.js';
import type { AuditEntry, Auditor } from './audit.js';
import type { RunEnd, RunMeta, RunState, RunStore, StepJobSpec, StepQueue, StepRecord } from './queue/index.js';
import type { Playbook, Step } from './schema.js';
import { renderTemplate, type RunContext } from './template.js';

/**
 * BullMQ attempts of a step job beyond the step's own `retry.attempts`: they are never used to
 * call the action again, only to finish the bookkeeping (settle in Redis, audit to Kafka,
 * enqueue what is next) if that failed after the action's last attempt.
 */
export const BOOKKEEPING_ATTEMPTS = 2;

/** The job of a run's start: announces it and queues its first steps (a step ref never holds `$`). */
export const START_STEP = '$start';

/** Incident severities, lowest first (the Sigma levels). */
const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'];

/** The public face of the run store and of the step queue (an in-memory one runs `vigil playbooks test`). */
export type Runs = Pick<RunStore, keyof RunStore>;
export type Queue = Pick<StepQueue, 'enqueue'>;

/** Runs one call of an action; `call` says which step (and for_each item) it is for. */
export type ActionExecutor = (
  action: ActionName,
  args: Readonly<Record<string, unknown>>,
  ctx: ActionContext,
  call: { step: string; index: number | undefined },
) => Promise<unknown>;

/** Waits until a call of `action` fits its rate limit (shared by every worker); resolves at once for an action without one. */
export interface Throttle {
  wait(action: string): Promise<void>;
}

/** Slots of a run's `concurrency`, shared by every worker: `take` is false when the run is at its cap. */
export interface RunSlots {
  take(runId: string, step: string, cap: number, leaseMs: number): Promise<boolean>;
  give(runId: string, step: string): Promise<void>;
}

/** What the dispatcher and the step runner share. */
export interface Engine {
  playbooks: ReadonlyMap<string, Playbook>;
  queue: Queue;
  runs: Runs;
  audit: Auditor;
  /** Values for `${{ secrets.NAME }}`. */
  secrets: Readonly<Record<string, string>>;
  /** Scrubs secret values out of what is logged. */
  redact: <T>(value: T) => T;
  log: Logger;
  /** Connections actions may use. */
  services?: ActionServices;
  /** `playbooks.network.allow`, which every step's `allow_hosts` adds to; public addresses only when absent. */
  network?: NetworkPolicy;
  /** Runs actions; the registry's when absent. */
  execute?: ActionExecutor;
  /** Rate limits per action; none when absent. */
  throttle?: Throttle;
  /** Per-run concurrency; not enforced when absent. */
  slots?: RunSlots;
}

/** The incident id of a run; '' for a scheduled run, which has none. */
export function incidentIdOf(state: Pick<RunState, 'incident'>): string {
  return state.incident.id === undefined ? '' : String(state.incident.id);
}

/** What templates and `run_if` of a run read. */
export function contextOf(state: RunState): RunContext {
  return {
    incident: state.incident,
    steps: resultsOf(state),
    inputs: state.inputs,
    ...(state.schedule ? { schedule: state.schedule } : {}),
  };
}

/**
 * A run is one playbook on one incident (per re-run generation): the same triple always gets
 * the same run id. A manual run adds its own nonce.
 */
export function runIdOf(playbookId: string, incidentId: string, generation = 0): string {
  return generation === 0
    ? deterministicId('playbook-run', playbookId, incidentId)
    : deterministicId('playbook-run', playbookId, incidentId, `rerun-${generation}`);
}

/** The `incident` object of an incident record `{incident: {id, …}}`. */
export function incidentOf(record: unknown): Record<string, unknown> & { id: string } {
  const incident = record !== null && typeof record === 'object' ? (record as { incident?: unknown }).incident : undefined;
  if (
    incident === null ||
    typeof incident !== 'object' ||
    Array.isArray(incident) ||
    typeof (incident as { id?: unknown }).id !== 'string'
  ) {
    throw new VigilError('EVENT_INVALID', 'an incident record is {"incident": {"id": "…", …}}');
  }
  return incident as Record<string, unknown> & { id: string };
}

/** The playbook's input defaults, overridden by `set` (already checked against the types). */
export function inputsOf(pb: Playbook, set: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(pb.inputs)) if (spec.default !== undefined) out[name] = spec.default;
  return { ...out, ...set };
}

/**
 * Starts a run of every playbook whose trigger matches the incident record (again when the
 * incident escalated or was reopened, per the playbook's `rerun`). Resolves once each run's
 * state and first steps are stored in Redis and its start is audited; safe to call again with
 * the same incident (a redelivery): steps that ran or are queued are not run again.
 */
export async function dispatch(engine: Engine, record: unknown): Promise<void> {
  const incident = incidentOf(record);
  const facts = {
    rank: SEVERITIES.indexOf(String(incident.severity)),
    closed: incident.status === 'closed',
    version: typeof incident.version === 'number' ? incident.version : -1,
  };
  const matched: Playbook[] = [];
  for (const pb of engine.playbooks.values()) {
    try {
      if (!pb.trigger(record as object)) continue;
    } catch (err) {
      metrics.errors.inc({ kind: 'playbook', id: pb.id, code: 'RULE_MATCH' });
      engine.log.warn({ playbook: pb.id, incident: incident.id, err: engine.redact(errorMessage(err)) }, 'trigger failed');
      continue;
    }
    metrics.received.inc({ kind: 'playbook', id: pb.id });
    matched.push(pb);
  }
  // The incident record and every run go to Redis at once (a pipeline on one connection, in this
  // order), so that a dispatch waits for one round trip there, two with a re-run policy, rather
  // than one per command; the incident is stored before any run's step can be queued.
  await settleAll([
    engine.runs.saveIncident(incident),
    ...matched.map(async (pb) => {
      const { generation } = pb.rerun === 'never' ? { generation: 0 } : await engine.runs.generation(pb.id, incident.id, pb.rerun, facts);
      const trigger = generation === 0 ? 'incident' : pb.rerun === 'on_reopen' ? 'reopen' : 'escalation';
      const now = Date.now();
      const meta = { trigger, inputs: inputsOf(pb), createdAt: now, deadline: now + pb.timeoutMs };
      await startRun(engine, pb, runIdOf(pb.id, incident.id, generation), incident, meta);
    }),
  ]);
}

/**
 * Waits for every promise to settle, then throws the first failure: a dispatch that failed has
 * nothing left running when its batch is retried.
 */
async function settleAll(work: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Creates the run (unless it exists), announces its start once, and queues its first steps. */
export async function startRun(
  engine: Engine,
  pb: Playbook,
  runId: string,
  incident: Record<string, unknown>,
  meta: RunMeta,
): Promise<void> {
  const { state, announced } = await engine.runs.open(runId, pb.id, incident, meta);
  await announceState(engine, pb, state, announced);
}

/** Audits the start of a created run (once) and advances it: what a `$start` job does. */
export async function announce(engine: Engine, pb: Playbook, runId: string): Promise<void> {
  const state = await engine.runs.load(runId);
  if (!state) throw new VigilError('PLAYBOOK_RUN_MISSING', `run ${runId} vanished right after it was created`);
  const stored = await engine.runs.create(runId, pb.id, state.incident, state);
  await announceState(engine, pb, state, stored.announced);
}

/**
 * The run's start goes to the audit trail before its first steps are queued, so that it comes
 * before their records on the run's partition. Then the mark and the first steps go to Redis
 * together: each is safe to repeat, and a crash between them re-audits the start under the
 * same audit id (one document downstream) or queues the steps again under their job ids (once).
 */
async function announceState(engine: Engine, pb: Playbook, state: RunState, announced: boolean): Promise<void> {
  if (announced) return advance(engine, pb, state);
  const incidentId = incidentIdOf(state);
  await engine.audit.record({
    action: 'playbook.run.started',
    runId: state.runId,
    playbookId: pb.id,
    incidentId,
    reason: `trigger: ${state.trigger}${state.by ? ` by ${state.by}` : ''}`,
    ...(Object.keys(state.inputs).length > 0 ? { args: state.inputs } : {}),
  });
  await settleAll([engine.runs.mark(state.runId, 'announced'), advance(engine, pb, state)]);
  engine.log.info({ playbook: pb.id, run: state.runId, incident: incidentId, trigger: state.trigger }, 'run started');
}

/** Whether a settled step lets what needs it go on. */
function satisfied(pb: Playbook, state: RunState, ref: string): boolean {
  const rec = state.steps.get(ref);
  if (!rec) return false;
  if (rec.status === 'succeeded') return true;
  if (rec.status === 'skipped') return false;
  const onError = pb.byRef.get(ref)?.onError ?? 'fail';
  if (onError === 'continue') return true;
  if (onError === 'fail') return false;
  return satisfied(pb, state, onError.handler);
}

/** A failed or unknown step whose on_error handler has not settled yet. */
function awaitingHandler(pb: Playbook, state: RunState, ref: string): boolean {
  const rec = state.steps.get(ref);
  const onError = pb.byRef.get(ref)?.onError;
  if (!rec || (rec.status !== 'failed' && rec.status !== 'unknown') || typeof onError !== 'object') return false;
  return !state.steps.has(onError.handler) || awaitingHandler(pb, state, onError.handler);
}

/** The step whose errors `handler` handles. */
function handledBy(pb: Playbook, handler: string): Step | undefined {
  return pb.steps.find((s) => typeof s.onError === 'object' && s.onError.handler === handler);
}

/**
 * Moves a run forward: skips the steps whose needs were skipped or failed (and the handlers
 * that are not needed), enqueues the steps whose needs are met and the handlers of failed steps,
 * and ends the run once every step settled. Idempotent: a step already queued keeps its job
 * (deterministic job ids). A run that ended (timed out, cancelled) gets nothing new.
 *
 * `before` (a step's outcome) is audited first, in the same Kafka request as the skips and the
 * run's end, and before any step is queued.
 */
export async function advance(engine: Engine, pb: Playbook, state: RunState, before: readonly AuditEntry[] = []): Promise<void> {
  if (state.end) {
    if (!state.ended) await finishRun(engine, pb, state, state.end, before);
    else await engine.audit.record(...before);
    return;
  }
  const incidentId = incidentIdOf(state);
  const skipped: AuditEntry[] = [];
  const skip = async (step: Step, reason: string) => {
    const stood = await engine.runs.settle(state.runId, step.ref, { status: 'skipped', reason });
    state.steps.set(step.ref, stood);
    const entry = { runId: state.runId, playbookId: pb.id, incidentId, step: step.ref, stepAction: step.action };
    skipped.push({ action: 'playbook.step.skipped', ...entry, reason: stood.reason ?? reason });
  };
  const ready: Step[] = [];
  for (let changed = true; changed;) {
    changed = false;
    ready.length = 0;
    for (const step of pb.steps) {
      if (state.steps.has(step.ref)) continue;
      if (pb.handlers.has(step.ref)) {
        const handled = handledBy(pb, step.ref);
        const rec = handled ? state.steps.get(handled.ref) : undefined;
        if (!rec) continue;
        if (rec.status === 'failed' || rec.status === 'unknown') ready.push(step);
        else {
          await skip(step, `${handled?.ref ?? ''} did not fail`);
          changed = true;
        }
        continue;
      }
      const pending = step.needs.some((n) => !state.steps.has(n) || awaitingHandler(pb, state, n));
      if (pending) continue;
      const blocker = step.needs.find((n) => !satisfied(pb, state, n));
      if (!blocker) {
        ready.push(step);
        continue;
      }
      await skip(step, `needs ${blocker}, which ${state.steps.get(blocker)?.status ?? ''}`);
      changed = true;
    }
  }
  if (!pb.steps.every((s) => state.steps.has(s.ref))) {
    await engine.audit.record(...before, ...skipped);
    await engine.queue.enqueue(ready.map((s) => jobSpec(state.runId, pb.id, s)));
  } else {
    const failedStep = pb.steps.find((s) => {
      const st = state.steps.get(s.ref)?.status;
      return (st === 'failed' || st === 'unknown') && !satisfied(pb, state, s.ref);
    });
    const end = await engine.runs.end(state.runId, {
      status: failedStep ? 'failed' : 'succeeded',
      ...(failedStep ? { reason: `step ${failedStep.ref} ${state.steps.get(failedStep.ref)?.status ?? ''}` } : {}),
      at: Date.now(),
      outputs: outputsOf(engine, pb, state),
    });
    await finishRun(engine, pb, state, end, [...before, ...skipped]);
  }
}

/** Audits a run's end (once, after `before`, in one Kafka request) and takes it off the sweeper's list. */
export async function finishRun(
  engine: Engine,
  pb: Playbook,
  state: RunState,
  end: RunEnd,
  before: readonly AuditEntry[] = [],
): Promise<void> {
  if (state.ended) {
    await engine.audit.record(...before);
    return;
  }
  await engine.audit.record(...before, {
    action: 'playbook.run.ended',
    runId: state.runId,
    playbookId: pb.id,
    incidentId: incidentIdOf(state),
    outcome: end.status === 'succeeded' ? 'success' : 'failure',
    runStatus: end.status,
    ...(end.reason !== undefined ? { reason: end.reason } : {}),
    ...(end.outputs !== undefined ? { outputs: end.outputs } : {}),
  });
  await engine.runs.mark(state.runId, 'ended');
  state.ended = true;
  engine.log.info({ playbook: pb.id, run: state.runId, status: end.status, reason: end.reason }, 'run ended');
}

/** The run's outputs over what it did; an output whose value is missing is null. */
export function outputsOf(engine: Engine, pb: Playbook, state: RunState): Record<string, unknown> | undefined {
  if (pb.outputs.length === 0) return undefined;
  const ctx = contextOf(state);
  const out: Record<string, unknown> = {};
  for (const [name, template] of pb.outputs) {
    try {
      out[name] = renderTemplate(template, ctx, engine.secrets, { where: `playbook ${pb.id} output ${name}`, redactSecrets: true });
    } catch {
      out[name] = null;
    }
  }
  return out;
}

/** Results of the steps that succeeded, by ref: `$.steps.<ref>` in templates and `run_if`. */
export function resultsOf(state: RunState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [ref, rec] of state.steps) if (rec.status === 'succeeded') out[ref] = rec.result;
  return out;
}

export function jobSpec(runId: string, playbookId: string, step: Step): StepJobSpec {
  return {
    data: { runId, playbookId, step: step.ref },
    attempts: step.retry.attempts + BOOKKEEPING_ATTEMPTS,
    backoff: step.retry.backoff,
    delayMs: step.retry.delayMs,
    jitter: step.retry.jitter,
  };
}

/** The job that starts a run created elsewhere (a manual run from the CLI). */
export function startJobSpec(runId: string, playbookId: string): StepJobSpec {
  return { data: { runId, playbookId, step: START_STEP }, attempts: 5, backoff: 'exponential', delayMs: 1000, jitter: 0.2 };
}

export type { StepRecord };

/** A scheduled run's id: one per playbook and tick, whichever process (of several) starts it. */
export function scheduledRunId(playbookId: string, tick: number): string {
  return deterministicId('playbook-run', playbookId, 'schedule', String(tick));
}

/**
 * Starts the run of a scheduled playbook for the tick at `tick` (ms). Every process that
 * schedules calls it for the same tick: the run hash is written once (HSETNX) and the start job
 * has one id per run, which BullMQ adds once, so the tick runs once.
 */
export async function startScheduled(engine: Engine, pb: Playbook, tick: number): Promise<string> {
  if (!pb.schedule) throw new VigilError('PLAYBOOK_INVALID', `playbook ${pb.id} has no schedule`);
  const runId = scheduledRunId(pb.id, tick);
  const schedule = { at: new Date(tick).toISOString(), cron: pb.schedule.cron, timezone: pb.schedule.timezone ?? 'UTC' };
  await engine.runs.create(
    runId,
    pb.id,
    {},
    { trigger: 'schedule', inputs: inputsOf(pb), createdAt: tick, deadline: tick + pb.timeoutMs, schedule },
  );
  await engine.queue.enqueue([startJobSpec(runId, pb.id)]);
  return runId;
}
