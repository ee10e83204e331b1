import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { ianaNumberOf } from './vendors/util.js';

/**
 * ICMP types whose reply is another type (echo ↔ echo reply, …): both directions of such an
 * exchange are one flow. Community ID spec v1, "ICMP and ICMPv6".
 */
// prettier-ignore
const ICMP4_PAIRS: Readonly<Record<number, number>> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17 };
// prettier-ignore
const ICMP6_PAIRS: Readonly<Record<number, number>> = {
  128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 144: 145, 145: 144, 146: 147, 147: 146,
};

function addressBytes(ip: string): Buffer | undefined {
  const v = isIP(ip);
  if (v === 4) return Buffer.from(ip.split('.').map(Number));
  if (v !== 6) return undefined;
  let text = ip;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail) {
    const b = (v4tail[1] as string).split('.').map(Number);
    text = `${text.slice(0, v4tail.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/**
 * The Community ID (v1, seed 0) of a flow: `1:` + base64 SHA-1 of the ordered 5-tuple, the
 * value Zeek's and Suricata's community-id output and Elastic's `community_id` processor write.
 * Undefined when the tuple is incomplete (an address that is not an IP, ports missing for a
 * port-based protocol). For ICMP, `sport`/`dport` are the type and code.
 */
export function communityId(
  transport: string | undefined,
  srcIp: string | undefined,
  dstIp: string | undefined,
  sport: number | undefined,
  dport: number | undefined,
): string | undefined {
  if (!transport || !srcIp || !dstIp) return undefined;
  const src = addressBytes(srcIp);
  const dst = addressBytes(dstIp);
  let proto = ianaNumberOf(transport);
  if (proto === undefined || !src || !dst || src.length !== dst.length) return undefined;
  // Zeek logs ICMPv6 as `icmp`.
  if (proto === 1 && src.length === 16) proto = 58;
  const portBased = proto === 6 || proto === 17 || proto === 132;
  const icmp = proto === 1 || proto === 58;
  if ((portBased || icmp) && (sport === undefined || dport === undefined)) return undefined;
  let sp = sport ?? 0;
  let dp = dport ?? 0;
  let oneWay = false;
  if (icmp) {
    const pair = (proto === 1 ? ICMP4_PAIRS : ICMP6_PAIRS)[sp];
    if (pair !== undefined) dp = pair;
    else oneWay = true;
  }
  let [a, b] = [src, dst];
  const cmp = Buffer.compare(src, dst);
  if (!oneWay && (cmp > 0 || (cmp === 0 && sp > dp))) {
    [a, b] = [dst, src];
    [sp, dp] = [dp, sp];
  }
  const head = Buffer.from([0, 0]);
  const protoPad = Buffer.from([proto, 0]);
  const ports = Buffer.alloc(portBased || icmp ? 4 : 0);
  if (portBased || icmp) {
    ports.writeUInt16BE(sp & 0xffff, 0);
    ports.writeUInt16BE(dp & 0xffff, 2);
  }
  const digest = createHash('sha1')
    .update(Buffer.concat([head, a, b, protoPad, ports]))
    .digest('base64');
  return `1:${digest}`;
}
