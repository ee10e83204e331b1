import { parseEpoch, parseTimestamp } from '../../parsers/datetime.js';
import type { Vendor, VendorContext, VendorFields } from './types.js';
import { compact, count, endpoint, mergeInto, parseKv, transportOf } from './util.js';
import { isoString } from '../../parsers/iso.js';
import { countUnmapped } from '../unmapped.js';
import { domainParts } from '../domain.js';

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

/**
 * `@timestamp`: `date` + `time` in `tz` when the line carries a zone, as Elastic's pipeline reads
 * it; without `tz`, `eventtime` (s, ms, µs or ns since 1970, FortiOS 6.2+) is an instant while
 * `date`/`time` are a wall clock in an unknown zone, so `eventtime` wins, then `date`/`time` in the
 * input's time zone.
 */
function timeOf(kv: Record<string, string>, start: number | undefined, ctx: VendorContext): number | undefined {
  const tz = kv.tz !== undefined ? zoneOf(kv.tz) : undefined;
  if (kv.date && kv.time && tz !== undefined) {
    const t = parseTimestamp(`${kv.date} ${kv.time} ${tz}`, ctx.time);
    if (t !== undefined) return t;
  }
  if (start !== undefined) return start;
  if (kv.date && kv.time) return parseTimestamp(`${kv.date} ${kv.time}`, ctx.time);
  return undefined;
}

/** `+0100`, `-05:00`, `UTC+1:00`, `PST-8` → `±hhmm` (Elastic's pipeline accepts the same forms). */
function zoneOf(tz: string): string | undefined {
  const m = /^(?:[A-Z]{1,4})?([+-])(\d{1,2}):?(\d{2})?$/.exec(tz.trim());
  if (!m) return undefined;
  return `${m[1] as string}${(m[2] as string).padStart(2, '0')}${m[3] ?? '00'}`;
}

function eventStart(kv: Record<string, string>): number | undefined {
  return kv.eventtime ? parseEpoch(kv.eventtime) : undefined;
}

/** A value FortiOS writes for "none": Elastic's pipeline drops `N/A` values. */
function val(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === 'N/A' ? undefined : v;
}

const DIRECTION: Readonly<Record<string, string>> = { incoming: 'inbound', outgoing: 'outbound', inbound: 'inbound', outbound: 'outbound' };

/** `aa:bb:cc:dd:ee:ff` → `AA-BB-CC-DD-EE-FF` (ECS's MAC form). */
function mac(v: string | undefined): string | undefined {
  return v ? v.toUpperCase().replace(/[:.]/g, '-') : undefined;
}

/** FortiGate traffic, UTM and event logs, as Elastic's fortinet_fortigate pipeline maps them. */
export function fortigate(message: string, ctx: VendorContext): VendorFields | undefined {
  if (!sniffsFortigate(message)) return undefined;
  const kv = parseKv(message);
  const type = kv.type;
  if (type !== 'traffic' && type !== 'utm' && type !== 'event') return undefined;
  const start = eventStart(kv);
  const t = timeOf(kv, start, ctx);
  const action = val(kv.action);
  const level = val(kv.level);
  const protoNum = count(kv.proto);
  const user = val(kv.unauthuser) ?? val(kv.user);
  const msg = val(kv.msg);
  const duration = count(kv.duration);
  // Built plain, merged in place and compacted once: this runs on every FortiGate line.
  const base: Record<string, unknown> = {
    '@timestamp': t !== undefined ? isoString(t) : undefined,
    message: msg,
    observer: {
      vendor: 'Fortinet',
      product: 'Fortigate',
      type: 'firewall',
      name: val(kv.devname),
      hostname: val(kv.devname),
      serial_number: val(kv.devid),
      ingress: { interface: { name: val(kv.srcintf) } },
      egress: { interface: { name: val(kv.dstintf) } },
    },
    network: {
      transport: protoNum !== undefined ? transportOf(protoNum) : undefined,
      iana_number: val(kv.proto),
      protocol: val(kv.service)?.toLowerCase(),
      application: val(kv.app),
      direction: DIRECTION[kv.dir ?? kv.direction ?? ''],
    },
    log: { level },
    rule: { id: val(kv.policyid), uuid: val(kv.poluuid) },
    event: {
      module: 'fortinet_fortigate',
      dataset: 'fortinet_fortigate.log',
      code: val(kv.logid),
      severity: level !== undefined ? LEVEL[level] : undefined,
      start: start !== undefined ? isoString(start) : undefined,
      duration: duration !== undefined ? duration * 1_000_000_000 : undefined,
      reason: val(kv.reason),
    },
    source: { mac: mac(val(kv.srcmac)), user: { name: user, group: { name: val(kv.group) } } },
    destination: { mac: mac(val(kv.dstmac)) },
    labels: { log_type: type, log_subtype: kv.subtype, vd: kv.vd },
  };
  mergeInto(base, type === 'traffic' ? traffic(kv, action) : type === 'utm' ? utm(kv, action) : event(kv, action, msg));
  const out = compact(base) as VendorFields;
  // Elastic's pipeline means to copy source.user.name to user.name but does so before its
  // sub-pipelines set it; Vigil copies it, so that user-centric content sees FortiGate users.
  const sourceUser = (out.source?.user as { name?: string } | undefined)?.name;
  if (sourceUser !== undefined && out.user?.name === undefined) {
    if (out.user) out.user.name = sourceUser;
    else out.user = { name: sourceUser };
  }
  return out;
}

/** Sessions: `event.action` is the session's action; every type says connection, then how it ended. */
function traffic(kv: Record<string, string>, action: string | undefined): VendorFields {
  const denied = kv.utmaction === 'block' || action === 'deny';
  const type = ['connection'];
  if (action === 'start') type.push('start');
  else if (action !== undefined) type.push('end');
  if (kv.app !== undefined && action !== 'deny') type.push('protocol');
  if (kv.utmaction === undefined && action !== 'deny') type.push('allowed');
  if (denied) type.push('denied');
  const src = endpoint(kv.srcip, kv.srcport);
  const dst = endpoint(kv.dstip, kv.dstport);
  const sentbyte = count(kv.sentbyte);
  const rcvdbyte = count(kv.rcvdbyte);
  const sentpkt = count(kv.sentpkt);
  const rcvdpkt = count(kv.rcvdpkt);
  return {
    event: { kind: 'event', action, category: ['network'], type, outcome: action !== undefined ? 'success' : undefined },
    source: {
      ip: src?.ip,
      port: src?.port,
      bytes: sentbyte,
      packets: sentpkt,
      nat: endpoint(kv.transip, kv.transport),
      domain: val(kv.srcdomain),
    },
    destination: {
      ip: dst?.ip,
      port: dst?.port,
      bytes: rcvdbyte,
      packets: rcvdpkt,
      nat: endpoint(kv.tranip, kv.tranport),
      address: val(kv.dstname),
    },
    network: {
      bytes: sentbyte !== undefined && rcvdbyte !== undefined ? sentbyte + rcvdbyte : undefined,
      packets: sentpkt !== undefined && rcvdpkt !== undefined ? sentpkt + rcvdpkt : undefined,
    },
    rule: {
      name: val(kv.policyname),
      ruleset: val(kv.policytype),
      category: val(kv.appcat)?.replace(/\./g, '-'),
      description: val(kv.comment),
    },
    url: { path: val(kv.url) },
    file: { name: val(kv.filename) },
  } as VendorFields;
}

/** UTM (ips, webfilter, virus, app-ctrl, dns, …): `event.action` is the `eventtype` (signature, ftgd_blk, infected). */
function utm(kv: Record<string, string>, action: string | undefined): VendorFields {
  const type: string[] = [];
  if (action === 'block' || action === 'blocked') type.push('denied');
  if (kv.subtype === 'dns') type.push('info');
  if (action === 'pass' || action === 'passthrough') type.push('allowed');
  const src = endpoint(val(kv.locip) ?? kv.srcip, kv.locport ?? kv.src_port ?? kv.srcport);
  const dst = endpoint(kv.dstip ?? kv.remip, kv.dst_port ?? kv.remport ?? kv.dstport);
  const resolved = val(kv.ipaddr)?.split(', ');
  return {
    event: {
      kind: 'event',
      action: val(kv.eventtype),
      category: ['network'],
      type: type.length > 0 ? type : undefined,
      outcome: action !== undefined ? 'success' : undefined,
      id: val(kv.eventid),
      // Elastic keeps the signature or virus name under fortinet.firewall.*, which Vigil does not write.
      reason: val(kv.attack) ?? val(kv.virus),
    },
    source: { ip: src?.ip, port: src?.port, bytes: count(kv.sentbyte), domain: val(kv.srcdomain) },
    destination: { ip: dst?.ip, port: dst?.port, bytes: count(kv.rcvdbyte) },
    url: { domain: val(kv.hostname), path: val(kv.url) },
    file: { name: val(kv.filename) ?? val(kv.infectedfilename) ?? val(kv.matchedfilename), extension: val(kv.filetype) },
    http: { request: { method: val(kv.httpmethod), referrer: val(kv.referralurl) } },
    user_agent: { original: val(kv.agent) },
    rule: {
      category: (val(kv.appcat) ?? val(kv.catdesc))?.replace(/\./g, '-'),
      ruleset: val(kv.applist) ?? val(kv.profile),
    },
    dns: {
      id: val(kv.xid),
      question: { name: val(kv.qname), type: val(kv.qtype), class: val(kv.qclass), ...domainParts(val(kv.qname)) },
      resolved_ip: resolved && resolved.length > 0 ? resolved : undefined,
    },
  } as VendorFields;
}

const LOGON = new Set(['FSSO-logon', 'auth-logon']);
const LOGOFF = new Set(['FSSO-logoff', 'auth-logout']);

/** `Administrator admin logged in successfully from https(10.1.1.1)`, `… login failed from ssh(10.1.1.9) because …`. */
const ADMIN_LOGIN = /^(\S+) (\S+) (?:logged in|login) (\S+) from [^(]*\(([^)]+)\)/;

/** System, user, vpn, update, … events: categorized by subtype and action; admin logins as Elastic's login pipeline reads them. */
function event(kv: Record<string, string>, action: string | undefined, msg: string | undefined): VendorFields {
  const subtype = kv.subtype;
  const category: string[] = [];
  const type: string[] = [];
  let outcome: string | undefined;
  if (kv.result === 'ERROR' || kv.status === 'negotiate_error') outcome = 'failure';
  if (kv.result === 'OK' || (action !== undefined && (LOGON.has(action) || LOGOFF.has(action)))) outcome = 'success';
  if (action !== undefined && LOGON.has(action)) type.push('start');
  if (action !== undefined && LOGOFF.has(action)) type.push('end');
  if (subtype === 'vpn') {
    type.push('connection');
    category.push('network');
  }
  if (action === 'perf-stats') {
    type.push('info');
    category.push('host');
  }
  if (subtype === 'update') {
    type.push('info');
    category.push('host', 'malware');
  }
  if (subtype === 'user') category.push('authentication');
  // Not in Elastic's pipeline: a configuration change (`cfgpath`) is a configuration event.
  if (kv.cfgpath !== undefined && category.length === 0) {
    category.push('configuration');
    type.push('change');
  }
  // Elastic's pipeline leaves event.action unset here unless the line is a login; Vigil falls back to the device's action.
  let eventAction = val(kv.eventtype);
  let userName: string | undefined;
  let loginIp: string | undefined;
  // Elastic reads `msg` only; lines without one (older FortiOS) are read by their `logdesc`.
  const lower = (msg ?? val(kv.logdesc))?.toLowerCase();
  if (lower !== undefined && (lower.includes('login') || lower.includes('logged in'))) {
    eventAction ??= 'login';
    if (!category.includes('authentication')) category.push('authentication');
    const m = msg !== undefined ? ADMIN_LOGIN.exec(msg) : null;
    if (m) {
      userName = m[2];
      loginIp = m[4];
      const word = (m[3] as string).toLowerCase();
      outcome = word.startsWith('fail') ? 'failure' : word.startsWith('success') ? 'success' : outcome;
    }
    userName ??= val(kv.user);
    if (!m && outcome === undefined)
      outcome = kv.status === 'success' ? 'success' : kv.status === 'failed' || kv.status === 'failure' ? 'failure' : undefined;
  }
  eventAction ??= action;
  if (category.length === 0) countUnmapped('fortigate', `${kv.type ?? ''}/${subtype ?? ''}/${action ?? ''}`);
  const uiIp = /\(([0-9A-Fa-f:.]+)\)/.exec(kv.ui ?? '')?.[1];
  let source = endpoint(kv.srcip ?? val(kv.locip) ?? loginIp ?? uiIp, kv.srcport ?? kv.locport);
  let destination = endpoint(kv.dstip ?? kv.remip, kv.dstport ?? kv.remport);
  let sourceUser = val(kv.user);
  if (subtype === 'vpn') {
    // The remote end (remip) is the client: Elastic's pipeline swaps the sides for vpn events.
    [source, destination] = [destination, source];
    sourceUser = val(kv.eapuser) ?? val(kv.xauthuser) ?? sourceUser;
  }
  return {
    event: {
      kind: 'event',
      action: eventAction,
      category: category.length > 0 ? category : undefined,
      type: type.length > 0 ? type : undefined,
      outcome,
    },
    message: msg === undefined ? val(kv.logdesc) : undefined,
    user: userName !== undefined ? { name: userName } : undefined,
    source: { ip: source?.ip, port: source?.port, address: val(kv.saddr), user: { name: sourceUser } },
    destination: { ip: destination?.ip, port: destination?.port, address: val(kv.daddr) ?? val(kv.dst_host), bytes: count(kv.rcvdbyte) },
    rule: { description: val(kv.logdesc) },
    url: { domain: val(kv.hostname) },
  } as VendorFields;
}

// The substring test first: most lines of other vendors have no `logid=` at all.
export const fortigateVendor: Vendor = { sniff: (m) => m.includes('logid=') && sniffsFortigate(m), normalize: fortigate };
