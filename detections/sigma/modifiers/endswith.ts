import { withAny } from '../pattern.js';
import { asPattern, mapValues, type Modifier } from './types.js';

export const endswith: Modifier = {
  summary: 'the field ends with the value (prepends a * wildcard; anchors a regex at the end)',
  apply: (plan) =>
    mapValues(plan, (v) => {
      if (v.kind === 'regex') return { ...v, anchorEnd: true };
      if (v.kind === 'fieldref')
        return { ...v, position: v.position === 'startswith' || v.position === 'contains' ? 'contains' : 'endswith' };
      const p = asPattern(v, 'endswith');
      return { ...p, parts: withAny(p.parts, true, false) };
    }),
};
