import { cannotApply, mapValues, ModifierError, mustBeFirst, type Modifier, type RegexValue } from './types.js';

export const re: Modifier = {
  summary: 'the value is a regular expression (RE2 syntax, case-sensitive, matched anywhere in the field)',
  apply(plan, ctx) {
    mustBeFirst('re', ctx);
    return mapValues(plan, (v): RegexValue => {
      const source = v.kind === 'pattern' ? v.raw : v.kind === 'number' ? String(v.value) : undefined;
      if (source === undefined) throw cannotApply('re', v);
      return { kind: 'regex', source, flags: { i: false, m: false, s: false }, anchorStart: false, anchorEnd: false };
    });
  },
};

/** The `i`, `m` and `s` sub-modifiers of `re`. */
export function regexFlag(name: string, flag: keyof RegexValue['flags'], summary: string): Modifier {
  return {
    summary,
    apply: (plan) =>
      mapValues(plan, (v) => {
        if (v.kind !== 'regex') throw new ModifierError(`modifier '${name}' is a flag of 're' and must come after it`);
        return { ...v, flags: { ...v.flags, [flag]: true } };
      }),
  };
}
