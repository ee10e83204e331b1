import { withAny } from '../pattern.js';
import { asPattern, mapValues, type Modifier } from './types.js';

export const contains: Modifier = {
  summary: 'the value may appear anywhere in the field (puts * wildcards around it)',
  apply: (plan) =>
    mapValues(plan, (v) => {
      if (v.kind === 'regex') return v; // a regex already matches anywhere in the value
      if (v.kind === 'fieldref') return { ...v, position: 'contains' };
      const p = asPattern(v, 'contains');
      return { ...p, parts: withAny(p.parts, true, true) };
    }),
};
