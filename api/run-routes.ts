import { VigilError, isVigilError } from '../core/errors/index.js';
import { statusOf } from '../playbooks/control.js';
import type { Playbook } from '../playbooks/index.js';
import { RUN_STATUSES, type RunState, type RunStatus } from '../playbooks/queue/index.js';
import { RequestInvalid, nowOf, reason, type ApiDeps, type Route } from './route.js';
import { int, obj, str } from './schema.js';

function playbookOrThrow(deps: ApiDeps, id: string): Playbook {
  const pb = deps.playbooks().find((p) => p.id === id);
  if (!pb) throw new VigilError('API_NOT_FOUND', `no valid playbook ${id}`);
  return pb;
}

function playbookView(pb: Playbook) {
  return {
    id: pb.id,
    description: pb.description ?? null,
    inputs: pb.inputs,
    timeout_ms: pb.timeoutMs,
    steps: pb.steps.map((s) => ({ ref: s.ref, action: s.action, approval: Boolean(s.approval), wait: Boolean(s.wait) })),
  };
}

const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** Where a step is: settled, denied, waiting for a person or a condition, running, or not begun. */
function stepStatus(s: RunState, ref: string, pb: Playbook | undefined): string {
  const rec = s.steps.get(ref);
  if (rec?.status === 'failed' && s.decisions.get(ref)?.decision === 'denied') return 'denied';
  if (rec) return rec.status;
  if (!s.began.has(ref)) return 'pending';
  const step = pb?.byRef.get(ref);
  return step?.approval ? 'awaiting_approval' : step?.wait ? 'waiting' : 'running';
}

function runSummary(s: RunState) {
  return {
    id: s.runId,
    playbook: s.playbookId,
    incident: String(s.incident.id),
    status: statusOf(s),
    trigger: s.trigger,
    by: s.by ?? null,
    created_at: iso(s.createdAt),
    deadline: iso(s.deadline),
    ended_at: iso(s.end?.at),
  };
}

/** A run and its steps in the order they began (those not begun last, in file order). */
export function runTimeline(s: RunState, pb: Playbook | undefined) {
  const refs = pb ? pb.steps.map((st) => st.ref) : [...new Set([...s.began.keys(), ...s.steps.keys()])];
  const order = [...refs].sort((a, b) => (s.began.get(a) ?? Infinity) - (s.began.get(b) ?? Infinity) || refs.indexOf(a) - refs.indexOf(b));
  return {
    ...runSummary(s),
    end_reason: s.end?.reason ?? null,
    inputs: s.inputs,
    outputs: s.end?.outputs ?? null,
    cancel: s.cancel ? { by: s.cancel.by, at: iso(s.cancel.at), reason: s.cancel.reason ?? null } : null,
    steps: order.map((ref) => {
      const rec = s.steps.get(ref);
      const d = s.decisions.get(ref);
      return {
        ref,
        action: pb?.byRef.get(ref)?.action ?? null,
        status: stepStatus(s, ref, pb),
        began_at: iso(s.began.get(ref)),
        settled_at: iso(rec?.at),
        attempt: rec?.attempt ?? s.inflight.get(ref)?.attempt ?? null,
        result: rec?.result ?? null,
        error: rec?.error ?? null,
        reason: rec?.reason ?? null,
        decision: d ? { decision: d.decision, by: d.by, at: iso(d.at), reason: d.reason ?? null } : null,
      };
    }),
  };
}

/** Playbook inputs arrive as JSON values; RunControl reads them as the CLI's text, per the input's type. */
function inputText(v: unknown): string {
  return Array.isArray(v) ? JSON.stringify(v) : String(v);
}

function decisionRoute(verb: 'approve' | 'deny'): Route {
  const decision = verb === 'approve' ? 'approved' : 'denied';
  return {
    operationId: `${verb}Step`,
    method: 'POST',
    path: `/api/runs/{run}/steps/{step}/${verb}`,
    tag: 'runs',
    role: 'responder',
    summary: `${verb === 'approve' ? 'Approve' : 'Deny'} an approval step that is waiting for a decision.`,
    body: obj('The decision.', { reason: reason(false) }),
    responses: {
      200: 'The decision is recorded and the step woken.',
      404: 'No such run, or no such step in its playbook.',
      409: 'The step is not an approval step waiting for a decision (not begun, decided, or the run ended).',
    },
    async handle({ params, body, caller }, deps) {
      const runId = params.run as string;
      const ref = params.step as string;
      const s = await deps.runs.show(runId);
      const pb = deps.playbooks().find((p) => p.id === s.playbookId);
      const step = pb?.byRef.get(ref);
      if (!step) throw new VigilError('API_NOT_FOUND', `playbook ${s.playbookId} has no step ${ref}`);
      if (!step.approval) throw new VigilError('API_CONFLICT', `step ${ref} is not an approval step`);
      if (s.end) throw new VigilError('API_CONFLICT', `run ${runId} already ended: ${s.end.status}`);
      const prior = s.decisions.get(ref);
      if (prior) throw new VigilError('API_CONFLICT', `step ${ref} was already ${prior.decision} by ${prior.by}`);
      if (!s.began.has(ref)) throw new VigilError('API_CONFLICT', `step ${ref} is not waiting for a decision yet: it has not begun`);
      if (s.steps.has(ref)) throw new VigilError('API_CONFLICT', `step ${ref} already settled: ${s.steps.get(ref)?.status}`);
      const why = body.reason as string | undefined;
      const at = nowOf(deps);
      const stood = await deps.runs.decide(
        pb,
        runId,
        ref,
        { decision, by: `api:${caller.name}`, ...(why ? { reason: why } : {}) },
        at.getTime(),
      );
      await deps.audit({
        action: verb === 'approve' ? 'api.playbook.step.approve' : 'api.playbook.step.deny',
        caller,
        runId,
        playbookId: s.playbookId,
        incidentId: String(s.incident.id),
        step: ref,
        details: { decision, ...(why ? { reason: why } : {}) },
        at,
      });
      return { status: 200, body: { run: runId, step: ref, decision: stood.decision, by: stood.by, at: iso(stood.at) } };
    },
  };
}

/** Playbooks and their runs: through RunControl on Redis. */
export const RUN_ROUTES: readonly Route[] = [
  {
    operationId: 'listPlaybooks',
    method: 'GET',
    path: '/api/playbooks',
    tag: 'playbooks',
    role: 'viewer',
    summary: 'The valid playbooks: inputs and steps.',
    responses: { 200: '`{ playbooks }`.' },
    async handle(_ctx, deps) {
      return { status: 200, body: { playbooks: deps.playbooks().map(playbookView) } };
    },
  },
  {
    operationId: 'startRun',
    method: 'POST',
    path: '/api/playbooks/{playbook}/runs',
    tag: 'playbooks',
    role: 'responder',
    summary: 'Start a manual run of a playbook on an incident, with inputs over its defaults.',
    body: obj('The run.', {
      incident: str('The incident id (as the responder last saw it on `vigil.incidents`).', { minLength: 1, maxLength: 512 }),
      inputs: {
        type: 'map',
        values: 'scalar-or-list',
        description: 'Input values by name, per the playbook’s input types.',
        optional: true,
      },
    }),
    responses: {
      202: '`{ run }`: queued; the respond stage runs it.',
      404: 'No such playbook.',
      409: 'The incident is unknown to the responder.',
    },
    async handle({ params, body, caller }, deps) {
      const pb = playbookOrThrow(deps, params.playbook as string);
      const incident = body.incident as string;
      const raw = Object.fromEntries(
        Object.entries((body.inputs as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, inputText(v)]),
      );
      let runId: string;
      const at = nowOf(deps);
      try {
        runId = await deps.runs.start(pb, incident, raw, `api:${caller.name}`, at.getTime());
      } catch (err) {
        // parseInputs reports bad inputs as a usage error: here they are a bad field.
        if (isVigilError(err, 'CLI_USAGE')) throw new RequestInvalid([{ field: 'inputs', message: err.message }]);
        throw err;
      }
      await deps.audit({
        action: 'api.playbook.run.start',
        caller,
        runId,
        playbookId: pb.id,
        incidentId: incident,
        details: { inputs: body.inputs ?? {} },
        at,
      });
      return { status: 202, body: { run: runId, playbook: pb.id, incident } };
    },
  },
  {
    operationId: 'listRuns',
    method: 'GET',
    path: '/api/runs',
    tag: 'runs',
    role: 'viewer',
    summary: 'Recent runs, newest first.',
    query: obj('Filters.', {
      status: str('Run status.', { optional: true, enum: RUN_STATUSES }),
      incident: str('Runs of this incident.', { optional: true, minLength: 1 }),
      limit: int('At most this many (default 50).', { optional: true, minimum: 1, maximum: 500 }),
    }),
    responses: { 200: '`{ runs }`.' },
    async handle({ query }, deps) {
      const runs = await deps.runs.list({
        ...(query.status ? { status: query.status as RunStatus } : {}),
        ...(query.incident ? { incident: query.incident as string } : {}),
        limit: (query.limit as number | undefined) ?? 50,
      });
      return { status: 200, body: { runs: runs.map(runSummary) } };
    },
  },
  {
    operationId: 'getRun',
    method: 'GET',
    path: '/api/runs/{run}',
    tag: 'runs',
    role: 'viewer',
    summary: 'One run with its step timeline.',
    responses: { 200: 'The run.', 404: 'No such run (or expired).' },
    async handle({ params }, deps) {
      const s = await deps.runs.show(params.run as string);
      return {
        status: 200,
        body: runTimeline(
          s,
          deps.playbooks().find((p) => p.id === s.playbookId),
        ),
      };
    },
  },
  {
    operationId: 'cancelRun',
    method: 'POST',
    path: '/api/runs/{run}/cancel',
    tag: 'runs',
    role: 'responder',
    summary: 'Cancel a run; the respond stage ends it at its next sweep.',
    body: obj('The cancellation.', { reason: reason(false) }),
    responses: { 202: 'Cancel requested.', 404: 'No such run.', 409: 'The run already ended.' },
    async handle({ params, body, caller }, deps) {
      const runId = params.run as string;
      const s = await deps.runs.show(runId);
      if (s.end) throw new VigilError('API_CONFLICT', `run ${runId} already ended: ${s.end.status}`);
      const why = body.reason as string | undefined;
      const at = nowOf(deps);
      await deps.runs.cancel(runId, `api:${caller.name}`, why, at.getTime());
      await deps.audit({
        action: 'api.playbook.run.cancel',
        caller,
        runId,
        playbookId: s.playbookId,
        incidentId: String(s.incident.id),
        details: why ? { reason: why } : {},
        at,
      });
      return { status: 202, body: { run: runId, cancel: 'requested' } };
    },
  },
  decisionRoute('approve'),
  decisionRoute('deny'),
];
