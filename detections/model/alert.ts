/**
 * The alert model every detector shares: what a rule reports when it fires (`FiredRule`), the
 * score of each level, and the parts of an ECS alert document (`event.kind: alert`) that a rule
 * alert and a correlation alert have in common. Incidents read alerts back through the same
 * model, so a field added here is added for every detector at once.
 */
import { deterministicId, type EcsEvent } from '../../core/event/index.js';
import { attackFromTags } from './attack.js';
import type { RuleMeta } from './rule.js';

/** What an alert reports about the rule (or correlation) that fired. */
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

/** A rule without a level alerts as medium, Sigma's middle level. */
const DEFAULT_LEVEL = 'medium';

/** What an alert of this rule reports; the ATT&CK ids come from its tags. */
export function firedRule(rule: Pick<RuleMeta, 'id' | 'title' | 'level' | 'status' | 'description' | 'tags' | 'references'>): FiredRule {
  const attack = attackFromTags(rule.tags);
  return {
    id: rule.id,
    title: rule.title,
    level: rule.level ?? DEFAULT_LEVEL,
    ...(rule.status !== undefined && { status: rule.status }),
    ...(rule.description !== undefined && { description: rule.description }),
    tags: rule.tags,
    references: rule.references,
    techniques: attack.techniques,
    tactics: attack.tactics,
  };
}

/** The fields of the triggering event an analyst pivots on, copied to the alert's top level. */
const PIVOTS = ['host', 'user', 'source', 'destination', 'process', 'related', 'observer'] as const;

/** Copies the pivot fields of `event` onto `alert`, through `copy` (a clone when the event is shared). */
export function copyPivots(alert: EcsEvent, event: EcsEvent, copy: <T>(value: T) => T = (v) => v): void {
  const out = alert as Record<string, unknown>;
  for (const k of PIVOTS) if (event[k] !== undefined) out[k] = copy(event[k]);
}

/** `event.severity` of an alert of this level (0 for a level Sigma does not define). */
export function alertSeverity(level: string): number {
  return LEVEL_SCORE[level] ?? 0;
}

/** The alert's `rule` block: which detector raised it (`ruleset`) and, for a correlation, its type (`category`). */
export function alertRule(fired: FiredRule, ruleset: string, category?: string): NonNullable<EcsEvent['rule']> {
  return {
    id: fired.id,
    name: fired.title,
    ruleset,
    ...(category !== undefined && { category }),
    ...(fired.description ? { description: fired.description } : {}),
    ...(fired.references.length ? { reference: fired.references[0] } : {}),
  };
}

/** The alert's `threat` block: the rule's ATT&CK techniques and tactics. */
export function alertThreat(fired: FiredRule): NonNullable<EcsEvent['threat']> {
  return {
    framework: 'MITRE ATT&CK',
    ...(fired.techniques.length ? { technique: { id: [...fired.techniques] } } : {}),
    ...(fired.tactics.length ? { tactic: { name: [...fired.tactics] } } : {}),
  };
}

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
      severity: alertSeverity(rule.level),
      created: now.toISOString(),
      dataset: 'vigil.alerts',
    },
    rule: alertRule(rule, 'sigma'),
    tags: [...rule.tags],
    threat: alertThreat(rule),
    vigil: {
      id: deterministicId('alert', rule.id, eventId),
      input: event.vigil?.input ?? 'unknown',
      received_at: event.vigil?.received_at ?? now.toISOString(),
      parse_status: 'ok',
    },
  };
  copyPivots(alert, event);
  (alert.vigil as unknown as Record<string, unknown>).alert = {
    level: rule.level,
    status: rule.status ?? 'experimental',
    selections,
    event_id: eventId,
    event,
  };
  return alert;
}
