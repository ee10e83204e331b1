import { VigilError, errorMessage } from '../core/errors/index.js';
import { deterministicId } from '../core/event/index.js';
import { metrics, type Logger } from '../core/telemetry/index.js';
import type { AuditEntry, Auditor } from './audit.js';
import type { RunState, RunStore, StepQueue, StepJobSpec } from './queue/index.js';
import type { Playbook, Step } from './schema.js';

/**
 * BullMQ attempts of a step job beyond the step's own `retry.attempts`: they are never used to
 * call the action again, only to finish the bookkeeping (settle in Redis, audit to Kafka,
 * enqueue what is next) if that failed after the action's last attempt.
 */
export const BOOKKEEPING_ATTEMPTS = 2;

/** What the dispatcher and the step runner share. */
export interface Engine {
  playbooks: ReadonlyMap<string, Playbook>;
  queue: StepQueue;
  runs: RunStore;
  audit: Auditor;
  /** Values for `${{ secrets.NAME }}`. */
  secrets: Readonly<Record<string, string>>;
  /** Scrubs secret values out of what is logged. */
  redact: <T>(value: T) => T;
  log: Logger;
}

/** A run is one playbook on one incident: the same pair always gets the same run id. */
export function runIdOf(playbookId: string, incidentId: string): string {
  return deterministicId('playbook-run', playbookId, incidentId);
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

/**
 * Starts a run of every playbook whose trigger matches the incident record. Resolves once
 * each run's state and first steps are stored in Redis and its start is audited; safe to call
 * again with the same incident (a redelivery): steps that ran or are queued are not run again.
 */
export async function dispatch(engine: Engine, record: unknown): Promise<void> {
  const incident = incidentOf(record);
  for (const pb of engine.playbooks.values()) {
    let matched: boolean;
    try {
      matched = pb.trigger(record as object);
    } catch (err) {
      metrics.errors.inc({ kind: 'playbook', id: pb.id, code: 'RULE_MATCH' });
      engine.log.warn({ playbook: pb.id, incident: incident.id, err: engine.redact(errorMessage(err)) }, 'trigger failed');
      continue;
    }
    if (!matched) continue;
    metrics.received.inc({ kind: 'playbook', id: pb.id });
    const runId = runIdOf(pb.id, incident.id);
    const { announced } = await engine.runs.create(runId, pb.id, incident);
    if (!announced) {
      await engine.audit.record({ action: 'playbook.run.started', runId, playbookId: pb.id, incidentId: incident.id });
      await engine.runs.mark(runId, 'announced');
      engine.log.info({ playbook: pb.id, run: runId, incident: incident.id }, 'run started');
    }
    const state = await engine.runs.load(runId);
    if (!state) throw new VigilError('PLAYBOOK_RUN_MISSING', `run ${runId} vanished right after it was created`);
    await advance(engine, pb, state);
  }
}

/**
 * Moves a run forward: skips the steps whose needs were skipped or failed, enqueues the steps
 * whose needs all succeeded, and audits the run's end once every step settled. Idempotent:
 * a step already queued keeps its job (deterministic job ids).
 */
export async function advance(engine: Engine, pb: Playbook, state: RunState): Promise<void> {
  const incidentId = String(state.incident.id);
  const skipped: AuditEntry[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const step of pb.steps) {
      if (state.steps.has(step.ref)) continue;
      const needs = step.needs.map((n) => [n, state.steps.get(n)] as const);
      if (needs.some(([, r]) => r === undefined)) continue;
      const blocker = needs.find(([, r]) => r?.status !== 'succeeded');
      if (!blocker) continue;
      const reason = `needs ${blocker[0]}, which ${blocker[1]?.status}`;
      const stood = await engine.runs.settle(state.runId, step.ref, { status: 'skipped', reason });
      state.steps.set(step.ref, stood);
      skipped.push({
        action: 'playbook.step.skipped',
        runId: state.runId,
        playbookId: pb.id,
        incidentId,
        step: step.ref,
        stepAction: step.action,
        reason: stood.reason ?? reason,
      });
      changed = true;
    }
  }
  await engine.audit.record(...skipped);

  const ready = pb.steps.filter((s) => !state.steps.has(s.ref) && s.needs.every((n) => state.steps.get(n)?.status === 'succeeded'));
  await engine.queue.enqueue(ready.map((s) => jobSpec(state.runId, pb.id, s)));

  if (!state.ended && pb.steps.every((s) => state.steps.has(s.ref))) {
    const failed = [...state.steps.values()].some((r) => r.status === 'failed');
    await engine.audit.record({
      action: 'playbook.run.ended',
      runId: state.runId,
      playbookId: pb.id,
      incidentId,
      outcome: failed ? 'failure' : 'success',
    });
    await engine.runs.mark(state.runId, 'ended');
    state.ended = true;
    engine.log.info({ playbook: pb.id, run: state.runId, outcome: failed ? 'failure' : 'success' }, 'run ended');
  }
}

function jobSpec(runId: string, playbookId: string, step: Step): StepJobSpec {
  return {
    data: { runId, playbookId, step: step.ref },
    attempts: step.retry.attempts + BOOKKEEPING_ATTEMPTS,
    backoff: step.retry.backoff,
    delayMs: step.retry.delayMs,
  };
}
