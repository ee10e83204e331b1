import { cannotApply, mapValues, ModifierError, numericText, type CompareOp, type Modifier } from './types.js';

const WORDS: Record<CompareOp, string> = {
  lt: 'less than',
  lte: 'less than or equal to',
  gt: 'greater than',
  gte: 'greater than or equal to',
};

/** `lt`, `lte`, `gt`, `gte`: the field, read as a number, compared with the value. */
export function compareModifier(op: CompareOp): Modifier {
  return {
    summary: `the field is a number ${WORDS[op]} the value`,
    apply: (plan) =>
      mapValues(plan, (v) => {
        if (v.kind !== 'number' && v.kind !== 'pattern') throw cannotApply(op, v);
        const n = numericText(v);
        if (n === undefined || !Number.isFinite(n)) throw new ModifierError(`modifier '${op}' needs a number`);
        return { kind: 'compare', op, value: n };
      }),
  };
}
