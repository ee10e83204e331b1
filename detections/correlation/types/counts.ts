/**
 * event_count: events in the window. value_count: distinct values of `condition.field` in the
 * window (Sigma correlation specification, "Event Count" and "Value Count").
 */
import { needBounds, needField, refuse } from './checks.js';
import type { HandlerContext } from './contract.js';
import { windowType, type WindowState } from './window.js';

export const eventCount = windowType({
  value: 'none',
  monotone: true,
  measure: (_s, i, j) => j - i + 1,
  check(c, _n, report) {
    needBounds(c, 'event_count', report);
    refuse(c, 'event_count', report, ['field', 'percentile', 'spike', 'expression']);
  },
});

function distinct(s: WindowState, i: number, j: number): Set<string | number> {
  const seen = new Set<string | number>();
  for (let k = i; k <= j; k++) seen.add(s.valAt(k));
  return seen;
}

export const valueCount = windowType({
  value: 'string',
  monotone: true,
  measure: (s, i, j) => distinct(s, i, j).size,
  accumulator() {
    const seen = new Set<string | number>();
    return {
      reset: () => seen.clear(),
      add: (s, j) => seen.add(s.valAt(j)).size,
    };
  },
  describe: (s, i, j, metric, ctx: HandlerContext) => ({
    value: metric,
    values: [...distinct(s, i, j)].slice(0, ctx.limits.maxAlertEventIds).map(String),
  }),
  check(c, _n, report) {
    needBounds(c, 'value_count', report);
    needField(c, 'value_count', report);
    refuse(c, 'value_count', report, ['percentile', 'spike', 'expression']);
  },
});
