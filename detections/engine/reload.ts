/**
 * Rules that reload on change, without a restart and without losing events: the rule paths are
 * watched (fs.watch, debounced), the rules and correlations are loaded and compiled again, and
 * the new sets replace the old ones in a single assignment. A batch reads `current` once when it
 * starts, so it runs on one rule set from its first event to its last; the next batch gets the
 * new one. Placeholder files are watched too: their values are read again on each load.
 *
 * A rule or correlation file that no longer loads keeps its last good rules running (and the
 * errors are logged): a typo saved in one file never switches its detection off.
 */
import { watch, type FSWatcher } from 'node:fs';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { VigilError } from '../../core/errors/index.js';
import type { RuleStatus } from '../model/index.js';
import type { Placeholders } from '../sigma/modifiers/index.js';
import { loadCorrelations, type CorrelationSet } from '../correlation/index.js';
import { asBaseRule, loadRuleSet, type LoadedRuleSet, type PipelineRule } from '../pipelines/rules.js';
import { ruleSetOf, type RuleSet } from './ruleset.js';

/** The rule set after a reload: the new rules, plus the last good rules of files that now fail. */
export function mergeReload(previous: LoadedRuleSet | undefined, next: LoadedRuleSet): { loaded: LoadedRuleSet; kept: PipelineRule[] } {
  if (!previous) return { loaded: next, kept: [] };
  // Nothing readable at all (a folder renamed, a mount gone): keep everything.
  if (next.files === 0 && previous.rules.length > 0)
    return { loaded: { ...next, rules: previous.rules, filters: previous.filters }, kept: previous.rules };
  const failing = new Set(next.errors.map((e) => e.location?.file).filter((f): f is string => f !== undefined));
  const ids = new Set(next.rules.map((r) => r.compiled.rule.id));
  const kept = previous.rules.filter((r) => failing.has(r.file) && !ids.has(r.compiled.rule.id));
  if (kept.length === 0) return { loaded: next, kept };
  const rules = [...next.rules, ...kept].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { loaded: { ...next, rules }, kept };
}

/**
 * The correlations after a reload: the new ones, plus the last good ones of files that now fail
 * (and the rules they read), so that a broken edit never stops a correlation that ran.
 */
export function mergeCorrelations(previous: CorrelationSet | undefined, next: CorrelationSet): { set: CorrelationSet; kept: string[] } {
  if (!previous || next.errors.length === 0) return { set: next, kept: [] };
  const failing = new Set(next.errors.map((e) => e.location?.file).filter((f): f is string => f !== undefined));
  const ids = new Set(next.correlations.map((c) => c.id));
  const keep = previous.correlations.filter((c) => failing.has(c.rule.location.file) && !ids.has(c.id));
  if (keep.length === 0) return { set: next, kept: [] };
  const ruleIds = new Set(next.rules.map((r) => r.rule.id));
  const needed = new Set(keep.flatMap((c) => c.ruleIds));
  const rules = [...next.rules, ...previous.rules.filter((r) => needed.has(r.rule.id) && !ruleIds.has(r.rule.id))];
  const silenced = new Set([...next.silenced, ...[...previous.silenced].filter((id) => needed.has(id))]);
  return { set: { ...next, correlations: [...next.correlations, ...keep], rules, silenced }, kept: keep.map((c) => c.id) };
}

export interface LiveRulesOptions {
  /** Pipeline name or path. Default `ecs`. */
  readonly pipeline?: string;
  /** Placeholder values, or a function read on every load (values from files). */
  readonly placeholders?: Placeholders | (() => Placeholders);
  /** Rules and correlations with these statuses are left out. Default: none. */
  readonly skipStatuses?: readonly RuleStatus[];
  /** Load the correlations among the paths too (`correlations`). Default false. */
  readonly correlations?: boolean;
  /** More files whose change reloads the rules (placeholder files). */
  readonly watchFiles?: readonly string[];
  /** Use the prefilter index. Default true. */
  readonly prefilter?: boolean;
  /** Quiet time after the last change before reloading, in ms. Default 500. */
  readonly debounceMs?: number;
  /** Called after each load with what happened (the stage logs it). */
  readonly onLoad?: (report: ReloadReport) => void;
}

export interface ReloadReport {
  readonly rules: number;
  /** Correlations loaded (0 without `correlations`). */
  readonly correlations?: number;
  /** Rules and correlations left out for their status. */
  readonly skipped?: number;
  readonly errors: readonly VigilError[];
  /** Rules and correlations of failing files kept at their last good version. */
  readonly kept: readonly string[];
  readonly ms: number;
}

/** What a watched folder's change must be named like to reload the rules. */
const RULE_FILE = /\.ya?ml$/i;

export class LiveRules {
  private loaded: LoadedRuleSet | undefined;
  private set: RuleSet;
  private correlationSet: CorrelationSet = { correlations: [], rules: [], errors: [], silenced: new Set() };
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Incremented on every swap; batches may compare it. */
  generation = 0;

  constructor(
    private readonly paths: readonly string[],
    private readonly options: LiveRulesOptions = {},
  ) {
    this.set = this.load();
  }

  /** The rule set to use for the next batch. Read it once per batch. */
  get current(): RuleSet {
    return this.set;
  }

  /** The correlations that go with `current` (none unless the `correlations` option is set). */
  get correlations(): CorrelationSet {
    return this.correlationSet;
  }

  private load(): RuleSet {
    const started = Date.now();
    const { placeholders: given, skipStatuses } = this.options;
    const placeholders = typeof given === 'function' ? given() : given;
    const next = loadRuleSet(this.paths, { pipeline: this.options.pipeline, placeholders, skipStatuses });
    const { loaded, kept } = mergeReload(this.loaded, next);
    const set = ruleSetOf(loaded, { prefilter: this.options.prefilter, placeholders });
    let correlations = this.correlationSet;
    let keptCorrelations: string[] = [];
    let correlationErrors: VigilError[] = [];
    if (this.options.correlations) {
      const fresh = loadCorrelations(this.paths, { rules: loaded.rules.map(asBaseRule), placeholders, skipStatuses });
      const merged = mergeCorrelations(this.loaded && this.correlationSet, fresh);
      correlations = merged.set;
      keptCorrelations = merged.kept;
      // A file of several documents is read by both loaders: its problems are reported once.
      const seen = new Set(next.errors.map((e) => e.describe()));
      correlationErrors = fresh.errors.filter((e) => !seen.has(e.describe()));
    }
    // Nothing is assigned before everything loaded: a throw leaves the running sets whole.
    this.loaded = loaded;
    this.correlationSet = correlations;
    this.options.onLoad?.({
      rules: loaded.rules.length,
      correlations: correlations.correlations.length,
      skipped: next.skipped?.length ?? 0,
      errors: [...next.errors, ...correlationErrors],
      kept: [...kept.map((r) => r.compiled.rule.id), ...keptCorrelations],
      ms: Date.now() - started,
    });
    return set;
  }

  /** Loads the rules again now and swaps them in. A pipeline error (thrown) leaves the current set untouched. */
  reload(): RuleSet {
    const set = this.load();
    this.set = set;
    this.generation++;
    return set;
  }

  /** Watches the rule paths (folders recursively); a change reloads after `debounceMs` of quiet. */
  watch(): void {
    const fire = (): void => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        try {
          this.reload();
        } catch (err) {
          this.options.onLoad?.({ rules: this.loaded?.rules.length ?? 0, errors: [err as VigilError], kept: [], ms: 0 });
        }
      }, this.options.debounceMs ?? 500);
      this.timer.unref?.();
    };
    for (const p of [...this.paths, ...(this.options.watchFiles ?? [])]) {
      let dir = p;
      let file: string | undefined;
      try {
        if (!statSync(p).isDirectory()) {
          // Editors replace a file by renaming a new one over it: watch its folder, not its inode.
          dir = dirname(p);
          file = p.slice(dir.length + 1);
        }
      } catch {
        continue;
      }
      try {
        const w = watch(dir, { recursive: file === undefined, persistent: false }, (_event, name) => {
          // In a folder only rule files count: logs or editor swap files written there are not rules.
          if (file === undefined ? name === null || RULE_FILE.test(name) : name === null || name === file) fire();
        });
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch {
        // a path that cannot be watched is still loaded; reloads then come from other paths' changes
      }
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}
