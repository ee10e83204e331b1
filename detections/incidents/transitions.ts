import { kindOf, MAX_ENRICHMENT_SOURCES, MAX_NOTES, type EnrichmentChange, type IncidentChange } from './change.js';
import type { IncidentStatus } from './incident.js';
import type { StatusChange } from './status.js';

/** What a transition check needs of an incident: the builder's state or the document in Elasticsearch. */
export interface IncidentView {
  id: string;
  status: IncidentStatus;
  /** Set once the incident was merged into another (it is closed then). */
  merged_into?: string;
  /** How many notes it has. */
  notes?: number;
  /** The sources of its enrichments. */
  enrichments?: readonly string[];
}

/**
 * Why `c` does not apply to the incident as it stands, or null when it does. One rule for the
 * API (which answers 409 with it, checking the document in Elasticsearch) and for the builder
 * (which refuses the change with INCIDENT_CONFLICT, checking its own state).
 *
 * A status change to the status the incident has is not a conflict here: the builder ignores it
 * (a replayed change), and the API's verbs say which statuses each moves from.
 */
export function changeConflict(c: IncidentChange, incident: IncidentView, into?: IncidentView): string | null {
  const id = incident.id;
  switch (kindOf(c)) {
    case 'status':
      if (incident.merged_into && (c as StatusChange).status !== 'closed')
        return `incident ${id} was merged into ${incident.merged_into}; it stays closed`;
      return null;
    case 'assign':
      return incident.status === 'closed' ? `incident ${id} is closed; reopen it before assigning it` : null;
    case 'note':
      return (incident.notes ?? 0) >= MAX_NOTES ? `incident ${id} has ${MAX_NOTES} notes, as many as one incident keeps` : null;
    case 'enrichment': {
      const source = (c as EnrichmentChange).enrichment.source;
      const held = incident.enrichments ?? [];
      return !held.includes(source) && held.length >= MAX_ENRICHMENT_SOURCES
        ? `incident ${id} has enrichments from ${MAX_ENRICHMENT_SOURCES} sources, as many as one incident keeps`
        : null;
    }
    case 'severity':
      return incident.status === 'closed' ? `incident ${id} is closed; reopen it before changing its severity` : null;
    case 'merge': {
      const target = (c as { into: string }).into;
      if (target === id) return `incident ${id} cannot be merged into itself`;
      if (incident.merged_into) return `incident ${id} was merged into ${incident.merged_into} already`;
      if (!into) return `incident ${target} (to merge ${id} into) is not known`;
      if (into.merged_into) return `incident ${target} was merged into ${into.merged_into}; merge into that one`;
      if (into.status === 'closed') return `incident ${target} is closed; reopen it before merging into it`;
      return null;
    }
  }
}
