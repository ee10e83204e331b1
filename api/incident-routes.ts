import { VigilError } from '../core/errors/index.js';
import {
  changeConflict,
  incidentChange,
  MAX_NOTE_CHARS,
  MAX_NOTES,
  statusChange,
  type ChangeAction,
  type ChangeRequest,
  type IncidentChange,
  type IncidentStatus,
  type IncidentView,
  type Level,
} from '../detections/incidents/index.js';
import { INCIDENT_SORTS, type IncidentDoc, type IncidentSort } from './incidents.js';
import { RequestInvalid, nowOf, reason, type ApiDeps, type Route } from './route.js';
import { int, obj, str, type ObjectShape } from './schema.js';

const STATUSES: readonly IncidentStatus[] = ['open', 'acknowledged', 'closed'];
const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'];

/** `a,b` → [a, b], each checked against `allowed`. */
function csv(value: unknown, field: string, allowed: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const items = String(value)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = items.filter((v) => !allowed.includes(v));
  if (bad.length > 0 || items.length === 0)
    throw new RequestInvalid([{ field, message: `takes a comma-separated list of ${allowed.join(', ')}` }]);
  return items;
}

async function incidentOrThrow(deps: ApiDeps, id: string) {
  const doc = await deps.incidents.get(id);
  if (!doc) throw new VigilError('API_NOT_FOUND', `no incident ${id} in Elasticsearch`);
  return doc;
}

/** Which statuses each verb moves from, and to what. */
const TRANSITIONS: Record<'ack' | 'close' | 'reopen', { to: IncidentStatus; from: readonly IncidentStatus[] }> = {
  ack: { to: 'acknowledged', from: ['open'] },
  close: { to: 'closed', from: ['open', 'acknowledged'] },
  reopen: { to: 'open', from: ['acknowledged', 'closed'] },
};

function statusRoute(verb: keyof typeof TRANSITIONS): Route {
  const t = TRANSITIONS[verb];
  return {
    operationId: `${verb}Incident`,
    method: 'POST',
    path: `/api/incidents/{incident}/${verb}`,
    tag: 'incidents',
    role: 'analyst',
    summary: `Set the incident ${t.to} (from ${t.from.join(' or ')}), through the incident builder.`,
    body: obj('The change.', { reason: reason(verb === 'close') }),
    responses: {
      202: 'The change is on `vigil.incident-status`; the incident builder applies it and writes the incident again.',
      404: 'No such incident in Elasticsearch.',
      409: `The incident is not ${t.from.join(' or ')}.`,
    },
    async handle({ params, body, caller }, deps) {
      const id = params.incident as string;
      const doc = await incidentOrThrow(deps, id);
      const from = doc.incident.status;
      if (!t.from.includes(from))
        throw new VigilError('API_CONFLICT', `incident ${id} is ${from}; ${verb} applies to ${t.from.join(' or ')} incidents`);
      const at = nowOf(deps);
      const why = body.reason as string | undefined;
      const change = statusChange({
        incidentId: id,
        status: t.to,
        at,
        by: `api:${caller.name}`,
        source: 'api',
        ...(why ? { reason: why } : {}),
      });
      refuseConflict(change, doc);
      await deps.publishStatus(change);
      await deps.audit({
        action: 'api.incident.status',
        caller,
        incidentId: id,
        details: { from, to: t.to, ...(why ? { reason: why } : {}) },
        at,
      });
      return { status: 202, body: { incident: id, from, status: t.to, change } };
    },
  };
}

/** What the transition rule (detections/incidents/transitions.ts) sees of a document from Elasticsearch. */
function viewOf(doc: IncidentDoc): IncidentView {
  const i = doc.incident;
  return {
    id: i.id,
    status: i.status,
    ...(typeof i.merged_into === 'string' ? { merged_into: i.merged_into } : {}),
    notes: Array.isArray(i.notes) ? i.notes.length : 0,
    enrichments: i.enrichments && typeof i.enrichments === 'object' ? Object.keys(i.enrichments) : [],
  };
}

/** 409 with the reason when the change does not apply to the incident as Elasticsearch has it. */
function refuseConflict(change: IncidentChange, doc: IncidentDoc, into?: IncidentDoc): void {
  const why = changeConflict(change, viewOf(doc), into && viewOf(into));
  if (why) throw new VigilError('API_CONFLICT', why);
}

/**
 * A change other than status: checked against the incident in Elasticsearch (409 with the
 * reason), written to `vigil.incident-status` for the incident builder, then audited.
 */
function changeRoute(o: {
  operationId: string;
  verb: string;
  summary: string;
  body: ObjectShape;
  action: ChangeAction;
  /** The change asked, from the body; `details` go to the audit trail. */
  ask(body: Record<string, unknown>): { request: ChangeRequest; details: Record<string, unknown> };
}): Route {
  return {
    operationId: o.operationId,
    method: 'POST',
    path: `/api/incidents/{incident}/${o.verb}`,
    tag: 'incidents',
    role: 'analyst',
    summary: `${o.summary} Through the incident builder.`,
    body: o.body,
    responses: {
      202: 'The change is on `vigil.incident-status`; the incident builder applies it and writes the incident again.',
      404: 'No such incident in Elasticsearch (or, for a merge, no incident to merge into).',
      409: "The incident's state does not allow it (the reason is in the error).",
    },
    async handle({ params, body, caller }, deps) {
      const id = params.incident as string;
      const doc = await incidentOrThrow(deps, id);
      const { request, details } = o.ask(body);
      const into = request.kind === 'merge' && request.into !== id ? await incidentOrThrow(deps, request.into) : undefined;
      const at = nowOf(deps);
      const why = body.reason as string | undefined;
      const change = asked(() =>
        incidentChange({ incidentId: id, at, by: `api:${caller.name}`, source: 'api', ...(why ? { reason: why } : {}), ...request }),
      );
      refuseConflict(change, doc, into);
      await deps.publishStatus(change);
      await deps.audit({ action: o.action, caller, incidentId: id, details: { ...details, ...(why ? { reason: why } : {}) }, at });
      return { status: 202, body: { incident: id, change } };
    },
  };
}

/** A change the record builder refuses (a note of blanks) is the request's fault: 400. */
function asked(build: () => IncidentChange): IncidentChange {
  try {
    return build();
  } catch (err) {
    if (err instanceof VigilError && err.code === 'INCIDENT_STATUS') throw new RequestInvalid([{ field: '(body)', message: err.message }]);
    throw err;
  }
}

/** Incidents: read from Elasticsearch, changed through the incident builder. */
export const INCIDENT_ROUTES: readonly Route[] = [
  {
    operationId: 'listIncidents',
    method: 'GET',
    path: '/api/incidents',
    tag: 'incidents',
    role: 'viewer',
    summary: 'Incidents from Elasticsearch, filtered, newest first unless `sort` says otherwise.',
    query: obj('Filters; values of one filter are ORed, filters ANDed.', {
      status: str(`Comma-separated statuses: ${STATUSES.join(', ')}.`, { optional: true }),
      severity: str(`Comma-separated severities: ${SEVERITIES.join(', ')}.`, { optional: true }),
      rule: str('A rule id or name, lead or contributing.', { optional: true, minLength: 1 }),
      entity: str('A host name, user name or IP among its entities.', { optional: true, minLength: 1 }),
      assignee: str('Who it is assigned to.', { optional: true, minLength: 1 }),
      q: str(
        'Text: words of the title (all of them; Elasticsearch simple query syntax), or a whole rule name, host, user, IP or incident id.',
        {
          optional: true,
          minLength: 1,
          maxLength: 500,
        },
      ),
      from: str('First seen at or after (RFC 3339).', { optional: true, format: 'date-time' }),
      to: str('First seen before (RFC 3339).', { optional: true, format: 'date-time' }),
      sort: str('Order: newest first seen (default), oldest, last_seen (latest activity first), risk (highest first).', {
        optional: true,
        enum: INCIDENT_SORTS,
      }),
      limit: int('At most this many (default 50).', { optional: true, minimum: 1, maximum: 500 }),
      offset: int('Skip this many (default 0); offset + limit stays within 10000.', { optional: true, minimum: 0, maximum: 9999 }),
    }),
    responses: { 200: '`{ total, incidents }`.' },
    async handle({ query }, deps) {
      const limit = (query.limit as number | undefined) ?? 50;
      const offset = (query.offset as number | undefined) ?? 0;
      if (offset + limit > 10_000) throw new RequestInvalid([{ field: 'offset', message: 'plus limit must stay within 10000' }]);
      const status = csv(query.status, 'status', STATUSES);
      const severity = csv(query.severity, 'severity', SEVERITIES);
      const res = await deps.incidents.list({
        limit,
        offset,
        ...(status ? { status } : {}),
        ...(severity ? { severity } : {}),
        ...(query.sort ? { sort: query.sort as IncidentSort } : {}),
        ...(query.rule ? { rule: query.rule as string } : {}),
        ...(query.entity ? { entity: query.entity as string } : {}),
        ...(query.assignee ? { assignee: query.assignee as string } : {}),
        ...(query.q ? { q: query.q as string } : {}),
        ...(query.from ? { from: new Date(query.from as string).toISOString() } : {}),
        ...(query.to ? { to: new Date(query.to as string).toISOString() } : {}),
      });
      return { status: 200, body: res };
    },
  },
  {
    operationId: 'getIncident',
    method: 'GET',
    path: '/api/incidents/{incident}',
    tag: 'incidents',
    role: 'viewer',
    summary: 'One incident with its alerts (the first 500 listed on it).',
    responses: { 200: '`{ incident, alerts }`.', 404: 'No such incident.' },
    async handle({ params }, deps) {
      const doc = await incidentOrThrow(deps, params.incident as string);
      const alerts = await deps.incidents.alerts(doc.incident.alerts ?? []);
      return { status: 200, body: { incident: doc, alerts } };
    },
  },
  statusRoute('ack'),
  statusRoute('close'),
  statusRoute('reopen'),
  changeRoute({
    operationId: 'assignIncident',
    verb: 'assign',
    summary: 'Assign the incident (not a closed one), or unassign it when `assignee` is left out.',
    body: obj('The assignee.', {
      assignee: str('Who takes it; leave out to unassign.', { optional: true, minLength: 1, maxLength: 200 }),
    }),
    action: 'api.incident.assign',
    ask: (b) => ({
      request: { kind: 'assign', assignee: (b.assignee as string | undefined) ?? null },
      details: { assignee: (b.assignee as string | undefined) ?? null },
    }),
  }),
  changeRoute({
    operationId: 'addIncidentNote',
    verb: 'notes',
    summary: `Add a note to the incident (append-only; at most ${MAX_NOTES} per incident).`,
    body: obj('The note.', { text: str('The note.', { minLength: 1, maxLength: MAX_NOTE_CHARS }) }),
    action: 'api.incident.note',
    ask: (b) => ({ request: { kind: 'note', text: b.text as string }, details: { text: b.text } }),
  }),
  changeRoute({
    operationId: 'overrideIncidentSeverity',
    verb: 'severity',
    summary:
      "Override the incident's severity (not a closed one's): it stays so, whatever its alerts say, until cleared by leaving `severity` out.",
    body: obj('The severity.', {
      severity: str('The severity it has from now on; leave out to clear the override.', { optional: true, enum: SEVERITIES }),
      reason: reason(false),
    }),
    action: 'api.incident.severity',
    ask: (b) => ({
      request: { kind: 'severity', severity: (b.severity as Level | undefined) ?? null },
      details: { severity: (b.severity as string | undefined) ?? null },
    }),
  }),
  changeRoute({
    operationId: 'mergeIncident',
    verb: 'merge',
    summary:
      'Merge this incident into another (`into`, neither closed nor merged): this one is closed with reason `merged`, the other gains its alerts and entities, and later alerts that would join this one go to the other.',
    body: obj('Where to.', {
      into: str('The incident to merge this one into.', { minLength: 1, maxLength: 200 }),
      reason: reason(false),
    }),
    action: 'api.incident.merge',
    ask: (b) => ({ request: { kind: 'merge', into: b.into as string }, details: { into: b.into } }),
  }),
];
