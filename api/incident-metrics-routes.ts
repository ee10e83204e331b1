import { METRIC_GROUPS, type MetricGroup } from './incident-metrics.js';
import { RequestInvalid, type Route } from './route.js';
import { int, obj, str, type FieldIssue } from './schema.js';

const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'];

/** Time to acknowledge and to resolve; listed before `/api/incidents/{incident}`, which would take `metrics` for an id. */
export const INCIDENT_METRICS_ROUTES: readonly Route[] = [
  {
    operationId: 'incidentMetrics',
    method: 'GET',
    path: '/api/incidents/metrics',
    tag: 'incidents',
    role: 'viewer',
    summary:
      'Time to acknowledge (MTTA) and to resolve (MTTR) of the incidents first seen in [from, to): count, acknowledged and resolved counts, mean, median and 90th percentile in minutes, overall and per group. Computed by Elasticsearch aggregations.',
    query: obj('The incidents counted; values of one filter are ORed, filters ANDed.', {
      from: str('First seen at or after (RFC 3339).', { optional: true, format: 'date-time' }),
      to: str('First seen before (RFC 3339); after `from`.', { optional: true, format: 'date-time' }),
      group_by: str(`Also give the figures per ${METRIC_GROUPS.join(', ')} (the lead rule's id; assignee: null for unassigned, last).`, {
        optional: true,
        enum: METRIC_GROUPS,
      }),
      size: int('Groups at most, most incidents first (default 20); the rest are counted in `other`.', {
        optional: true,
        minimum: 1,
        maximum: 100,
      }),
      severity: str(`Comma-separated severities: ${SEVERITIES.join(', ')}.`, { optional: true }),
      rule: str('A rule id or name, lead or contributing.', { optional: true, minLength: 1 }),
      assignee: str('Who it is assigned to.', { optional: true, minLength: 1 }),
    }),
    responses: {
      200: '`{ count, acknowledged, mtta: { mean, median, p90 }, resolved, mttr: { mean, median, p90 } }` in minutes (null where none), with `groups` (each the same figures and its `key`, and `name` for a rule) and `other` when grouped.',
    },
    async handle({ query }, deps) {
      const issues: FieldIssue[] = [];
      const from = query.from ? new Date(query.from as string).toISOString() : undefined;
      const to = query.to ? new Date(query.to as string).toISOString() : undefined;
      if (from && to && Date.parse(to) <= Date.parse(from)) issues.push({ field: 'to', message: 'must be after from' });
      let severity: string[] | undefined;
      if (query.severity !== undefined) {
        severity = String(query.severity)
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean);
        if (severity.length === 0 || severity.some((v) => !SEVERITIES.includes(v)))
          issues.push({ field: 'severity', message: `takes a comma-separated list of ${SEVERITIES.join(', ')}` });
      }
      if (issues.length > 0) throw new RequestInvalid(issues);
      const figures = await deps.incidents.metrics({
        size: (query.size as number | undefined) ?? 20,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(severity ? { severity } : {}),
        ...(query.rule ? { rule: query.rule as string } : {}),
        ...(query.assignee ? { assignee: query.assignee as string } : {}),
        ...(query.group_by ? { groupBy: query.group_by as MetricGroup } : {}),
      });
      return { status: 200, body: { from: from ?? null, to: to ?? null, ...figures } };
    },
  },
];
