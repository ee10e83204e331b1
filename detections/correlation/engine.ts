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
import type { EcsEvent } from '../../core/event/index.js';
import type {
  CorrelationAlert,
  CorrelationEngineOptions,
  CorrelationInput,
  CorrelationOutput,
  CorrelationStats,
  LateEvent,
  PartitionKey,
  Snapshot,
  StateChange,
} from './api.js';
import { eventId, eventTime, toMs } from './event-time.js';
import { buildCorrelationAlert, buildStateLimitAlert, correlationAlertId } from './alert.js';
import type { CompiledCorrelation } from './compile.js';
import { TimerHeap } from './heap.js';
import { correlationIdOf, flatKey, groupKey, valueText, WATERMARK_PREFIX, type FieldGetter } from './key.js';
import type { Entry, Fire, HandlerContext, KeyState, Limits } from './types/contract.js';
import type { CorrelationType } from './types/index.js';

export type * from './api.js';
export { parseUtc } from './event-time.js';

/** The engine's own, growable view of an output. */
interface Out {
  fired: CorrelationAlert[];
  late: LateEvent[];
  stateChanges: StateChange[];
}

class Partition {
  maxTs = -Infinity;
  forced = -Infinity;
  checkpointed = -Infinity;
  readonly timers = new TimerHeap();
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
      pushLate(out, {
        code: 'EVENT_INVALID',
        reason: 'the event has no valid @timestamp',
        ruleId,
        ...(input.correlationId && { correlationId: input.correlationId }),
        partitionKey: partId,
        event,
      });
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
    return this.snapshotOf(key, this.byId.get(correlationIdOf(key)));
  }

  private snapshotOf(key: string, corr: CompiledCorrelation | undefined): Snapshot | undefined {
    if (!corr) {
      const part = this.parts.get(key.slice(WATERMARK_PREFIX.length));
      return part && part.maxTs > -Infinity ? { v: 1, wm: part.maxTs } : undefined;
    }
    const s = this.states.get(key);
    if (!s) return undefined;
    const snap: { v: 1; type: CorrelationType; u?: number; d: unknown } = { v: 1, type: corr.type, d: corr.handler.snapshot(s) };
    if (s.until !== undefined) snap.u = s.until;
    return snap;
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
   * Also the way to roll back a batch whose transaction failed: restore every key of its
   * `stateChanges` to the value it had before the batch (null where it had none).
   */
  restore(key: string, value: Snapshot | null, partitionKey: PartitionKey): boolean {
    if (key.startsWith(WATERMARK_PREFIX)) {
      if (value === null) {
        const part = this.partition(key.slice(WATERMARK_PREFIX.length));
        part.maxTs = -Infinity;
        part.checkpointed = -Infinity;
        return true;
      }
      if (!('wm' in value) || typeof value.wm !== 'number') return false;
      // Set, not raised: restoring the values from before a failed batch rolls the watermark back too.
      const part = this.partition(key.slice(WATERMARK_PREFIX.length));
      part.maxTs = value.wm;
      part.checkpointed = value.wm;
      return true;
    }
    const corr = this.byId.get(correlationIdOf(key));
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
      const per = this.per.get(correlationIdOf(key));
      if (per) per.stats.keys--;
    }
    this.parts.delete(part.id);
  }

  /** Counters per correlation (for metrics), and snapshots refused by `restore`. */
  stats(): { correlations: CorrelationStats[]; keys: number; discardedSnapshots: number } {
    return {
      correlations: [...this.per.values()].map((p) => ({ ...p.stats })),
      keys: this.states.size,
      discardedSnapshots: this.discarded,
    };
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

  private apply(
    corr: CompiledCorrelation,
    input: CorrelationInput,
    ts: number,
    id: string,
    part: Partition,
    out: Out,
    now: Now,
    touched: Touched | undefined,
  ): void {
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
          pushFired(out, {
            id: alert.vigil?.id as string,
            correlationId: corr.id,
            key: `${corr.keyPrefix}@state-limit`,
            kind: 'state_limit',
            emit: true,
            feeds: [],
            alert,
          });
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
      pushFired(out, {
        id: correlationAlertId(corr.id, key, fire),
        correlationId: corr.id,
        key,
        kind: 'correlation',
        emit: corr.emit,
        feeds: corr.feeds,
        alert,
      });
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
      (s.part as Partition).timers.push(t, key);
    }
  }

  private runTimers(part: Partition, out: Out, now: Now, touched: Touched | undefined): void {
    const wm = part.watermark;
    const { timers } = part;
    while (timers.size > 0 && timers.peek() < wm) {
      const time = timers.peek();
      const key = timers.pop();
      const s = this.states.get(key);
      if (!s || s.part !== part || s.wake !== time) continue;
      const corr = this.byId.get(correlationIdOf(key)) as CompiledCorrelation;
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
