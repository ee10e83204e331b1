import { asPattern, mapValues, ModifierError, type Modifier } from './types.js';

export const cased: Modifier = {
  summary: 'the value is matched case-sensitively (Sigma matches strings case-insensitively by default)',
  apply: (plan) =>
    mapValues(plan, (v) => {
      if (v.kind === 'regex') {
        throw new ModifierError("modifier 'cased' does not apply to a regular expression: 're' is case-sensitive unless 'i' is given");
      }
      if (v.kind === 'fieldref') return { ...v, cased: true };
      return { ...asPattern(v, 'cased'), cased: true };
    }),
};
