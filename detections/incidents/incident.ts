import { deterministicId, type EcsEvent } from '../../core/event/index.js';
import { LEVEL_SCORE, type FiredRule } from '../engine/alert.js';

export type IncidentStatus = 'open' | 'acknowledged' | 'closed';

/** The incident document on `vigil.incidents` (key = `incident.id`) and in Elasticsearch. */
export interface IncidentDocument {
  '@timestamp': string;
  incident: {
    id: string;
    title: string;
    severity: string;
    status: IncidentStatus;
    risk_score: number;
    rule: { id: string; name: string; level: string; tags: string[] };
    threat: { technique: string[]; tactic: string[] };
    first_seen: string;
    last_seen: string;
    alerts: string[];
    host?: unknown;
    user?: unknown;
    source?: unknown;
    event: EcsEvent;
  };
  vigil: { id: string };
}

/**
 * One incident per alert: the walking skeleton's grouping. Grouping by entity within a window,
 * dedup and suppression come with correlation; the document shape already carries what they need.
 */
export function incidentFromAlert(rule: FiredRule, alert: EcsEvent, event: EcsEvent): IncidentDocument {
  const alertId = alert.vigil?.id ?? deterministicId(JSON.stringify(alert));
  const id = `inc-${deterministicId('incident', alertId)}`;
  const seen = event['@timestamp'];
  return {
    '@timestamp': seen,
    incident: {
      id,
      title: `${rule.title} on ${event.host?.name ?? 'unknown host'}`,
      severity: rule.level,
      status: 'open',
      risk_score: LEVEL_SCORE[rule.level] ?? 0,
      rule: { id: rule.id, name: rule.title, level: rule.level, tags: [...rule.tags] },
      threat: { technique: [...rule.techniques], tactic: [...rule.tactics] },
      first_seen: seen,
      last_seen: seen,
      alerts: [alertId],
      ...(event.host ? { host: event.host } : {}),
      ...(event.user ? { user: event.user } : {}),
      ...(event.source ? { source: event.source } : {}),
      event,
    },
    vigil: { id },
  };
}
