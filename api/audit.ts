import type { OutRecord } from '../core/bus/index.js';
import { deterministicId } from '../core/event/index.js';
import type { Caller } from './auth.js';

/**
 * The audit record of a change made through the API, on `vigil.actions` beside the playbook
 * runner's own records: who (`user.name`, `user.roles`), what (`event.action`), on which incident
 * or run, and the request's details. It is written once Kafka acknowledged the change itself,
 * so the trail never shows a change that did not happen.
 */
export type ApiAction =
  | 'api.incident.status'
  | 'api.incident.assign'
  | 'api.incident.note'
  | 'api.incident.severity'
  | 'api.incident.merge'
  | 'api.playbook.run.start'
  | 'api.playbook.run.cancel'
  | 'api.playbook.step.approve'
  | 'api.playbook.step.deny';

export interface ApiAuditEntry {
  action: ApiAction;
  caller: Caller;
  incidentId?: string;
  runId?: string;
  playbookId?: string;
  step?: string;
  /** What was asked (status, reason, inputs…). */
  details: Record<string, unknown>;
  at: Date;
}

export interface ApiAuditDocument {
  '@timestamp': string;
  message: string;
  event: { kind: 'event'; category: ['configuration']; type: ['change']; action: ApiAction; outcome: 'success'; dataset: 'vigil.actions' };
  user: { name: string; roles: string[] };
  vigil: {
    id: string;
    api: { caller: string; role: string; details: Record<string, unknown> };
    incident?: { id: string };
    playbook?: { id?: string; run_id?: string; step?: string };
  };
}

export function apiAuditDocument(e: ApiAuditEntry): ApiAuditDocument {
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
export function apiAuditRecord(doc: ApiAuditDocument): OutRecord {
  return {
    key: doc.vigil.playbook?.run_id ?? doc.vigil.incident?.id ?? doc.vigil.id,
    value: JSON.stringify(doc),
    timestamp: Date.parse(doc['@timestamp']),
  };
}
