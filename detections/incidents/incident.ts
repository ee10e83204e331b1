import type { EcsEvent } from '../../core/event/index.js';

/** An incident's triage state. `acknowledged` still groups new alerts; `closed` does not (see builder.ts). */
export type IncidentStatus = 'open' | 'acknowledged' | 'closed';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['open', 'acknowledged', 'closed'];

export function isIncidentStatus(v: unknown): v is IncidentStatus {
  return typeof v === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(v);
}

/** One rule that contributed to an incident. */
export interface IncidentRuleSummary {
  id: string;
  name: string;
  level: string;
  /** Its risk weight: `detections.incidents.weights[id or name]`, else the score of its level. */
  weight: number;
  /** Alerts of this rule in the incident. */
  count: number;
}

/** The summed risk of one entity (risk-based alerting: each rule counts once per entity). */
export interface EntityRisk {
  /** The group-by field, e.g. `host.name`. */
  field: string;
  value: string;
  score: number;
}

/** The last status change applied to an incident. */
export interface IncidentStatusChangeInfo {
  at: string;
  by: string;
  reason?: string;
  /** `cli`, `elasticsearch`, … */
  source?: string;
}

/**
 * The incident document on `vigil.incidents` (key = `incident.id`, compacted) and in
 * Elasticsearch (`_id` = `incident.id`). Playbooks trigger on `incident.severity` and
 * `incident.rule.tags`; the ES sink overwrites the document with each new version.
 *
 * The fields marked "builder" are set by `IncidentBuilder`; they are optional in the type only
 * so that older records still parse.
 */
export interface IncidentDocument {
  /** The incident's first_seen (event time): stable across updates. */
  '@timestamp': string;
  incident: {
    id: string;
    title: string;
    /** The highest Sigma level among its alerts. */
    severity: string;
    status: IncidentStatus;
    /** Max over its entities of the summed rule weights; not capped at 100 (risk-based alerting). */
    risk_score: number;
    /** The lead rule (highest level, first seen on ties); `tags` is the union over all its rules. */
    rule: { id: string; name: string; level: string; tags: string[] };
    /** ATT&CK technique ids and tactic names, union over its alerts. */
    threat: { technique: string[]; tactic: string[] };
    first_seen: string;
    last_seen: string;
    /** Alert ids (`vigil.id` of each alert): the first ones, capped; `alert_count` has the total. */
    alerts: string[];
    host?: unknown;
    user?: unknown;
    source?: unknown;
    /** The triggering event of its first alert (`event.original` left out). */
    event: EcsEvent;
    /** builder: total alerts, including those deduplicated by suppression. */
    alert_count?: number;
    /** builder: hosts (`host.name`), users (`user.name`) and IPs (`source.ip`) seen in its alerts, capped. */
    entities?: { hosts: string[]; users: string[]; ips: string[] };
    /** builder: the per-entity risk sums, highest first, at most 10. */
    entity_risk?: EntityRisk[];
    /** builder: every rule that contributed, capped. */
    rules?: IncidentRuleSummary[];
    /** builder: the group-by entity and window start that make its id. */
    group?: { field: string; value: string; window_start: string };
    /** builder: the time of the change that produced this version (event time of an alert, or of a status change); never decreases. */
    updated_at?: string;
    /** builder: 1 for the first document, +1 for each change. */
    version?: number;
    /** builder: the last status change applied. */
    status_change?: IncidentStatusChangeInfo;
    /** builder: when it was first acknowledged (closing and reopening keep it; closing without acknowledging sets none). */
    acknowledged_at?: string;
    /** builder: minutes from `first_seen` to `acknowledged_at` (0 when the acknowledgement is stamped earlier); MTTA averages it. */
    minutes_to_acknowledge?: number;
    /** builder: when it was closed, while it is (not when merged into another); reopening removes it. */
    resolved_at?: string;
    /** builder: minutes from `first_seen` to `resolved_at`; MTTR averages it. */
    minutes_to_resolve?: number;
    /** builder: who works on it. */
    assignee?: string;
    /** builder: who assigned it, when. */
    assignment?: { by: string; at: string };
    /** builder: the analysts' notes, oldest first (append-only). */
    notes?: Array<{ id: string; by: string; at: string; text: string }>;
    /** builder: a person's severity, which `severity` then is; `computed` is what the alerts say. */
    severity_override?: { level: string; computed: string; by: string; at: string; reason?: string };
    /** builder: the latest result of each enrichment source (`virustotal`, …). */
    enrichments?: Record<string, { at: string; by: string; value: unknown }>;
    /** builder: the incident this one was merged into (it is closed, with reason `merged`). */
    merged_into?: string;
    /** builder: the incidents merged into this one. */
    merged?: string[];
  };
  vigil: {
    id: string;
    /**
     * The status Vigil wrote. An analyst who edits `incident.status` in Elasticsearch makes the two
     * differ, which is what `es-status-poller.ts` looks for.
     */
    emitted_status?: IncidentStatus;
    /** Where a person opens the incident: `console` is the responder console's page of it (when `api.publicUrl` is set). */
    links?: { console?: string };
  };
}
