import { parseTimestamp } from '../../parsers/datetime.js';
import { isoString } from '../../parsers/iso.js';
import { panosAuthentication } from './panos-authentication.js';
import { panosConfig } from './panos-config.js';
import { panosDecryption } from './panos-decryption.js';
import { countUnmapped } from '../unmapped.js';
import { ALLOWED, at, common, merge, nat, panUser, verdict } from './panos-fields.js';
import { panosGlobalProtect } from './panos-globalprotect.js';
import { panosHipMatch } from './panos-hipmatch.js';
import { panosUserId } from './panos-userid.js';
import type { Vendor, VendorContext, VendorFields } from './types.js';
import { compact, count, endpoint, port, splitCsv } from './util.js';
import { userAgent } from '../user-agent.js';

/**
 * Palo Alto Networks PAN-OS syslog in the default CSV format (PAN-OS 10.1–11.x Administrator's
 * Guide, "Syslog Field Descriptions"). Positions are 0-based indexes into the CSV; only the
 * columns Vigil maps are named. Times are the firewall's local wall clock: the input's zone applies.
 */
const F = {
  receiveTime: 1,
  serial: 2,
  type: 3,
  subtype: 4,
  generatedTime: 6,
  // TRAFFIC and THREAT share 7–30
  src: 7,
  dst: 8,
  natSrc: 9,
  natDst: 10,
  rule: 11,
  srcUser: 12,
  dstUser: 13,
  app: 14,
  vsys: 15,
  fromZone: 16,
  toZone: 17,
  inIf: 18,
  outIf: 19,
  sessionId: 22,
  sport: 24,
  dport: 25,
  natSport: 26,
  natDport: 27,
  proto: 29,
  action: 30,
} as const;
// TRAFFIC only
const T = {
  bytes: 31,
  bytesSent: 32,
  bytesReceived: 33,
  packets: 34,
  start: 35,
  elapsed: 36,
  seqno: 39,
  pktsSent: 44,
  pktsReceived: 45,
  endReason: 46,
  deviceName: 52,
  highRes: 102,
} as const;
// THREAT only
const TH = {
  misc: 31,
  threatId: 32,
  category: 33,
  severity: 34,
  direction: 35,
  seqno: 36,
  userAgent: 46,
  xff: 48,
  referer: 49,
  deviceName: 59,
  httpMethod: 63,
  highRes: 107,
} as const;
// SYSTEM
const S = { vsys: 7, eventId: 8, object: 9, module: 12, severity: 13, description: 14, seqno: 15, deviceName: 22, highRes: 25 } as const;

// `event.severity` as Elastic's panw pipeline numbers PAN-OS severities (1 is the most severe).
const SEVERITY: Readonly<Record<string, number>> = { critical: 1, high: 2, medium: 3, low: 4, informational: 5 };

const TRAFFIC_ACTION: Readonly<Record<string, string>> = {
  start: 'flow_started',
  end: 'flow_terminated',
  drop: 'flow_dropped',
  deny: 'flow_denied',
};
const THREAT_ACTION: Readonly<Record<string, string>> = {
  data: 'data_match',
  file: 'file_match',
  flood: 'flood_detected',
  packet: 'packet_attack',
  scan: 'scan_detected',
  spyware: 'spyware_detected',
  url: 'url_filtering',
  virus: 'virus_detected',
  vulnerability: 'exploit_detected',
  wildfire: 'wildfire_verdict',
  'wildfire-virus': 'wildfire_virus_detected',
};

/**
 * Where the log types Vigil does not map yet keep the device name and the high-resolution
 * timestamp (0-based), from PAN-OS 10.1–11.x's field descriptions and Elastic's panw pipelines for
 * them (`ip_tag`, `gtp`, `sctp`, `tunnel_inspection`, which Elastic routes by the types `START`
 * and `END`), so that their `@timestamp` and `observer.hostname` agree with Elastic's. GTP logs
 * carry no device name.
 */
const UNMAPPED_COLUMNS: Readonly<Record<string, { deviceName?: number; highRes: number }>> = {
  IPTAG: { deviceName: 23, highRes: 25 },
  GTP: { highRes: 83 },
  SCTP: { deviceName: 37, highRes: 64 },
  START: { deviceName: 41, highRes: 71 },
  END: { deviceName: 41, highRes: 71 },
};

/** `1,2026/11/20 09:14:03,0123456789,TRAFFIC,…` */
/**
 * A PAN-OS syslog line: future use, receive time, serial, then the log type. Any type is taken, so
 * that one Vigil does not map yet (IPTAG, GTP, SCTP, tunnel inspection…) still gets the fields every
 * type carries and is counted as unmapped, rather than passing as plain syslog.
 */
const SNIFF = /^\d+,\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2},[^,]*,[A-Z][A-Z-]{0,31},/;

function session(f: string[]): VendorFields {
  const src = endpoint(at(f, F.src), at(f, F.sport));
  const dst = endpoint(at(f, F.dst), at(f, F.dport));
  const srcUser = panUser(at(f, F.srcUser));
  const dstUser = panUser(at(f, F.dstUser));
  const proto = at(f, F.proto);
  const addr = src?.ip ?? '';
  return compact({
    source: src && compact({ ...src, nat: nat(at(f, F.natSrc), at(f, F.natSport)), user: srcUser }),
    destination: dst && compact({ ...dst, nat: nat(at(f, F.natDst), at(f, F.natDport)), user: dstUser }),
    user: srcUser,
    rule: { name: at(f, F.rule) },
    network: {
      transport: proto?.toLowerCase(),
      application: at(f, F.app)?.toLowerCase(),
      type: addr.includes(':') ? 'ipv6' : addr.includes('.') ? 'ipv4' : undefined,
    },
    observer: {
      ingress: { zone: at(f, F.fromZone), interface: { name: at(f, F.inIf) } },
      egress: { zone: at(f, F.toZone), interface: { name: at(f, F.outIf) } },
    },
    labels: { vsys: at(f, F.vsys), session_id: at(f, F.sessionId) },
  }) as VendorFields;
}

function traffic(f: string[], ctx: VendorContext): VendorFields {
  const subtype = at(f, F.subtype) ?? '';
  const action = at(f, F.action) ?? '';
  const allowed = action === 'allow';
  const type = [...verdict(action), 'connection'];
  if (subtype === 'start' || subtype === 'end') type.push(subtype);
  else if (subtype === 'drop' || subtype === 'deny') type.push('denied');
  const start = parseTimestamp(f[T.start] ?? '', ctx.time);
  const elapsed = count(at(f, T.elapsed));
  const s = session(f);
  return merge(
    common(f, ctx, T.deviceName, T.highRes),
    s,
    compact({
      event: {
        category: ['network'],
        type: [...new Set(type)],
        action: TRAFFIC_ACTION[subtype],
        outcome: allowed ? 'success' : 'failure',
        start: start !== undefined ? isoString(start) : undefined,
        duration: elapsed !== undefined ? elapsed * 1_000_000_000 : undefined,
        reason: at(f, T.endReason),
        sequence: count(at(f, T.seqno)),
      },
      network: { bytes: count(at(f, T.bytes)), packets: count(at(f, T.packets)) },
      source: { bytes: count(at(f, T.bytesSent)), packets: count(at(f, T.pktsSent)) },
      destination: { bytes: count(at(f, T.bytesReceived)), packets: count(at(f, T.pktsReceived)) },
      labels: { log_type: 'TRAFFIC', log_subtype: subtype },
    }) as VendorFields,
  );
}

function threat(f: string[], ctx: VendorContext): VendorFields {
  const subtype = at(f, F.subtype) ?? '';
  const action = at(f, F.action) ?? '';
  const allowed = ALLOWED.has(action);
  const direction = at(f, TH.direction);
  // `Threat ID`: `name(id)`, or just a number for some subtypes.
  const tid = at(f, TH.threatId) ?? '';
  const tm = /^(.*)\((\d+)\)$/.exec(tid);
  const sev = at(f, TH.severity);
  const misc = at(f, TH.misc);
  return merge(
    common(f, ctx, TH.deviceName, TH.highRes),
    session(f),
    compact({
      event: {
        kind: 'alert',
        category: ['intrusion_detection', 'threat', 'network'],
        type: verdict(action),
        action: THREAT_ACTION[subtype],
        outcome: allowed ? 'success' : 'failure',
        code: tm ? tm[2] : tid || undefined,
        reason: tm ? tm[1] : undefined,
        severity: sev !== undefined ? SEVERITY[sev] : undefined,
        sequence: count(at(f, TH.seqno)),
      },
      log: { level: sev },
      network: {
        direction:
          direction === 'client-to-server' || direction === '0'
            ? 'inbound'
            : direction === 'server-to-client' || direction === '1'
              ? 'outbound'
              : 'unknown',
      },
      ...threatObject(subtype, misc),
      user_agent: userAgent(at(f, TH.userAgent)),
      http: { request: { referrer: at(f, TH.referer), method: at(f, TH.httpMethod) } },
      labels: { log_type: 'THREAT', log_subtype: subtype, threat_category: at(f, TH.category), direction: at(f, TH.direction) },
    }) as VendorFields,
  );
}

/**
 * The THREAT log's `misc` column: the URL of a url log (and of a virus or vulnerability log when it
 * holds a path), else the file's name, as Elastic's threat pipeline reads it.
 */
function threatObject(subtype: string, misc: string | undefined): VendorFields {
  if (!misc) return {};
  if (subtype === 'url' || ((subtype === 'virus' || subtype === 'vulnerability') && misc.includes('/'))) {
    const slash = misc.indexOf('/');
    const hostPort = slash >= 0 ? misc.slice(0, slash) : (misc.split('?')[0] ?? misc);
    const [domain, p] = hostPort.split(':');
    return compact({
      url: compact({ original: misc, domain, port: port(p) }),
      destination: p === undefined ? { domain } : undefined,
    }) as VendorFields;
  }
  if (subtype === 'file' && /[/\\]/.test(misc)) return { file: { path: misc, name: misc.split(/[/\\]/).pop() ?? misc } };
  if (subtype === 'file' || subtype === 'virus' || subtype === 'vulnerability') return { file: { name: misc } };
  return {};
}

function system(f: string[], ctx: VendorContext): VendorFields {
  const eventId = at(f, S.eventId) ?? '';
  const description = at(f, S.description);
  const sev = at(f, S.severity);
  const auth = /^(auth|globalprotect\w*)-(fail|success)$/.exec(eventId) ?? /-auth-(fail|success)$/.exec(eventId);
  const fields = compact({
    message: description,
    event: {
      category: auth ? ['authentication'] : ['configuration'],
      type: auth ? ['start'] : ['info'],
      code: eventId || undefined,
      severity: sev !== undefined ? SEVERITY[sev] : undefined,
      sequence: count(at(f, S.seqno)),
      ...(auth ? { outcome: auth[auth.length - 1] === 'success' ? 'success' : 'failure' } : {}),
    },
    log: { level: sev },
    labels: { log_type: 'SYSTEM', log_subtype: at(f, F.subtype), vsys: at(f, S.vsys), module: at(f, S.module), object: at(f, S.object) },
  }) as VendorFields;
  if (auth && description) {
    const user = /user '([^']+)'/.exec(description)?.[1];
    const from = /From: ([0-9A-Fa-f:.]+?)\.?(?:\s|$)/.exec(description)?.[1];
    if (user) fields.user = { name: user };
    const src = endpoint(from);
    if (src) fields.source = src;
  }
  return merge(common(f, ctx, S.deviceName, S.highRes), fields);
}

/** PAN-OS TRAFFIC, THREAT, SYSTEM, GLOBALPROTECT, AUTHENTICATION, CONFIG, USERID, HIPMATCH and DECRYPTION logs. */
export function panos(message: string, ctx: VendorContext): VendorFields | undefined {
  if (!SNIFF.test(message)) return undefined;
  const f = splitCsv(message);
  switch (f[F.type]) {
    case 'TRAFFIC':
      return traffic(f, ctx);
    case 'THREAT':
      return threat(f, ctx);
    case 'SYSTEM':
      return system(f, ctx);
    case 'GLOBALPROTECT':
      return panosGlobalProtect(f, ctx);
    case 'AUTHENTICATION':
      return panosAuthentication(f, ctx);
    case 'CONFIG':
      return panosConfig(f, ctx);
    case 'USERID':
      return panosUserId(f, ctx);
    case 'HIPMATCH':
    case 'HIP-MATCH':
      return panosHipMatch(f, ctx);
    case 'DECRYPTION':
      return panosDecryption(f, ctx, session(f));
    default: {
      const type = f[F.type] as string;
      countUnmapped('pan-os', type);
      const cols = Object.hasOwn(UNMAPPED_COLUMNS, type) ? UNMAPPED_COLUMNS[type] : undefined;
      return merge(
        common(f, ctx, cols?.deviceName ?? -1, cols?.highRes),
        compact({ labels: { log_type: type, log_subtype: at(f, F.subtype) } }) as VendorFields,
      );
    }
  }
}

/** The regex's first step (`^\d+,`) by hand: most lines sniffed here are not PAN-OS and fail it. */
function startsWithNumberComma(m: string): boolean {
  let i = 0;
  while (i < m.length && m.charCodeAt(i) >= 0x30 && m.charCodeAt(i) <= 0x39) i++;
  return i > 0 && m.charCodeAt(i) === 0x2c;
}

export const panosVendor: Vendor = { sniff: (m) => startsWithNumberComma(m) && SNIFF.test(m), normalize: panos };
