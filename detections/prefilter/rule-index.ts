/**
 * Selects, per event, the few rules that could match it, so the rest are never evaluated.
 *
 * 1. Logsource: the exact values that index each logsource (EventID, Channel, process.name…,
 *    see pipelines/logsource.ts) are read once per event and looked up; only the logsources
 *    found (and those without an index: catch-alls and the few whose mapping has no exact value)
 *    have their predicate tested. Their rules are the event's logsource set.
 * 2. Literals: for the set of logsources an event activates (few distinct sets occur: one per
 *    kind of event), a plan is built once and cached: per field the rules need, an Aho-Corasick
 *    automaton of the literals of their clauses (literals.ts). Each field's text is scanned once;
 *    the rules all of whose clauses (one or two) have a literal found, plus the rules with no
 *    clause, are the candidates.
 *
 * A rule's clauses are derived when a plan first needs them (an event of its logsource arrives):
 * start-up does not pay for the rules of logsources the data never shows.
 *
 * Never changes results: a rule that is not a candidate cannot match (its logsource predicate
 * is false, or none of the literals it needs occurs). A candidate still runs its full matcher.
 */
import type { CompileOptions, FieldResolver } from '../sigma/compile.js';
import type { Placeholders } from '../sigma/modifiers/index.js';
import { EXISTS_KEY, fieldKeys, type LogsourceMatcher } from '../pipelines/logsource.js';
import type { Getter } from '../pipelines/resolver.js';
import type { Rule } from '../sigma/model.js';
import { AhoCorasick } from './aho-corasick.js';
import { EqualityIndex } from './equality-index.js';
import { IdList } from './id-list.js';
import { LogsourceCache } from './logsource-key.js';
import { KEYWORDS, ruleClauses, type Clauses, type Source } from './literals.js';

/** In a for-in loop `hasOwnProperty.call(o, key)` is cheaper than `Object.hasOwn` (V8 reduces it for the keys of the loop). */
const { hasOwnProperty } = Object.prototype;

/** What the index needs to know of a rule; `item` is what `candidates` returns for it. */
export interface IndexEntry<T> {
  readonly rule: Rule;
  readonly logsource: LogsourceMatcher;
  /** The resolver the rule's detection was compiled with. */
  readonly resolve: FieldResolver;
  readonly item: T;
}

export interface RuleIndexOptions {
  /** The placeholders the rules were compiled with (`expand`). Default: none. */
  readonly placeholders?: Placeholders;
  /** Cached plans (one per set of logsources seen together); past this the cache is cleared. Default 256. */
  readonly maxPlans?: number;
  /** Cached logsource stages (one per distinct key of the fields logsources read); past this the cache is cleared. Default 4096. */
  readonly maxKeys?: number;
}

interface FieldScan {
  readonly source: Source;
  readonly ac: AhoCorasick;
}

interface EqScan {
  readonly get: Getter;
  readonly index: EqualityIndex;
}

interface Plan {
  readonly fields: readonly FieldScan[];
  readonly equals: readonly EqScan[];
  /** Clause codes (`rule * 2 + clause`) of pattern id p: `rules[start[p] .. start[p+1])`. */
  readonly start: Int32Array;
  readonly rules: Int32Array;
  /** Rules evaluated whatever the text: no clause. */
  readonly always: Int32Array;
  readonly seen: Uint32Array;
  readonly ruleCount: number;
}

const MAX_DEPTH = 32;
/**
 * Literals are cut to this many UTF-16 units (their end). Cut at 16 they found more texts than
 * the whole literals do: 32 takes the bench's candidates from 3.0 to 2.9 per event, for automata
 * of 19.6 MB instead of 15.6.
 */
const MAX_LITERAL = 32;
/** Strings of at least this length are scanned once per event by the keyword scan, however often they occur. */
const MIN_DEDUPE = 12;

function textOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  return undefined;
}

export interface RuleIndexStats {
  readonly rules: number;
  /** Rules with a literal clause (the others are evaluated on every event of their logsource). */
  readonly withClause: number;
  readonly logsources: number;
  readonly anchoredLogsources: number;
  readonly plans: number;
  readonly automatonStates: number;
  readonly automatonBytes: number;
}

export class RuleIndex<T> {
  private readonly entries: readonly IndexEntry<T>[];
  private readonly compileOptions: CompileOptions;
  /** Per rule: its clauses, once a plan has needed them (`clausesOf`). */
  private readonly clauses: (Clauses | undefined)[];
  /** Per rule: the mask of all its clauses (bit c: clause c has a hit), set with its clauses. */
  private readonly fullMask: Uint8Array;
  /** Per rule: the clauses hit so far for the event of `ruleStamp`. */
  private readonly hitMask: Uint8Array;
  private readonly lks: LogsourceMatcher[] = [];
  private readonly lkRules: number[][] = [];
  private readonly anchors: { get: Getter; map: Map<string, number[]> }[] = [];
  private readonly unanchored: number[] = [];
  private readonly catchAll: number[] = [];
  private readonly plans = new Map<string, Plan>();
  private readonly maxPlans: number;
  /**
   * The plan (null: no logsource holds) by the values of the event's logsource fields; set when
   * every logsource predicate is a function of the fields it reads.
   */
  private readonly byKey: LogsourceCache<Plan | null> | undefined;
  private stamp = 0;
  private readonly lkStamp: Uint32Array;
  private readonly ruleStamp: Uint32Array;
  private readonly keys: string[] = [];
  private readonly active: number[] = [];
  private readonly hits = new IdList();
  private readonly picked = new IdList();
  /** The long strings the keyword scan of the current event has scanned: `scanned[0 .. scannedCount)` (never shrunk: no allocation per event). */
  private readonly scanned: string[] = [];
  private scannedCount = 0;
  /** The items `select` picked: `selected[0 .. count)`. Written in place, never shrunk (no allocation per event). */
  readonly selected: T[] = [];

  constructor(entries: readonly IndexEntry<T>[], options: RuleIndexOptions = {}) {
    this.entries = entries;
    this.maxPlans = options.maxPlans ?? 256;
    this.compileOptions = { placeholders: options.placeholders };
    this.clauses = new Array<Clauses | undefined>(entries.length).fill(undefined);
    this.fullMask = new Uint8Array(entries.length);
    this.hitMask = new Uint8Array(entries.length);
    const lkIndex = new Map<LogsourceMatcher, number>();
    entries.forEach((e, i) => {
      let k = lkIndex.get(e.logsource);
      if (k === undefined) {
        k = this.lks.length;
        lkIndex.set(e.logsource, k);
        this.lks.push(e.logsource);
        this.lkRules.push([]);
      }
      (this.lkRules[k] as number[]).push(i);
    });
    const byGetter = new Map<Getter, Map<string, number[]>>();
    this.lks.forEach((lk, k) => {
      if (lk.kind === 'none') return;
      if (lk.kind === 'all') {
        this.catchAll.push(k);
        return;
      }
      if (!lk.anchors) {
        this.unanchored.push(k);
        return;
      }
      for (const a of lk.anchors) {
        let map = byGetter.get(a.get);
        if (!map) {
          map = new Map();
          byGetter.set(a.get, map);
          this.anchors.push({ get: a.get, map });
        }
        for (const key of a.keys) {
          const list = map.get(key) ?? [];
          if (!list.includes(k)) list.push(k);
          map.set(key, list);
        }
      }
    });
    this.lkStamp = new Uint32Array(this.lks.length);
    this.ruleStamp = new Uint32Array(entries.length);
    this.byKey = this.lks.every((lk) => lk.reads !== undefined)
      ? new LogsourceCache(
          this.lks.flatMap((lk) => lk.reads ?? []),
          options.maxKeys,
        )
      : undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The clauses of rule `i`, derived the first time they are asked for. */
  private clausesOf(i: number): Clauses {
    let c = this.clauses[i];
    if (c === undefined) {
      const e = this.entries[i] as IndexEntry<T>;
      c = ruleClauses(e.rule, e.resolve, this.compileOptions);
      this.clauses[i] = c;
      this.fullMask[i] = (1 << c.length) - 1;
    }
    return c;
  }

  private nextStamp(): number {
    if (this.stamp >= 0xfffffffe) {
      this.stamp = 0;
      this.lkStamp.fill(0);
      this.ruleStamp.fill(0);
      for (const p of this.plans.values()) p.seen.fill(0);
    }
    return ++this.stamp;
  }

  /** Indices of the logsources whose predicate holds for the event, ascending. */
  private activeLogsources(event: object, stamp: number): number[] {
    const active = this.active;
    active.length = 0;
    const keys = this.keys;
    for (let a = 0; a < this.anchors.length; a++) {
      const { get, map } = this.anchors[a] as { get: Getter; map: Map<string, number[]> };
      const v = get(event);
      if (v === undefined) continue;
      keys.length = 0;
      keys.push(EXISTS_KEY);
      if (v !== null) fieldKeys(v, keys);
      for (let j = 0; j < keys.length; j++) {
        const list = map.get(keys[j] as string);
        if (!list) continue;
        for (let m = 0; m < list.length; m++) {
          const k = list[m] as number;
          if (this.lkStamp[k] === stamp) continue;
          this.lkStamp[k] = stamp;
          if ((this.lks[k] as LogsourceMatcher).test(event)) active.push(k);
        }
      }
    }
    for (let j = 0; j < this.unanchored.length; j++) {
      const k = this.unanchored[j] as number;
      if ((this.lks[k] as LogsourceMatcher).test(event)) active.push(k);
    }
    for (let j = 0; j < this.catchAll.length; j++) active.push(this.catchAll[j] as number);
    active.sort((x, y) => x - y);
    return active;
  }

  private planFor(active: readonly number[]): Plan {
    const key = active.join(',');
    let plan = this.plans.get(key);
    if (plan) return plan;
    if (this.plans.size >= this.maxPlans) {
      this.plans.clear();
      // A plan out of `plans` would miss the reset of its stamps (nextStamp).
      this.byKey?.clear();
    }
    plan = this.buildPlan(active);
    this.plans.set(key, plan);
    return plan;
  }

  /** The plan of the logsources the event activates (null: none), cached by the event's logsource key when there is one. */
  private planOf(event: object, stamp: number): Plan | null {
    const cached = this.byKey?.lookup(event);
    if (cached !== undefined) return cached;
    const active = this.activeLogsources(event, stamp);
    const plan = active.length === 0 ? null : this.planFor(active);
    this.byKey?.store(plan);
    return plan;
  }

  private buildPlan(active: readonly number[]): Plan {
    const ruleIds = active.flatMap((k) => this.lkRules[k] as number[]).sort((a, b) => a - b);
    const always: number[] = [];
    // source → literal → clause codes; equality atoms: getter → key → clause codes. The code of
    // clause c of rule r is `r * 2 + c`.
    const bySource = new Map<Source, Map<string, number[]>>();
    const byEq = new Map<Getter, Map<string, number[]>>();
    for (const rule of ruleIds) {
      const clauses = this.clausesOf(rule);
      if (clauses.length === 0) {
        always.push(rule);
        continue;
      }
      for (let c = 0; c < clauses.length; c++)
        for (const atom of clauses[c] as Clauses[number]) {
          const r = rule * 2 + c;
          if (atom.eq) {
            const get = atom.source as Getter;
            let keys = byEq.get(get);
            if (!keys) {
              keys = new Map();
              byEq.set(get, keys);
            }
            const list = keys.get(atom.literal) ?? [];
            if (list[list.length - 1] !== r) list.push(r);
            keys.set(atom.literal, list);
            continue;
          }
          let lits = bySource.get(atom.source);
          if (!lits) {
            lits = new Map();
            bySource.set(atom.source, lits);
          }
          // Any part of a required literal is required too: long literals (hashes, paths) keep
          // their end, which is the distinctive part, and the automaton stays small.
          const lit = atom.literal.length > MAX_LITERAL ? atom.literal.slice(-MAX_LITERAL) : atom.literal;
          const list = lits.get(lit) ?? [];
          if (list[list.length - 1] !== r) list.push(r);
          lits.set(lit, list);
        }
    }
    const fields: FieldScan[] = [];
    const start: number[] = [0];
    const rules: number[] = [];
    let id = 0;
    for (const [source, lits] of bySource) {
      const patterns = [...lits.keys()];
      const ids = patterns.map(() => id++);
      for (const p of patterns) {
        rules.push(...(lits.get(p) as number[]));
        start.push(rules.length);
      }
      // The keyword scan reads every string of the event, and its literals are long: skip through the text.
      fields.push({ source, ac: new AhoCorasick(patterns, ids, undefined, source === KEYWORDS) });
    }
    const equals: EqScan[] = [];
    for (const [get, keys] of byEq) {
      const ids = new Map<string, number>();
      for (const [key, list] of keys) {
        ids.set(key, id++);
        rules.push(...list);
        start.push(rules.length);
      }
      equals.push({ get, index: new EqualityIndex(ids) });
    }
    return {
      fields,
      equals,
      start: Int32Array.from(start),
      rules: Int32Array.from(rules),
      always: Int32Array.from(always),
      seen: new Uint32Array(id),
      ruleCount: ruleIds.length,
    };
  }

  private scanValue(v: unknown, ac: AhoCorasick, plan: Plan, stamp: number): void {
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) {
        const t = textOf(v[k]);
        if (t !== undefined) ac.scanLower(t, plan.seen, stamp, this.hits);
      }
      return;
    }
    const t = textOf(v);
    if (t !== undefined) ac.scanLower(t, plan.seen, stamp, this.hits);
  }

  /**
   * Every string of the event at any depth, as keyword selections search them
   * (sigma/keywords.ts): those of `value`, an object at `depth`, and below it.
   */
  private scanStrings(value: object, ac: AhoCorasick, plan: Plan, stamp: number, depth: number): void {
    if (depth >= MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (let k = 0; k < value.length; k++) this.scanElement(value[k], ac, plan, stamp, depth + 1);
      return;
    }
    for (const key in value) {
      if (hasOwnProperty.call(value, key)) this.scanElement((value as Record<string, unknown>)[key], ac, plan, stamp, depth + 1);
    }
  }

  /** A string is scanned (once per event when long), an object walked; other values hold no string. */
  private scanElement(x: unknown, ac: AhoCorasick, plan: Plan, stamp: number, depth: number): void {
    if (typeof x === 'string') {
      if (x.length < MIN_DEDUPE || !this.scannedBefore(x)) ac.scanLowerSkipping(x, plan.seen, stamp, this.hits);
    } else if (x !== null && typeof x === 'object') this.scanStrings(x, ac, plan, stamp, depth);
  }

  /**
   * Whether the keyword scan of this event has seen the string already (then it found its
   * literals already): ECS events repeat long values (`process.executable` and
   * `winlog.event_data.Image`, host names), a third of their text. Short strings are not
   * worth the comparisons.
   */
  private scannedBefore(text: string): boolean {
    const scanned = this.scanned;
    const n = this.scannedCount;
    for (let k = 0; k < n; k++) if (scanned[k] === text) return true;
    scanned[n] = text;
    this.scannedCount = n + 1;
    return false;
  }

  /** The items of the rules that could match the event, in entry order (a new array: `select` allocates nothing). */
  candidates(event: object): T[] {
    return this.selected.slice(0, this.select(event));
  }

  /**
   * Picks the items of the rules that could match the event, in entry order, into
   * `selected[0 .. count)`, and returns the count. The next call overwrites them.
   */
  select(event: object): number {
    const stamp = this.nextStamp();
    const plan = this.planOf(event, stamp);
    if (plan === null) return 0;
    const hits = this.hits;
    hits.clear();
    for (let f = 0; f < plan.fields.length; f++) {
      const { source, ac } = plan.fields[f] as FieldScan;
      if (source === KEYWORDS) {
        this.scannedCount = 0;
        this.scanStrings(event, ac, plan, stamp, 0);
        continue;
      }
      const v = source(event);
      if (v !== undefined && v !== null) this.scanValue(v, ac, plan, stamp);
    }
    for (let q = 0; q < plan.equals.length; q++) {
      const { get, index } = plan.equals[q] as EqScan;
      const v = get(event);
      if (v !== undefined && v !== null) index.collect(v, plan.seen, stamp, hits);
    }
    const picked = this.picked;
    picked.clear();
    const { ruleStamp, hitMask, fullMask } = this;
    for (let h = 0; h < hits.length; h++) {
      const p = hits.at(h);
      for (let j = plan.start[p] as number; j < (plan.start[p + 1] as number); j++) {
        const code = plan.rules[j] as number;
        const r = code >>> 1;
        let before = 0;
        if (ruleStamp[r] === stamp) before = hitMask[r] as number;
        else ruleStamp[r] = stamp;
        const after = before | (1 << (code & 1));
        hitMask[r] = after;
        // Picked once, when its last clause gets a hit.
        if (after !== before && after === fullMask[r]) picked.push(r);
      }
    }
    for (let j = 0; j < plan.always.length; j++) picked.push(plan.always[j] as number);
    if (hits.length > 0) picked.sort();
    const selected = this.selected;
    for (let j = 0; j < picked.length; j++) selected[j] = (this.entries[picked.at(j)] as IndexEntry<T>).item;
    return picked.length;
  }

  /** Every item whose logsource holds for the event, in entry order (the index without its literal stage). */
  inLogsource(event: object): T[] {
    const stamp = this.nextStamp();
    const active = this.activeLogsources(event, stamp);
    const ids = active.flatMap((k) => this.lkRules[k] as number[]).sort((a, b) => a - b);
    return ids.map((i) => (this.entries[i] as IndexEntry<T>).item);
  }

  /** Derives every rule's clauses (`withClause` counts them all). */
  stats(): RuleIndexStats {
    let states = 0;
    let bytes = 0;
    for (const p of this.plans.values())
      for (const f of p.fields) {
        states += f.ac.states;
        bytes += f.ac.bytes;
      }
    return {
      rules: this.entries.length,
      withClause: this.entries.filter((_, i) => this.clausesOf(i).length > 0).length,
      logsources: this.lks.length,
      anchoredLogsources: this.lks.filter((l) => l.anchors !== undefined).length,
      plans: this.plans.size,
      automatonStates: states,
      automatonBytes: bytes,
    };
  }
}
