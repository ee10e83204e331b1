import { cannotApply, mapValues, ModifierError, numericText, type Modifier, type TimePart } from './types.js';

/** The range of each part (Sigma 2.1 time modifiers; weeks are ISO 8601 weeks, up to 53). */
const RANGES: Record<TimePart, [number, number]> = {
  minute: [0, 59],
  hour: [0, 23],
  day: [1, 31],
  week: [1, 53],
  month: [1, 12],
  year: [0, 9999],
};

/**
 * `minute` … `year`: the field is a timestamp (ISO 8601 text as written, no time-zone
 * conversion; or epoch seconds/milliseconds, read as UTC) and this part of it is compared
 * with the value, for equality or with `lt`/`lte`/`gt`/`gte`.
 */
export function timePartModifier(part: TimePart): Modifier {
  const [lo, hi] = RANGES[part];
  return {
    summary: `the ${part} of the field's timestamp equals (or compares with) the value, ${lo}–${hi}`,
    apply(plan) {
      if (plan.timePart) throw new ModifierError(`modifier '${part}' cannot follow '${plan.timePart}': one time part per field`);
      const values = mapValues(plan, (v) => {
        if (v.kind === 'compare') return v;
        if (v.kind !== 'number' && v.kind !== 'pattern') throw cannotApply(part, v);
        const n = numericText(v);
        if (n === undefined || !Number.isInteger(n) || n < lo || n > hi) {
          throw new ModifierError(`modifier '${part}' needs a whole number from ${lo} to ${hi}`);
        }
        return { kind: 'number', value: n };
      });
      return { ...values, timePart: part };
    },
  };
}
