/**
 * The correlation engine: pure, in memory, no Kafka. It is shaped for a keyed, partitioned,
 * checkpointed runtime (Kafka Streams style):
 *
 * - the caller re-keys each base-rule match by `groupKeyOf` (through a repartition topic), so
 *   that one group's state lives on one instance, and calls `process` with the partition it
 *   read the record from;
 * - each partition has a watermark: the highest event time seen minus the allowed lateness.
 *   An event older than the watermark is returned in `late` (the caller dead-letters it with
 *   the reason); the watermark's advance closes windows, expires state and fires flatlines;
 * - every state change is returned as `{ key, value }` (value null: delete) for a compacted
 *   changelog topic; `restore` reads them back after a restart or a rebalance.
 *
 * State is keyed `<correlation id>|<group values>`. Time is event time (`@timestamp`); the
 * `now` argument only fills `event.created`.
 */
import { deterministicId, type EcsEvent } from '../../core/event/index.js';
import { buildCorrelationAlert, buildStateLimitAlert, correlationAlertId } from './alert.js';
import type { CompiledCorrelation } from './compile.js';
import { TimerHeap } from './heap.js';
import { flatKey, groupKey, splitKey, valueText, WATERMARK_PREFIX, type FieldGetter } from './key.js';
import type { Entry, Fire, HandlerContext, KeyState, Limits, TypeCounters } from './types/contract.js';
import type { CorrelationType } from './types/index.js';

export type PartitionKey = string | number;

export interface CorrelationInput {
  /** The id of the base rule that matched the event, or of the correlation whose alert it is (chains). */
  readonly ruleId: string;
  readonly event: EcsEvent;
  /** The partition the record was read from (after repartitioning by group key); its watermark applies. */
  readonly partitionKey: PartitionKey;
  /** Only this correlation (the record was repartitioned for it). Default: every correlation that uses `ruleId`. */
  readonly correlationId?: string;
}

/** A correlation that fired, as an ECS alert and what the caller does with it. */
export interface CorrelationAlert {
  /** The alert's deterministic id (`alert.vigil.id`). */
  readonly id: string;
  readonly correlationId: string;
  /** The state key (`<correlation id>|<group values>`): a natural Kafka key for the alert. */
  readonly key: string;
  readonly kind: 'correlation' | 'state_limit';
  /** Whether to write it to vigil.alerts; false when it only feeds other correlations (`generate: false` upstream). */
  readonly emit: boolean;
  /** Correlations that take this alert as input: process it again with `ruleId` = `correlationId`. */
  readonly feeds: readonly string[];
  readonly alert: EcsEvent;
}

/** An event the engine refused: the caller dead-letters it with `code` and `reason`. */
export interface LateEvent {
  readonly code: 'CORRELATION_LATE' | 'EVENT_INVALID';
  readonly reason: string;
  readonly ruleId: string;
  readonly correlationId?: string;
  readonly partitionKey: string;
  readonly event: EcsEvent;
}

/** One group's state in the changelog (compact JSON). */
export interface KeySnapshot {
  readonly v: 1;
  readonly type: CorrelationType;
  /** Suppressed until (event time, ms). */
  readonly u?: number;
  readonly d: unknown;
}

/** A partition's watermark in the changelog (key `@@watermark|<partition>`). */
export interface WatermarkSnapshot {
  readonly v: 1;
  /** The highest event time seen (ms); the watermark is this minus the allowed lateness. */
  readonly wm: number;
}

export type Snapshot = KeySnapshot | WatermarkSnapshot;

export interface StateChange {
  readonly key: string;
  /** null: the key is gone (a tombstone for the compacted topic). */
  readonly value: Snapshot | null;
}

/** What a call produced. The arrays are read-only (empty ones are shared). */
export interface CorrelationOutput {
  readonly fired: readonly CorrelationAlert[];
  readonly late: readonly LateEvent[];
  readonly stateChanges: readonly StateChange[];
}

/** The engine's own, growable view of an output. */
interface Out {
  fired: CorrelationAlert[];
  late: LateEvent[];
  stateChanges: StateChange[];
}

export interface CorrelationEngineOptions {
  /** How far behind the highest event time of a partition an event may be and still count. Default 60 000 ms. */
  allowedLatenessMs?: number;
  /** Live groups per correlation; beyond, events of new groups are dropped and counted, and one alert says so. Default 1 000 000. */
  maxKeysPerCorrelation?: number;
  /** Events held per group (the oldest go first, counted as overflow). Default 10 000. */
  maxEventsPerKey?: number;
  /** Contributing event ids (and distinct values) listed in an alert. Default 20. */
  maxAlertEventIds?: number;
  /**
   * How state changes are reported. `inline` (default): each call returns the snapshots of the
   * keys it changed. `deferred`: calls return none; `drainChanges()` returns each changed key
   * once (call it once per batch, before committing offsets). `off`: not tracked (offline runs).
   */
  changelog?: 'inline' | 'deferred' | 'off';
  /** Event time between two watermark checkpoints of a partition. Default 1 000 ms. */
  watermarkCheckpointMs?: number;
}

export interface CorrelationStats extends TypeCounters {
  correlationId: string;
  keys: number;
  events: number;
  missingGroupBy: number;
  missingValue: number;
  fired: number;
  suppressed: number;
  stateLimited: number;
}

class Partition {
  maxTs = -Infinity;
  forced = -Infinity;
  checkpointed = -Infinity;
  readonly timers = new TimerHeap<CompiledCorrelation>();
  constructor(
    readonly id: string,
    private readonly lateness: number,
  ) {}
  get watermark(): number {
    return Math.max(this.maxTs - this.lateness, this.forced);
  }
}

interface PerCorrelation {
  readonly ctx: HandlerContext;
  readonly stats: CorrelationStats;
  limitAlerted: boolean;
}

const NONE: never[] = Object.freeze([]) as unknown as never[];
const newOut = (): Out => ({ fired: NONE, late: NONE, stateChanges: NONE });
function pushFired(out: Out, a: CorrelationAlert): void {
  if (out.fired === NONE) out.fired = [];
  out.fired.push(a);
}
function pushLate(out: Out, l: LateEvent): void {
  if (out.late === NONE) out.late = [];
  out.late.push(l);
}

/** Keys changed by a call, with their correlation (undefined: a watermark key). */
type Touched = Map<string, CompiledCorrelation | undefined>;

function eventTime(event: EcsEvent): number | undefined {
  const raw = event?.['@timestamp'];
  if (typeof raw !== 'string') return undefined;
  const t = parseUtc(raw);
  return Number.isNaN(t) ? undefined : t;
}

/** Two decimal digits at i, or a large negative number when they are not digits. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -100_000;
}

/**
 * Epoch ms of an RFC 3339 UTC time as Vigil writes `@timestamp` (`2026-11-22T10:15:02.123Z`,
 * fraction optional, digits past milliseconds truncated as Date.parse does), without Date.parse's
 * general grammar; any other form goes to Date.parse.
 */
export function parseUtc(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return Date.parse(s);
  }
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  let ms = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 || n === 21) return Date.parse(s);
    for (let i = 20, scale = 100; i < n - 1; i++, scale /= 10) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Date.parse(s);
      if (scale >= 1) ms += c * scale;
    }
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Date.parse(s);
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 April over to 1 May; Date.parse refuses it.
  return new Date(t).getUTCDate() === day ? t : Date.parse(s);
}

function eventId(event: EcsEvent): string {
  const id = event.vigil?.id;
  if (typeof id === 'string' && id !== '') return id;
  const ecsId = event.event?.id;
  if (typeof ecsId === 'string' && ecsId !== '') return ecsId;
  return deterministicId(JSON.stringify(event));
}

function toMs(t: number | Date | string): number {
  return typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
}

type Now = number | Date;
const isoOf = (now: Now): string => new Date(toMs(now)).toISOString();

function valueOf(getters: readonly FieldGetter[], event: EcsEvent, numeric: boolean): string | number | undefined {
  if (numeric) {
    const raw = (getters[0] as FieldGetter)(event);
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    return Number.isFinite(n) ? n : undefined;
  }
  if (getters.length === 1) return valueText((getters[0] as FieldGetter)(event));
  const parts: string[] = [];
  for (const get of getters) {
    const t = valueText(get(event));
    if (t === undefined) return undefined;
    parts.push(t);
  }
  return JSON.stringify(parts);
}

export class CorrelationEngine {
  private readonly byId = new Map<string, CompiledCorrelation>();
  private readonly byRule = new Map<string, CompiledCorrelation[]>();
  /** Correlation ids that other correlations take as input: their alerts are never late. */
  private readonly derived = new Set<string>();
  private readonly per = new Map<string, PerCorrelation>();
  private readonly states = new Map<string, KeyState>();
  private readonly parts = new Map<string, Partition>();
  /** deferred mode: keys changed since the last drain, with their correlation (undefined: a watermark key). */
  private readonly dirty: Touched = new Map();
  /** inline mode: the keys the current call changed (reused from call to call). */
  private readonly scratch: Touched = new Map();
  private readonly lateness: number;
  private readonly maxKeys: number;
  private readonly mode: 'inline' | 'deferred' | 'off';
  private readonly checkpointMs: number;
  private discarded = 0;

  constructor(correlations: readonly CompiledCorrelation[], options: CorrelationEngineOptions = {}) {
    this.lateness = options.allowedLatenessMs ?? 60_000;
    this.maxKeys = options.maxKeysPerCorrelation ?? 1_000_000;
    this.mode = options.changelog ?? 'inline';
    this.checkpointMs = options.watermarkCheckpointMs ?? 1_000;
    const limits: Limits = { maxEventsPerKey: options.maxEventsPerKey ?? 10_000, maxAlertEventIds: options.maxAlertEventIds ?? 20 };
    for (const corr of correlations) {
      this.byId.set(corr.id, corr);
      for (const ruleId of corr.ruleIds) {
        const list = this.byRule.get(ruleId) ?? [];
        list.push(corr);
        this.byRule.set(ruleId, list);
        if (correlations.some((c) => c.id === ruleId)) this.derived.add(ruleId);
      }
      const stats: CorrelationStats = {
        correlationId: corr.id,
        keys: 0,
        events: 0,
        missingGroupBy: 0,
        missingValue: 0,
        duplicates: 0,
        absorbed: 0,
        overflow: 0,
        fired: 0,
        suppressed: 0,
        stateLimited: 0,
      };
      this.per.set(corr.id, { ctx: { cfg: corr.cfg, limits, counters: stats }, stats, limitAlerted: false });
    }
  }

  /** The correlations that take events of this rule (or alerts of this correlation). */
  correlationsFor(ruleId: string): readonly string[] {
    return (this.byRule.get(ruleId) ?? []).map((c) => c.id);
  }

  /**
   * The state key of an event for a correlation (its group), or undefined when a group-by field
   * is missing. With aliases the fields depend on the rule that matched: pass `ruleId`.
   */
  groupKeyOf(correlationId: string, event: EcsEvent, ruleId?: string): string | undefined {
    const corr = this.byId.get(correlationId);
    if (!corr) return undefined;
    const spec = ruleId !== undefined ? corr.inputs.get(ruleId) : corr.inputs.values().next().value;
    return spec ? groupKey(corr.keyPrefix, spec.groupGetters, event) : undefined;
  }

  /** The current watermark of a partition (-Infinity before its first event). */
  watermark(partitionKey: PartitionKey): number {
    return this.parts.get(String(partitionKey))?.watermark ?? -Infinity;
  }

  process(input: CorrelationInput, now: number | Date = Date.now()): CorrelationOutput {
    const out = newOut();
    const touched = this.inlineScratch();
    const { event, ruleId } = input;
    const partId = String(input.partitionKey);
    const ts = eventTime(event);
    if (ts === undefined) {
      pushLate(out, { code: 'EVENT_INVALID', reason: 'the event has no valid @timestamp', ruleId, ...(input.correlationId && { correlationId: input.correlationId }), partitionKey: partId, event });
      return out;
    }
    const part = this.partition(partId);
    const wm = part.watermark;
    if (ts < wm && !this.derived.has(ruleId)) {
      pushLate(out, {
        code: 'CORRELATION_LATE',
        reason: `event time ${new Date(ts).toISOString()} is behind the watermark ${new Date(wm).toISOString()} of partition ${partId} (allowed lateness ${this.lateness} ms)`,
        ruleId,
        ...(input.correlationId && { correlationId: input.correlationId }),
        partitionKey: partId,
        event,
      });
      return out;
    }
    const corrs = input.correlationId !== undefined ? this.only(input.correlationId) : this.byRule.get(ruleId);
    if (corrs) {
      let id: string | undefined;
      for (const corr of corrs) {
        id ??= eventId(event);
        this.apply(corr, input, ts, id, part, out, now, touched);
      }
    }
    if (ts > part.maxTs) {
      part.maxTs = ts;
      this.runTimers(part, out, now, touched);
      if (this.mode !== 'off' && part.maxTs - part.checkpointed >= this.checkpointMs) {
        part.checkpointed = part.maxTs;
        this.touch(WATERMARK_PREFIX + partId, undefined, touched);
      }
    }
    if (touched && touched.size > 0) out.stateChanges = this.changesOf(touched);
    return out;
  }

  /**
   * Moves the watermark of one partition (or of all) to at least `time`, as event time passes
   * on an idle partition (the caller derives it from the wall clock). Closes windows and fires
   * flatlines that are due; returns their alerts and the state changes.
   */
  advanceWatermark(time: number | Date | string, partitionKey?: PartitionKey, now: number | Date = Date.now()): CorrelationOutput {
    const out = newOut();
    const touched = this.inlineScratch();
    const t = toMs(time);
    const parts = partitionKey !== undefined ? [this.partition(String(partitionKey))] : [...this.parts.values()];
    for (const part of parts) {
      if (t > part.forced) part.forced = t;
      this.runTimers(part, out, now, touched);
    }
    if (touched && touched.size > 0) out.stateChanges = this.changesOf(touched);
    return out;
  }

  /** The changelog value of a key now (undefined: no such key). */
  snapshot(key: string): Snapshot | undefined {
    if (key.startsWith(WATERMARK_PREFIX)) return this.snapshotOf(key, undefined);
    return this.snapshotOf(key, this.byId.get(splitKey(key)[0] as string));
  }

  private snapshotOf(key: string, corr: CompiledCorrelation | undefined): Snapshot | undefined {
    if (!corr) {
      const part = this.parts.get(key.slice(WATERMARK_PREFIX.length));
      return part && part.maxTs > -Infinity ? { v: 1, wm: part.maxTs } : undefined;
    }
    const s = this.states.get(key);
    if (!s) return undefined;
    return { v: 1, type: corr.type, ...(s.until !== undefined && { u: s.until }), d: corr.handler.snapshot(s) };
  }

  /** Every key's changelog value: a full checkpoint (tests, or seeding a new changelog). */
  snapshotAll(): StateChange[] {
    const keys = [...[...this.parts.keys()].map((p) => WATERMARK_PREFIX + p), ...this.states.keys()];
    const out: StateChange[] = [];
    for (const key of keys) {
      const value = this.snapshot(key);
      if (value) out.push({ key, value });
    }
    return out;
  }

  /**
   * Restores a key from the changelog (value null deletes it). The key belongs to the partition
   * the caller restores; a watermark key names its own. Returns false for a key this engine has
   * no correlation for, or a snapshot of another type (the rule changed): it is skipped.
   */
  restore(key: string, value: Snapshot | null, partitionKey: PartitionKey): boolean {
    if (key.startsWith(WATERMARK_PREFIX)) {
      if (!value || !('wm' in value) || typeof value.wm !== 'number') return false;
      const part = this.partition(key.slice(WATERMARK_PREFIX.length));
      part.maxTs = Math.max(part.maxTs, value.wm);
      part.checkpointed = part.maxTs;
      return true;
    }
    const corr = this.byId.get(splitKey(key)[0] as string);
    if (!corr) {
      this.discarded++;
      return false;
    }
    const per = this.per.get(corr.id) as PerCorrelation;
    const existing = this.states.get(key);
    if (value === null) {
      if (existing) this.remove(key, per);
      return true;
    }
    if (!('type' in value) || value.type !== corr.type) {
      this.discarded++;
      return false;
    }
    const part = this.partition(String(partitionKey));
    const s = corr.handler.create(part);
    if (!corr.handler.restore(s, value.d)) {
      this.discarded++;
      return false;
    }
    if (typeof value.u === 'number') s.until = value.u;
    if (!existing) per.stats.keys++;
    this.states.set(key, s);
    this.schedule(corr, key, s, per.ctx);
    return true;
  }

  /** In `deferred` mode: the changes since the last call, one per key. */
  drainChanges(): StateChange[] {
    const out = this.changesOf(this.dirty);
    this.dirty.clear();
    return out;
  }

  /** Forgets the state of a partition this instance no longer owns (after a rebalance); writes nothing. */
  dropPartition(partitionKey: PartitionKey): void {
    const part = this.parts.get(String(partitionKey));
    if (!part) return;
    for (const [key, s] of this.states) {
      if (s.part !== part) continue;
      this.states.delete(key);
      const per = this.per.get(splitKey(key)[0] as string);
      if (per) per.stats.keys--;
    }
    this.parts.delete(part.id);
  }

  /** Counters per correlation (for metrics), and snapshots refused by `restore`. */
  stats(): { correlations: CorrelationStats[]; keys: number; discardedSnapshots: number } {
    return { correlations: [...this.per.values()].map((p) => ({ ...p.stats })), keys: this.states.size, discardedSnapshots: this.discarded };
  }

  private inlineScratch(): Touched | undefined {
    if (this.mode !== 'inline') return undefined;
    this.scratch.clear();
    return this.scratch;
  }

  private only(correlationId: string): CompiledCorrelation[] | undefined {
    const corr = this.byId.get(correlationId);
    return corr ? [corr] : undefined;
  }

  private partition(id: string): Partition {
    let part = this.parts.get(id);
    if (!part) {
      part = new Partition(id, this.lateness);
      this.parts.set(id, part);
    }
    return part;
  }

  private apply(corr: CompiledCorrelation, input: CorrelationInput, ts: number, id: string, part: Partition, out: Out, now: Now, touched: Touched | undefined): void {
    const spec = corr.inputs.get(input.ruleId);
    if (!spec) return;
    const per = this.per.get(corr.id) as PerCorrelation;
    const { stats, ctx } = per;
    stats.events++;
    let key = groupKey(corr.keyPrefix, spec.groupGetters, input.event);
    if (key === undefined) {
      stats.missingGroupBy++;
      return;
    }
    let val: string | number;
    switch (corr.handler.value) {
      case 'rule':
        val = spec.index;
        break;
      case 'none':
        val = 0;
        break;
      default: {
        const v = valueOf(spec.valueGetters, input.event, corr.handler.value === 'number');
        if (v === undefined) {
          stats.missingValue++;
          return;
        }
        val = v;
      }
    }
    let s = this.states.get(key);
    const isNew = !s;
    if (!s) {
      if (stats.keys >= this.maxKeys) {
        stats.stateLimited++;
        if (!per.limitAlerted) {
          per.limitAlerted = true;
          const alert = buildStateLimitAlert(corr, ts, this.maxKeys, isoOf(now));
          pushFired(out, { id: alert.vigil?.id as string, correlationId: corr.id, key: `${corr.keyPrefix}@state-limit`, kind: 'state_limit', emit: true, feeds: [], alert });
        }
        return;
      }
      s = corr.handler.create(part);
      key = flatKey(key);
      this.states.set(key, s);
      stats.keys++;
    } else if (s.part !== part) {
      // The group now comes through another partition (a rebalance moved it): its timers follow.
      s.part = part;
      s.wake = Infinity;
    }
    const entry: Entry = { ts, id, val, event: input.event };
    const fires = corr.handler.add(s, entry, part.watermark, ctx);
    if (fires === null && !isNew) return;
    if (fires) this.emit(corr, key, s, fires, per, out, now);
    if (corr.handler.isEmpty(s, part.watermark, ctx) && (s.until ?? -Infinity) < part.watermark) this.remove(key, per);
    else this.schedule(corr, key, s, ctx);
    this.touch(key, corr, touched);
  }

  private emit(corr: CompiledCorrelation, key: string, s: KeyState, fires: readonly Fire[], per: PerCorrelation, out: Out, now: Now): void {
    let created: string | undefined;
    for (const fire of fires) {
      if (corr.suppressMs > 0) {
        if (s.until !== undefined && fire.end < s.until) {
          per.stats.suppressed++;
          continue;
        }
        s.until = fire.end + corr.suppressMs;
      }
      per.stats.fired++;
      created ??= isoOf(now);
      const alert = buildCorrelationAlert(corr, key, fire, created);
      pushFired(out, { id: correlationAlertId(corr.id, key, fire), correlationId: corr.id, key, kind: 'correlation', emit: corr.emit, feeds: corr.feeds, alert });
    }
  }

  private schedule(corr: CompiledCorrelation, key: string, s: KeyState, ctx: HandlerContext): void {
    const wm = (s.part as Partition).watermark;
    let t = corr.handler.nextWake(s, ctx);
    // A suppressed group is kept until the suppression ends, then forgotten if otherwise empty.
    if (s.until !== undefined && s.until >= wm && s.until < t) t = s.until;
    // What is due now was just done: the next wake needs the watermark to move.
    if (t < wm) t = wm;
    if (t < s.wake) {
      s.wake = t;
      (s.part as Partition).timers.push(t, key, corr);
    }
  }

  private runTimers(part: Partition, out: Out, now: Now, touched: Touched | undefined): void {
    const wm = part.watermark;
    const { timers } = part;
    while (timers.size > 0 && timers.peek() < wm) {
      const { time, key, owner: corr } = timers.pop();
      const s = this.states.get(key);
      if (!s || s.part !== part || s.wake !== time) continue;
      s.wake = Infinity;
      const per = this.per.get(corr.id) as PerCorrelation;
      const fires = corr.handler.wake(s, wm, per.ctx);
      this.emit(corr, key, s, fires, per, out, now);
      if (corr.handler.isEmpty(s, wm, per.ctx) && (s.until ?? -Infinity) < wm) this.remove(key, per);
      else this.schedule(corr, key, s, per.ctx);
      this.touch(key, corr, touched);
    }
  }

  private remove(key: string, per: PerCorrelation): void {
    this.states.delete(key);
    per.stats.keys--;
    if (per.limitAlerted && per.stats.keys < this.maxKeys * 0.9) per.limitAlerted = false;
  }

  private touch(key: string, corr: CompiledCorrelation | undefined, touched: Touched | undefined): void {
    if (touched) touched.set(key, corr);
    else if (this.mode === 'deferred') this.dirty.set(key, corr);
  }

  private changesOf(keys: Touched): StateChange[] {
    const out: StateChange[] = [];
    for (const [key, corr] of keys) out.push({ key, value: this.snapshotOf(key, corr) ?? null });
    return out;
  }
}
