import type { AssignChange, EnrichmentChange, IncidentChange, NoteChange, SeverityChange } from './change.js';
import type { IncidentState } from './state.js';
import type { IncidentView } from './transitions.js';

/** Change ids remembered per incident, beyond the notes' own. */
export const APPLIED_IDS = 64;

/** What `changeConflict` sees of a held incident. */
export function stateView(s: IncidentState): IncidentView {
  return {
    id: s.id,
    status: s.status,
    ...(s.mergedInto !== undefined ? { merged_into: s.mergedInto } : {}),
    notes: s.notes?.length ?? 0,
    enrichments: Object.keys(s.enrichments ?? {}),
  };
}

/** True when the change was applied to this incident already (a replay, a retried send). */
export function wasApplied(s: IncidentState, id: string): boolean {
  return (s.applied?.includes(id) ?? false) || (s.notes?.some((n) => n.id === id) ?? false);
}

/**
 * True when the change was overtaken: an assignment or severity older than the last one applied
 * (a replay of the topic after the applied ids were forgotten must not bring an old value back),
 * or a merge into the incident it was merged into already.
 */
export function overtaken(s: IncidentState, c: IncidentChange, at: number): boolean {
  if (c.kind === 'merge') return s.mergedInto === c.into;
  if (c.kind !== 'assign' && c.kind !== 'severity') return false;
  const last = s.changedAt?.[c.kind];
  return last !== undefined && at < last;
}

export function rememberApplied(s: IncidentState, id: string): void {
  const applied = (s.applied ??= []);
  applied.push(id);
  if (applied.length > APPLIED_IDS) applied.shift();
}

/*
 * Each of these changes one field of the state and says whether anything changed (a change
 * that asks for what the incident already has changes nothing and writes no document).
 */

export function assign(s: IncidentState, c: AssignChange, at: number): boolean {
  if (c.assignee === null) {
    if (!s.assignee) return false;
    (s.changedAt ??= {}).assign = at;
    delete s.assignee;
    return true;
  }
  if (s.assignee?.name === c.assignee) return false;
  (s.changedAt ??= {}).assign = at;
  s.assignee = { name: c.assignee, by: c.by, at };
  return true;
}

export function addNote(s: IncidentState, c: NoteChange, at: number): boolean {
  (s.notes ??= []).push({ id: c.id, by: c.by, at, text: c.text });
  return true;
}

/** A person's severity wins over the alerts' until it is cleared: new alerts do not raise it. */
export function overrideSeverity(s: IncidentState, c: SeverityChange, at: number): boolean {
  if (c.severity === null) {
    if (!s.severityOverride) return false;
    (s.changedAt ??= {}).severity = at;
    delete s.severityOverride;
    return true;
  }
  if (s.severityOverride?.level === c.severity && s.severityOverride.reason === c.reason) return false;
  (s.changedAt ??= {}).severity = at;
  s.severityOverride = { level: c.severity, by: c.by, at, ...(c.reason !== undefined ? { reason: c.reason } : {}) };
  return true;
}

/** The latest result per source: an older one than that held is ignored (last writer wins by time). */
export function enrich(s: IncidentState, c: EnrichmentChange, at: number): boolean {
  const held = s.enrichments?.[c.enrichment.source];
  if (held && held.at > at) return false;
  (s.enrichments ??= {})[c.enrichment.source] = { at, by: c.by, value: c.enrichment.value };
  return true;
}
