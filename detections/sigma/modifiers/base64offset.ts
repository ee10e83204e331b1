import { base64Offsets, expandClasses, valueBytes } from './encoding.js';
import { alternatives, mapPatterns, ModifierError, type Modifier, type PatternValue } from './types.js';

export const base64offset: Modifier = {
  summary: 'the value is matched in Base64 at any byte offset of a longer encoded text (three forms; use with contains)',
  apply: (plan) =>
    mapPatterns(plan, 'base64offset', (p) =>
      alternatives(
        expandClasses(p.parts, 'base64offset').flatMap((parts) =>
          base64Offsets(valueBytes(p, parts, 'base64offset')).map((text): PatternValue => {
            // An empty form would match everything once wrapped by contains.
            if (text === '') throw new ModifierError("modifier 'base64offset' needs a value of at least two bytes");
            return { kind: 'pattern', parts: [text], cased: p.cased, bytes: false };
          }),
        ),
      ),
    ),
};
