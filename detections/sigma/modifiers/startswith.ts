import { withAny } from '../pattern.js';
import { mapPatterns, type Modifier } from './types.js';

export const startswith: Modifier = {
  summary: 'the field starts with the value (appends a * wildcard)',
  apply: (plan) => mapPatterns(plan, 'startswith', (parts) => withAny(parts, false, true)),
};
