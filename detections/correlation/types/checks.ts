/** Condition checks the types share: which parts of a condition a type needs or refuses. */
import type { Condition } from '../model.js';

type Report = (message: string) => void;

export function needBounds(c: Condition, type: string, report: Report): void {
  if (c.bounds.length === 0 && !c.expression) report(`a ${type} correlation needs a condition with gt, gte, lt, lte, eq or neq`);
}

export function needField(c: Condition, type: string, report: Report, single = false): void {
  if (!c.field || c.field.length === 0) report(`a ${type} correlation needs 'condition.field': the field whose values it reads`);
  else if (single && c.field.length > 1) report(`a ${type} correlation reads one numeric field, not a list`);
}

export function refuse(
  c: Condition,
  type: string,
  report: Report,
  parts: ReadonlyArray<'field' | 'percentile' | 'spike' | 'expression' | 'bounds'>,
): void {
  for (const part of parts) {
    const present =
      part === 'field'
        ? c.field !== undefined
        : part === 'percentile'
          ? c.percentile !== undefined
          : part === 'spike'
            ? c.spike !== undefined
            : part === 'expression'
              ? c.expression !== undefined
              : c.bounds.length > 0;
    if (!present) continue;
    const what =
      part === 'field'
        ? "'condition.field'"
        : part === 'percentile'
          ? "'condition.percentile'"
          : part === 'spike'
            ? 'spike options (ratio, direction, min_current, min_reference)'
            : part === 'expression'
              ? 'a condition expression'
              : 'comparisons (gt, gte, lt, lte, eq, neq)';
    report(`a ${type} correlation takes no ${what}`);
  }
}

/** The bounds a condition would be tested with, as one predicate. */
export function boundsTest(c: Condition): (m: number) => boolean {
  const bounds = c.bounds.map((b) => [b.op, b.value] as const);
  return (m) => {
    for (const [op, v] of bounds) {
      const ok =
        op === 'gt' ? m > v : op === 'gte' ? m >= v : op === 'lt' ? m < v : op === 'lte' ? m <= v : op === 'eq' ? m === v : m !== v;
      if (!ok) return false;
    }
    return true;
  };
}
