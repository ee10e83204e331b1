/**
 * Incident documents made by the real incident builder from real engine alerts, with status
 * changes at chosen minutes: the times to acknowledge and to resolve of each are known.
 */
import type { EcsEvent } from '../../core/event/index.js';
import { IncidentBuilder, incidentChange, type IncidentDocument, type Level } from '../../detections/incidents/index.js';
import { buildAlert, type FiredRule } from '../../detections/model/index.js';

export const MINUTE = 60_000;

/** What happens to one incident: its first alert's minute, then changes at minutes (from T0). */
export interface IncidentScript {
  host: string;
  rule: string;
  level: Level;
  /** Minute of its first alert. */
  at: number;
  assignee?: string;
  changes?: Array<{ at: number; status: 'open' | 'acknowledged' | 'closed' } | { at: number; mergeInto: string }>;
}

let seq = 0;

/** The first alert of a script: its rule on its host at its minute. */
export function scriptAlert(t0: number, s: IncidentScript): EcsEvent {
  const rule: FiredRule = {
    id: s.rule,
    title: `Rule ${s.rule}`,
    level: s.level,
    tags: [],
    references: [],
    techniques: [],
    tactics: [],
  };
  const at = new Date(t0 + s.at * MINUTE).toISOString();
  const event: EcsEvent = {
    '@timestamp': at,
    message: 'm',
    host: { name: s.host },
    vigil: { id: `ev-${++seq}-${s.host}`, input: 'test', received_at: at, parse_status: 'ok' },
  };
  return buildAlert(rule, event, ['selection'], new Date(t0));
}

/** Runs the scripts through one builder; returns each incident's latest document by host. */
export function builtIncidents(t0: number, scripts: readonly IncidentScript[]): Map<string, IncidentDocument> {
  const b = new IncidentBuilder();
  const ids = new Map<string, string>();
  for (const s of scripts) ids.set(s.host, b.add(scriptAlert(t0, s)).incidentId as string);
  const at = (m: number) => new Date(t0 + m * MINUTE).toISOString();
  for (const s of scripts) {
    const incidentId = ids.get(s.host) as string;
    if (s.assignee)
      b.applyChange(incidentChange({ incidentId, at: at(s.at), by: 'test', source: 'cli', kind: 'assign', assignee: s.assignee }));
    for (const c of s.changes ?? []) {
      const request =
        'status' in c
          ? { kind: 'status' as const, status: c.status, ...(c.status === 'closed' ? { reason: 'done' } : {}) }
          : { kind: 'merge' as const, into: ids.get(c.mergeInto) as string };
      b.applyChange(incidentChange({ incidentId, at: at(c.at), by: 'test', source: 'cli', ...request }));
    }
  }
  return new Map(scripts.map((s) => [s.host, b.get(ids.get(s.host) as string) as IncidentDocument]));
}
