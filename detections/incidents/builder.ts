/**
 * The incident builder: alerts in, incident documents out. Pure (no I/O, no clock: every time
 * is the alerts' event time or a status change's own time), so the same alerts in the same
 * order give the same incidents, ids and versions, on the bus, in `vigil hunt` and in tests.
 *
 * ## How an alert finds its incident (in this order)
 * Entities are the alert's values of the `groupBy` fields (`host.name=web-1`, …); an alert
 * with none is keyed by its rule (`rule.id=<id>`), so such alerts group per rule.
 * 1. Redelivery: an alert id the incident already holds changes nothing (no document).
 * 2. Suppression (dedup): the same rule on the same entity within `suppressionMs` of the
 *    start of that (rule, entity) pair's period updates the incident the pair belongs to:
 *    count, last_seen, new entities. Whatever the incident's status: a closed incident
 *    absorbs its own repeats (it stays closed, its count grows) instead of a new incident
 *    being opened; after the period a repeat no longer matches and opens a new incident (or
 *    joins another by grouping). Entities are tried in `groupBy` order.
 * 3. Grouping: the alert joins the oldest (window start, then id) open or acknowledged
 *    incident that shares any entity with it and whose alerts, the new one included, span
 *    less than `windowMs` (max(last_seen, t) − min(first_seen, t) < window). Closed incidents
 *    never group. An acknowledged incident keeps its status when alerts join it.
 * 4. Otherwise a new incident opens. Its id is `inc-` + hash(group key, window start): the
 *    group key is the alert's first entity in `groupBy` order and the window start its event
 *    time, so recomputing from the same alerts (after a restart without state, or on replay)
 *    gives the same id. In the rare case that id is held already, a counter is hashed in.
 *
 * Incidents never merge by themselves: an alert sharing entities with two incidents joins one
 * of them, and its other entities are indexed under that one from then on. A person merges
 * them (below).
 *
 * ## Status
 * `applyStatus` sets open / acknowledged / closed (last writer wins by the change's time;
 * an older change than the one applied is ignored). The first acknowledgement's time stays on the
 * incident (`acknowledged_at`), whatever follows, for the time to acknowledge. Closing keeps the incident, and its
 * suppression, until both expire; reopening makes it group again if it is still within its
 * window.
 *
 * ## Other changes (`applyChange`, records of change.ts)
 * Assignee (null unassigns), notes (append-only), a severity override (it is the incident's
 * severity until cleared: alerts that would raise the severity do not override a person),
 * enrichments (latest result per source), and merge: B merged into A is closed with reason
 * `merged` and `merged_into: A`; A gains B's alerts, rules and entities, and B's entities are
 * indexed under A, so alerts that would have joined or been suppressed by B go to A (grouping
 * still needs A's window to hold them). Each change applies once (its id is remembered); one
 * that the incident's state does not allow (transitions.ts) is refused with INCIDENT_CONFLICT.
 * Assignments and severities are last writer wins by the change's time, as statuses are.
 *
 * ## Memory
 * An incident is held until the watermark (newest alert time − `latenessMs`) passes both the
 * end of its grouping window (first_seen + window) and the end of every suppression period in
 * it; then it is evicted (no document: the last one stands). From then on it matches nothing,
 * even before the sweep removes it. An alert so late that every incident it could join has
 * expired opens an incident of its own (it is never dropped). Past `maxIncidents`, the least
 * recently updated incident is evicted (`stats().evictedOverflow`). Lists are capped
 * (`maxAlertIds`, `maxEntities`, …).
 *
 * ## Output
 * `add` returns the incident's new document for every change (none for a redelivery);
 * `addBatch` returns only the latest document of each incident changed in the batch, which is
 * all a compacted topic keeps. `version` grows by one per change either way.
 *
 * ## State
 * One record per incident, keyed by its id (`snapshot`, `changes`, `restore`): what a
 * compacted changelog topic holds, with tombstones for evicted incidents.
 */
import { VigilError } from '../../core/errors/index.js';
import { deterministicId, type EcsEvent } from '../../core/event/index.js';
import { alertFacts, entityKey, levelRank, type AlertFacts } from './alert-facts.js';
import { incidentDocument } from './document.js';
import { isIncidentStatus, type IncidentDocument, type IncidentStatus } from './incident.js';
import { resolveIncidentOptions, type IncidentBuilderOptions, type ResolvedIncidentOptions } from './options.js';
import { addCapped, decodeState, encodeState, RECENT_IDS, type IncidentState, type StateEntry } from './state.js';
import type { StatusChange } from './status.js';
import { addNote, assign, enrich, overrideSeverity, overtaken, rememberApplied, stateView, wasApplied } from './apply-change.js';
import { kindOf, type IncidentChange, type MergeChange } from './change.js';
import { mergeInto } from './merge.js';
import { changeConflict } from './transitions.js';

/** What happened to one alert. */
export type AddOutcome = 'created' | 'grouped' | 'suppressed' | 'duplicate';

export interface AddResult {
  outcome: AddOutcome;
  incidentId: string;
  /** The incident's new version; null for a duplicate (nothing changed). */
  document: IncidentDocument | null;
}

export interface BatchResult {
  /** The latest document of every incident the batch changed, in the order of their last change. */
  documents: IncidentDocument[];
  /** One per input alert, in order; null where the alert was rejected. */
  outcomes: Array<AddOutcome | null>;
  /** Alerts that could not be read (`EVENT_INVALID`), by position: dead-letter them. */
  rejected: Array<{ index: number; error: VigilError }>;
}

/** `BatchResult` whose documents are built as they are iterated (`foldBatch`). */
export interface FoldedBatch extends Omit<BatchResult, 'documents'> {
  documents: Iterable<IncidentDocument>;
}

export interface BuilderStats {
  /** Incidents held (any status). */
  incidents: number;
  /** Entity keys indexed. */
  entities: number;
  /** Newest alert time seen minus the lateness, epoch ms; null before the first alert. */
  watermark: number | null;
  created: number;
  grouped: number;
  suppressed: number;
  duplicates: number;
  evictedExpired: number;
  /** Incidents evicted because `maxIncidents` was reached: a non-zero value deserves an alert. */
  evictedOverflow: number;
}

export interface RestoreResult {
  restored: number;
  deleted: number;
  /** Records that could not be read (`INCIDENT_STATE`); they are skipped. */
  errors: VigilError[];
}

function toMs(at: string | number | Date): number {
  return typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
}

export class IncidentBuilder {
  readonly options: ResolvedIncidentOptions;
  /** Insertion order = least recently updated first (an update re-inserts). */
  private readonly incidents = new Map<string, IncidentState>();
  /** Entity key → ids of the incidents indexed under it. */
  private readonly byEntity = new Map<string, Set<string>>();
  /** Incident id → its `alerts` and `recent` ids, for the redelivery check (derived, not checkpointed). */
  private readonly alertIds = new Map<string, Set<string>>();
  /** Changelog entries not yet taken by `changes()`: id → put (true) or tombstone (false). */
  private readonly pending = new Map<string, boolean>();
  private maxTime = -Infinity;
  /**
   * The watermark at which the next sweep runs: the earliest expiry, but at least one sweep step
   * after the last sweep, so that a steady stream of expiring incidents costs one scan per step,
   * not one per alert. Expired incidents not swept yet are ignored by matching, so the result
   * does not depend on when sweeps run.
   */
  private nextSweep = Infinity;
  private lastSweep = -Infinity;
  private readonly sweepStepMs: number;
  private readonly counters = { created: 0, grouped: 0, suppressed: 0, duplicates: 0, evictedExpired: 0, evictedOverflow: 0 };

  constructor(options: IncidentBuilderOptions = {}) {
    this.options = resolveIncidentOptions(options);
    this.sweepStepMs = Math.max(1000, Math.floor(this.options.windowMs / 100));
  }

  /**
   * Adds one alert (see the module comment for the rule). Throws `EVENT_INVALID` for an alert
   * without a valid `@timestamp` or `rule.id`; the builder is unchanged then.
   */
  add(alert: EcsEvent): AddResult {
    const { outcome, state } = this.fold(alert);
    return { outcome, incidentId: state.id, document: outcome === 'duplicate' ? null : incidentDocument(state, this.options) };
  }

  /**
   * Adds a batch of alerts and returns one document per changed incident (its latest version:
   * the incidents topic is compacted, so intermediate versions need not be written; `version`
   * then grows by more than one). An invalid alert is reported in `rejected`, the others proceed.
   */
  addBatch(alerts: Iterable<EcsEvent>): BatchResult {
    const result = this.foldBatch(alerts);
    return { ...result, documents: [...result.documents] };
  }

  /**
   * `addBatch` with the documents built one at a time as they are iterated, so that a caller that
   * serializes each one does not hold a batch of them at once. Iterate them before the builder
   * changes again: each is built from its incident's state as it is then.
   */
  foldBatch(alerts: Iterable<EcsEvent>): FoldedBatch {
    const changed = new Map<string, IncidentState>();
    const outcomes: BatchResult['outcomes'] = [];
    const rejected: BatchResult['rejected'] = [];
    let index = 0;
    for (const alert of alerts) {
      try {
        const { outcome, state } = this.fold(alert);
        outcomes.push(outcome);
        if (outcome !== 'duplicate') {
          changed.delete(state.id);
          changed.set(state.id, state);
        }
      } catch (err) {
        if (!(err instanceof VigilError)) throw err;
        outcomes.push(null);
        rejected.push({ index, error: err });
      }
      index++;
    }
    // An incident evicted later in the batch (overflow) still gets its last version written.
    const options = this.options;
    function* documents(): Generator<IncidentDocument> {
      for (const s of changed.values()) yield incidentDocument(s, options);
    }
    return { documents: documents(), outcomes, rejected };
  }

  private fold(alert: EcsEvent): { outcome: AddOutcome; state: IncidentState } {
    const facts = alertFacts(alert, this.options.groupBy);
    this.advance(facts.time);
    const keys = facts.entities.length > 0 ? facts.entities.map((e) => e.key) : [entityKey('rule.id', facts.rule.id)];
    const candidates = this.candidates(keys);

    const holder = candidates.find((s) => this.alertIds.get(s.id)?.has(facts.id));
    if (holder) {
      this.counters.duplicates++;
      return { outcome: 'duplicate', state: holder };
    }
    let outcome: Exclude<AddOutcome, 'duplicate'>;
    let target = this.suppressing(keys, candidates, facts);
    if (target) {
      outcome = 'suppressed';
    } else {
      const w = this.options.windowMs;
      target = candidates.find((s) => s.status !== 'closed' && Math.max(s.last, facts.time) - Math.min(s.first, facts.time) < w);
      outcome = target ? 'grouped' : 'created';
    }
    target ??= this.create(keys[0] as string, facts);
    this.counters[outcome]++;
    this.apply(target, facts, keys);
    if (outcome === 'created') this.evictOverflow();
    return { outcome, state: target };
  }

  /**
   * Applies a status change (from `vigil incident ack|close|reopen`, or an analyst's edit in
   * Elasticsearch). Returns the incident's new document, or null when the incident is not held
   * here (another partition's, or evicted), already has that status, or a newer change was
   * applied already (changes are ordered by `at`, last writer wins).
   */
  applyStatus(
    id: string,
    status: IncidentStatus,
    at: string | number | Date,
    by: string,
    reason?: string,
    source?: string,
  ): IncidentDocument | null {
    if (!isIncidentStatus(status)) throw new VigilError('INCIDENT_STATUS', `unknown incident status ${JSON.stringify(status)}`);
    const atMs = toMs(at);
    if (!Number.isFinite(atMs)) throw new VigilError('INCIDENT_STATUS', `status change of ${id} has no valid time: ${JSON.stringify(at)}`);
    const s = this.incidents.get(id);
    if (!s || s.status === status || (s.change && atMs < s.change.at)) return null;
    s.status = status;
    if (status === 'acknowledged' && s.acknowledgedAt === undefined) s.acknowledgedAt = atMs;
    s.change = { at: atMs, by, ...(reason !== undefined ? { reason } : {}), ...(source !== undefined ? { source } : {}) };
    s.version++;
    s.updated = Math.max(s.updated, atMs);
    this.touch(s);
    return incidentDocument(s, this.options);
  }

  /** `applyStatus` for a record of `vigil.incident-status`. */
  applyStatusChange(c: StatusChange): IncidentDocument | null {
    return this.applyChange(c)[0] ?? null;
  }

  /**
   * Applies any change of `vigil.incident-status` (see "Other changes" above). Returns the new
   * documents of the incidents it changed (two for a merge: the merged one, then the one it went
   * into), or none when this builder does not hold the incident, the change was applied already,
   * or it asks for what the incident already has. Throws INCIDENT_CONFLICT when the incident's
   * state does not allow it, INCIDENT_STATUS when it is malformed; the builder is unchanged then.
   */
  applyChange(c: IncidentChange): IncidentDocument[] {
    const s = this.incidents.get(c.incident_id);
    if (!s || wasApplied(s, c.id)) return [];
    const at = toMs(c.at);
    if (!Number.isFinite(at))
      throw new VigilError('INCIDENT_STATUS', `change of ${c.incident_id} has no valid time: ${JSON.stringify(c.at)}`);
    if (overtaken(s, c, at)) return [];
    const kind = kindOf(c);
    const into = kind === 'merge' ? this.incidents.get((c as MergeChange).into) : undefined;
    const conflict = changeConflict(c, stateView(s), into && stateView(into));
    if (conflict) {
      // Decided once: the incident stage reads vigil.incident-status from its start after every
      // restart, and a refusal remembered here is not refused (and dead-lettered) again each time.
      rememberApplied(s, c.id);
      this.touch(s);
      throw new VigilError('INCIDENT_CONFLICT', conflict, { location: { path: c.incident_id } });
    }
    if (c.kind === undefined || c.kind === 'status') {
      const doc = this.applyStatus(c.incident_id, c.status, c.at, c.by, c.reason, c.source);
      if (doc) rememberApplied(s, c.id);
      return doc ? [doc] : [];
    }
    let changed: IncidentState[];
    switch (c.kind) {
      case 'assign':
        changed = assign(s, c, at) ? [s] : [];
        break;
      case 'note':
        changed = addNote(s, c, at) ? [s] : [];
        break;
      case 'severity':
        changed = overrideSeverity(s, c, at) ? [s] : [];
        break;
      case 'enrichment':
        changed = enrich(s, c, at) ? [s] : [];
        break;
      case 'merge':
        mergeInto(s, into as IncidentState, c, at, this.options, {
          held: this.alertIds.get((into as IncidentState).id) as Set<string>,
          index: (e, id) => this.index(e, id),
          unindex: (e, id) => this.unindex(e, id),
        });
        changed = [s, into as IncidentState];
        break;
    }
    if (changed.length === 0) return [];
    rememberApplied(s, c.id);
    for (const t of changed) {
      t.version++;
      t.updated = Math.max(t.updated, at);
      this.touch(t);
    }
    return changed.map((t) => incidentDocument(t, this.options));
  }

  /**
   * Moves event time forward to `time` (epoch ms) if it is newer, and evicts the incidents the
   * watermark has passed. `add` calls it; call it on idle partitions so that state still expires.
   * Returns the evicted ids.
   */
  advance(time: number): string[] {
    if (time > this.maxTime) this.maxTime = time;
    return this.watermark() >= this.nextSweep ? this.sweep() : [];
  }

  /** The current document of a held incident. */
  get(id: string): IncidentDocument | undefined {
    const s = this.incidents.get(id);
    return s ? incidentDocument(s, this.options) : undefined;
  }

  /** Ids of the held incidents, least recently updated first. */
  ids(): string[] {
    return [...this.incidents.keys()];
  }

  stats(): BuilderStats {
    return {
      incidents: this.incidents.size,
      entities: this.byEntity.size,
      watermark: Number.isFinite(this.maxTime) ? this.maxTime - this.options.latenessMs : null,
      ...this.counters,
    };
  }

  /** The whole state: one entry per held incident (compact JSON), least recently updated first. Does not reset `changes()`. */
  snapshot(): StateEntry[] {
    return [...this.incidents.values()].map((s) => ({ key: s.id, value: encodeState(s) }));
  }

  /**
   * The changelog entries since the last call: the state of every incident created or updated,
   * a tombstone (`value: null`) for every incident evicted. Write them to the compacted changelog
   * before committing the input offsets they cover.
   */
  changes(): StateEntry[] {
    const out: StateEntry[] = [];
    for (const [id, put] of this.pending) {
      const s = put ? this.incidents.get(id) : undefined;
      out.push({ key: id, value: s ? encodeState(s) : null });
    }
    this.pending.clear();
    return out;
  }

  /**
   * Loads state records (a snapshot, or a changelog read from the beginning: later entries win,
   * tombstones delete). Unreadable records are skipped and returned as errors. Restored incidents
   * are not reported by `changes()`. Event time resumes at the newest restored last_seen.
   */
  restore(entries: Iterable<StateEntry>): RestoreResult {
    const result: RestoreResult = { restored: 0, deleted: 0, errors: [] };
    for (const { key, value } of entries) {
      if (value === null) {
        if (this.incidents.has(key)) {
          this.evict(key);
          this.pending.delete(key);
        }
        result.deleted++;
        continue;
      }
      let s: IncidentState;
      try {
        s = decodeState(key, value);
      } catch (err) {
        result.errors.push(err instanceof VigilError ? err : new VigilError('INCIDENT_STATE', String(err), { cause: err }));
        continue;
      }
      if (this.incidents.has(key)) this.evict(key);
      this.pending.delete(key);
      this.incidents.set(key, s);
      this.alertIds.set(key, new Set([...s.alerts, ...s.recent]));
      if (s.mergedInto === undefined) for (const e of Object.keys(s.pairs)) this.index(e, key);
      if (s.last > this.maxTime) this.maxTime = s.last;
      result.restored++;
    }
    this.nextSweep = -Infinity; // sweep on the next advance
    return result;
  }

  // ---- internals ----

  private watermark(): number {
    return this.maxTime - this.options.latenessMs;
  }

  /** Evicts every incident the watermark has passed. */
  private sweep(): string[] {
    const wm = this.watermark();
    const expired: string[] = [];
    let next = Infinity;
    for (const s of this.incidents.values()) {
      const exp = this.expiresAt(s);
      if (exp <= wm) expired.push(s.id);
      else if (exp < next) next = exp;
    }
    for (const id of expired) this.evict(id);
    this.counters.evictedExpired += expired.length;
    this.lastSweep = wm;
    this.nextSweep = Math.max(next, wm + this.sweepStepMs);
    return expired;
  }

  /** Held, unexpired incidents indexed under any of `keys`, oldest window first (then by id). */
  private candidates(keys: readonly string[]): IncidentState[] {
    const wm = this.watermark();
    const found: IncidentState[] = [];
    // Most alerts meet one or two incidents: a list scanned for repeats until it grows, then a set.
    let seen: Set<IncidentState> | undefined;
    for (const k of keys) {
      const ids = this.byEntity.get(k);
      if (!ids) continue;
      for (const id of ids) {
        const s = this.incidents.get(id);
        if (!s || this.expiresAt(s) <= wm) continue;
        if (seen ? seen.has(s) : found.includes(s)) continue;
        found.push(s);
        if (seen) seen.add(s);
        else if (found.length > 8) seen = new Set(found);
      }
    }
    if (found.length > 1) found.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return found;
  }

  /**
   * The incident whose suppression period for (rule, entity) covers the alert, trying entities in
   * order. `candidates` are those indexed under any of `keys`: exactly the ones with `pairs[k]` for some k.
   */
  private suppressing(keys: readonly string[], candidates: readonly IncidentState[], facts: AlertFacts): IncidentState | undefined {
    const period = this.options.suppressionMs;
    if (period <= 0) return undefined;
    for (const k of keys) {
      for (const s of candidates) {
        const since = s.pairs[k]?.[facts.rule.id];
        if (since !== undefined && Math.abs(facts.time - since) < period) return s;
      }
    }
    return undefined;
  }

  private create(groupKey: string, facts: AlertFacts): IncidentState {
    let id = `inc-${deterministicId('incident', groupKey, String(facts.time))}`;
    for (let n = 2; this.incidents.has(id); n++) id = `inc-${deterministicId('incident', groupKey, String(facts.time), String(n))}`;
    const s: IncidentState = {
      v: 1,
      id,
      key: groupKey,
      start: facts.time,
      first: facts.time,
      last: facts.time,
      status: 'open',
      version: 0,
      updated: facts.time,
      count: 0,
      alerts: [],
      recent: [],
      rules: [],
      tags: [],
      techniques: [],
      tactics: [],
      pairs: {},
      maxSince: facts.time,
      hosts: [],
      users: [],
      ips: [],
      event: facts.event,
    };
    this.incidents.set(id, s);
    this.alertIds.set(id, new Set());
    return s;
  }

  /** Folds one alert into an incident and records the change. */
  private apply(s: IncidentState, f: AlertFacts, keys: readonly string[]): void {
    const o = this.options;
    s.count++;
    const held = this.alertIds.get(s.id) as Set<string>;
    held.add(f.id);
    if (s.alerts.length < o.maxAlertIds) s.alerts.push(f.id);
    else {
      s.recent.push(f.id);
      if (s.recent.length > RECENT_IDS) held.delete(s.recent.shift() as string);
    }
    s.first = Math.min(s.first, f.time);
    s.last = Math.max(s.last, f.time);
    const tally = s.rules.find((r) => r.id === f.rule.id);
    if (tally) {
      tally.count++;
      if (levelRank(f.rule.level) > levelRank(tally.level)) tally.level = f.rule.level;
    } else if (s.rules.length < o.maxRules) {
      s.rules.push({ id: f.rule.id, name: f.rule.name, level: f.rule.level, count: 1 });
    }
    addCapped(s.tags, f.rule.tags, o.maxListed);
    addCapped(s.techniques, f.techniques, o.maxListed);
    addCapped(s.tactics, f.tactics, o.maxListed);
    // Counted only when the alert brings a new entity: most alerts repeat the incident's own.
    let entities = -1;
    for (const k of keys) {
      let rules = s.pairs[k];
      if (!rules) {
        if (entities < 0) entities = Object.keys(s.pairs).length;
        if (entities >= o.maxEntities) continue;
        rules = s.pairs[k] = {};
        entities++;
        this.index(k, s.id);
      }
      const since = rules[f.rule.id];
      // A new pair, or one whose suppression period is over, starts a period at this alert.
      if (since === undefined || Math.abs(f.time - since) >= o.suppressionMs) {
        rules[f.rule.id] = f.time;
        if (f.time > s.maxSince) s.maxSince = f.time;
      }
    }
    addCapped(s.hosts, f.hosts, o.maxListed);
    addCapped(s.users, f.users, o.maxListed);
    addCapped(s.ips, f.ips, o.maxListed);
    if (s.host === undefined && f.host !== undefined) s.host = f.host;
    if (s.user === undefined && f.user !== undefined) s.user = f.user;
    if (s.source === undefined && f.source !== undefined) s.source = f.source;
    s.version++;
    s.updated = Math.max(s.updated, f.time);
    this.touch(s);
    const at = Math.max(this.expiresAt(s), this.lastSweep + this.sweepStepMs);
    if (at < this.nextSweep) this.nextSweep = at;
  }

  /** When the watermark may drop the incident: its grouping window and its last suppression period are over. */
  private expiresAt(s: IncidentState): number {
    const w = s.first + this.options.windowMs;
    return this.options.suppressionMs > 0 ? Math.max(w, s.maxSince + this.options.suppressionMs) : w;
  }

  /** Marks an incident changed and most recently updated. */
  private touch(s: IncidentState): void {
    this.incidents.delete(s.id);
    this.incidents.set(s.id, s);
    this.pending.set(s.id, true);
  }

  private index(entity: string, id: string): void {
    let ids = this.byEntity.get(entity);
    if (!ids) this.byEntity.set(entity, (ids = new Set()));
    ids.add(id);
  }

  private unindex(entity: string, id: string): void {
    const ids = this.byEntity.get(entity);
    ids?.delete(id);
    if (ids?.size === 0) this.byEntity.delete(entity);
  }

  private evict(id: string): void {
    const s = this.incidents.get(id);
    if (!s) return;
    this.incidents.delete(id);
    this.alertIds.delete(id);
    for (const e of Object.keys(s.pairs)) this.unindex(e, id);
    this.pending.set(id, false);
  }

  private evictOverflow(): void {
    // Expired incidents go first, whatever the sweep schedule, so that which live one is evicted does not depend on it.
    if (this.incidents.size > this.options.maxIncidents) this.sweep();
    for (const id of this.incidents.keys()) {
      if (this.incidents.size <= this.options.maxIncidents) break;
      this.evict(id);
      this.counters.evictedOverflow++;
    }
  }
}
