import { parseEpoch, parseTimestamp } from '../../parsers/datetime.js';
import type { Vendor, VendorContext, VendorFields } from './types.js';
import { compact, count, deepMerge, endpoint, parseKv, transportOf } from './util.js';
import { isoString } from '../../parsers/iso.js';

/**
 * Fortinet FortiGate (FortiOS 6.x–7.x "Log Message Reference"): `key=value` pairs, values quoted
 * when they hold spaces. `type=traffic` (sessions), `type=utm` (av, ips, webfilter, app-ctrl, …),
 * `type=event` (system, user, vpn). FortiOS usually sends no syslog TAG, so it is recognised by
 * its fields (`logid=` and `type=`).
 */
const LOGID = /(?:^|\s)logid="?\d{10}"?\s/g;
const TYPE = /\btype="?(?:traffic|utm|event)/g;
const LINE_END = /[\n\r\u2028\u2029]/g;

/**
 * Whether `message` has a `logid=` field followed on the same line by a `type=` this module
 * reads: what `/(?:^|\s)logid="?\d{10}"?\s.*\btype="?(?:traffic|utm|event)"?/` tests, in linear
 * time. That regex would run its `.*` to the end of the line from every `logid=` (quadratic in a
 * line of many); here each `type=` search is reused for every `logid=` before it, and a line whose
 * first `logid=` has no `type=` after it is skipped whole.
 */
export function sniffsFortigate(message: string): boolean {
  LOGID.lastIndex = 0;
  let type: RegExpExecArray | null | undefined;
  for (let m = LOGID.exec(message); m; m = LOGID.exec(message)) {
    const from = m.index + m[0].length;
    if (type === undefined || (type !== null && type.index < from)) {
      TYPE.lastIndex = from;
      type = TYPE.exec(message);
    }
    if (type === null) return false;
    LINE_END.lastIndex = from;
    const end = LINE_END.exec(message)?.index ?? message.length;
    if (type.index < end) return true;
    LOGID.lastIndex = end;
  }
  return false;
}

const LEVEL: Readonly<Record<string, number>> = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  information: 6,
  debug: 7,
};

/** `eventtime` (s, ms, µs or ns since 1970, in FortiOS 6.2+), else `date` + `time` (+ `tz`). */
function timeOf(kv: Record<string, string>, ctx: VendorContext): number | undefined {
  if (kv.eventtime) {
    const t = parseEpoch(kv.eventtime);
    if (t !== undefined) return t;
  }
  if (kv.date && kv.time) {
    const tz = kv.tz && /^[+-]\d{4}$/.test(kv.tz) ? ` ${kv.tz}` : '';
    return parseTimestamp(`${kv.date} ${kv.time}${tz}`, ctx.time);
  }
  return undefined;
}

/** FortiGate traffic, UTM and event logs. */
export function fortigate(message: string, ctx: VendorContext): VendorFields | undefined {
  if (!sniffsFortigate(message)) return undefined;
  const kv = parseKv(message);
  const type = kv.type;
  if (type !== 'traffic' && type !== 'utm' && type !== 'event') return undefined;
  const t = timeOf(kv, ctx);
  const action = kv.action;
  const protoNum = count(kv.proto);
  const level = kv.level;
  const base = compact({
    ...(t !== undefined ? { '@timestamp': isoString(t) } : {}),
    observer: { vendor: 'Fortinet', product: 'FortiGate', type: 'firewall', hostname: kv.devname, serial_number: kv.devid },
    source: endpoint(kv.srcip, kv.srcport),
    destination: endpoint(kv.dstip, kv.dstport),
    network: {
      transport: protoNum !== undefined ? transportOf(protoNum) : undefined,
      iana_number: kv.proto,
      application: (kv.app ?? kv.service)?.toLowerCase(),
    },
    log: { level },
    rule: { id: kv.policyid, name: kv.policyname },
    event: {
      module: 'fortinet',
      dataset: 'fortinet.firewall',
      code: kv.logid,
      action,
      severity: level !== undefined ? LEVEL[level] : undefined,
    },
    labels: { log_type: type, log_subtype: kv.subtype, vd: kv.vd },
  }) as VendorFields;

  let specific: VendorFields;
  if (type === 'traffic') {
    const denied =
      action === 'deny' ||
      action === 'blocked' ||
      action === 'block' ||
      action === 'drop' ||
      action === 'server-rst' ||
      action === 'client-rst';
    const end = action === 'close' || action === 'timeout' || action === 'client-rst' || action === 'server-rst';
    const dir = kv.dir ?? kv.direction;
    const sentbyte = count(kv.sentbyte);
    const rcvdbyte = count(kv.rcvdbyte);
    specific = compact({
      event: {
        category: ['network'],
        type: ['connection', denied ? 'denied' : 'allowed', ...(action === 'start' ? ['start'] : end && !denied ? ['end'] : [])],
        outcome: denied ? 'failure' : 'success',
        duration: count(kv.duration) !== undefined ? Number(kv.duration) * 1_000_000_000 : undefined,
      },
      source: { bytes: sentbyte, packets: count(kv.sentpkt), nat: endpoint(kv.transip, kv.transport) },
      destination: { bytes: rcvdbyte, packets: count(kv.rcvdpkt) },
      network: {
        bytes: sentbyte !== undefined && rcvdbyte !== undefined ? sentbyte + rcvdbyte : undefined,
        direction: dir === 'incoming' ? 'inbound' : dir === 'outgoing' ? 'outbound' : undefined,
      },
      observer: { ingress: { interface: { name: kv.srcintf } }, egress: { interface: { name: kv.dstintf } } },
    }) as VendorFields;
  } else if (type === 'utm') {
    const blocked = action === 'blocked' || action === 'block' || action === 'dropped' || action === 'reset' || action === 'deny';
    specific = compact({
      event: {
        kind: 'alert',
        category: ['intrusion_detection', 'network'],
        type: [blocked ? 'denied' : 'allowed'],
        reason: kv.attack ?? kv.virus ?? kv.msg,
      },
      url: kv.url ? { original: kv.hostname ? `${kv.hostname}${kv.url}` : kv.url, path: kv.url } : undefined,
      file: { name: kv.filename },
      user: { name: kv.user },
    }) as VendorFields;
  } else {
    const status = kv.status;
    const loginLike = action === 'login' || action === 'logout' || /(?:login|logon|auth)/i.test(kv.logdesc ?? '');
    const outcome = status === 'success' ? 'success' : status === 'failed' || status === 'failure' ? 'failure' : undefined;
    specific = compact({
      message: kv.msg ?? kv.logdesc,
      event: loginLike
        ? { category: ['authentication'], type: [action === 'logout' ? 'end' : 'start'], outcome, reason: kv.reason }
        : { category: ['configuration'], type: ['info'], outcome },
      user: { name: kv.user },
      source: endpoint(kv.srcip ?? /\(([0-9A-Fa-f:.]+)\)/.exec(kv.ui ?? '')?.[1]),
    }) as VendorFields;
  }
  return deepMerge(base, specific);
}

// The substring test first: most lines of other vendors have no `logid=` at all.
export const fortigateVendor: Vendor = { sniff: (m) => m.includes('logid=') && sniffsFortigate(m), normalize: fortigate };
