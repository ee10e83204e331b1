/**
 * temporal: events of the referenced rules within the timespan, in any order; the metric is
 * how many different rules matched (the default condition asks for all of them), or whether
 * an expression over the rules holds (pySigma's extended temporal conditions).
 * temporal_ordered: the same, in the order the rules are listed; the metric is how long a
 * prefix of that order matched. Events of equal time count as ordered by the rule list.
 */
import { needBounds, refuse } from './checks.js';
import type { TypeConfig } from './contract.js';
import { windowType, type Accumulator, type WindowState } from './window.js';

function rulesIn(s: WindowState, i: number, j: number): number[] {
  const out: number[] = [];
  for (let k = i; k <= j; k++) {
    const r = s.numAt(k);
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

function distinctRules(cfg: TypeConfig): Accumulator {
  const seen = new Uint8Array(cfg.ruleCount);
  let count = 0;
  const has = (r: number): boolean => seen[r] === 1;
  return {
    reset() {
      seen.fill(0);
      count = 0;
    },
    add(s, j) {
      const r = s.numAt(j);
      if (seen[r] === 0) {
        seen[r] = 1;
        count++;
      }
      if (cfg.expression) return cfg.expression(has) ? 1 : 0;
      return count;
    },
  };
}

function orderedPrefix(cfg: TypeConfig): Accumulator {
  let pos = 0;
  return {
    reset() {
      pos = 0;
    },
    add(s, j) {
      if (pos < cfg.sequence.length && s.numAt(j) === cfg.sequence[pos]) pos++;
      return pos;
    },
  };
}

function measureWith(make: (cfg: TypeConfig) => Accumulator) {
  return (s: WindowState, i: number, j: number, cfg: TypeConfig): number => {
    const acc = make(cfg);
    let m = 0;
    for (let k = i; k <= j; k++) m = acc.add(s, k);
    return m;
  };
}

export const temporal = windowType({
  value: 'rule',
  tieByValue: true,
  monotone: true,
  measure: measureWith(distinctRules),
  accumulator: distinctRules,
  describe: (s, i, j) => ({ rules: rulesIn(s, i, j) }),
  check(c, _n, report) {
    needBounds(c, 'temporal', report);
    refuse(c, 'temporal', report, ['field', 'percentile', 'spike']);
  },
});

export const temporalOrdered = windowType({
  value: 'rule',
  tieByValue: true,
  monotone: true,
  measure: measureWith(orderedPrefix),
  accumulator: orderedPrefix,
  canAnchor: (s, i, cfg) => s.numAt(i) === cfg.sequence[0],
  describe: (s, i, j) => ({ rules: rulesIn(s, i, j) }),
  check(c, n, report) {
    needBounds(c, 'temporal_ordered', report);
    refuse(c, 'temporal_ordered', report, ['field', 'percentile', 'spike']);
    if (c.expression)
      report('a temporal_ordered correlation takes a count condition, not an expression (expressions are supported for temporal)');
    for (const b of c.bounds) if (b.value > n) report(`the condition asks for ${b.value} rules in order but the correlation lists ${n}`);
  },
});
