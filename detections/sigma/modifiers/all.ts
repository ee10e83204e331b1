import { ModifierError, type Modifier } from './types.js';

export const all: Modifier = {
  summary: 'every value of the list must match (AND instead of the default OR)',
  apply(plan) {
    // Sigma 2.1 modifiers appendix: "Single item values are not allowed to have an all modifier".
    if (plan.values.length < 2) throw new ModifierError("modifier 'all' needs a list of at least two values");
    return { ...plan, join: 'and' };
  },
};
