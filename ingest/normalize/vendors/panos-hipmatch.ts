import { normalizeMac } from '../fields.js';
import { at, common, HEADER, merge, panUser } from './panos-fields.js';
import type { VendorContext, VendorFields } from './types.js';
import { compact, count, ip } from './util.js';

/**
 * HIPMATCH log columns (0-based, after the common header), as PAN-OS 10.1–11.x's "HIP Match Log
 * Fields" order them and Elastic's panw hipmatch pipeline reads them.
 */
const H = {
  srcUser: 7,
  vsys: 8,
  machineName: 9,
  os: 10,
  ip: 11,
  matchName: 12,
  repeatCount: 13,
  matchType: 14,
  seqno: 17,
  deviceName: 24,
  ipv6: 26,
  hostId: 27,
  serial: 28,
  mac: 29,
  highRes: 30,
} as const;

/** A GlobalProtect client's host information matched a HIP object or profile. */
export function panosHipMatch(f: readonly string[], ctx: VendorContext): VendorFields {
  const user = panUser(at(f, H.srcUser));
  const v6 = ip(at(f, H.ipv6));
  // The IPv6 column holds `0.0.0.0` when the client has no IPv6 address.
  const src = v6 !== undefined && v6 !== '0.0.0.0' ? v6 : ip(at(f, H.ip));
  const machine = at(f, H.machineName)?.toLowerCase();
  const raw = at(f, H.mac);
  const mac = raw !== undefined ? normalizeMac(raw) : undefined;
  const hosts = [at(f, H.deviceName), machine].filter((h): h is string => h !== undefined);
  return merge(
    common(f, ctx, H.deviceName, H.highRes),
    compact({
      event: { category: ['network'], type: ['info'], sequence: count(at(f, H.seqno)) },
      source: compact({ ip: src, user }),
      user,
      host: {
        id: at(f, H.hostId),
        name: machine,
        hostname: machine,
        mac: mac !== undefined ? [mac] : undefined,
        os: { full: at(f, H.os) },
      },
      network: { type: src === undefined ? undefined : src.includes(':') ? 'ipv6' : 'ipv4' },
      related: hosts.length > 0 ? { hosts: [...new Set(hosts)] } : undefined,
      labels: {
        log_type: 'HIPMATCH',
        log_subtype: at(f, HEADER.subtype),
        vsys: at(f, H.vsys),
        hip_match_name: at(f, H.matchName),
        hip_match_type: at(f, H.matchType),
        repeat_count: at(f, H.repeatCount),
        host_serial_number: at(f, H.serial),
      },
    }) as VendorFields,
  );
}
