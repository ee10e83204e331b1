/**
 * Correlation alerts: ECS documents (`event.kind: alert`) built from the same alert model as rule
 * alerts (rule, tags, threat, pivot fields, `vigil.alert`), plus `vigil.correlation` with the
 * group, the window, the count or value and the contributing events. The id derives from the
 * correlation, the group key and the window start only, so recomputing the same window after a
 * restart or a replay yields the same document id and nothing is duplicated downstream.
 */
import { deterministicId, setField, type EcsEvent } from '../../core/event/index.js';
import { alertRule, alertSeverity, alertThreat, copyPivots, LEVEL_SCORE } from '../model/index.js';
import type { CompiledCorrelation } from './compile.js';
import { splitKey } from './key.js';
import { formatDuration } from './timespan.js';
import type { Fire } from './types/contract.js';

/** Group-by paths that would overwrite what makes the document an alert. */
const PROTECTED = /^(?:@timestamp|message|tags|event\.kind|event\.severity|event\.dataset|rule(?:\..*)?|threat(?:\..*)?|vigil(?:\..*)?)$/;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The deterministic id of the alert for one window of one group. */
export function correlationAlertId(correlationId: string, key: string, fire: Pick<Fire, 'start' | 'idParts'>): string {
  return deterministicId('correlation', correlationId, key, String(fire.start), ...(fire.idParts ?? []));
}

/** The group-by values of a key, by group-by name. */
export function groupOf(corr: CompiledCorrelation, key: string): Record<string, string> {
  const values = splitKey(key).slice(1);
  const group: Record<string, string> = {};
  corr.rule.groupBy.forEach((g, i) => {
    group[g] = values[i] ?? '';
  });
  return group;
}

function summary(corr: CompiledCorrelation, fire: Fire): string {
  const field = corr.rule.condition.field?.join(', ') ?? '';
  const span = formatDuration(corr.cfg.spanMs);
  const d = fire.detail ?? {};
  switch (corr.type) {
    case 'event_count':
      return `${fire.count} events in ${span}`;
    case 'value_count':
      return `${fire.value} distinct ${field} in ${span}`;
    case 'temporal':
    case 'temporal_ordered':
      return `${(fire.rules ?? []).map((i) => corr.ruleRefs[i]).join(corr.type === 'temporal' ? ', ' : ' then ')} within ${span}`;
    case 'new_term':
      return `new ${field} '${fire.values?.[0] ?? ''}'`;
    case 'flatline':
      return `fewer than ${d.threshold} events in ${span} (last seen ${d.last_seen})`;
    case 'spike':
      return `${d.direction} spike: ${d.current} events against ${d.reference} in the previous ${span}`;
    default:
      return `${String(d.aggregate ?? corr.type)} of ${field} is ${fire.value} over ${fire.count} events in ${span}`;
  }
}

export function buildCorrelationAlert(corr: CompiledCorrelation, key: string, fire: Fire, created: string): EcsEvent {
  const { fired, rule } = corr;
  const group = groupOf(corr, key);
  const groupText = Object.entries(group)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const id = correlationAlertId(corr.id, key, fire);
  const source = fire.event;
  const alert: EcsEvent = {
    '@timestamp': iso(fire.end),
    message: `${fired.title}: ${summary(corr, fire)}${groupText ? ` for ${groupText}` : ''}`,
    event: {
      kind: 'alert',
      ...(source?.event?.category ? { category: [...source.event.category] } : {}),
      severity: alertSeverity(fired.level),
      created,
      dataset: 'vigil.alerts',
      start: iso(fire.start),
      end: iso(fire.end),
    },
    rule: alertRule(fired, 'sigma-correlation', corr.type),
    tags: [...fired.tags],
    threat: alertThreat(fired),
  };
  // The completing event is also kept by the engine: the alert gets its own copy of the pivots.
  if (source) copyPivots(alert, source, structuredClone);
  const out = alert as Record<string, unknown>;
  for (const [name, value] of Object.entries(group)) {
    // An alias is not a field of the alert; its value is in vigil.correlation.group.
    if (!rule.aliases.has(name) && !PROTECTED.test(name)) setField(out, name, value);
  }
  out.vigil = {
    id,
    input: 'correlation',
    received_at: created,
    parse_status: 'ok',
    alert: { level: fired.level, status: fired.status ?? 'experimental' },
    correlation: {
      id: corr.id,
      ...(rule.name !== undefined && { name: rule.name }),
      type: corr.type,
      key,
      group,
      count: fire.count,
      ...(fire.value !== undefined && { value: fire.value }),
      ...(fire.values && { values: [...fire.values] }),
      ...(fire.rules && { rules: fire.rules.map((i) => corr.ruleIds[i]) }),
      window: { start: iso(fire.start), end: iso(fire.end), timespan: rule.timespan.text },
      events: [...fire.ids],
      ...fire.detail,
    },
  };
  return alert;
}

/** The alert raised when a correlation reaches its bound on live groups and starts dropping new ones. */
export function buildStateLimitAlert(corr: CompiledCorrelation, at: number, limit: number, created: string): EcsEvent {
  // One id per correlation and hour: a restart re-raising it within the hour overwrites it.
  const hour = Math.floor(at / 3_600_000) * 3_600_000;
  return {
    '@timestamp': iso(at),
    message: `Correlation state limit reached: '${corr.fired.title}' holds ${limit} groups; events of new groups are not correlated`,
    event: { kind: 'alert', severity: LEVEL_SCORE.high, created, dataset: 'vigil.alerts', reason: 'state limit reached' },
    rule: { id: `${corr.id}:state-limit`, name: `State limit reached: ${corr.fired.title}`, ruleset: 'vigil-correlation-engine' },
    tags: ['vigil.state-limit'],
    vigil: {
      id: deterministicId('correlation-state-limit', corr.id, String(hour)),
      input: 'correlation',
      received_at: created,
      parse_status: 'ok',
      alert: { level: 'high', status: 'stable' },
      correlation: { id: corr.id, type: corr.type, limit, state_limit: true },
    } as unknown as EcsEvent['vigil'],
  };
}
