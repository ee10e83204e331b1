import type { Vendor, VendorContext, VendorFields } from './types.js';
import { compact, count, endpoint } from './util.js';

/**
 * pfSense / OPNsense `filterlog` (pfSense "Filter Log Format"): one CSV line per packet decision.
 *   rule, subrule, anchor, tracker, interface, reason, action, direction, ipversion,
 *   IPv4: tos, ecn, ttl, id, offset, flags, protonum, proto, length, src, dst
 *   IPv6: class, flowlabel, hoplimit, proto, protonum, length, src, dst
 *   then per protocol — tcp/udp: srcport, dstport, datalen[, tcpflags, seq, ack, window, urg, options];
 *   icmp: icmptype, then type-specific fields.
 */
export function pfsense(message: string, ctx?: VendorContext): VendorFields | undefined {
  const f = message.split(',');
  if (f.length < 17) return undefined;
  const [rule, , , tracker, iface, reason, action, dir, ver] = f as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  let proto: string;
  let protoNum: string;
  let length: string | undefined;
  let src: string;
  let dst: string;
  let rest: number;
  if (ver === '4') {
    if (f.length < 20) return undefined;
    protoNum = f[15] as string;
    proto = (f[16] as string).toLowerCase();
    length = f[17];
    src = f[18] as string;
    dst = f[19] as string;
    rest = 20;
  } else if (ver === '6') {
    proto = (f[12] as string).toLowerCase();
    protoNum = f[13] as string;
    length = f[14];
    src = f[15] as string;
    dst = f[16] as string;
    rest = 17;
  } else {
    return undefined;
  }
  if (action !== 'pass' && action !== 'block' && action !== 'reject' && action !== 'match') return undefined;
  const ported = proto === 'tcp' || proto === 'udp';
  const sport = ported ? f[rest] : undefined;
  const dport = ported ? f[rest + 1] : undefined;
  const denied = action === 'block' || action === 'reject';
  const transport = proto === 'icmpv6' || proto === 'ipv6-icmp' ? 'ipv6-icmp' : proto;
  const fields = compact({
    event: {
      module: 'pfsense',
      dataset: 'pfsense.log',
      category: ['network'],
      type: ['connection', denied ? 'denied' : 'allowed'],
      action,
      reason: reason || undefined,
    },
    observer: {
      // Spelled as Elastic's pfsense integration writes it, which Kibana's pfSense content filters on.
      vendor: 'netgate',
      product: 'pfSense',
      type: 'firewall',
      name: ctx?.hostname,
      ingress: dir === 'in' ? { interface: { name: iface } } : undefined,
      egress: dir === 'out' ? { interface: { name: iface } } : undefined,
    },
    network: {
      type: ver === '4' ? 'ipv4' : 'ipv6',
      transport,
      iana_number: protoNum,
      bytes: count(length),
      direction: dir === 'in' ? 'ingress' : dir === 'out' ? 'egress' : undefined,
    },
    source: endpoint(src, sport),
    destination: endpoint(dst, dport),
    rule: { id: tracker || rule || undefined, ruleset: undefined },
    labels:
      proto === 'tcp' && f[rest + 3]
        ? { tcp_flags: f[rest + 3] as string }
        : proto.startsWith('icmp') && f[rest]
          ? { icmp_type: f[rest] as string }
          : undefined,
  }) as VendorFields;
  if (!fields.source || !fields.destination) return undefined;
  return fields;
}

export const pfsenseVendor: Vendor = { programs: ['filterlog'], normalize: pfsense };
