import { lookupSlot, isLookupListName, LOOKUP_LISTS } from '../lookups.js';
import { isPlain } from '../pattern.js';
import { cannotApply, mapValues, ModifierError, mustBeFirst, type Modifier } from './types.js';

export const intel: Modifier = {
  summary: `the field's value is an indicator in the live threat-intelligence list named by the value (${LOOKUP_LISTS.join(', ')})`,
  apply(plan, ctx) {
    mustBeFirst('intel', ctx);
    if (ctx.field === null) throw new ModifierError("modifier 'intel' needs a field: it looks the field's value up");
    return mapValues(plan, (v) => {
      if (v.kind !== 'pattern') throw cannotApply('intel', v);
      const name = isPlain(v.parts) ? v.parts.join('').trim().toLowerCase() : '';
      if (!isLookupListName(name)) {
        throw new ModifierError(`'${v.raw ?? name}' is not an indicator list: 'intel' takes one of ${LOOKUP_LISTS.join(', ')}`);
      }
      return { kind: 'lookup', slot: lookupSlot(name) };
    });
  },
};
