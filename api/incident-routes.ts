import { VigilError } from '../core/errors/index.js';
import { statusChange, type IncidentStatus } from '../detections/incidents/index.js';
import { RequestInvalid, nowOf, reason, type ApiDeps, type Route } from './route.js';
import { int, obj, str, type ObjectShape } from './schema.js';

const STATUSES: readonly IncidentStatus[] = ['open', 'acknowledged', 'closed'];
const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical']; /** `a,b` → [a, b], each checked against `allowed`. */
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

/** The builder holds status only; these answer 501 so that clients see the gap rather than a silent no-op. */
function unsupportedRoute(operationId: string, path: string, what: string, body: ObjectShape): Route {
  return {
    operationId,
    method: 'POST',
    path,
    tag: 'incidents',
    role: 'analyst',
    summary: `${what} Not supported yet: the incident builder keeps no such field.`,
    body,
    responses: { 501: 'The incident builder cannot hold this yet.' },
    async handle() {
      throw new VigilError(
        'API_NOT_SUPPORTED',
        `${what.replace(/\.$/, '')}: the incident builder holds status only (open, acknowledged, closed with a reason); nothing was changed`,
      );
    },
  };
}

/** Incidents: read from Elasticsearch, status changed through the incident builder. */
export const INCIDENT_ROUTES: readonly Route[] = [
  {
    operationId: 'listIncidents',
    method: 'GET',
    path: '/api/incidents',
    tag: 'incidents',
    role: 'viewer',
    summary: 'Incidents from Elasticsearch, newest first, filtered.',
    query: obj('Filters; values of one filter are ORed, filters ANDed.', {
      status: str(`Comma-separated statuses: ${STATUSES.join(', ')}.`, { optional: true }),
      severity: str(`Comma-separated severities: ${SEVERITIES.join(', ')}.`, { optional: true }),
      rule: str('A rule id or name, lead or contributing.', { optional: true, minLength: 1 }),
      entity: str('A host name, user name or IP among its entities.', { optional: true, minLength: 1 }),
      from: str('First seen at or after (RFC 3339).', { optional: true, format: 'date-time' }),
      to: str('First seen before (RFC 3339).', { optional: true, format: 'date-time' }),
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
        ...(query.rule ? { rule: query.rule as string } : {}),
        ...(query.entity ? { entity: query.entity as string } : {}),
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
  unsupportedRoute(
    'assignIncident',
    '/api/incidents/{incident}/assign',
    'Assign the incident.',
    obj('The assignee.', { assignee: str('Who takes it.', { minLength: 1, maxLength: 200 }) }),
  ),
  unsupportedRoute(
    'addIncidentNote',
    '/api/incidents/{incident}/notes',
    'Add a note to the incident.',
    obj('The note.', { text: str('The note.', { minLength: 1, maxLength: 10_000 }) }),
  ),
];
