import { expandClasses, valueBytes } from './encoding.js';
import { alternatives, mapPatterns, type Modifier } from './types.js';

export const base64: Modifier = {
  summary: 'the value is matched in its Base64 encoding (UTF-8, or the bytes of a utf16* modifier)',
  apply: (plan) =>
    mapPatterns(plan, 'base64', (p) =>
      alternatives(
        expandClasses(p.parts, 'base64').map((parts) => ({
          kind: 'pattern',
          parts: [valueBytes(p, parts, 'base64').toString('base64')],
          cased: p.cased,
          bytes: false,
        })),
      ),
    ),
};
