import { VigilError } from '../../core/errors/index.js';
import { deterministicId, getField, type EcsEvent } from '../../core/event/index.js';
import { LEVEL_SCORE, RULE_LEVELS, type RuleLevel } from '../model/index.js';

/** Sigma levels, lowest first: an incident's severity is the highest of its alerts'. */
export const LEVELS = RULE_LEVELS;
export type Level = RuleLevel;

export function levelRank(level: string): number {
  return (LEVELS as readonly string[]).indexOf(level);
}

/** The level whose Elastic risk score is the highest not above `severity` (`event.severity` of an alert). */
export function levelFromSeverity(severity: number): Level {
  let best: Level = 'informational';
  for (const l of LEVELS) if (severity >= (LEVEL_SCORE[l] ?? 0)) best = l;
  return best;
}

/** One group-by value of an alert: `host.name` = `web-1`, keyed `host.name=web-1`. */
export interface EntityRef {
  field: string;
  value: string;
  key: string;
}

/** What the builder needs from an alert, read once. */
export interface AlertFacts {
  /** `vigil.id` of the alert (deterministic from rule and event). */
  id: string;
  /** Event time, epoch ms. */
  time: number;
  rule: { id: string; name: string; level: Level; tags: string[] };
  techniques: string[];
  tactics: string[];
  /** Group-by values in `groupBy` order, then value order; distinct. */
  entities: EntityRef[];
  hosts: string[];
  users: string[];
  ips: string[];
  host?: unknown;
  user?: unknown;
  source?: unknown;
  /** The triggering event (`vigil.alert.event`), or the alert itself; `event.original` left out. */
  event: EcsEvent;
}

export function entityKey(field: string, value: string): string {
  return `${field}=${value}`;
}

/** Strings from a scalar, an array, or an array of `{[prop]: …}` objects (ECS and Elastic threat layouts). */
function strings(v: unknown, prop?: string): string[] {
  const out: string[] = [];
  collectStrings(v, prop, out);
  return out.length > 1 ? [...new Set(out)] : out;
}

// A function of its own rather than a closure in `strings`: this runs several times per alert,
// and tsx (how Vigil runs) names every closure it creates with a defineProperty call.
function collectStrings(x: unknown, prop: string | undefined, out: string[]): void {
  if (typeof x === 'string') {
    if (x.length > 0) out.push(x);
  } else if (typeof x === 'number' || typeof x === 'boolean') {
    out.push(String(x));
  } else if (Array.isArray(x)) {
    for (const y of x) collectStrings(y, prop, out);
  } else if (prop && x !== null && typeof x === 'object') {
    collectStrings((x as Record<string, unknown>)[prop], prop, out);
  }
}

/** A field of the alert, else of its triggering event. */
function alertOrEventField(alert: EcsEvent, event: EcsEvent, path: string): unknown {
  const v = getField(alert, path);
  return v === undefined || v === null ? getField(event, path) : v;
}

function withoutOriginal(event: EcsEvent): EcsEvent {
  if (event.event?.original === undefined) return event;
  const { original: _original, ...rest } = event.event;
  return { ...event, event: rest };
}

/**
 * Reads an ECS alert as `detections/model/alert.ts` builds it (correlation alerts carry the same
 * core fields: `@timestamp`, `rule.id`, `vigil.id`, the pivots). Throws `EVENT_INVALID` when the
 * alert has no usable `@timestamp` or rule id: the caller dead-letters it.
 */
export function alertFacts(alert: EcsEvent, groupBy: readonly string[]): AlertFacts {
  const time = typeof alert['@timestamp'] === 'string' ? Date.parse(alert['@timestamp']) : NaN;
  if (!Number.isFinite(time))
    throw new VigilError('EVENT_INVALID', `alert has no valid @timestamp: ${JSON.stringify(alert['@timestamp'])}`);
  const ruleId = alert.rule?.id;
  if (typeof ruleId !== 'string' || ruleId.length === 0) throw new VigilError('EVENT_INVALID', 'alert has no rule.id');
  const meta = (alert.vigil as unknown as Record<string, unknown> | undefined)?.alert as Record<string, unknown> | undefined;
  const rawLevel = meta?.level;
  const level: Level =
    typeof rawLevel === 'string' && levelRank(rawLevel) >= 0
      ? (rawLevel as Level)
      : typeof alert.event?.severity === 'number'
        ? levelFromSeverity(alert.event.severity)
        : 'medium';
  const event = meta?.event !== null && typeof meta?.event === 'object' ? (meta.event as EcsEvent) : alert;
  const hosts = strings(alertOrEventField(alert, event, 'host.name'));
  const users = strings(alertOrEventField(alert, event, 'user.name'));
  const ips = strings(alertOrEventField(alert, event, 'source.ip'));
  const entities: EntityRef[] = [];
  for (const f of groupBy) {
    const values =
      f === 'host.name' ? hosts : f === 'user.name' ? users : f === 'source.ip' ? ips : strings(alertOrEventField(alert, event, f));
    for (const value of values) {
      const key = entityKey(f, value);
      // Few entities per alert: a scan is cheaper than a Set per alert.
      if (!entities.some((e) => e.key === key)) entities.push({ field: f, value, key });
    }
  }
  const name = typeof alert.rule?.name === 'string' && alert.rule.name ? alert.rule.name : ruleId;
  return {
    id: typeof alert.vigil?.id === 'string' && alert.vigil.id ? alert.vigil.id : deterministicId('alert', JSON.stringify(alert)),
    time,
    rule: { id: ruleId, name, level, tags: strings(alert.tags) },
    techniques: strings(getField(alert, 'threat.technique'), 'id'),
    tactics: strings(getField(alert, 'threat.tactic'), 'name'),
    entities,
    hosts,
    users,
    ips,
    ...(alert.host !== undefined ? { host: alert.host } : {}),
    ...(alert.user !== undefined ? { user: alert.user } : {}),
    ...(alert.source !== undefined ? { source: alert.source } : {}),
    event: withoutOriginal(event),
  };
}
