/**
 * What a correlation type implements: how one group's state takes an event, what the
 * watermark's advance does to it (windows closing, entries expiring, a source going silent),
 * and how the state is written to and read from the changelog. The engine owns keys,
 * partitions, timers, suppression and alerts; a type owns only its per-group state.
 */
import type { EcsEvent } from '../../../core/event/index.js';
import type { Condition } from '../model.js';

/** One group's state. Types extend it with their own fields; the engine uses these. */
export class KeyState {
  /**
   * The pending timer, as an offset from WAKE_BASE (undefined: none). Epoch milliseconds do not
   * fit V8's small integers and would be one boxed number per group; an offset within ±12 days
   * of the process start does.
   */
  private wakeOffset: number | undefined = undefined;
  /** The time of the pending timer for this key in its partition's heap (Infinity: none). */
  get wake(): number {
    return this.wakeOffset === undefined ? Infinity : this.wakeOffset + WAKE_BASE;
  }
  set wake(time: number) {
    if (time === Infinity) this.wakeOffset = undefined;
    else {
      const offset = time - WAKE_BASE;
      // `| 0` makes V8 store it as a small integer (a subtraction of doubles yields a double).
      this.wakeOffset = Number.isInteger(offset) && offset >= -SMALL && offset <= SMALL ? offset | 0 : offset;
    }
  }
  /**
   * Suppression: alerts ending before this event time are suppressed (undefined: none). Optional
   * rather than -Infinity so that groups without suppression hold no boxed number for it.
   */
  until?: number;
  constructor(public part: PartitionRef) {}
}

/** Whole seconds at module load: the base of the timer offsets. */
const WAKE_BASE = Math.floor(Date.now() / 1000) * 1000;
const SMALL = 2 ** 30 - 1;

/** What the state knows of its partition (the engine's partition object). */
export interface PartitionRef {
  readonly id: string;
}

/** One input event as a type sees it. */
export interface Entry {
  /** Event time, epoch milliseconds (integer). */
  readonly ts: number;
  /** The event's id (`vigil.id`), used to ignore redelivered events and listed in alerts. */
  readonly id: string;
  /** The value read for the type: a string (value_count, new_term), a number (value_sum…), or the rule's index (temporal). */
  readonly val: string | number;
  readonly event: EcsEvent;
}

/** A correlation that holds for a group: the engine turns it into an alert. */
export interface Fire {
  /** First contributing event time (or the window's start); with the key, it makes the alert id. */
  readonly start: number;
  /** Last contributing event time (or the window's end); the alert's `@timestamp`. */
  readonly end: number;
  /** How many events the alert covers. */
  readonly count: number;
  /** Contributing event ids, capped. */
  readonly ids: readonly string[];
  /** The number the condition was tested on, when it is not `count` (a distinct count, a sum…). */
  readonly value?: number;
  /** Distinct values (value_count, new_term), capped. */
  readonly values?: readonly string[];
  /** Indexes of the rules whose events contributed (temporal types). */
  readonly rules?: readonly number[];
  /** More parts for the deterministic alert id (a new term's value, a spike's direction). */
  readonly idParts?: readonly string[];
  /** Type-specific facts for the alert (`vigil.correlation.*`). */
  readonly detail?: Readonly<Record<string, unknown>>;
  /** The event that completed the correlation, when it fired on an event (not on a timer). */
  readonly event?: EcsEvent;
}

/** The compiled facts a type needs about its correlation. */
export interface TypeConfig {
  readonly spanMs: number;
  /** Whether the condition can be decided as soon as it holds (only lower bounds on a metric that never decreases). */
  readonly eager: boolean;
  readonly test: (metric: number) => boolean;
  /** The smallest metric that satisfies an eager condition. */
  readonly minMetric: number;
  readonly condition: Condition;
  /** temporal_ordered: the rule index expected at each position (a rule may appear twice). */
  readonly sequence: readonly number[];
  readonly ruleCount: number;
  /** temporal with an expression condition: whether it holds for the rules present. */
  readonly expression?: (present: (ruleIndex: number) => boolean) => boolean;
  readonly learningMs: number;
}

export interface Limits {
  readonly maxEventsPerKey: number;
  readonly maxAlertEventIds: number;
}

/** Counters a type bumps; the engine reports them per correlation. */
export interface TypeCounters {
  duplicates: number;
  absorbed: number;
  overflow: number;
}

export interface HandlerContext {
  readonly cfg: TypeConfig;
  readonly limits: Limits;
  readonly counters: TypeCounters;
}

/** `null`: the event changed nothing (a redelivery, or absorbed by an alert already raised). */
export type AddResult = readonly Fire[] | null;

/** The shared empty result (most events fire nothing). */
export const NO_FIRES: readonly Fire[] = Object.freeze([]);

export interface TypeHandler<S extends KeyState = KeyState, D = unknown> {
  /** What the engine reads from an event for this type. */
  readonly value: 'none' | 'string' | 'number' | 'rule';
  /** Problems with a condition for this type (parts it needs or refuses). */
  check(condition: Condition, ruleCount: number, report: (message: string) => void): void;
  /** Whether a condition can be decided eagerly (see TypeConfig.eager). */
  eager(condition: Condition): boolean;
  create(part: PartitionRef): S;
  add(state: S, entry: Entry, watermark: number, ctx: HandlerContext): AddResult;
  /** The watermark passed this state's wake time: close windows, expire entries. */
  wake(state: S, watermark: number, ctx: HandlerContext): readonly Fire[];
  /** When the watermark must next pass for this state to change (Infinity: never by itself). */
  nextWake(state: S, ctx: HandlerContext): number;
  /** Whether the state holds nothing that a later event could need. */
  isEmpty(state: S, watermark: number, ctx: HandlerContext): boolean;
  snapshot(state: S): D;
  /** Fills a fresh state from a snapshot; false when the snapshot is not this type's. */
  restore(state: S, data: unknown): boolean;
}
