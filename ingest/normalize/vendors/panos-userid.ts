import { at, common, HEADER, merge, panUser } from './panos-fields.js';
import type { VendorContext, VendorFields } from './types.js';
import { compact, count, ip, port } from './util.js';

/**
 * USERID log columns (0-based, after the common header), as PAN-OS 10.1–11.x's "User-ID Log
 * Fields" order them and Elastic's panw userid pipeline reads them.
 */
const U = {
  vsys: 7,
  ip: 8,
  user: 9,
  dataSourceName: 10,
  eventId: 11,
  repeatCount: 12,
  timeout: 13,
  sport: 14,
  dport: 15,
  dataSource: 16,
  dataSourceType: 17,
  seqno: 18,
  deviceName: 25,
  factorType: 27,
  factorNumber: 29,
  userBySource: 31,
  tag: 32,
  highRes: 33,
} as const;

/**
 * A User-ID mapping (an address learned to belong to a user, or released): Elastic files it as
 * `network` and `iam`, the mapped user as `source.user` and `user`.
 */
export function panosUserId(f: readonly string[], ctx: VendorContext): VendorFields {
  const user = panUser(at(f, U.user)) ?? panUser(at(f, U.userBySource));
  const src = ip(at(f, U.ip));
  return merge(
    common(f, ctx, U.deviceName, U.highRes),
    compact({
      event: {
        category: ['network', 'iam'],
        type: ['info'],
        code: at(f, U.eventId),
        sequence: count(at(f, U.seqno)),
      },
      source: compact({ ip: src, port: src ? port(at(f, U.sport)) : undefined, user }),
      destination: { port: port(at(f, U.dport)) },
      user,
      network: { type: src === undefined ? undefined : src.includes(':') ? 'ipv6' : 'ipv4' },
      labels: {
        log_type: 'USERID',
        log_subtype: at(f, HEADER.subtype),
        vsys: at(f, U.vsys),
        data_source: at(f, U.dataSource),
        data_source_name: at(f, U.dataSourceName),
        data_source_type: at(f, U.dataSourceType),
        repeat_count: at(f, U.repeatCount),
        timeout: at(f, U.timeout),
        factor_type: at(f, U.factorType),
        factor_number: at(f, U.factorNumber),
        user_by_source: at(f, U.userBySource),
        tag: at(f, U.tag),
      },
    }) as VendorFields,
  );
}
