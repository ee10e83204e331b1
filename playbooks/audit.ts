import type { OutRecord, Publisher } from '../core/bus/types.js';
import { deterministicId } from '../core/event/index.js';
import { redactSensitiveKeys } from '../core/telemetry/index.js';

/**
 * The audit trail of playbook runs on `vigil.actions`: one ECS document per run start, step
 * start, step result, step error (per attempt), step skip and run end, keyed by run id so that
 * a run's records stay in order on one partition.
 *
 * ECS categorization: `event.kind: event`, `event.category: [process]` (the only category
 * whose expected types cover a unit of work starting and ending: start, end, info), with
 * `event.type` start / end / info. `vigil.playbook.args` and `.result` are free-form objects:
 * index them as `flattened` in Elasticsearch.
 */

export type AuditAction =
  | 'playbook.run.started'
  | 'playbook.step.started'
  | 'playbook.step.succeeded'
  | 'playbook.step.failed'
  | 'playbook.step.skipped'
  | 'playbook.approval.requested'
  | 'playbook.approval.decided'
  | 'playbook.run.ended';

export type Outcome = 'success' | 'failure' | 'unknown';

export interface AuditEntry {
  action: AuditAction;
  runId: string;
  playbookId: string;
  incidentId: string;
  /** Default per action: success for step.succeeded, failure for step.failed, else unknown. */
  outcome?: Outcome;
  step?: string;
  /** The step's action name, e.g. `http.request`. */
  stepAction?: string;
  /** 1-based attempt of a step start or error. */
  attempt?: number;
  maxAttempts?: number;
  /** On a step error: whether BullMQ will try again. */
  willRetry?: boolean;
  /** The rendered args, secrets already replaced. */
  args?: unknown;
  result?: unknown;
  /** Why a step was skipped. */
  reason?: string;
  error?: { code: string; message: string };
  /** On a run's end: succeeded, failed, timed_out or cancelled. */
  runStatus?: string;
  /** On a run's end: its outputs. */
  outputs?: Record<string, unknown>;
  /** On an approval: what is asked, and (decided) who decided what, when and why. */
  approval?: { prompt?: string; decision?: 'approved' | 'denied'; by?: string; at?: string; reason?: string; deadline?: string };
}

export interface AuditDocument {
  '@timestamp': string;
  message: string;
  event: {
    kind: 'event';
    category: ['process'];
    type: Array<'start' | 'end' | 'info'>;
    action: AuditAction;
    outcome: Outcome;
    dataset: 'vigil.actions';
    reason?: string;
  };
  error?: { code: string; message: string };
  vigil: {
    id: string;
    playbook: {
      id: string;
      run_id: string;
      step?: string;
      action?: string;
      attempt?: number;
      max_attempts?: number;
      will_retry?: boolean;
      args?: unknown;
      result?: unknown;
      status?: string;
      outputs?: Record<string, unknown>;
      approval?: AuditEntry['approval'];
    };
    /** Absent for a scheduled run. */
    incident?: { id: string };
  };
}

const SHAPE: Record<AuditAction, { type: 'start' | 'end' | 'info'; outcome: Outcome; perAttempt: boolean }> = {
  'playbook.run.started': { type: 'start', outcome: 'unknown', perAttempt: false },
  'playbook.step.started': { type: 'start', outcome: 'unknown', perAttempt: true },
  'playbook.step.succeeded': { type: 'end', outcome: 'success', perAttempt: false },
  'playbook.step.failed': { type: 'end', outcome: 'failure', perAttempt: true },
  'playbook.step.skipped': { type: 'info', outcome: 'unknown', perAttempt: false },
  'playbook.approval.requested': { type: 'start', outcome: 'unknown', perAttempt: false },
  'playbook.approval.decided': { type: 'end', outcome: 'success', perAttempt: false },
  'playbook.run.ended': { type: 'end', outcome: 'unknown', perAttempt: false },
};

/**
 * The id of an audit record: the same fact (this run, this step, this attempt) always gets the
 * same id, so that a record written twice (a retried publish, a redelivered incident) is one
 * document in Elasticsearch.
 */
export function auditId(e: Pick<AuditEntry, 'action' | 'runId' | 'step' | 'attempt'>): string {
  const attempt = SHAPE[e.action].perAttempt ? String(e.attempt ?? 0) : '';
  return deterministicId('playbook-audit', e.runId, e.action, e.step ?? '', attempt);
}

export function auditDocument(e: AuditEntry, now = new Date()): AuditDocument {
  const shape = SHAPE[e.action];
  const outcome = e.outcome ?? shape.outcome;
  const playbook: AuditDocument['vigil']['playbook'] = { id: e.playbookId, run_id: e.runId };
  if (e.step !== undefined) playbook.step = e.step;
  if (e.stepAction !== undefined) playbook.action = e.stepAction;
  if (e.attempt !== undefined) playbook.attempt = e.attempt;
  if (e.maxAttempts !== undefined) playbook.max_attempts = e.maxAttempts;
  if (e.willRetry !== undefined) playbook.will_retry = e.willRetry;
  if (e.args !== undefined) playbook.args = e.args;
  if (e.result !== undefined) playbook.result = e.result;
  if (e.runStatus !== undefined) playbook.status = e.runStatus;
  if (e.outputs !== undefined) playbook.outputs = e.outputs;
  if (e.approval !== undefined) playbook.approval = e.approval;
  return {
    '@timestamp': now.toISOString(),
    message: describe(e, outcome),
    event: {
      kind: 'event',
      category: ['process'],
      type: [shape.type],
      action: e.action,
      outcome,
      dataset: 'vigil.actions',
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
    },
    ...(e.error ? { error: { code: e.error.code, message: e.error.message } } : {}),
    // A scheduled run has no incident.
    vigil: { id: auditId(e), playbook, ...(e.incidentId !== '' ? { incident: { id: e.incidentId } } : {}) },
  };
}

function describe(e: AuditEntry, outcome: Outcome): string {
  const head = `playbook ${e.playbookId} run ${e.runId}`;
  const attempt = e.attempt !== undefined ? ` (attempt ${e.attempt}${e.maxAttempts ? `/${e.maxAttempts}` : ''})` : '';
  switch (e.action) {
    case 'playbook.run.started':
      return `${head} started ${e.incidentId !== '' ? `for incident ${e.incidentId}` : 'on its schedule'}`;
    case 'playbook.run.ended':
      return `${head} ended: ${e.runStatus ?? outcome}${e.reason ? ` (${e.reason})` : ''}`;
    case 'playbook.approval.requested':
      return `${head}: step ${e.step} awaits approval: ${e.approval?.prompt ?? ''}`;
    case 'playbook.approval.decided':
      return `${head}: step ${e.step} ${e.approval?.decision ?? ''} by ${e.approval?.by ?? ''}${e.approval?.reason ? `: ${e.approval.reason}` : ''}`;
    case 'playbook.step.started':
      return `${head}: step ${e.step} (${e.stepAction}) started${attempt}`;
    case 'playbook.step.succeeded':
      return `${head}: step ${e.step} succeeded${attempt}`;
    case 'playbook.step.failed':
      return `${head}: step ${e.step} failed${attempt}${e.willRetry ? ', will retry' : ''}: ${e.error?.message ?? ''}`;
    case 'playbook.step.skipped':
      return `${head}: step ${e.step} skipped: ${e.reason ?? ''}`;
  }
}

/**
 * Writes audit records. Every document is scrubbed first: `redact` removes secret values (a
 * result may echo one), and fields named like a credential (`authorization`, `token`, …, see
 * `isSensitiveKey`) are redacted whatever their value, such as a token a service returned.
 */
export class Auditor {
  constructor(
    private readonly publisher: Publisher,
    private readonly topic: string,
    private readonly redact: <T>(value: T) => T,
    /** Largest audit record; past it `args`, `result` and `outputs` are cut (see `fitAudit`). */
    private readonly maxBytes = AUDIT_MAX_BYTES,
  ) {}

  /** Resolves once Kafka acknowledged the records. */
  async record(...entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const records: OutRecord[] = entries.map((e) => ({
      key: e.runId,
      value: fitAudit(this.redact(redactSensitiveKeys(auditDocument(e))), this.maxBytes),
      headers: { 'vigil-playbook': e.playbookId, 'vigil-action': e.action },
    }));
    await this.publisher.send(this.topic, records);
  }
}

/** An audit record stays well inside Kafka's default 1 MiB, whatever a step returned. */
export const AUDIT_MAX_BYTES = 256 * 1024;
/** What is kept of a free-form field that was cut: enough to see what it was. */
const SAMPLE_CHARS = 4096;

/**
 * The document as JSON, with its free-form fields (`args`, `result`, `outputs`: whatever a
 * service returned) replaced by a sample and their size when the whole would exceed `maxBytes`.
 * The trail is the point of an audit: a record Kafka refuses would fail the step, and a dead
 * letter would take the fact out of the trail; the fact stays and the bulk goes.
 */
export function fitAudit(doc: AuditDocument, maxBytes: number): string {
  const whole = JSON.stringify(doc);
  if (Buffer.byteLength(whole) <= maxBytes) return whole;
  const playbook = { ...doc.vigil.playbook } as Record<string, unknown>;
  for (const field of ['result', 'args', 'outputs'] as const) {
    if (playbook[field] === undefined) continue;
    const json = JSON.stringify(playbook[field]);
    playbook[field] = { truncated: true, bytes: Buffer.byteLength(json), sample: json.slice(0, SAMPLE_CHARS) };
  }
  return JSON.stringify({ ...doc, vigil: { ...doc.vigil, playbook } });
}
