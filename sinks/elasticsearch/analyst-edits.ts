import { ANALYST_FIELDS, EDIT_SOURCE_FIELDS, editPending, type EditableSource } from '../../core/event/index.js';
import type { BulkOp } from './encode.js';

/**
 * Keeps an analyst's status edit on an incident document until Vigil has taken it in, and a
 * backfilled first acknowledgement for good.
 *
 * Analysts triage in Kibana by changing `incident.status` on the incident's document (and may
 * add `status_by`, `status_reason`, `status_changed_at`); the incident builder learns of it
 * through detections/incidents/es-status-poller.ts. Until it has, the edit is pending
 * (core/event/analyst-edit.ts), and an update of the incident written then (a new alert) would
 * erase it. So, before each bulk attempt, the incident documents
 * about to be written are read (mget is realtime): where an edit is pending, the new document
 * keeps the analyst's fields (its own `vigil.emitted_status` still tells the poller the edit is
 * pending). Each write of an existing document is conditional on the version read (`if_seq_no`,
 * `if_primary_term`): an edit made in between fails it with 409, and the retry reads again.
 * A script would do this in one request, but the minimal Elasticsearch build has no painless.
 */

/** What this module reads of a document: `mget` with `_source` limited to the fields below. */
export interface CurrentDoc {
  _id: string;
  found: boolean;
  _seq_no?: number;
  _primary_term?: number;
  _source?: EditableSource;
}

export type MgetFn = (index: string, ids: string[], sourceFields: string[]) => Promise<CurrentDoc[]>;

/**
 * Fields the incident builder never removes once set, which `vigil incidents backfill` may have
 * written onto a document without the builder knowing: a new version lacking them keeps the
 * document's (the builder's own value, when it has one, is written as it is).
 */
const KEPT_ONCE_SET = ['acknowledged_at', 'minutes_to_acknowledge'] as const;

const SOURCE_FIELDS = [...EDIT_SOURCE_FIELDS, ...KEPT_ONCE_SET.map((f) => `incident.${f}`)];

/** `doc` with the first acknowledgement of `current` when `doc` has none. */
function withKeptFields(doc: Record<string, unknown>, current: CurrentDoc): Record<string, unknown> {
  const from = current._source?.incident;
  const own = (doc.incident as Record<string, unknown> | undefined) ?? {};
  if (from?.acknowledged_at === undefined || own.acknowledged_at !== undefined) return doc;
  const incident = { ...own };
  for (const f of KEPT_ONCE_SET) if (from[f] !== undefined) incident[f] = from[f];
  return { ...doc, incident };
}

/** `doc` with the analyst's fields of `current` in place of its own. */
export function withAnalystFields(doc: Record<string, unknown>, current: CurrentDoc): Record<string, unknown> {
  const from = current._source?.incident ?? {};
  const incident = { ...((doc.incident as Record<string, unknown> | undefined) ?? {}) };
  for (const f of ANALYST_FIELDS) if (from[f] !== undefined) incident[f] = from[f];
  return { ...doc, incident };
}

/**
 * Returns `ops` (same order, same length) with the writes to `index` conditional on the
 * documents' current versions, and carrying pending analyst edits. Other ops pass unchanged.
 */
export function keepAnalystEdits(index: string, mget: MgetFn): (ops: BulkOp[]) => Promise<BulkOp[]> {
  const guarded = (o: BulkOp): boolean => o.index === index && o.op === 'index';
  return async (ops) => {
    const ids = ops.filter(guarded).map((o) => o.id);
    if (ids.length === 0) return ops;
    const byId = new Map((await mget(index, ids, SOURCE_FIELDS)).map((d) => [d._id, d]));
    return ops.map((o) => {
      const current = guarded(o) ? byId.get(o.id) : undefined;
      if (!current?.found || current._seq_no === undefined || current._primary_term === undefined) return o;
      const edited = editPending(current._source) && o.doc ? withAnalystFields(o.doc, current) : o.doc;
      const doc = edited ? withKeptFields(edited, current) : edited;
      return { ...o, doc, ifVersion: { seqNo: current._seq_no, primaryTerm: current._primary_term } };
    });
  };
}
