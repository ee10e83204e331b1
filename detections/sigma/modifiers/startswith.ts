import { withAny } from '../pattern.js';
import { asPattern, mapValues, type Modifier } from './types.js';

export const startswith: Modifier = {
  summary: 'the field starts with the value (appends a * wildcard; anchors a regex at the start)',
  apply: (plan) =>
    mapValues(plan, (v) => {
      if (v.kind === 'regex') return { ...v, anchorStart: true };
      if (v.kind === 'fieldref')
        return { ...v, position: v.position === 'endswith' || v.position === 'contains' ? 'contains' : 'startswith' };
      const p = asPattern(v, 'startswith');
      return { ...p, parts: withAny(p.parts, false, true) };
    }),
};
