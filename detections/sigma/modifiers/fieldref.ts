import { isPlain } from '../pattern.js';
import { cannotApply, mapValues, ModifierError, type Modifier } from './types.js';

export const fieldref: Modifier = {
  summary: "the value names another field of the event; the field must equal that field's value",
  apply(plan, ctx) {
    if (ctx.field === null) throw new ModifierError("modifier 'fieldref' needs a field");
    return mapValues(plan, (v) => {
      if (v.kind !== 'pattern') throw cannotApply('fieldref', v);
      if (!isPlain(v.parts)) throw new ModifierError("modifier 'fieldref' takes a field name, without wildcards");
      const field = v.parts.join('');
      if (field === '') throw new ModifierError("modifier 'fieldref' takes a field name, not an empty string");
      return { kind: 'fieldref', field, position: 'equals', cased: v.cased };
    });
  },
};
