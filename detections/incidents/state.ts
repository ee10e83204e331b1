import { VigilError } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { levelRank, type Level } from './alert-facts.js';
import { isIncidentStatus, type IncidentStatus } from './incident.js';

/** A rule's tally in one incident. Its weight is not stored: it comes from the options, so a changed weight applies after a restart. */
export interface RuleTally {
  id: string;
  name: string;
  level: Level;
  count: number;
}

/**
 * Everything the builder knows about one incident: the unit of state, checkpointed as one
 * record keyed by the incident id (a tombstone when evicted). Times are epoch ms.
 * The entity index (entity → incidents) is derived from `pairs` and rebuilt on restore.
 */
export interface IncidentState {
  /** Format version of this record. */
  v: 1;
  id: string;
  /** The group key of the first alert, `<field>=<value>` (or `rule.id=<id>` for an alert without group-by values). */
  key: string;
  /** Window start: the first alert's event time. With `key`, it makes the id. */
  start: number;
  first: number;
  last: number;
  status: IncidentStatus;
  change?: { at: number; by: string; reason?: string; source?: string };
  /** When it was first acknowledged; kept through closing and reopening (time to acknowledge). */
  acknowledgedAt?: number;
  version: number;
  updated: number;
  count: number;
  /** The first `maxAlertIds` alert ids. */
  alerts: string[];
  /** The latest alert ids beyond `alerts`, so that a redelivered alert is recognised. */
  recent: string[];
  rules: RuleTally[];
  tags: string[];
  techniques: string[];
  tactics: string[];
  /**
   * Entity key → rule id → start of that (rule, entity) suppression period. The same pairs give
   * the risk (each rule counts once per entity) and the entities this incident is indexed under.
   */
  pairs: Record<string, Record<string, number>>;
  /**
   * The latest suppression period start ever set in `pairs` (a replaced start may have been
   * later: this is an upper bound, kept so that expiry is O(1) and the same after a restore).
   */
  maxSince: number;
  hosts: string[];
  users: string[];
  ips: string[];
  host?: unknown;
  user?: unknown;
  source?: unknown;
  event: EcsEvent;
  /** Who works on it (`applyChange` with an assign change). */
  assignee?: { name: string; by: string; at: number };
  /** Append-only; the id is the change's, so a replayed note is recognised. */
  notes?: IncidentNote[];
  /** A person's severity; while set it is the incident's severity, whatever its alerts say. */
  severityOverride?: { level: Level; by: string; at: number; reason?: string };
  /** Source (`virustotal`) → its latest result. */
  enrichments?: Record<string, { at: number; by: string; value: unknown }>;
  /** Set when it was merged into another incident (it is closed, and indexes no entity). */
  mergedInto?: string;
  /** Incidents merged into this one. */
  merged?: string[];
  /** Ids of the latest changes applied (capped), so that a change replayed or sent twice applies once. */
  applied?: string[];
  /** Change kind (`assign`, `severity`) → time of the last one applied: an older one is ignored (last writer wins by time, as for status). */
  changedAt?: Record<string, number>;
}

export interface IncidentNote {
  id: string;
  by: string;
  at: number;
  text: string;
}

/** Alert ids remembered beyond the listed ones, to recognise redeliveries. */
export const RECENT_IDS = 32;

/** Appends the values not listed yet, while the list is under `cap`. */
export function addCapped(list: string[], values: readonly string[], cap: number): void {
  for (const v of values) if (list.length < cap && !list.includes(v)) list.push(v);
}

/** One record of the builder's changelog: `value` null is a tombstone (incident evicted). */
export interface StateEntry {
  key: string;
  value: string | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrs = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Parses and checks one state record; throws `INCIDENT_STATE` naming what is wrong. */
export function decodeState(key: string, value: string): IncidentState {
  const bad = (why: string, cause?: unknown) =>
    new VigilError('INCIDENT_STATE', `incident state ${key}: ${why}`, { cause, location: { path: key } });
  let s: unknown;
  try {
    s = JSON.parse(value);
  } catch (err) {
    throw bad('not JSON', err);
  }
  if (!isObj(s)) throw bad('not a JSON object');
  if (s.v !== 1) throw bad(`unknown format version ${JSON.stringify(s.v)}`);
  if (s.id !== key) throw bad(`id ${JSON.stringify(s.id)} differs from the record key`);
  if (typeof s.key !== 'string') throw bad('key is not a string');
  for (const f of ['start', 'first', 'last', 'version', 'updated', 'count', 'maxSince'] as const)
    if (!isNum(s[f])) throw bad(`${f} is not a number`);
  if (!isIncidentStatus(s.status)) throw bad(`unknown status ${JSON.stringify(s.status)}`);
  for (const f of ['alerts', 'recent', 'tags', 'techniques', 'tactics', 'hosts', 'users', 'ips'] as const) {
    if (!isStrs(s[f])) throw bad(`${f} is not a list of strings`);
  }
  if (
    !Array.isArray(s.rules) ||
    !s.rules.every(
      (r) => isObj(r) && typeof r.id === 'string' && typeof r.name === 'string' && levelRank(String(r.level)) >= 0 && isNum(r.count),
    )
  ) {
    throw bad('rules is malformed');
  }
  if (!isObj(s.pairs) || !Object.values(s.pairs).every((p) => isObj(p) && Object.values(p).every(isNum))) throw bad('pairs is malformed');
  if (!isObj(s.event)) throw bad('event is not an object');
  if (s.change !== undefined && !(isObj(s.change) && isNum(s.change.at) && typeof s.change.by === 'string'))
    throw bad('change is malformed');
  if (s.assignee !== undefined && !(isObj(s.assignee) && typeof s.assignee.name === 'string' && isNum(s.assignee.at)))
    throw bad('assignee is malformed');
  if (
    s.notes !== undefined &&
    !(Array.isArray(s.notes) && s.notes.every((n) => isObj(n) && typeof n.id === 'string' && typeof n.text === 'string' && isNum(n.at)))
  )
    throw bad('notes is malformed');
  if (
    s.severityOverride !== undefined &&
    !(isObj(s.severityOverride) && levelRank(String(s.severityOverride.level)) >= 0 && isNum(s.severityOverride.at))
  )
    throw bad('severityOverride is malformed');
  if (s.enrichments !== undefined && !(isObj(s.enrichments) && Object.values(s.enrichments).every((e) => isObj(e) && isNum(e.at))))
    throw bad('enrichments is malformed');
  if (s.acknowledgedAt !== undefined && !isNum(s.acknowledgedAt)) throw bad('acknowledgedAt is not a number');
  if (s.mergedInto !== undefined && typeof s.mergedInto !== 'string') throw bad('mergedInto is not a string');
  if (s.changedAt !== undefined && !(isObj(s.changedAt) && Object.values(s.changedAt).every(isNum))) throw bad('changedAt is malformed');
  for (const f of ['merged', 'applied'] as const) if (s[f] !== undefined && !isStrs(s[f])) throw bad(`${f} is not a list of strings`);
  return s as unknown as IncidentState;
}

export function encodeState(s: IncidentState): string {
  return JSON.stringify(s);
}
