import { mapValues, ModifierError, mustBeFirst, type Modifier } from './types.js';

export const exists: Modifier = {
  summary: 'the field is present (true) or absent (false) in the event, whatever its value, null included',
  apply(plan, ctx) {
    if (ctx.field === null) throw new ModifierError("modifier 'exists' needs a field");
    mustBeFirst('exists', ctx);
    return mapValues(plan, (v) => {
      if (v.kind === 'boolean') return { kind: 'exists', value: v.value };
      const text = v.kind === 'pattern' ? v.raw?.toLowerCase() : undefined;
      if (text === 'true' || text === 'false') return { kind: 'exists', value: text === 'true' };
      throw new ModifierError("modifier 'exists' takes true or false");
    });
  },
};
