/**
 * Time to acknowledge (MTTA) and time to resolve (MTTR) of incidents, computed by Elasticsearch
 * aggregations over the incident index: one `size: 0` search whose filters are all in filter
 * context (cacheable, no scoring, no hits fetched), reading only the doc values of
 * `incident.minutes_to_acknowledge` and `incident.minutes_to_resolve`, which the incident builder
 * writes (detections/incidents/document.ts). The minimal Elasticsearch build has no painless, so
 * nothing is computed per document at query time: the minutes must be on the documents.
 */

export const METRIC_GROUPS = ['severity', 'rule', 'assignee'] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];

export interface MetricsFilter {
  /** First seen at or after / before (RFC 3339). */
  from?: string;
  to?: string;
  severity?: string[];
  rule?: string;
  assignee?: string;
  groupBy?: MetricGroup;
  /** Groups returned at most, largest first. */
  size: number;
}

/** Minutes; null when no incident of the set has the field. */
export interface MinuteStats {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export interface MetricsFigures {
  /** Incidents first seen in the range (and matching the filters). */
  count: number;
  /** Of those, acknowledged at some time (`incident.acknowledged_at`). */
  acknowledged: number;
  mtta: MinuteStats;
  /** Of those, closed now, other than by a merge (`incident.resolved_at`). */
  resolved: number;
  mttr: MinuteStats;
}

export interface MetricsGroup extends MetricsFigures {
  /** The severity, rule id or assignee; null for incidents assigned to nobody. */
  key: string | null;
  /** The rule's name, grouping by rule. */
  name?: string;
}

export interface IncidentMetrics extends MetricsFigures {
  groups?: MetricsGroup[];
  /** Incidents in groups beyond `size`. */
  other?: number;
}

const ACK = 'incident.minutes_to_acknowledge';
const RESOLVE = 'incident.minutes_to_resolve';
const GROUP_FIELD: Record<MetricGroup, string> = { severity: 'incident.severity', rule: 'incident.rule.id', assignee: 'incident.assignee' };

/** The figures' aggregations, for the whole set and again under each group. */
function figureAggs(): Record<string, unknown> {
  const of = (field: string) => ({
    // `value_count` on a single-valued numeric field counts documents having it, from doc values.
    [`${field}.count`]: { value_count: { field } },
    [`${field}.mean`]: { avg: { field } },
    [`${field}.pct`]: { percentiles: { field, percents: [50, 90], keyed: false } },
  });
  return { ...of(ACK), ...of(RESOLVE) };
}

/**
 * The search request body of a metrics query; `query` is the incident list's query of the same
 * filters (incidents.ts). Pure, so that it is tested without a cluster.
 */
export function metricsSearch(f: MetricsFilter, query: Record<string, unknown>): Record<string, unknown> {
  const aggs: Record<string, unknown> = figureAggs();
  if (f.groupBy) {
    const field = GROUP_FIELD[f.groupBy];
    const sub = f.groupBy === 'rule' ? { ...figureAggs(), name: { terms: { field: 'incident.rule.name', size: 1 } } } : figureAggs();
    aggs.groups = { terms: { field, size: f.size, order: [{ _count: 'desc' }, { _key: 'asc' }] }, aggs: sub };
    if (f.groupBy === 'assignee') aggs.unassigned = { missing: { field }, aggs: figureAggs() };
  }
  return {
    size: 0,
    track_total_hits: true,
    query,
    aggs,
  };
}

type Agg = Record<string, unknown> & { doc_count?: number };
type Bucket = Agg & { key: string | number; doc_count: number };

/** Minutes to a thousandth (0.06 s): the sums and interpolations of floats carry noise below that. */
const minutes = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);

function stats(aggs: Agg, field: string): MinuteStats {
  const pct = ((aggs[`${field}.pct`] as { values?: Array<{ key: number; value: number | null }> } | undefined)?.values ?? []).reduce<
    Record<number, number | null>
  >((m, v) => ({ ...m, [v.key]: minutes(v.value) }), {});
  return {
    mean: minutes((aggs[`${field}.mean`] as { value?: number | null } | undefined)?.value),
    median: pct[50] ?? null,
    p90: pct[90] ?? null,
  };
}

const countOf = (aggs: Agg, field: string): number => (aggs[`${field}.count`] as { value?: number } | undefined)?.value ?? 0;

function figures(aggs: Agg, count: number): MetricsFigures {
  return {
    count,
    acknowledged: countOf(aggs, ACK),
    mtta: stats(aggs, ACK),
    resolved: countOf(aggs, RESOLVE),
    mttr: stats(aggs, RESOLVE),
  };
}

/** The figures of a metrics search's response. Pure. */
export function metricsOf(
  res: { hits: { total?: number | { value: number } }; aggregations?: Record<string, unknown> },
  f: Pick<MetricsFilter, 'groupBy'>,
): IncidentMetrics {
  const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
  const aggs = (res.aggregations ?? {}) as Agg;
  const out: IncidentMetrics = figures(aggs, total);
  if (!f.groupBy) return out;
  const terms = (aggs.groups ?? {}) as { buckets?: Bucket[]; sum_other_doc_count?: number };
  const groups: MetricsGroup[] = (terms.buckets ?? []).map((b) => {
    const name = ((b.name as { buckets?: Bucket[] } | undefined)?.buckets ?? [])[0]?.key;
    return { key: String(b.key), ...(name !== undefined ? { name: String(name) } : {}), ...figures(b, b.doc_count) };
  });
  const unassigned = aggs.unassigned as Agg | undefined;
  if (unassigned?.doc_count) groups.push({ key: null, ...figures(unassigned, unassigned.doc_count) });
  return { ...out, groups, other: terms.sum_other_doc_count ?? 0 };
}
