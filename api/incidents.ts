import type { Client } from '@elastic/elasticsearch';
import type { IncidentStatus } from '../detections/incidents/index.js';
import { metricsOf, metricsSearch, type IncidentMetrics, type MetricsFilter } from './incident-metrics.js';

/** What the incident list can be narrowed by; every field optional, values of one field ORed. */
export interface IncidentFilter {
  status?: string[];
  severity?: string[];
  /** Rule id or name, lead rule or any contributing rule. */
  rule?: string;
  /** A host name, user name or IP among the incident's entities. */
  entity?: string;
  /** Who it is assigned to (`incident.assignee`). */
  assignee?: string;
  /** Words (Elasticsearch's simple query syntax, all of them by default) in the title, or a whole rule name, entity or id. */
  q?: string;
  /** First seen at or after / before (RFC 3339). */
  from?: string;
  to?: string;
  /** Order: `newest` first seen (the default), `oldest`, `last_seen` (latest activity first), `risk` (highest first). */
  sort?: IncidentSort;
  limit: number;
  offset: number;
}

export const INCIDENT_SORTS = ['newest', 'oldest', 'last_seen', 'risk'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];

const SORT_CLAUSE: Record<IncidentSort, Record<string, unknown>> = {
  newest: { '@timestamp': { order: 'desc', unmapped_type: 'date' } },
  oldest: { '@timestamp': { order: 'asc', unmapped_type: 'date' } },
  last_seen: { 'incident.last_seen': { order: 'desc', unmapped_type: 'date' } },
  risk: { 'incident.risk_score': { order: 'desc', unmapped_type: 'float' } },
};

/** One incident as Elasticsearch holds it (the document the sink wrote from `vigil.incidents`). */
export type IncidentDoc = Record<string, unknown> & {
  incident: {
    id: string;
    status: IncidentStatus;
    alerts?: string[];
    assignee?: string;
    merged_into?: string;
    notes?: unknown[];
    enrichments?: Record<string, unknown>;
  };
};

/** Where the API reads incidents and their alerts. */
export interface IncidentReader {
  list(filter: IncidentFilter): Promise<{ total: number; incidents: IncidentDoc[] }>;
  get(id: string): Promise<IncidentDoc | undefined>;
  alerts(ids: readonly string[]): Promise<Record<string, unknown>[]>;
  /** Time to acknowledge and to resolve, by Elasticsearch aggregations (incident-metrics.ts). */
  metrics(filter: MetricsFilter): Promise<IncidentMetrics>;
}

/** Alerts returned with one incident at most; the incident lists the first ids (its `alert_count` has the total). */
const MAX_ALERTS = 500;

/**
 * What `q` searches: the title's words (its text sub-field), and whole values of the fields an
 * analyst pastes (a rule name, a host, a user, an IP, an incident id).
 */
const TEXT_FIELDS = [
  'incident.title.text',
  'incident.id',
  'incident.rule.name',
  'incident.rules.name',
  'incident.entities.hosts',
  'incident.entities.users',
  'incident.entities.ips',
];

/** The bool query of a filter. Pure, so that it is tested without a cluster. */
export function incidentQuery(f: IncidentFilter): Record<string, unknown> {
  const filter: Record<string, unknown>[] = [];
  if (f.status?.length) filter.push({ terms: { 'incident.status': f.status } });
  if (f.severity?.length) filter.push({ terms: { 'incident.severity': f.severity } });
  if (f.rule) {
    filter.push({
      bool: {
        should: ['incident.rule.id', 'incident.rule.name', 'incident.rules.id', 'incident.rules.name'].map((field) => ({
          term: { [field]: f.rule },
        })),
        minimum_should_match: 1,
      },
    });
  }
  if (f.entity) {
    filter.push({
      bool: {
        should: ['incident.entities.hosts', 'incident.entities.users', 'incident.entities.ips'].map((field) => ({
          term: { [field]: f.entity },
        })),
        minimum_should_match: 1,
      },
    });
  }
  if (f.assignee) filter.push({ term: { 'incident.assignee': f.assignee } });
  if (f.q) {
    filter.push({
      simple_query_string: {
        query: f.q,
        fields: TEXT_FIELDS,
        default_operator: 'and',
        // Never an error for the caller's syntax: what does not parse is searched as words.
        lenient: true,
      },
    });
  }
  if (f.from || f.to) filter.push({ range: { '@timestamp': { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } });
  return { bool: { filter } };
}

/** Reads `<indexPrefix>-incidents` and `<indexPrefix>-alerts` (indices or data streams). */
export function elasticsearchIncidents(es: Client, indexPrefix: string): IncidentReader {
  const incidents = `${indexPrefix}-incidents`;
  const alerts = `${indexPrefix}-alerts`;
  return {
    async list(f) {
      const res = await es.search<IncidentDoc>({
        index: incidents,
        ignore_unavailable: true,
        allow_no_indices: true,
        query: incidentQuery(f),
        sort: [SORT_CLAUSE[f.sort ?? 'newest'], { 'incident.id': { order: 'asc', unmapped_type: 'keyword' } }] as never,
        from: f.offset,
        size: f.limit,
        track_total_hits: true,
      });
      const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
      return { total, incidents: res.hits.hits.flatMap((h) => (h._source ? [h._source] : [])) };
    },
    async get(id) {
      const res = await es.search<IncidentDoc>({
        index: incidents,
        ignore_unavailable: true,
        allow_no_indices: true,
        query: { term: { 'incident.id': id } },
        size: 1,
      });
      return res.hits.hits[0]?._source;
    },
    async alerts(ids) {
      if (ids.length === 0) return [];
      const res = await es.search<Record<string, unknown>>({
        index: alerts,
        ignore_unavailable: true,
        allow_no_indices: true,
        query: { terms: { 'vigil.id': ids.slice(0, MAX_ALERTS) } },
        sort: [{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }],
        size: MAX_ALERTS,
      });
      return res.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
    },
    async metrics(f) {
      const query = incidentQuery({
        limit: 0,
        offset: 0,
        ...(f.from ? { from: f.from } : {}),
        ...(f.to ? { to: f.to } : {}),
        ...(f.severity ? { severity: f.severity } : {}),
        ...(f.rule ? { rule: f.rule } : {}),
        ...(f.assignee ? { assignee: f.assignee } : {}),
      });
      const res = await es.search({ index: incidents, ignore_unavailable: true, allow_no_indices: true, ...metricsSearch(f, query) });
      return metricsOf(res, f);
    },
  };
}
