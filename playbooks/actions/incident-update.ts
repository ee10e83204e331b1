import { VigilError } from '../../core/errors/index.js';
import {
  incidentChange,
  INCIDENT_STATUSES,
  levelRank,
  LEVELS,
  publishIncidentChanges,
  type ChangeRequest,
  type IncidentChange,
  type IncidentStatus,
  type Level,
} from '../../detections/incidents/index.js';
import { abortedBy, argChecker, describeError } from './args.js';
import type { ActionSpec } from './types.js';

const check = argChecker('incident.update');
const FIELDS = ['status', 'assignee', 'note', 'severity', 'enrichment'] as const;

/** The result of `incident.update`: the change records written, for later steps and the audit. */
export interface IncidentUpdateResult {
  incident: string;
  topic: string;
  changes: Array<{ id: string; kind: string }>;
}

/** The changes the args ask for, in a fixed order (status first, so that a reopen precedes an assignment). */
function requests(args: Readonly<Record<string, unknown>>): ChangeRequest[] {
  const out: ChangeRequest[] = [];
  const { status, assignee, note, severity, enrichment } = args;
  if (status !== undefined) {
    if (!(INCIDENT_STATUSES as readonly unknown[]).includes(status)) check.reject(`status must be one of ${INCIDENT_STATUSES.join(', ')}`);
    out.push({ kind: 'status', status: status as IncidentStatus });
  }
  if (assignee !== undefined) {
    if (assignee !== null && (typeof assignee !== 'string' || !assignee.trim()))
      check.reject('assignee must be a name, or null to unassign');
    out.push({ kind: 'assign', assignee: assignee as string | null });
  }
  if (note !== undefined) out.push({ kind: 'note', text: check.string(args, 'note') });
  if (severity !== undefined) {
    if (severity !== null && levelRank(String(severity)) < 0)
      check.reject(`severity must be one of ${LEVELS.join(', ')}, or null to clear`);
    out.push({ kind: 'severity', severity: severity as Level | null });
  }
  if (enrichment !== undefined) {
    if (enrichment === null || typeof enrichment !== 'object' || Array.isArray(enrichment))
      check.reject('enrichment must be {source, value}');
    const e = enrichment as Record<string, unknown>;
    out.push({ kind: 'enrichment', enrichment: { source: String(e.source ?? ''), value: e.value } });
  }
  if (out.length === 0) check.reject(`give at least one of ${FIELDS.join(', ')}`);
  return out;
}

/**
 * `incident.update`: changes an incident through the incident builder, as `vigil incident` and
 * the responder API do: one change record per field on `vigil.incident-status`, through the
 * worker's bus producer. The builder applies each once: its id comes from the step's idempotency
 * key, so a retried step (or one retried after a crash) adds no second note. It does not wait for
 * the builder: a change the incident's state refuses (assigning a closed incident) is
 * dead-lettered by the builder with the reason.
 */
export const incidentUpdate: ActionSpec = {
  description: 'Changes an incident through the incident builder: status, assignee, note, severity, enrichment',
  args: { required: ['incident'], optional: [...FIELDS, 'reason', 'by'] },
  inputs: {
    incident: { type: 'string', required: true, description: 'the incident id, usually ${{ $.incident.id }}' },
    status: { type: 'string', required: false, description: `one of ${INCIDENT_STATUSES.join(', ')}` },
    assignee: { type: 'string', required: false, description: 'who works on it; null unassigns' },
    note: { type: 'string', required: false, description: 'a note to append' },
    severity: { type: 'string', required: false, description: `${LEVELS.join(', ')}; overrides the alerts' until null clears it` },
    enrichment: {
      type: 'object',
      required: false,
      description: '{source, value}: the latest value of each source is kept on the incident',
    },
    reason: { type: 'string', required: false, description: 'why, to the incident and the audit trail' },
    by: { type: 'string', required: false, description: 'who, default `playbook`' },
  },
  idempotent: true,
  async run(args, ctx) {
    const incident = check.string(args, 'incident');
    const reason = check.optionalString(args, 'reason');
    const by = check.optionalString(args, 'by') || 'playbook';
    const publisher = ctx.services?.publisher ?? check.reject('no Kafka producer was given to this worker');
    const topic = ctx.services?.incidents?.topic ?? check.reject('the worker was given no incident change topic');
    const at = new Date();
    let changes: IncidentChange[];
    try {
      changes = requests(args).map((r) =>
        incidentChange({
          incidentId: incident,
          at,
          by,
          source: 'playbook',
          ...(reason ? { reason } : {}),
          // One id per step attempt and field: a retry writes the same change again, which the builder ignores.
          ...(ctx.idempotencyKey ? { key: `${ctx.idempotencyKey}:${r.kind}` } : {}),
          ...r,
        }),
      );
    } catch (err) {
      if (err instanceof VigilError && err.code === 'INCIDENT_STATUS') check.reject(err.message);
      throw err;
    }
    try {
      await Promise.race([publishIncidentChanges(publisher, topic, changes), abortedBy(ctx.signal, 'incident.update')]);
    } catch (err) {
      if (err instanceof VigilError && err.code.startsWith('ACTION_')) throw err;
      throw new VigilError('ACTION_FAILED', `incident.update: ${describeError(err)}`, { cause: err });
    }
    return { incident, topic, changes: changes.map((c) => ({ id: c.id, kind: c.kind ?? 'status' })) } satisfies IncidentUpdateResult;
  },
};
