import { parsePattern, type PatternPart } from '../pattern.js';
import { alternatives, mapPatterns, ModifierError, type Modifier, type PatternValue, type Placeholders, type SigmaValue } from './types.js';

/** `%name%`: what pySigma calls a placeholder (letters, digits, `_`, `-`, `.`). */
const PLACEHOLDER = /%([\w.-]+)%/g;
/** Several placeholders in one value multiply; past this many combinations the rule is refused. */
const MAX_VARIANTS = 10_000;

/** Every placeholder of the plan that has no configured value, so that one error names them all. */
function missing(values: readonly SigmaValue[], placeholders: Placeholders | undefined, out: Set<string>): Set<string> {
  for (const v of values) {
    if (v.kind === 'any') missing(v.values, placeholders, out);
    if (v.kind !== 'pattern') continue;
    for (const part of v.parts) {
      if (typeof part !== 'string') continue;
      for (const m of part.matchAll(PLACEHOLDER)) if (placeholders?.[m[1] as string] === undefined) out.add(m[1] as string);
    }
  }
  return out;
}

export const expand: Modifier = {
  summary: "'%name%' placeholders in the value are replaced by the values configured for them (any may match)",
  apply(plan, ctx) {
    const absent = [...missing(plan.values, ctx.placeholders, new Set())];
    if (absent.length > 0) {
      const names = absent.map((n) => `'%${n}%'`).join(', ');
      throw new ModifierError(
        absent.length === 1
          ? `placeholder ${names} has no value: configure it under 'placeholders' (a value or a list of values for '${absent[0]}')`
          : `placeholders ${names} have no value: configure them under 'placeholders' (a value or a list of values for each)`,
        'placeholder',
      );
    }
    return mapPatterns(plan, 'expand', (p) => {
      let variants: { parts: PatternPart[]; raw: string }[] = [{ parts: [], raw: '' }];
      let found = false;
      for (const part of p.parts) {
        if (typeof part !== 'string') {
          for (const v of variants) v.parts.push(part);
          continue;
        }
        let last = 0;
        for (const m of part.matchAll(PLACEHOLDER)) {
          found = true;
          const name = m[1] as string;
          const given = ctx.placeholders?.[name] as string | readonly string[];
          const list = typeof given === 'string' ? [given] : given;
          if (list.length === 0) throw new ModifierError(`placeholder '%${name}%' is configured with an empty list`, 'placeholder');
          if (variants.length * list.length > MAX_VARIANTS) {
            throw new ModifierError(`the placeholders of this value expand into more than ${MAX_VARIANTS} values`);
          }
          const before = part.slice(last, m.index);
          last = (m.index as number) + m[0].length;
          variants = variants.flatMap((v) =>
            list.map((text) => ({ parts: [...v.parts, before, ...parsePattern(text)], raw: v.raw + before + text })),
          );
        }
        const rest = part.slice(last);
        for (const v of variants) {
          v.parts.push(rest);
          v.raw += rest;
        }
      }
      if (!found) return p;
      return alternatives(variants.map((v): PatternValue => ({ ...p, parts: v.parts.filter((x) => x !== ''), raw: v.raw })));
    });
  },
};
