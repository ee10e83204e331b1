import { metrics, type Logger } from '../../core/telemetry/index.js';
import type { RuleErrorCount } from './detect.js';

/** At most one log line per rule per this long; the lines between are counted into the next. */
export const RULE_ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Reports the rules that threw in a batch: counts them (`vigil_rule_errors_total{rule}`, and the
 * detect component's errors), and logs each rule at most once per interval with the number of
 * errors since its last line, so that a rule throwing on every event does not flood the log.
 */
export class RuleErrorReporter {
  private readonly logged = new Map<string, { at: number; unlogged: number }>();

  constructor(
    private readonly log: Pick<Logger, 'error'>,
    private readonly intervalMs = RULE_ERROR_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  report(errors: ReadonlyMap<string, RuleErrorCount>): void {
    for (const [rule, { count, last }] of errors) {
      metrics.ruleErrors.inc({ rule }, count);
      metrics.errors.inc({ kind: 'detect', id: rule, code: 'RULE_MATCH' }, count);
      const t = this.now();
      const prev = this.logged.get(rule);
      if (prev && t - prev.at < this.intervalMs) {
        prev.unlogged += count;
        continue;
      }
      this.logged.set(rule, { at: t, unlogged: 0 });
      this.log.error(
        { rule, errors: count + (prev?.unlogged ?? 0), err: last },
        'rule threw while matching: skipped for those events, which were dead-lettered; it keeps running',
      );
    }
  }
}
