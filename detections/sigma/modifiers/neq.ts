import type { Modifier } from './types.js';

export const neq: Modifier = {
  summary: 'the field differs from every value (negates the item; a missing field differs too)',
  apply: (plan) => ({ ...plan, negate: true }),
};
