import { randomBytes } from 'node:crypto';
import { VigilError } from '../core/errors/index.js';
import { deterministicId } from '../core/event/index.js';
import { inputsOf, startJobSpec } from './dispatcher.js';
import type { Decision, RunState, RunStatus, RunStore, StepQueue } from './queue/index.js';
import { isInputValue, type Playbook } from './schema.js';

/**
 * What a responder does to runs from outside the worker (`vigil playbook …`): start a manual
 * run, list, show, cancel, approve or deny. Only Redis is touched; the worker does the rest
 * (a `$start` job announces and advances a manual run; the sweeper ends a cancelled one; a
 * decision wakes the approval step, which audits it).
 */
export class RunControl {
  constructor(
    private readonly runs: RunStore,
    private readonly queue: StepQueue,
  ) {}

  /**
   * Starts `pb` on the incident as last seen by the responder, with `inputs` (strings from the
   * command line, read per the input's type) over the defaults. Returns the run id.
   */
  async start(pb: Playbook, incidentId: string, raw: Record<string, string>, by: string, now = Date.now()): Promise<string> {
    if (pb.schedule) {
      throw new VigilError(
        'PLAYBOOK_RUN_STATE',
        `playbook ${pb.id} runs on its schedule (${pb.schedule.cron}) with no incident: it cannot be started on incident ${incidentId}`,
      );
    }
    const inputs = parseInputs(pb, raw);
    const incident = await this.runs.loadIncident(incidentId);
    if (!incident) {
      throw new VigilError(
        'PLAYBOOK_RUN_STATE',
        `incident ${incidentId} is unknown to the responder (never on vigil.incidents, or expired)`,
      );
    }
    const runId = deterministicId('playbook-run', pb.id, incidentId, `manual-${randomBytes(8).toString('hex')}`);
    await this.runs.create(runId, pb.id, incident, {
      trigger: 'manual',
      by,
      inputs: inputsOf(pb, inputs),
      createdAt: now,
      deadline: now + pb.timeoutMs,
    });
    await this.queue.enqueue([startJobSpec(runId, pb.id)]);
    return runId;
  }

  /** Recent runs, newest first, filtered by status and incident. */
  async list(filter: { status?: RunStatus; incident?: string; limit?: number } = {}): Promise<RunState[]> {
    const out: RunState[] = [];
    for (const id of await this.runs.recent(Math.max(filter.limit ?? 50, 1) * 20)) {
      const s = await this.runs.load(id);
      if (!s) continue;
      if (filter.status && statusOf(s) !== filter.status) continue;
      if (filter.incident && String(s.incident.id) !== filter.incident) continue;
      out.push(s);
      if (out.length >= (filter.limit ?? 50)) break;
    }
    return out;
  }

  async show(runId: string): Promise<RunState> {
    const s = await this.runs.load(runId);
    if (!s) throw new VigilError('PLAYBOOK_RUN_MISSING', `no run ${runId}`);
    return s;
  }

  async cancel(runId: string, by: string, reason?: string, now = Date.now()): Promise<void> {
    const s = await this.show(runId);
    if (s.end) throw new VigilError('PLAYBOOK_RUN_STATE', `run ${runId} already ended: ${s.end.status}`);
    await this.runs.requestCancel(runId, { by, at: now, ...(reason ? { reason } : {}) });
  }

  /** Records an approval decision and wakes the step; refuses a step that is not an approval waiting for one. */
  async decide(pb: Playbook | undefined, runId: string, step: string, d: Omit<Decision, 'at'>, now = Date.now()): Promise<Decision> {
    const s = await this.show(runId);
    if (pb && pb.id !== s.playbookId) throw new VigilError('PLAYBOOK_RUN_STATE', `run ${runId} is of playbook ${s.playbookId}`);
    if (pb && !pb.byRef.get(step)?.approval)
      throw new VigilError('PLAYBOOK_RUN_STATE', `step ${step} of ${s.playbookId} is not an approval step`);
    if (s.end) throw new VigilError('PLAYBOOK_RUN_STATE', `run ${runId} already ended: ${s.end.status}`);
    // A decision answers a question that was asked: approving a step before it runs would let the
    // step through without anyone having seen what it was about to do.
    if (!s.began.has(step) && !s.decisions.has(step))
      throw new VigilError('PLAYBOOK_RUN_STATE', `step ${step} of run ${runId} has not begun: there is no question to decide yet`);
    const stood = s.decisions.get(step) ?? (await this.runs.decide(runId, step, { ...d, at: now }));
    if (stood.at !== now || stood.by !== d.by || stood.decision !== d.decision) {
      throw new VigilError(
        'PLAYBOOK_RUN_STATE',
        `step ${step} was already ${stood.decision} by ${stood.by} at ${new Date(stood.at).toISOString()}`,
      );
    }
    await this.queue.wake(runId, step);
    return stood;
  }
}

/** A run's status: its end's, or `running`. */
export function statusOf(s: RunState): RunStatus {
  return s.end?.status ?? 'running';
}

/** `--input k=v` values read per the playbook's input types; unknown names and bad values are CLI_USAGE. */
export function parseInputs(pb: Playbook, raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, text] of Object.entries(raw)) {
    const spec = pb.inputs[name];
    if (!spec) {
      problems.push(`playbook ${pb.id} has no input "${name}" (inputs: ${Object.keys(pb.inputs).join(', ') || 'none'})`);
      continue;
    }
    let value: unknown = text;
    if (spec.type === 'number') value = text.trim() === '' ? NaN : Number(text);
    else if (spec.type === 'boolean') value = text === 'true' ? true : text === 'false' ? false : undefined;
    else if (spec.type === 'list') {
      try {
        value = text.trim().startsWith('[') ? (JSON.parse(text) as unknown) : text.split(',').map((v) => v.trim());
      } catch {
        value = undefined;
      }
    }
    if (!isInputValue(spec.type, value) || (typeof value === 'number' && !Number.isFinite(value))) {
      problems.push(`input "${name}" is a ${spec.type}, not "${text}"`);
    } else out[name] = value;
  }
  if (problems.length > 0) throw new VigilError('CLI_USAGE', problems.join('; '));
  return out;
}
