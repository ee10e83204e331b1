/**
 * Fills `incident.acknowledged_at` / `minutes_to_acknowledge` and `incident.resolved_at` /
 * `minutes_to_resolve` on incident documents written before the incident builder set them, so
 * that the time to acknowledge and to resolve count them too.
 *
 * ## Where the first acknowledgement is found
 * An incident document holds only its last status change, so the history is read from three
 * sources:
 * 1. the document itself: an incident whose status is `acknowledged` was acknowledged at its
 *    `status_change.at`;
 * 2. the audit trail in `<prefix>-actions` (`vigil.actions`): the responder API's records,
 *    `event.action: api.incident.status` with `vigil.api.details.to: acknowledged`, for
 *    `vigil.incident.id`; and playbook steps, `event.action: playbook.step.succeeded` of
 *    `vigil.playbook.action: incident.update` with `vigil.playbook.args.status: acknowledged`,
 *    for `vigil.playbook.args.incident`;
 * 3. `vigil.incident-status` (backfill-status-topic.ts, read once by the caller and passed as
 *    `statusTopic`): the status changes of every path, `vigil incident ack` and Kibana edits
 *    included, which leave no audit record; as long as compaction has not removed them.
 *
 * Precedence: a time the document has is kept, whatever the sources say. Otherwise no source
 * outranks another (they record the same acts: an API acknowledgement is on the topic and in
 * the trail with one time), and the first acknowledgement is the earliest of them, counting
 * only acknowledgements at or before the document's last status change: the builder applies
 * status changes in time order, so a later one did not apply (a repeat of the status it had,
 * an incident it no longer held) or is not in Elasticsearch yet (and the builder's next
 * version carries its time). An incident acknowledged only by a path whose record is gone, and
 * closed or reopened since, is left without one, as the builder leaves an incident closed
 * without acknowledgement. (An acknowledgement that reached the builder after a later change,
 * which it ignored, counts by its own time.)
 *
 * A closed incident's resolution is its own `status_change.at` (the close), unless it was merged.
 *
 * ## How
 * The minimal Elasticsearch build has neither painless nor the reindex module, so there is no
 * `_update_by_query`: documents missing a field are paged with `search_after` (only them: the
 * query asks for the missing fields), their acknowledgements looked up with one aggregation
 * per page, and the fields written with a bulk of partial updates, each conditional on the
 * version read (`if_seq_no`), so a newer version the sink wrote meanwhile is not overwritten
 * (a conflict, counted; a second run takes it). Only missing fields are written: a second run
 * changes nothing.
 */
import type { Client } from '@elastic/elasticsearch';
import { VigilError } from '../../core/errors/index.js';

export interface BackfillOptions {
  es: Client;
  /** `<indexPrefix>-incidents`. */
  incidents: string;
  /** `<indexPrefix>-actions`, the audit trail. */
  actions: string;
  /** Incident id → epoch ms of its earliest acknowledgement on `vigil.incident-status` (`statusTopicAcknowledgements`). */
  statusTopic?: ReadonlyMap<string, number>;
  /** Documents per page. Default 500. */
  pageSize?: number;
  /** Count what would change, write nothing. */
  dryRun?: boolean;
}

export interface BackfillReport {
  /** Documents read: missing a field, and possibly fillable. */
  scanned: number;
  /** Documents given `acknowledged_at` (or that would be, in a dry run). */
  acknowledged: number;
  /** Documents given `resolved_at`. */
  resolved: number;
  /** Documents acknowledged or closed with no acknowledgement on record: left without one. */
  noAcknowledgement: number;
  /** Updates refused because the document changed after it was read. */
  conflicts: number;
}

interface Hit {
  _id: string;
  _index: string;
  _seq_no?: number;
  _primary_term?: number;
  sort?: unknown[];
  _source?: {
    '@timestamp'?: string;
    incident?: {
      id?: string;
      status?: string;
      first_seen?: string;
      acknowledged_at?: string;
      resolved_at?: string;
      merged_into?: string;
      status_change?: { at?: string };
    };
  };
}

/**
 * The documents that miss a time they could have: no acknowledgement time though their status
 * changed once at least (an incident never triaged has no `status_change` and is not read), or
 * closed (not merged) with no resolution time.
 */
export function backfillQuery(): Record<string, unknown> {
  return {
    bool: {
      should: [
        {
          bool: {
            filter: [{ exists: { field: 'incident.status_change.at' } }],
            must_not: [{ exists: { field: 'incident.acknowledged_at' } }],
          },
        },
        {
          bool: {
            filter: [{ term: { 'incident.status': 'closed' } }, { exists: { field: 'incident.status_change.at' } }],
            must_not: [{ exists: { field: 'incident.resolved_at' } }, { exists: { field: 'incident.merged_into' } }],
          },
        },
      ],
      minimum_should_match: 1,
    },
  };
}

/** The earliest acknowledgement per incident among `ids`, from the audit trail: one aggregation. */
export function acknowledgementsSearch(ids: readonly string[]): Record<string, unknown> {
  const api = {
    bool: {
      filter: [
        { term: { 'event.action': 'api.incident.status' } },
        { term: { 'vigil.api.details.to': 'acknowledged' } },
        { terms: { 'vigil.incident.id': ids } },
      ],
    },
  };
  const playbook = {
    bool: {
      filter: [
        { term: { 'event.action': 'playbook.step.succeeded' } },
        { term: { 'vigil.playbook.action': 'incident.update' } },
        { term: { 'vigil.playbook.args.status': 'acknowledged' } },
        { terms: { 'vigil.playbook.args.incident': ids } },
      ],
    },
  };
  const first = (field: string) => ({ terms: { field, size: ids.length }, aggs: { first: { min: { field: '@timestamp' } } } });
  return {
    size: 0,
    query: { bool: { should: [api, playbook], minimum_should_match: 1 } },
    aggs: {
      api: { filter: api, aggs: { by: first('vigil.incident.id') } },
      playbook: { filter: playbook, aggs: { by: first('vigil.playbook.args.incident') } },
    },
  };
}

type ByAgg = { by?: { buckets?: Array<{ key: string; first?: { value?: number | null } }> } };

/** Incident id → the epoch ms of its earliest acknowledgement, from an `acknowledgementsSearch` response. */
export function earliestAcknowledgements(aggregations: Record<string, unknown> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of ['api', 'playbook']) {
    for (const b of (aggregations?.[name] as ByAgg | undefined)?.by?.buckets ?? []) {
      const t = b.first?.value;
      if (typeof t !== 'number' || !Number.isFinite(t)) continue;
      const held = out.get(b.key);
      if (held === undefined || t < held) out.set(b.key, t);
    }
  }
  return out;
}

const ms = (v: string | undefined): number | undefined => {
  const t = v === undefined ? NaN : Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
};

/** Minutes from the first alert, never below 0 (as the builder counts them). */
const minutesFrom = (first: number, at: number) => Math.max(0, at - first) / 60_000;

/**
 * The partial document that fills what `hit` misses, given the earliest acknowledgement per
 * incident of the audit trail and of the status topic; undefined when there is nothing to fill.
 */
export function missingTimes(
  hit: Hit,
  audited: ReadonlyMap<string, number>,
  statusTopic: ReadonlyMap<string, number> = new Map(),
): { incident: Record<string, unknown> } | undefined {
  const i = hit._source?.incident ?? {};
  const first = ms(i.first_seen) ?? ms(hit._source?.['@timestamp']);
  if (first === undefined) return undefined;
  const fill: Record<string, unknown> = {};
  const lastChange = ms(i.status_change?.at);
  if (i.acknowledged_at === undefined && lastChange !== undefined) {
    const id = i.id ?? hit._id;
    // Each source's earliest: when it is later than the last change, so are all its others.
    const candidates = [i.status === 'acknowledged' ? lastChange : undefined, audited.get(id), statusTopic.get(id)].filter(
      (t): t is number => t !== undefined && t <= lastChange,
    );
    if (candidates.length > 0) {
      const at = Math.min(...candidates);
      fill.acknowledged_at = new Date(at).toISOString();
      fill.minutes_to_acknowledge = minutesFrom(first, at);
    }
  }
  const closedAt = ms(i.status_change?.at);
  if (i.resolved_at === undefined && i.status === 'closed' && i.merged_into === undefined && closedAt !== undefined) {
    fill.resolved_at = new Date(closedAt).toISOString();
    fill.minutes_to_resolve = minutesFrom(first, closedAt);
  }
  return Object.keys(fill).length > 0 ? { incident: fill } : undefined;
}

/** Pages through the incidents missing a time and fills what the history holds; see the top of this file. */
export async function backfillIncidentTimes(o: BackfillOptions): Promise<BackfillReport> {
  const report: BackfillReport = { scanned: 0, acknowledged: 0, resolved: 0, noAcknowledgement: 0, conflicts: 0 };
  const size = o.pageSize ?? 500;
  let after: unknown[] | undefined;
  // One refresh at the end rather than one per page: the pages follow the sort key, not what was written.
  const done = async () => {
    if (!o.dryRun && report.acknowledged + report.resolved > 0) await o.es.indices.refresh({ index: o.incidents });
    return report;
  };
  for (;;) {
    const page = await o.es.search({
      index: o.incidents,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: backfillQuery(),
      sort: [{ 'incident.id': { order: 'asc', unmapped_type: 'keyword' } }] as never,
      size,
      seq_no_primary_term: true,
      _source: [
        '@timestamp',
        'incident.id',
        'incident.status',
        'incident.first_seen',
        'incident.acknowledged_at',
        'incident.resolved_at',
        'incident.merged_into',
        'incident.status_change.at',
      ],
      ...(after ? { search_after: after as never } : {}),
    });
    const hits = page.hits.hits as Hit[];
    if (hits.length === 0) return done();
    report.scanned += hits.length;
    const ids = hits.map((h) => h._source?.incident?.id ?? h._id);
    const trail = await o.es.search({ index: o.actions, ignore_unavailable: true, allow_no_indices: true, ...acknowledgementsSearch(ids) });
    const audited = earliestAcknowledgements(trail.aggregations as Record<string, unknown> | undefined);
    const updates: Array<{ hit: Hit; doc: { incident: Record<string, unknown> } }> = [];
    for (const hit of hits) {
      const doc = missingTimes(hit, audited, o.statusTopic);
      const i = hit._source?.incident;
      if (i?.acknowledged_at === undefined && doc?.incident.acknowledged_at === undefined && i?.status !== 'open')
        report.noAcknowledgement++;
      if (doc) updates.push({ hit, doc });
    }
    const applied = o.dryRun ? updates.map(() => true) : await write(o.es, updates);
    updates.forEach((u, n) => {
      if (!applied[n]) return void report.conflicts++;
      if (u.doc.incident.acknowledged_at !== undefined) report.acknowledged++;
      if (u.doc.incident.resolved_at !== undefined) report.resolved++;
    });
    if (hits.length < size) return done();
    after = hits[hits.length - 1]?.sort;
  }
}

/** One bulk of conditional partial updates; per update, whether it was applied (false: the document changed since it was read). */
async function write(es: Client, updates: Array<{ hit: Hit; doc: { incident: Record<string, unknown> } }>): Promise<boolean[]> {
  if (updates.length === 0) return [];
  const operations = updates.flatMap(({ hit, doc }) => [
    {
      update: {
        _index: hit._index,
        _id: hit._id,
        ...(hit._seq_no !== undefined && hit._primary_term !== undefined
          ? { if_seq_no: hit._seq_no, if_primary_term: hit._primary_term }
          : {}),
      },
    },
    { doc },
  ]);
  const res = await es.bulk({ operations });
  return res.items.map((item) => {
    const r = item.update;
    if (!r?.error) return true;
    if (r.status === 409) return false;
    throw new VigilError('INCIDENT_BACKFILL', `incident ${r._id ?? '?'} in ${r._index}: ${r.error.type}: ${r.error.reason ?? ''}`);
  });
}
