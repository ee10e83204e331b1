import { deterministicId, type EcsEvent } from '../../core/event/index.js';

/** What the engine knows about a rule when it fires. */
export interface FiredRule {
  id: string;
  title: string;
  level: string;
  status?: string;
  description?: string;
  tags: readonly string[];
  references: readonly string[];
  techniques: readonly string[];
  tactics: readonly string[];
}

/** Elastic's risk scores per Sigma level, also used as `event.severity`. */
export const LEVEL_SCORE: Record<string, number> = {
  informational: 1,
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};

/** The fields of the triggering event an analyst pivots on, copied to the alert's top level. */
const PIVOTS = ['host', 'user', 'source', 'destination', 'process', 'related', 'observer'] as const;

/**
 * An ECS alert (`event.kind: alert`) for one rule on one event. Its id derives from the rule
 * and the event's id, and its `@timestamp` is the event's, so re-detecting the same event
 * (a replay, a redelivery) yields the very same document.
 */
export function buildAlert(rule: FiredRule, event: EcsEvent, selections: string[], now: Date): EcsEvent {
  const eventId = event.vigil?.id ?? deterministicId(JSON.stringify(event));
  const alert: EcsEvent = {
    '@timestamp': event['@timestamp'],
    message: `${rule.title}: ${event.message ?? ''}`.trim(),
    event: {
      kind: 'alert',
      ...(event.event?.category ? { category: event.event.category } : {}),
      severity: LEVEL_SCORE[rule.level] ?? 0,
      created: now.toISOString(),
      dataset: 'vigil.alerts',
    },
    rule: {
      id: rule.id,
      name: rule.title,
      ruleset: 'sigma',
      ...(rule.description ? { description: rule.description } : {}),
      ...(rule.references.length ? { reference: rule.references[0] } : {}),
    },
    tags: [...rule.tags],
    threat: {
      framework: 'MITRE ATT&CK',
      ...(rule.techniques.length ? { technique: { id: [...rule.techniques] } } : {}),
      ...(rule.tactics.length ? { tactic: { name: [...rule.tactics] } } : {}),
    },
    vigil: {
      id: deterministicId('alert', rule.id, eventId),
      input: event.vigil?.input ?? 'unknown',
      received_at: event.vigil?.received_at ?? now.toISOString(),
      parse_status: 'ok',
    },
  };
  for (const k of PIVOTS) if (event[k] !== undefined) (alert as Record<string, unknown>)[k] = event[k];
  (alert.vigil as unknown as Record<string, unknown>).alert = {
    level: rule.level,
    status: rule.status ?? 'experimental',
    selections,
    event_id: eventId,
    event,
  };
  return alert;
}
