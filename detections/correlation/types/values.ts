/**
 * value_sum, value_avg, value_percentile, value_median (pySigma's correlation types beyond
 * Sigma 2.0): an aggregate of the numeric field `condition.field` over the window. An aggregate
 * can go down as events are added, so these are decided when the window closes.
 * Percentiles interpolate linearly between the two nearest ranks (R-7, NumPy's default and
 * PostgreSQL's percentile_cont, which pySigma's SQL backends use); the median is the 50th.
 */
import type { Condition } from '../model.js';
import { needBounds, needField, refuse } from './checks.js';
import { windowType, type WindowState } from './window.js';

type Aggregate = 'sum' | 'avg' | 'percentile' | 'median';

function sum(s: WindowState, i: number, j: number): number {
  let total = 0;
  for (let k = i; k <= j; k++) total += s.numAt(k);
  return total;
}

export function percentileOf(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (rank - lo);
}

function percentile(s: WindowState, i: number, j: number, p: number): number {
  const sorted = new Array<number>(j - i + 1);
  for (let k = i; k <= j; k++) sorted[k - i] = s.numAt(k);
  sorted.sort((a, b) => a - b);
  return percentileOf(sorted, p);
}

function aggregate(kind: Aggregate) {
  const type = `value_${kind}`;
  return windowType({
    value: 'number',
    monotone: false,
    measure: (s, i, j, cfg) =>
      kind === 'sum'
        ? sum(s, i, j)
        : kind === 'avg'
          ? sum(s, i, j) / (j - i + 1)
          : percentile(s, i, j, kind === 'median' ? 50 : (cfg.condition.percentile as number)),
    describe: (_s, _i, _j, metric, ctx) => ({
      value: metric,
      detail: {
        aggregate: kind,
        field: ctx.cfg.condition.field?.[0],
        ...(kind === 'percentile' && { percentile: ctx.cfg.condition.percentile }),
      },
    }),
    check(c: Condition, _n, report) {
      needBounds(c, type, report);
      needField(c, type, report, true);
      refuse(c, type, report, kind === 'percentile' ? ['spike', 'expression'] : ['percentile', 'spike', 'expression']);
      if (kind === 'percentile' && c.percentile === undefined)
        report("a value_percentile correlation needs 'condition.percentile' (0 to 100)");
    },
  });
}

export const valueSum = aggregate('sum');
export const valueAvg = aggregate('avg');
export const valuePercentile = aggregate('percentile');
export const valueMedian = aggregate('median');
