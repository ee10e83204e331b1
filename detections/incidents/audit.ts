import type { OutRecord } from '../../core/bus/index.js';
import { deterministicId } from '../../core/event/index.js';
import type { IncidentChange } from './change.js';

/**
 * The audit record of a change a person makes, on `vigil.actions` beside the playbook runner's
 * own records: who (`user.name`, `user.roles`), what (`event.action`), on which incident or run,
 * and the details asked. The responder API, `vigil incident …` and the Elasticsearch status poller
 * (Kibana edits) all write it, each once Kafka acknowledged the change itself, so the trail never
 * shows a change that did not happen. `vigil.incident-status` is compacted to the last change
 * per incident; this trail keeps every one (first acknowledgements, for MTTA and the backfill).
 */
export type ChangeAction =
  | 'api.incident.status'
  | 'api.incident.assign'
  | 'api.incident.note'
  | 'api.incident.severity'
  | 'api.incident.merge'
  | 'api.playbook.run.start'
  | 'api.playbook.run.cancel'
  | 'api.playbook.step.approve'
  | 'api.playbook.step.deny';

/**
 * Who made a change: through the API, the token's name and role; from the CLI, its `--by` or
 * `cli:<os user>` with the role `cli`; in Kibana, the edit's `incident.status_by` or `kibana`,
 * with the role `kibana`.
 */
export interface ChangeActor {
  name: string;
  role: string;
}

export interface ChangeAuditEntry {
  action: ChangeAction;
  caller: ChangeActor;
  incidentId?: string;
  runId?: string;
  playbookId?: string;
  step?: string;
  /** What was asked (status, reason, inputs…). */
  details: Record<string, unknown>;
  at: Date;
}

export interface ChangeAuditDocument {
  '@timestamp': string;
  message: string;
  event: {
    kind: 'event';
    category: ['configuration'];
    type: ['change'];
    action: ChangeAction;
    outcome: 'success';
    dataset: 'vigil.actions';
  };
  user: { name: string; roles: string[] };
  vigil: {
    id: string;
    api: { caller: string; role: string; details: Record<string, unknown> };
    incident?: { id: string };
    playbook?: { id?: string; run_id?: string; step?: string };
  };
}

export function changeAuditDocument(e: ChangeAuditEntry): ChangeAuditDocument {
  const at = e.at.toISOString();
  const target = e.runId ?? e.incidentId ?? '';
  const playbook =
    e.runId !== undefined || e.playbookId !== undefined
      ? {
          ...(e.playbookId !== undefined ? { id: e.playbookId } : {}),
          ...(e.runId !== undefined ? { run_id: e.runId } : {}),
          ...(e.step !== undefined ? { step: e.step } : {}),
        }
      : undefined;
  return {
    '@timestamp': at,
    message: `${e.caller.name} (${e.caller.role}): ${e.action} ${target}${e.step ? ` step ${e.step}` : ''}`,
    event: {
      kind: 'event',
      category: ['configuration'],
      type: ['change'],
      action: e.action,
      outcome: 'success',
      dataset: 'vigil.actions',
    },
    user: { name: e.caller.name, roles: [e.caller.role] },
    vigil: {
      id: deterministicId('api-audit', e.action, target, e.step ?? '', e.caller.name, at, JSON.stringify(e.details)),
      api: { caller: e.caller.name, role: e.caller.role, details: e.details },
      ...(e.incidentId !== undefined ? { incident: { id: e.incidentId } } : {}),
      ...(playbook ? { playbook } : {}),
    },
  };
}

/** Keyed by run id when there is one (a run's records stay in order), else by incident id. */
export function changeAuditRecord(doc: ChangeAuditDocument): OutRecord {
  return {
    key: doc.vigil.playbook?.run_id ?? doc.vigil.incident?.id ?? doc.vigil.id,
    value: JSON.stringify(doc),
    timestamp: Date.parse(doc['@timestamp']),
  };
}

/**
 * The audit entry of an incident change written to `vigil.incident-status`, with the action and
 * details the API writes for the same change. `from` is the status before, when known (the CLI
 * does not read the incident; the poller sees the status Vigil last wrote). None for an
 * enrichment: only playbook steps add those, and the runner audits its steps itself.
 */
export function incidentChangeAudit(change: IncidentChange, caller: ChangeActor, from?: string): ChangeAuditEntry | undefined {
  const why = change.reason ? { reason: change.reason } : {};
  const entry = (action: ChangeAction, details: Record<string, unknown>): ChangeAuditEntry => ({
    action,
    caller,
    incidentId: change.incident_id,
    details: { ...details, ...why },
    at: new Date(change.at),
  });
  switch (change.kind) {
    case undefined:
    case 'status':
      return entry('api.incident.status', { ...(from !== undefined ? { from } : {}), to: change.status });
    case 'assign':
      return entry('api.incident.assign', { assignee: change.assignee });
    case 'note':
      return entry('api.incident.note', { text: change.text });
    case 'severity':
      return entry('api.incident.severity', { severity: change.severity });
    case 'merge':
      return entry('api.incident.merge', { into: change.into });
    case 'enrichment':
      return undefined;
  }
}
