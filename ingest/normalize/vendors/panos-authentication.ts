import { at, common, HEADER, merge, panUser } from './panos-fields.js';
import type { VendorContext, VendorFields } from './types.js';
import { compact, count, ip } from './util.js';
import { userAgent } from '../user-agent.js';

/**
 * AUTHENTICATION log columns (0-based, after the common header), as PAN-OS 10.1–11.x's
 * "Authentication Log Fields" order them and Elastic's panw authentication pipeline reads them.
 */
const A = {
  vsys: 7,
  ip: 8,
  user: 9,
  normalizeUser: 10,
  object: 11,
  policy: 12,
  authId: 14,
  vendor: 15,
  serverProfile: 17,
  description: 18,
  clientType: 19,
  eventType: 20,
  factor: 21,
  seqno: 22,
  deviceName: 29,
  protocol: 31,
  ruleUuid: 32,
  highRes: 33,
  srcHost: 40,
  userAgent: 44,
} as const;

/**
 * An Authentication Policy log line (a user authenticated for a protected resource). Elastic's
 * pipeline writes every such line as a successful authentication; so does Vigil.
 */
export function panosAuthentication(f: readonly string[], ctx: VendorContext): VendorFields {
  const user = panUser(at(f, A.user));
  const normalized = at(f, A.normalizeUser);
  const domain = user?.domain ?? panUser(normalized)?.domain;
  const who = user && compact({ name: user.name, domain });
  const src = ip(at(f, A.ip));
  const hosts = [at(f, A.deviceName), at(f, A.srcHost)].filter((h): h is string => h !== undefined);
  return merge(
    common(f, ctx, A.deviceName, A.highRes),
    compact({
      event: {
        category: ['authentication'],
        type: ['start'],
        outcome: 'success',
        sequence: count(at(f, A.seqno)),
      },
      source: compact({ ip: src, user: who }),
      user: who,
      rule: { name: at(f, A.policy), uuid: at(f, A.ruleUuid) },
      user_agent: userAgent(at(f, A.userAgent)),
      network: { type: src === undefined ? undefined : src.includes(':') ? 'ipv6' : 'ipv4' },
      related: compact({
        hosts: hosts.length > 0 ? [...new Set(hosts)] : undefined,
        user: normalized !== undefined && normalized !== user?.name ? [normalized] : undefined,
      }),
      labels: {
        log_type: 'AUTHENTICATION',
        log_subtype: at(f, HEADER.subtype),
        vsys: at(f, A.vsys),
        object: at(f, A.object),
        auth_id: at(f, A.authId),
        auth_vendor: at(f, A.vendor),
        auth_protocol: at(f, A.protocol),
        server_profile: at(f, A.serverProfile),
        client_type: at(f, A.clientType),
        event_type: at(f, A.eventType),
        factor_number: at(f, A.factor),
        description: at(f, A.description),
      },
    }) as VendorFields,
  );
}
