/**
 * Incidents: alerts grouped by entity within a window, deduplicated by suppression, scored by
 * per-entity risk, with a status that flows back from the CLI and from Elasticsearch.
 */
export {
  IncidentBuilder,
  type AddOutcome,
  type AddResult,
  type BatchResult,
  type BuilderStats,
  type FoldedBatch,
  type RestoreResult,
} from './builder.js';
export {
  INCIDENT_DEFAULTS,
  DEFAULT_GROUP_BY,
  incidentOptionsFromConfig,
  resolveIncidentOptions,
  type IncidentBuilderOptions,
  type ResolvedIncidentOptions,
} from './options.js';
export {
  isIncidentStatus,
  INCIDENT_STATUSES,
  type EntityRisk,
  type IncidentDocument,
  type IncidentRuleSummary,
  type IncidentStatus,
  type IncidentStatusChangeInfo,
} from './incident.js';
export { consoleLink, incidentDocument, incidentRecord, ruleWeight } from './document.js';
export {
  decodeIncidentChange,
  incidentChange,
  incidentChangeKey,
  incidentChangeRecord,
  kindOf,
  MAX_ENRICHMENT_BYTES,
  MAX_ENRICHMENT_SOURCES,
  MAX_NOTE_CHARS,
  MAX_NOTES,
  type ChangeRequest,
  type IncidentChange,
  type IncidentChangeKind,
} from './change.js';
export { changeConflict, type IncidentView } from './transitions.js';
export {
  changeAuditDocument,
  changeAuditRecord,
  incidentChangeAudit,
  type ChangeAction,
  type ChangeActor,
  type ChangeAuditDocument,
  type ChangeAuditEntry,
} from './audit.js';
export { alertFacts, levelRank, LEVELS, type AlertFacts, type EntityRef, type Level } from './alert-facts.js';
export { decodeState, encodeState, type IncidentState, type StateEntry } from './state.js';
export { decodeStatusChange, statusChange, statusChangeRecord, STATUS_VERBS, type StatusChange } from './status.js';
export {
  ensureIncidentStatusTopic,
  incidentStatusTopic,
  incidentStatusTopicSpec,
  publishIncidentChanges,
  publishStatusChanges,
} from './status-topic.js';
export {
  analystChangesQuery,
  EsStatusPoller,
  startEsStatusPoller,
  statusChangeFromHit,
  type EsStatusPollerOptions,
  type StatusHit,
} from './es-status-poller.js';
export { ensureIncidentInputTopic, forIncidents, incidentInputTopic, incidentInputTopicSpec, INCIDENTS_KEY } from './input-topic.js';
export {
  acknowledgementsSearch,
  backfillIncidentTimes,
  backfillQuery,
  earliestAcknowledgements,
  missingTimes,
  type BackfillOptions,
  type BackfillReport,
} from './backfill.js';
export { statusTopicAcknowledgements, type StatusTopicRead } from './backfill-status-topic.js';
