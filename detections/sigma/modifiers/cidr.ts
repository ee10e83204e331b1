import { formatNetwork, parseNetwork } from '../../../core/net/ip.js';
import { isPlain } from '../pattern.js';
import { cannotApply, mapValues, ModifierError, mustBeFirst, type Modifier } from './types.js';

export const cidr: Modifier = {
  summary: 'the field is an IP address inside the network (IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8, fe80::/10)',
  apply(plan, ctx) {
    mustBeFirst('cidr', ctx, ['expand']);
    return mapValues(plan, (v) => {
      if (v.kind !== 'pattern') throw cannotApply('cidr', v);
      const text = isPlain(v.parts) ? v.parts.join('').trim() : undefined;
      const network = text === undefined ? undefined : parseNetwork(text);
      if (!network) throw new ModifierError(`'${v.raw ?? text}' is not an IPv4 or IPv6 CIDR network`);
      return { kind: 'cidr', text: formatNetwork(network) };
    });
  },
};
