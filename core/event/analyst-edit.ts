/**
 * How an analyst's edit of an incident document in Elasticsearch (Kibana triage) is told apart
 * from what Vigil wrote. Vigil writes `incident.status` and a copy of it, `vigil.emitted_status`;
 * an analyst changes `incident.status` and may add `status_by`, `status_reason` and
 * `status_changed_at`, which Vigil never writes. A document whose two status fields differ holds
 * an edit Vigil has not taken in yet.
 *
 * Two stages hold to this: the incident builder's poller reads the edits
 * (detections/incidents/es-status-poller.ts), and the Elasticsearch sink keeps them when it
 * writes a newer version of the incident meanwhile (sinks/elasticsearch/analyst-edits.ts).
 */

/** The fields under `incident` that an analyst writes. */
export const ANALYST_FIELDS = ['status', 'status_by', 'status_reason', 'status_changed_at'] as const;

/** Vigil's copy of the status it wrote. */
export const EMITTED_STATUS_FIELD = 'vigil.emitted_status';

/** What to read of a document to see an edit: the analyst's fields and Vigil's copy of the status. */
export const EDIT_SOURCE_FIELDS: readonly string[] = [...ANALYST_FIELDS.map((f) => `incident.${f}`), EMITTED_STATUS_FIELD];

/** The part of an incident document's `_source` an edit is read from. */
export interface EditableSource {
  incident?: Record<string, unknown>;
  vigil?: { emitted_status?: unknown };
}

/** Whether the document holds an analyst's status edit Vigil has not written back yet. */
export function editPending(source: EditableSource | undefined): boolean {
  const status = source?.incident?.status;
  const emitted = source?.vigil?.emitted_status;
  return emitted !== undefined && status !== undefined && status !== emitted;
}
