import type { InRecord, OutRecord } from '../../core/bus/index.js';
import { VigilError } from '../../core/errors/index.js';
import { deterministicId } from '../../core/event/index.js';
import { isIncidentStatus, type IncidentStatus } from './incident.js';

/**
 * A status change of one incident, as written to `vigil.incident-status` (key = incident id, so
 * the compacted topic keeps the latest change per incident). The incident builder applies it with
 * `applyStatus`; it is the same record whether it came from the CLI or from Elasticsearch.
 */
export interface StatusChange {
  /** Absent in status changes; other changes (`change.ts`) name their kind. */
  kind?: 'status';
  /** Deterministic: the same change written twice (a retried send, a re-poll) has one id. */
  id: string;
  incident_id: string;
  status: IncidentStatus;
  /** When the change was made (RFC 3339). Changes apply in this order: an older one than the last applied is ignored. */
  at: string;
  /** Who made it: `cli:<user>`, or the analyst's name from the incident document, or `kibana`. */
  by: string;
  reason?: string;
  /** `cli` or `elasticsearch`. */
  source: string;
}

/** The verbs of `vigil incident <verb> <id>`. */
export const STATUS_VERBS: Readonly<Record<string, IncidentStatus>> = {
  ack: 'acknowledged',
  acknowledge: 'acknowledged',
  close: 'closed',
  reopen: 'open',
};

export function statusChange(c: {
  incidentId: string;
  status: IncidentStatus;
  at: Date | string;
  by: string;
  reason?: string;
  source: string;
  /** Extra input to the id, e.g. the document version a poller saw. */
  nonce?: string;
}): StatusChange {
  if (!c.incidentId) throw new VigilError('INCIDENT_STATUS', 'a status change needs an incident id');
  if (!isIncidentStatus(c.status)) throw new VigilError('INCIDENT_STATUS', `unknown incident status ${JSON.stringify(c.status)}`);
  const ms = typeof c.at === 'string' ? Date.parse(c.at) : c.at.getTime();
  if (!Number.isFinite(ms))
    throw new VigilError('INCIDENT_STATUS', `status change of ${c.incidentId} has no valid time: ${JSON.stringify(c.at)}`);
  const at = new Date(ms).toISOString();
  return {
    id: deterministicId('incident-status', c.incidentId, c.status, at, c.by, c.source, c.nonce ?? ''),
    incident_id: c.incidentId,
    status: c.status,
    at,
    by: c.by,
    ...(c.reason ? { reason: c.reason } : {}),
    source: c.source,
  };
}

export function statusChangeRecord(c: StatusChange): OutRecord {
  return { key: c.incident_id, value: JSON.stringify(c), headers: { 'vigil-incident-status': c.status }, timestamp: Date.parse(c.at) };
}

/** Reads a record of `vigil.incident-status`; throws `INCIDENT_STATUS` for anything else (dead-letter it). */
export function decodeStatusChange(rec: Pick<InRecord, 'value'> | Buffer | string): StatusChange {
  const raw = typeof rec === 'string' ? rec : Buffer.isBuffer(rec) ? rec.toString('utf8') : rec.value.toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new VigilError('INCIDENT_STATUS', 'status change is not JSON', { cause: err });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new VigilError('INCIDENT_STATUS', 'status change is not a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o.incident_id !== 'string' || !o.incident_id) throw new VigilError('INCIDENT_STATUS', 'status change has no incident_id');
  if (!isIncidentStatus(o.status)) throw new VigilError('INCIDENT_STATUS', `unknown incident status ${JSON.stringify(o.status)}`);
  if (typeof o.at !== 'string' || !Number.isFinite(Date.parse(o.at)))
    throw new VigilError('INCIDENT_STATUS', `status change has no valid time: ${JSON.stringify(o.at)}`);
  if (typeof o.id !== 'string' || typeof o.by !== 'string' || typeof o.source !== 'string') {
    throw new VigilError('INCIDENT_STATUS', 'status change lacks id, by or source');
  }
  if (o.reason !== undefined && typeof o.reason !== 'string')
    throw new VigilError('INCIDENT_STATUS', 'status change reason is not a string');
  return o as unknown as StatusChange;
}
