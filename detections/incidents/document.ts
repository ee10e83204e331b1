import type { OutRecord } from '../../core/bus/index.js';
import { LEVEL_SCORE } from '../model/index.js';
import { levelRank } from './alert-facts.js';
import type { EntityRisk, IncidentDocument } from './incident.js';
import type { ResolvedIncidentOptions } from './options.js';
import type { IncidentState, RuleTally } from './state.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A rule's risk weight: configured by id, then by name, else its level's Elastic risk score. */
export function ruleWeight(rule: Pick<RuleTally, 'id' | 'name' | 'level'>, weights: Readonly<Record<string, number>>): number {
  return weights[rule.id] ?? weights[rule.name] ?? LEVEL_SCORE[rule.level] ?? 0;
}

/** `host.name=web-1` → [`host.name`, `web-1`]. Field names hold no `=`; values may. */
export function splitEntityKey(key: string): [string, string] {
  const eq = key.indexOf('=');
  return eq < 0 ? [key, ''] : [key.slice(0, eq), key.slice(eq + 1)];
}

/** The rule with the highest level, the earliest on ties. */
export function leadRule(s: IncidentState): RuleTally {
  let lead = s.rules[0] as RuleTally;
  for (const r of s.rules) if (levelRank(r.level) > levelRank(lead.level)) lead = r;
  return lead;
}

/**
 * Risk-based alerting: per entity, the weights of the distinct rules seen with it are summed;
 * highest first. Each rule counts once per entity, however often it fired (repeats are what
 * suppression deduplicates), so a noisy rule cannot outweigh several different ones.
 */
export function entityRisks(s: IncidentState, weights: Readonly<Record<string, number>>): EntityRisk[] {
  const byId = new Map(s.rules.map((r) => [r.id, r]));
  const out: EntityRisk[] = [];
  for (const [key, rules] of Object.entries(s.pairs)) {
    let score = 0;
    for (const id of Object.keys(rules)) {
      const r = byId.get(id);
      // A rule past the `maxRules` cap is not listed; it weighs the default of a medium rule.
      score += r ? ruleWeight(r, weights) : (weights[id] ?? LEVEL_SCORE.medium ?? 0);
    }
    const [field, value] = splitEntityKey(key);
    out.push({ field, value, score });
  }
  return out.sort((a, b) => b.score - a.score || a.field.localeCompare(b.field) || a.value.localeCompare(b.value));
}

/** The document of one incident state, as written to `vigil.incidents`. Pure. */
export function incidentDocument(s: IncidentState, o: ResolvedIncidentOptions): IncidentDocument {
  const lead = leadRule(s);
  const risks = entityRisks(s, o.weights);
  const [field, value] = splitEntityKey(s.key);
  const others = s.rules.length - 1;
  const title = `${lead.name}${others > 0 ? ` and ${others} more` : ''}${field === 'rule.id' ? '' : ` on ${value}`}`;
  return {
    '@timestamp': iso(s.first),
    incident: {
      id: s.id,
      title,
      severity: s.severityOverride?.level ?? lead.level,
      status: s.status,
      risk_score: risks[0]?.score ?? 0,
      rule: { id: lead.id, name: lead.name, level: lead.level, tags: [...s.tags] },
      threat: { technique: [...s.techniques], tactic: [...s.tactics] },
      first_seen: iso(s.first),
      last_seen: iso(s.last),
      alerts: [...s.alerts],
      ...(s.host !== undefined ? { host: s.host } : {}),
      ...(s.user !== undefined ? { user: s.user } : {}),
      ...(s.source !== undefined ? { source: s.source } : {}),
      event: s.event,
      alert_count: s.count,
      entities: { hosts: [...s.hosts], users: [...s.users], ips: [...s.ips] },
      entity_risk: risks.slice(0, 10),
      rules: s.rules.map((r) => ({ id: r.id, name: r.name, level: r.level, weight: ruleWeight(r, o.weights), count: r.count })),
      group: { field, value, window_start: iso(s.start) },
      updated_at: iso(s.updated),
      version: s.version,
      ...(s.change
        ? {
            status_change: {
              at: iso(s.change.at),
              by: s.change.by,
              ...(s.change.reason !== undefined ? { reason: s.change.reason } : {}),
              ...(s.change.source !== undefined ? { source: s.change.source } : {}),
            },
          }
        : {}),
      ...(s.acknowledgedAt !== undefined
        ? { acknowledged_at: iso(s.acknowledgedAt), minutes_to_acknowledge: Math.max(0, s.acknowledgedAt - s.first) / 60_000 }
        : {}),
      // A merge closes an incident without resolving anything: its time is not a time to resolve.
      ...(s.status === 'closed' && s.change && s.mergedInto === undefined
        ? { resolved_at: iso(s.change.at), minutes_to_resolve: Math.max(0, s.change.at - s.first) / 60_000 }
        : {}),
      ...triage(s, lead.level),
    },
    vigil: { id: s.id, emitted_status: s.status, ...(o.consoleUrl ? { links: { console: consoleLink(o.consoleUrl, s.id) } } : {}) },
  };
}

/** `<base>/console/#/incidents/<id>`; a trailing slash of the base is not doubled. */
export function consoleLink(base: string, id: string): string {
  return `${base.replace(/\/+$/, '')}/console/#/incidents/${encodeURIComponent(id)}`;
}

/** What people added: assignee, notes, severity override, enrichments, merges. */
function triage(s: IncidentState, computed: string): Partial<IncidentDocument['incident']> {
  const o = s.severityOverride;
  return {
    ...(s.assignee ? { assignee: s.assignee.name, assignment: { by: s.assignee.by, at: iso(s.assignee.at) } } : {}),
    ...(s.notes?.length ? { notes: s.notes.map((n) => ({ id: n.id, by: n.by, at: iso(n.at), text: n.text })) } : {}),
    ...(o
      ? {
          severity_override: { level: o.level, computed, by: o.by, at: iso(o.at), ...(o.reason !== undefined ? { reason: o.reason } : {}) },
        }
      : {}),
    ...(s.enrichments && Object.keys(s.enrichments).length > 0
      ? { enrichments: Object.fromEntries(Object.entries(s.enrichments).map(([k, e]) => [k, { at: iso(e.at), by: e.by, value: e.value }])) }
      : {}),
    ...(s.mergedInto !== undefined ? { merged_into: s.mergedInto } : {}),
    ...(s.merged?.length ? { merged: [...s.merged] } : {}),
  };
}

/** The `vigil.incidents` record of a document: keyed by incident id (the topic is compacted). */
export function incidentRecord(doc: IncidentDocument): OutRecord {
  return { key: doc.incident.id, value: JSON.stringify(doc), headers: { 'vigil-incident-version': String(doc.incident.version ?? 1) } };
}
