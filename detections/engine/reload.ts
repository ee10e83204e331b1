/**
 * Rules that reload on change, without a restart and without losing events: the rule paths are
 * watched (fs.watch, debounced), the rules are loaded and compiled again, and the new RuleSet
 * replaces the old one in a single assignment. A batch reads `current` once when it starts, so
 * it runs on one rule set from its first event to its last; the next batch gets the new one.
 *
 * A rule file that no longer loads keeps its last good rules running (and the errors are
 * logged): a typo saved in one file never switches its detection off.
 */
import { watch, type FSWatcher } from 'node:fs';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { VigilError } from '../../core/errors/index.js';
import type { Placeholders } from '../sigma/modifiers/index.js';
import { loadRuleSet, type LoadedRuleSet, type PipelineRule } from '../pipelines/rules.js';
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

export interface LiveRulesOptions {
  /** Pipeline name or path. Default `ecs`. */
  readonly pipeline?: string;
  readonly placeholders?: Placeholders;
  /** Use the prefilter index. Default true. */
  readonly prefilter?: boolean;
  /** Quiet time after the last change before reloading, in ms. Default 500. */
  readonly debounceMs?: number;
  /** Called after each load with what happened (the stage logs it). */
  readonly onLoad?: (report: ReloadReport) => void;
}

export interface ReloadReport {
  readonly rules: number;
  readonly errors: readonly VigilError[];
  /** Rules of failing files kept at their last good version. */
  readonly kept: readonly string[];
  readonly ms: number;
}

/** What a watched folder's change must be named like to reload the rules. */
const RULE_FILE = /\.ya?ml$/i;

export class LiveRules {
  private loaded: LoadedRuleSet | undefined;
  private set: RuleSet;
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

  private load(): RuleSet {
    const started = Date.now();
    const next = loadRuleSet(this.paths, { pipeline: this.options.pipeline, placeholders: this.options.placeholders });
    const { loaded, kept } = mergeReload(this.loaded, next);
    this.loaded = loaded;
    const set = ruleSetOf(loaded, { prefilter: this.options.prefilter, placeholders: this.options.placeholders });
    this.options.onLoad?.({
      rules: loaded.rules.length,
      errors: next.errors,
      kept: kept.map((r) => r.compiled.rule.id),
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
    for (const p of this.paths) {
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
