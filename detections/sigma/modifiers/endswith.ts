import { withAny } from '../pattern.js';
import { mapPatterns, type Modifier } from './types.js';

export const endswith: Modifier = {
  summary: 'the field ends with the value (prepends a * wildcard)',
  apply: (plan) => mapPatterns(plan, 'endswith', (parts) => withAny(parts, true, false)),
};
