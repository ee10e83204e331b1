import type { InRecord, OutRecord } from '../../core/bus/index.js';
import { VigilError } from '../../core/errors/index.js';
import { deterministicId } from '../../core/event/index.js';
import { levelRank, type Level } from './alert-facts.js';
import { isIncidentStatus, type IncidentStatus } from './incident.js';
import { statusChangeRecord, type StatusChange } from './status.js';

/**
 * Every change a person or a playbook makes to an incident, as written to
 * `vigil.incident-status` beside the status changes (a record without `kind` is one). The
 * incident builder applies them (`IncidentBuilder.applyChange`) and writes the incident again.
 *
 * ## Keys
 * The topic is compacted, so a record's key says what a later record may replace: the
 * incident id for a status change (as before), `<id>|assign`, `<id>|severity`, `<id>|merge`,
 * `<id>|enrichment|<source>` (the latest of each survives, which is what the builder keeps),
 * and `<id>|note|<change id>` for a note, so that no note is ever compacted away. Records of
 * one key stay in order; records of different keys of one incident may interleave.
 *
 * ## Ids
 * The id is deterministic: the same change sent twice (a retried send, a retried playbook step
 * that passes its idempotency key as `key`) has one id, and the builder applies an id once.
 */
export type IncidentChange = StatusChange | AssignChange | NoteChange | SeverityChange | EnrichmentChange | MergeChange;
export type IncidentChangeKind = 'status' | 'assign' | 'note' | 'severity' | 'enrichment' | 'merge';

interface ChangeBase {
  id: string;
  incident_id: string;
  /** When the change was made (RFC 3339). */
  at: string;
  /** Who made it: `api:<token name>`, `cli:<user>`, `playbook:<playbook>`. */
  by: string;
  /** `api`, `cli`, `playbook`, `elasticsearch`. */
  source: string;
  reason?: string;
}
export interface AssignChange extends ChangeBase {
  kind: 'assign';
  /** null unassigns. */
  assignee: string | null;
}
export interface NoteChange extends ChangeBase {
  kind: 'note';
  text: string;
}
export interface SeverityChange extends ChangeBase {
  kind: 'severity';
  /** The override; null clears it (the severity is its alerts' again). */
  severity: Level | null;
}
export interface EnrichmentChange extends ChangeBase {
  kind: 'enrichment';
  /** `source` names the enrichment (`virustotal`); the latest value of each source is kept. */
  enrichment: { source: string; value: unknown };
}
export interface MergeChange extends ChangeBase {
  kind: 'merge';
  /** `incident_id` is merged into this incident. */
  into: string;
}

export const kindOf = (c: IncidentChange): IncidentChangeKind => c.kind ?? 'status';

/** Enrichment values are kept on the incident (state, document, Elasticsearch): bounded. */
export const MAX_ENRICHMENT_BYTES = 16_384;
/** Notes and enrichment sources one incident keeps: with the caps above, its document stays well under a Kafka record's 1 MB. */
export const MAX_NOTES = 50;
export const MAX_ENRICHMENT_SOURCES = 16;
export const MAX_NOTE_CHARS = 10_000;
const SOURCE = /^[A-Za-z0-9_.-]{1,64}$/;

/** What a change asks, without the fields `incidentChange` fills in. */
export type ChangeRequest =
  | { kind: 'status'; status: IncidentStatus }
  | { kind: 'assign'; assignee: string | null }
  | { kind: 'note'; text: string }
  | { kind: 'severity'; severity: Level | null }
  | { kind: 'enrichment'; enrichment: { source: string; value: unknown } }
  | { kind: 'merge'; into: string };

const bad = (why: string) => new VigilError('INCIDENT_STATUS', why);

/** Throws INCIDENT_STATUS naming what is wrong with the asked change; returns it normalised. */
function checkRequest(incidentId: string, r: ChangeRequest): ChangeRequest {
  switch (r.kind) {
    case 'status':
      if (!isIncidentStatus(r.status)) throw bad(`unknown incident status ${JSON.stringify(r.status)}`);
      return r;
    case 'assign': {
      if (r.assignee !== null && (typeof r.assignee !== 'string' || !r.assignee.trim()))
        throw bad(`assignee of ${incidentId} must be a non-empty name or null`);
      return { kind: 'assign', assignee: r.assignee === null ? null : r.assignee.trim() };
    }
    case 'note':
      if (typeof r.text !== 'string' || !r.text.trim()) throw bad(`a note on ${incidentId} needs text`);
      if (r.text.length > MAX_NOTE_CHARS) throw bad(`a note on ${incidentId} is longer than ${MAX_NOTE_CHARS} characters`);
      return r;
    case 'severity':
      if (r.severity !== null && levelRank(String(r.severity)) < 0)
        throw bad(`severity ${JSON.stringify(r.severity)} of ${incidentId} is not informational, low, medium, high or critical`);
      return r;
    case 'enrichment': {
      const e = r.enrichment as { source?: unknown; value?: unknown } | undefined;
      if (!e || typeof e.source !== 'string' || !SOURCE.test(e.source))
        throw bad(`enrichment source of ${incidentId} must be 1-64 letters, digits, '.', '_' or '-'`);
      if (e.value === undefined) throw bad(`enrichment ${e.source} of ${incidentId} has no value`);
      const size = Buffer.byteLength(JSON.stringify(e.value));
      if (size > MAX_ENRICHMENT_BYTES)
        throw bad(`enrichment ${e.source} of ${incidentId} is ${size} bytes of JSON; at most ${MAX_ENRICHMENT_BYTES} are kept`);
      return r;
    }
    case 'merge':
      if (typeof r.into !== 'string' || !r.into) throw bad(`merging ${incidentId} needs the incident to merge into`);
      return r;
    default:
      throw bad(`unknown incident change kind ${JSON.stringify((r as { kind?: unknown }).kind)}`);
  }
}

/**
 * Builds a change record. `key` (a playbook step's idempotency key, a client's request id)
 * makes the id: the same key gives the same id whatever the time, so a retry is one change.
 */
export function incidentChange(
  c: { incidentId: string; at: Date | string; by: string; source: string; reason?: string; key?: string } & ChangeRequest,
): IncidentChange {
  if (!c.incidentId) throw bad('an incident change needs an incident id');
  const ms = typeof c.at === 'string' ? Date.parse(c.at) : c.at.getTime();
  if (!Number.isFinite(ms)) throw bad(`change of ${c.incidentId} has no valid time: ${JSON.stringify(c.at)}`);
  const at = new Date(ms).toISOString();
  const { incidentId, by, source, reason, key, at: _at, ...asked } = c;
  const req = checkRequest(incidentId, asked as ChangeRequest);
  const { kind, ...payload } = req;
  const id = key
    ? deterministicId('incident-change', kind, incidentId, key)
    : deterministicId('incident-change', kind, incidentId, at, by, source, JSON.stringify(payload), reason ?? '');
  const base = { id, incident_id: incidentId, at, by, source, ...(reason ? { reason } : {}) };
  // A status change keeps the shape it always had (no `kind`), so older readers still read it.
  return (kind === 'status' ? { ...base, ...payload } : { ...base, kind, ...payload }) as IncidentChange;
}

/** The record key: what compaction may replace (see the module comment). */
export function incidentChangeKey(c: IncidentChange): string {
  switch (c.kind) {
    case undefined:
    case 'status':
      return c.incident_id;
    case 'note':
      return `${c.incident_id}|note|${c.id}`;
    case 'enrichment':
      return `${c.incident_id}|enrichment|${c.enrichment.source}`;
    default:
      return `${c.incident_id}|${c.kind}`;
  }
}

export function incidentChangeRecord(c: IncidentChange): OutRecord {
  if (c.kind === undefined || c.kind === 'status') {
    const rec = statusChangeRecord(c);
    return { ...rec, headers: { ...rec.headers, 'vigil-incident-change': 'status' } };
  }
  return {
    key: incidentChangeKey(c),
    value: JSON.stringify(c),
    headers: { 'vigil-incident-change': kindOf(c) },
    timestamp: Date.parse(c.at),
  };
}

/** Reads any record of `vigil.incident-status`; throws INCIDENT_STATUS for anything else (dead-letter it). */
export function decodeIncidentChange(rec: Pick<InRecord, 'value'> | Buffer | string): IncidentChange {
  const raw = typeof rec === 'string' ? rec : Buffer.isBuffer(rec) ? rec.toString('utf8') : rec.value.toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new VigilError('INCIDENT_STATUS', 'incident change is not JSON', { cause: err });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('incident change is not a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o.incident_id !== 'string' || !o.incident_id) throw bad('incident change has no incident_id');
  if (typeof o.at !== 'string' || !Number.isFinite(Date.parse(o.at)))
    throw bad(`incident change has no valid time: ${JSON.stringify(o.at)}`);
  if (typeof o.id !== 'string' || typeof o.by !== 'string' || typeof o.source !== 'string')
    throw bad('incident change lacks id, by or source');
  if (o.reason !== undefined && typeof o.reason !== 'string') throw bad('incident change reason is not a string');
  const kind = o.kind === undefined ? 'status' : o.kind;
  checkRequest(o.incident_id, { ...o, kind } as unknown as ChangeRequest);
  return o as unknown as IncidentChange;
}
