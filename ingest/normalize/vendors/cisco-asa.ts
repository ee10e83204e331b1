import { ASA_MESSAGES, ASA_PARSED, type AsaMessage } from './cisco-asa-messages.js';
import { FTD_EVENT_IDS, ftdSecurityEvent } from './cisco-ftd-events.js';
import type { Vendor, VendorContext, VendorFields } from './types.js';
import { compact, count, deepMerge, endpoint, ianaNumberOf, port, transportOf } from './util.js';
import { countUnmapped } from '../unmapped.js';

/**
 * Cisco ASA / Firepower Threat Defense syslog (Cisco "Secure Firewall ASA Series Syslog Messages").
 * The message id is in the TAG (`%ASA-6-302013`); the message text follows it. ASA states
 * connections from the security-level point of view: for an OUTBOUND connection the "for"
 * interface is the responder and the "to" interface the initiator, so source and destination
 * swap (as Elastic's cisco.asa pipeline does).
 */
const TAG = /^%(ASA|FTD|PIX)-(\d)-(\d{6})$/;

type Side = { iface: string; ip: string; port?: string; mappedIp?: string; mappedPort?: string; user?: string };

// `outside:203.0.113.5/443 (203.0.113.5/443)` with optional `(idfw-user)` groups after it.
const SIDE = String.raw`([\w.-]+):([0-9A-Fa-f:.]+)\/(\d+)(?: \(([0-9A-Fa-f:.]+)\/(\d+)\))?(?: \(([^)]*)\))?`;
const BUILT = new RegExp(String.raw`^Built (inbound|outbound) (TCP|UDP|SCTP) connection (\d+) for ${SIDE} to ${SIDE}`);
// Up to the byte count; `teardownTail` reads the reason and user after it.
const TEARDOWN = new RegExp(
  String.raw`^Teardown (TCP|UDP|SCTP) connection (\d+) for ([\w.-]+):([0-9A-Fa-f:.]+)\/(\d+) to ([\w.-]+):([0-9A-Fa-f:.]+)\/(\d+) duration (\d+):(\d{2}):(\d{2}) bytes (\d+)`,
);

const isLineEnd = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;

/**
 * The text after a teardown's byte count: ` reason` and/or ` (user)`, or nothing; undefined when
 * it is neither. The same reading as `(?: (.*?))?(?: \(([^)]*)\))?$` after the count (the reason
 * is the shortest that leaves a `(user)` or nothing, and holds no line break), without that
 * regex's rescanning of `[^)]*` from every ` (` of the reason (quadratic in a long one).
 */
export function teardownTail(tail: string): { reason?: string; user?: string } | undefined {
  if (tail === '') return {};
  if (tail.charCodeAt(0) !== 0x20) return undefined;
  const body = tail.slice(1);
  let lineEnd = 0;
  while (lineEnd < body.length && !isLineEnd(body.charCodeAt(lineEnd))) lineEnd++;
  // ` (user)` at k: the body ends with `)` and holds no other `)` after k + 2.
  if (body.endsWith(')')) {
    const lastInner = body.lastIndexOf(')', body.length - 2);
    for (let k = Math.max(0, lastInner - 1); k <= lineEnd && k + 2 < body.length; k++) {
      if (body.charCodeAt(k) === 0x20 && body.charCodeAt(k + 1) === 0x28) return { reason: body.slice(0, k), user: body.slice(k + 2, -1) };
    }
  }
  if (lineEnd === body.length) return { reason: body };
  // A line break in the reason: only `(user)` alone is left.
  if (body.charCodeAt(0) === 0x28 && body.endsWith(')') && body.indexOf(')') === body.length - 1 && body.length >= 2) {
    return { user: body.slice(1, -1) };
  }
  return undefined;
}
const DENY_106023 =
  /^Deny (protocol \d+|\w+) src ([\w.-]+):([0-9A-Fa-f:.]+)(?:\/(\d+))? dst ([\w.-]+):([0-9A-Fa-f:.]+)(?:\/(\d+))?(?: \(type (\d+), code (\d+)\))? by access-group "([^"]+)"/;
const ACL_106100 =
  /^access-list (\S+) (permitted|denied|est-allowed) (\w+) ([\w.-]+)\/([0-9A-Fa-f:.]+)\((\d+)\)(?:\(([^)]*)\))? -> ([\w.-]+)\/([0-9A-Fa-f:.]+)\((\d+)\)(?:\(([^)]*)\))? hit-cnt (\d+)/;
const AAA = /^AAA user authentication (Successful|Rejected) : (.*)$/;
const LOGIN = /^Login (permitted|denied) from ([0-9A-Fa-f:.]+)\/(\d+) to ([\w.-]+):([0-9A-Fa-f:.]+)\/(\w+) for user "([^"]*)"/;

function side(m: RegExpExecArray, at: number): Side {
  return compact({
    iface: m[at] as string,
    ip: m[at + 1] as string,
    port: m[at + 2],
    mappedIp: m[at + 3],
    mappedPort: m[at + 4],
    user: m[at + 5],
  }) as Side;
}

function withNat(s: Side): Record<string, unknown> | undefined {
  const base = endpoint(s.ip, s.port);
  if (!base) return undefined;
  const out: Record<string, unknown> = { ...base };
  const nat = natOf(s.mappedIp, s.mappedPort, s.ip, s.port);
  if (nat) out.nat = nat;
  return out;
}

// `log.level` as Elastic's pipeline names the EMBLEM severity (0 is `unknown` there, not `emergency`).
const ASA_SEVERITY = ['unknown', 'alert', 'critical', 'error', 'warning', 'notification', 'informational', 'debug'];

/**
 * ASA/FTD messages → ECS. Every message keeps its id (`event.code`, `cisco.asa.message_id`, the
 * field Elastic's content filters on), severity and device; the ids of `ASA_MESSAGES` and
 * `ASA_PARSED` also get Elastic's categorization and the fields their text carries, FTD's
 * security events (4300xx) the fields of their `Key: Value` pairs.
 */
export function ciscoAsa(message: string, ctx: VendorContext): VendorFields | undefined {
  const tag = TAG.exec(ctx.program ?? '');
  if (!tag) return undefined;
  const [, product, level, id] = tag as unknown as [string, string, string, string];
  const base: VendorFields = {
    event: { code: id, severity: Number(level), module: 'cisco', dataset: 'cisco.asa' },
    observer: { vendor: 'Cisco', product: product === 'FTD' ? 'Firepower Threat Defense' : 'ASA', type: 'firewall' },
    log: { level: ASA_SEVERITY[Number(level)] },
    cisco: { asa: { message_id: id } },
  };
  if (ctx.hostname) {
    base.observer = { ...base.observer, hostname: ctx.hostname };
    base.related = { hosts: [ctx.hostname] };
  }
  if (FTD_EVENT_IDS.has(id)) return deepMerge(base, ftdSecurityEvent(id, message));
  const known = Object.hasOwn(ASA_PARSED, id) ? ASA_PARSED[id] : Object.hasOwn(ASA_MESSAGES, id) ? ASA_MESSAGES[id] : undefined;
  if (!known) {
    countUnmapped('cisco-asa', id);
    return base;
  }
  const categorized = deepMerge(base, { event: categorization(known) });
  // A message whose text does not read as documented keeps its id's categorization.
  const specific = Object.hasOwn(ASA_PARSED, id) ? byId(id, message) : fromPatterns(known, message);
  return specific ? deepMerge(categorized, specific) : categorized;
}

function categorization(m: AsaMessage): Record<string, unknown> {
  return compact({ category: [...(m.category ?? ['network'])], type: [...m.type], action: m.action, outcome: m.outcome });
}

/** `0:05:12` or `0h:05m:12s` → nanoseconds. */
function durationNs(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(\d+)h?:(\d+)m?:(\d+)s?$/.exec(s);
  return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1_000_000_000 : undefined;
}

/**
 * `LOCAL\\jdoe`, `CORP\\jdoe`, `jdoe@corp.example` → name and domain (and email), as Elastic's
 * CISCO_USER grok splits them. The masked `*****` stays as it is.
 */
function asaUser(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  const u = raw.replace(/^LOCAL\\/, '').replace(/^['"]|['"]$/g, '');
  const slash = u.indexOf('\\');
  if (slash > 0) return { domain: u.slice(0, slash), name: u.slice(slash + 1) };
  const at = u.indexOf('@');
  if (at > 0) return { name: u.slice(0, at), domain: u.slice(at + 1), email: u };
  return { name: u };
}

/** A side of the connection: an IP in `ip`, anything else (a host name) in `domain`. */
function place(addr: string | undefined, p: string | undefined, nat?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!addr) return undefined;
  const e = endpoint(addr, p);
  return compact({ ...(e ?? { domain: addr }), ...(nat ? { nat } : {}) });
}

/** The translated address and port, each only where it differs from the real one (as Elastic sets `*.nat.ip` and `*.nat.port`). */
function natOf(ipAddr: string | undefined, p: string | undefined, orig: string | undefined, origPort: string | undefined) {
  if (!ipAddr) return undefined;
  const e = endpoint(ipAddr, p);
  if (!e) return undefined;
  const out = compact({ ip: ipAddr !== orig ? e.ip : undefined, port: p !== origPort ? e.port : undefined });
  return Object.keys(out).length > 0 ? out : undefined;
}

function transportFields(t: string | undefined, iana: string | undefined): Record<string, unknown> {
  if (iana) return { iana_number: iana, transport: transportOf(Number(iana)) };
  if (!t) return {};
  const lower = t.toLowerCase();
  const name = lower === 'icmpv6' || lower === 'icmp6' ? 'ipv6-icmp' : lower;
  const n = ianaNumberOf(name);
  return { transport: name, ...(n !== undefined ? { iana_number: String(n) } : {}) };
}

const DIRECTIONS = new Set(['inbound', 'outbound']);
const AUTH = (m: AsaMessage) => m.category?.includes('authentication') === true;

/** The ECS fields of a message read by one of its id's patterns. */
function fromPatterns(m: AsaMessage, message: string): VendorFields | undefined {
  let g: Record<string, string | undefined> | undefined;
  for (const p of m.patterns ?? []) {
    const r = p.exec(message);
    if (r) {
      g = r.groups ?? {};
      break;
    }
  }
  if (!g) return undefined;
  const direction = (g.direction ?? m.fixed?.direction)?.toLowerCase();
  const suser = asaUser(g.suser);
  const outcome = g.outcome === 'permitted' ? 'success' : g.outcome === 'denied' ? 'failure' : undefined;
  const dur = durationNs(g.dur);
  return compact({
    event: {
      reason: g.reason?.trim(),
      duration: dur,
      ...(outcome ? { outcome, type: ['connection', outcome === 'success' ? 'allowed' : 'denied'] } : {}),
    },
    network: {
      ...transportFields(g.transport ?? m.fixed?.transport, g.iana),
      direction: direction && DIRECTIONS.has(direction) ? direction : undefined,
      protocol: g.protocol?.toLowerCase(),
      bytes: count(g.bytes),
    },
    source: compact({
      ...place(g.src, g.sport, natOf(g.snat, g.snatport, g.src, g.sport)),
      bytes: count(g.sbytes),
      user: suser || g.sgroup ? { ...suser, ...(g.sgroup ? { group: { name: g.sgroup } } : {}) } : undefined,
    }),
    destination: compact({
      ...place(g.dst, g.dport, natOf(g.dnat, g.dnatport, g.dst, g.dport)),
      bytes: count(g.dbytes),
      user: asaUser(g.duser),
    }),
    server: g.srvuser ? { user: { name: g.srvuser } } : undefined,
    observer: { ingress: { interface: { name: g.siface } }, egress: { interface: { name: g.diface } } },
    rule: { name: g.rule },
    url: { original: g.url },
    user_agent: { original: g.agent },
    // The account that signed in is the event's user; Elastic's pipeline leaves it in source.user.
    user: g.user ? asaUser(g.user) : AUTH(m) && suser?.name !== '*****' ? suser : g.duser ? asaUser(g.duser) : undefined,
    cisco: g.icmptype || g.icmpcode ? { asa: { icmp_type: g.icmptype, icmp_code: g.icmpcode } } : undefined,
  }) as VendorFields;
}

function byId(id: string, message: string): VendorFields | undefined {
  switch (id) {
    case '302013':
    case '302015': {
      const m = BUILT.exec(message);
      if (!m) return undefined;
      const direction = m[1] as 'inbound' | 'outbound';
      const forSide = side(m, 4);
      const toSide = side(m, 10);
      const [src, dst] = direction === 'outbound' ? [toSide, forSide] : [forSide, toSide];
      return compact({
        network: { ...transportFields(m[2], undefined), direction },
        source: withNat(src),
        destination: withNat(dst),
        observer: { ingress: { interface: { name: src.iface } }, egress: { interface: { name: dst.iface } } },
        labels: { connection_id: m[3] as string },
        ...(src.user ? { source: { ...withNat(src), user: { name: src.user } } } : {}),
        // Elastic's pipeline names the responder's identity-firewall user `user.name`.
        ...(dst.user ? { destination: { ...withNat(dst), user: { name: dst.user } }, user: { name: dst.user } } : {}),
      }) as VendorFields;
    }
    case '302014':
    case '302016': {
      const m = TEARDOWN.exec(message);
      const tail = m ? teardownTail(message.slice(m[0].length)) : undefined;
      if (!m || !tail) return undefined;
      const seconds = Number(m[9]) * 3600 + Number(m[10]) * 60 + Number(m[11]);
      const { reason, user } = tail;
      return compact({
        event: {
          duration: seconds * 1_000_000_000,
          ...(reason ? { reason } : {}),
        },
        network: { ...transportFields(m[1], undefined), bytes: count(m[12]) },
        source: endpoint(m[4], m[5]),
        destination: endpoint(m[7], m[8]),
        observer: { ingress: { interface: { name: m[3] } }, egress: { interface: { name: m[6] } } },
        labels: { connection_id: m[2] as string },
        ...(user ? { user: { name: user } } : {}),
      }) as VendorFields;
    }
    case '106023': {
      const m = DENY_106023.exec(message);
      if (!m) return undefined;
      const proto = (m[1] as string).toLowerCase();
      return compact({
        // `Deny protocol 47 …` names only the IANA number (Elastic then leaves the transport unset).
        network: proto.startsWith('protocol ') ? { iana_number: proto.slice(9) } : transportFields(proto, undefined),
        source: endpoint(m[3], m[4]),
        destination: endpoint(m[6], m[7]),
        observer: { ingress: { interface: { name: m[2] } }, egress: { interface: { name: m[5] } } },
        rule: { name: m[10] },
        ...(m[8] !== undefined ? { labels: { icmp_type: m[8], icmp_code: m[9] as string } } : {}),
      }) as VendorFields;
    }
    case '106100': {
      const m = ACL_106100.exec(message);
      if (!m) return undefined;
      const denied = m[2] === 'denied';
      return compact({
        event: {
          type: ['connection', denied ? 'denied' : 'allowed'],
          outcome: denied ? 'failure' : 'success',
        },
        network: transportFields(m[3], undefined),
        source: endpoint(m[5], m[6]),
        destination: endpoint(m[9], m[10]),
        observer: { ingress: { interface: { name: m[4] } }, egress: { interface: { name: m[8] } } },
        rule: { name: m[1] },
        ...(m[7] ? { user: { name: m[7] } } : {}),
      }) as VendorFields;
    }
    case '113004':
    case '113005': {
      const m = AAA.exec(message);
      if (!m) return undefined;
      const kv: Record<string, string> = {};
      for (const part of (m[2] as string).split(' : ')) {
        const eq = part.indexOf(' = ');
        if (eq > 0) kv[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 3).trim();
      }
      return compact({
        event: kv.reason ? { reason: kv.reason } : undefined,
        user: { name: kv.user },
        source: { ...endpoint(kv['user ip']), user: { name: kv.user } },
        // The AAA server is the destination (as in Elastic's pipeline).
        destination: endpoint(kv.server),
      }) as VendorFields;
    }
    case '605004':
    case '605005': {
      const m = LOGIN.exec(message);
      if (!m) return undefined;
      const svc = m[6] as string;
      return compact({
        source: { ...endpoint(m[2], m[3]), user: { name: m[7] } },
        destination: { ...endpoint(m[5], port(svc)) },
        observer: { ingress: { interface: { name: m[4] } } },
        network: port(svc) === undefined ? { protocol: svc.toLowerCase() } : undefined,
        user: { name: m[7] },
      }) as VendorFields;
    }
    default:
      return undefined;
  }
}

export const ciscoAsaVendor: Vendor = { programPrefixes: ['%ASA-', '%FTD-', '%PIX-'], normalize: ciscoAsa };
