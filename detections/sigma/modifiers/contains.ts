import { withAny } from '../pattern.js';
import { mapPatterns, type Modifier } from './types.js';

export const contains: Modifier = {
  summary: 'the value may appear anywhere in the field (puts * wildcards around it)',
  apply: (plan) => mapPatterns(plan, 'contains', (parts) => withAny(parts, true, true)),
};
