import type { PatternPart } from '../pattern.js';
import { mapPatterns, type Modifier } from './types.js';

/** `-`, `/`, en dash, em dash, horizontal bar: the characters Sigma 2.1 makes interchangeable. */
export const DASHES = '-/\u2013\u2014\u2015';
const WORD = /[\p{L}\p{N}_]/u;

/**
 * A dash that starts a command-line flag (not preceded by a word character, followed by one:
 * pySigma's `\B[-/]\b`) becomes "any of the dashes". `a-b` keeps its dash; ` -enc` does not.
 */
function splitFlags(text: string): PatternPart[] {
  const out: PatternPart[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const flag =
      DASHES.includes(c) && (i === 0 || !WORD.test(text[i - 1] as string)) && i + 1 < text.length && WORD.test(text[i + 1] as string);
    if (flag) {
      if (lit) out.push(lit);
      lit = '';
      out.push({ oneOf: DASHES });
    } else {
      lit += c;
    }
  }
  if (lit) out.push(lit);
  return out;
}

export const windash: Modifier = {
  summary: 'a command-line flag dash matches -, /, –, — or ― (Windows accepts several)',
  apply: (plan) =>
    mapPatterns(plan, 'windash', (p) => ({
      ...p,
      parts: p.parts.flatMap((part) => (typeof part === 'string' ? splitFlags(part) : [part])),
    })),
};
