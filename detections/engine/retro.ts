/**
 * Rules and correlations over a finite stream of events, outside the live pipeline: `vigil
 * hunt` (files) and `vigil replay` (a time range of `vigil.events`). Sigma alerts come out as
 * each event is matched; the events the correlations' base rules match are kept, and
 * `correlate()` runs the correlations over them in event time once the stream has ended.
 */
import type { VigilError } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { eventId, eventTime } from '../correlation/event-time.js';
import { loadCorrelations, runCorrelationsOffline, type CorrelationSet, type OfflineResult } from '../correlation/index.js';
import { buildAlert } from '../model/index.js';
import { matchEvent, type RuleMatcher } from './detect.js';
import { loadRuleSetFrom, type RuleSet } from './ruleset.js';
import { asBaseRule, type RuleSetOptions } from '../pipelines/rules.js';

export interface RetroRules {
  ruleset: RuleSet;
  correlations: CorrelationSet;
  /** Rule and correlation problems, each with its file and line; those rules are left out. */
  errors: VigilError[];
}

/**
 * Rules and the correlations among the same paths. A correlation's base rules that the rule
 * set holds are matched as the rule set matches them (pipeline field names, logsource).
 * Throws PipelineError for an unknown or invalid pipeline.
 */
export function loadRetroRules(paths: readonly string[], options: RuleSetOptions & { prefilter?: boolean } = {}): RetroRules {
  // Each rule file is read once: the correlation loader takes the texts the rule loader read.
  const texts = new Map<string, string>();
  const loaded = loadRuleSetFrom(paths, { ...options, texts });
  const correlations = loadCorrelations(paths, { rules: loaded.ruleset.matchers.map((m) => asBaseRule(m.source)), texts });
  return { ruleset: loaded.ruleset, correlations, errors: [...loaded.errors, ...correlations.errors] };
}

/** What an event of the stream is called in alerts and errors (a file and line, a topic partition and offset). */
export interface Origin {
  readonly where: string;
}

export class RetroHunt<O extends Origin = Origin> {
  private readonly disabled = new Set<string>();
  private readonly kept: Array<{ event: EcsEvent; origin: O; t: number; i: number }> = [];
  /** Base rules of the correlations: an event one of them matches is kept for `correlate`. */
  private readonly used: RetroRules['correlations']['rules'];

  constructor(
    private readonly rules: Pick<RetroRules, 'ruleset' | 'correlations'>,
    private readonly now: Date,
  ) {
    const ids = new Set(rules.correlations.correlations.flatMap((c) => c.ruleIds));
    this.used = rules.correlations.rules.filter((r) => ids.has(r.rule.id));
  }

  get correlating(): boolean {
    return this.rules.correlations.correlations.length > 0;
  }

  /**
   * Runs the rules on one event: `onAlert` for each rule that fires and is not silenced by a
   * correlation (one that uses it without `generate`), `onError` for a rule that throws (it is
   * disabled for the rest of the stream). `ownTime` false: the event's time is when it was
   * read, not when it happened (an unparsed record), so it must not move correlation windows.
   */
  match(
    event: EcsEvent,
    origin: O,
    onAlert: (alert: EcsEvent, rule: RuleMatcher) => void,
    onError: (rule: RuleMatcher, err: unknown) => void,
    ownTime = true,
  ): void {
    this.matchRules(event, onAlert, onError);
    if (!ownTime) return;
    const t = this.correlationTime(event);
    if (t !== undefined) this.keep(event, origin, t);
  }

  /** The Sigma rules alone on one event (`match` without keeping it for the correlations). */
  matchRules(
    event: EcsEvent,
    onAlert: (alert: EcsEvent, rule: RuleMatcher) => void,
    onError: (rule: RuleMatcher, err: unknown) => void,
  ): void {
    const { ruleset, correlations } = this.rules;
    matchEvent(
      ruleset,
      event,
      this.disabled,
      (rule, selections) => {
        if (!correlations.silenced.has(rule.fired.id)) onAlert(buildAlert(rule.fired, event, selections, this.now), rule);
      },
      (rule, err) => {
        this.disabled.add(rule.fired.id);
        onError(rule, err);
      },
    );
  }

  /**
   * The event time (epoch ms) under which `correlate` needs `event`: set when a correlation's
   * base rule matches it and it has a time of its own.
   */
  correlationTime(event: EcsEvent): number | undefined {
    if (this.used.length === 0) return undefined;
    const t = eventTime(event);
    if (t === undefined) return undefined;
    for (const r of this.used) if (r.match(event)) return t;
    return undefined;
  }

  /**
   * Keeps an event for `correlate`, after those kept before it; `t` is its `correlationTime`
   * (found here, or by another RetroHunt over the same rules: a replay's worker thread).
   */
  keep(event: EcsEvent, origin: O, t: number): void {
    this.kept.push({ event, origin, t, i: this.kept.length });
  }

  /**
   * The correlations over the kept events, sorted by event time (the stream may interleave
   * sources). `originOf` names the event that completed each alert's window.
   */
  correlate(): OfflineResult & { originOf(alert: EcsEvent): O | undefined } {
    this.kept.sort((a, b) => a.t - b.t || a.i - b.i);
    const origins = new Map(this.kept.map((k) => [eventId(k.event), k.origin]));
    const result = runCorrelationsOffline(
      this.rules.correlations,
      this.kept.map((k) => k.event),
      { now: this.now },
    );
    return {
      ...result,
      originOf: (alert) => {
        const last = (alert.vigil as unknown as { correlation?: { events?: string[] } } | undefined)?.correlation?.events?.at(-1);
        return last === undefined ? undefined : origins.get(last);
      },
    };
  }
}
