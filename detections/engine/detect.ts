import type { DeadLetter } from '../../core/deadletter/index.js';
import type { InRecord, OutRecord } from '../../core/bus/index.js';
import { errorMessage } from '../../core/errors/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { buildAlert } from '../model/index.js';
import { closeEvent, openEvent } from '../sigma/event-scope.js';
import { isRuleSet, type PipelineMatcher, type RuleMatcher, type RuleSet } from './ruleset.js';

export type { RuleMatcher } from './ruleset.js';

/** How often one rule threw in a batch, and the last error's message. */
export interface RuleErrorCount {
  count: number;
  last: string;
}

export interface DetectOutput {
  alerts: OutRecord[];
  deadLetters: DeadLetter[];
  /** The rules that threw on some events of the batch, by rule id (they keep running). */
  ruleErrors: Map<string, RuleErrorCount>;
  events: number;
}

function decode(rec: InRecord): EcsEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rec.value.toString('utf8'));
  } catch (err) {
    return `not JSON: ${errorMessage(err)}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  if (typeof (parsed as EcsEvent)['@timestamp'] !== 'string') return 'missing @timestamp';
  return parsed as EcsEvent;
}

/** A plain matcher list (every rule evaluated on every event) or a RuleSet (its prefilter picks the candidates). */
export type Rules = readonly RuleMatcher[] | RuleSet;

/**
 * Runs the rules on one event: calls `onMatch` for each rule that fires, in rule order, and
 * `onError` for each rule that throws. A rule that throws is skipped for this event only: one
 * odd event (a field of an unexpected type) must not switch a detection off for every event
 * after it. Rules in `disabled` are skipped. The event must not change until it returns (field
 * reads are shared by the index and every rule).
 */
export function matchEvent(
  rules: Rules,
  event: EcsEvent,
  disabled: ReadonlySet<string>,
  onMatch: (rule: RuleMatcher, selections: string[]) => void,
  onError: (rule: RuleMatcher, err: unknown) => void,
): void {
  const previous = openEvent(event);
  try {
    const set = isRuleSet(rules);
    const count = set ? rules.select(event) : rules.length;
    const list: readonly RuleMatcher[] = set ? rules.selected : rules;
    // A candidate from the index is of its logsource already; without the index, `match` tests it.
    const indexed = set && rules.indexed;
    for (let k = 0; k < count; k++) {
      const rule = list[k] as RuleMatcher;
      const id = rule.fired.id;
      if (disabled.has(id)) continue;
      let selections: string[] | null;
      try {
        selections = indexed ? (rule as PipelineMatcher).matchSelected(event) : rule.match(event);
      } catch (err) {
        onError(rule, err);
        continue;
      }
      if (selections) onMatch(rule, selections);
    }
  } finally {
    closeEvent(previous);
  }
}

/**
 * Matches one batch of `vigil.events` records against the rules. Pure: no I/O, so the same
 * code runs on the bus, in `vigil hunt`, and in unit tests. A rule that throws on an event is
 * skipped for that event, counted in `ruleErrors`, and the event is dead-lettered (RULE_MATCH,
 * the rule id as component) with its raw bytes, so that the rule can be fixed and tested on it.
 */
export function detectBatch(rules: Rules, records: readonly InRecord[], disabled: ReadonlySet<string>, now = new Date()): DetectOutput {
  const out: DetectOutput = { alerts: [], deadLetters: [], ruleErrors: new Map(), events: 0 };
  const origin = (r: InRecord) => ({ topic: r.topic, partition: r.partition, offset: r.offset });
  for (const rec of records) {
    const event = decode(rec);
    if (typeof event === 'string') {
      out.deadLetters.push({
        stage: 'detect',
        component: 'engine',
        code: 'EVENT_INVALID',
        reason: event,
        raw: rec.value,
        origin: origin(rec),
      });
      continue;
    }
    out.events++;
    matchEvent(
      rules,
      event,
      disabled,
      (rule, selections) => {
        const alert = buildAlert(rule.fired, event, selections, now);
        const alertId = alert.vigil?.id as string;
        out.alerts.push({ key: rec.key ?? alertId, value: JSON.stringify(alert), headers: { 'vigil-rule': rule.fired.id } });
      },
      (rule, err) => {
        const id = rule.fired.id;
        const message = errorMessage(err);
        const seen = out.ruleErrors.get(id);
        if (seen) {
          seen.count++;
          seen.last = message;
        } else out.ruleErrors.set(id, { count: 1, last: message });
        out.deadLetters.push({
          stage: 'detect',
          component: id,
          code: 'RULE_MATCH',
          reason: `rule ${id} threw while matching and was skipped for this event: ${message}`,
          raw: rec.value,
          origin: origin(rec),
        });
      },
    );
  }
  return out;
}
