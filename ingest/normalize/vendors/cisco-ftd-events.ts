import type { VendorFields } from './types.js';
import { compact, count, endpoint, ianaNumberOf, port } from './util.js';

/**
 * Firepower Threat Defense security events (430001 intrusion, 430002 connection start, 430003
 * connection end, 430004 file, 430005 malware): `Key: Value, Key: Value, …` after the TAG, read
 * as Elastic's `cisco_asa` and `cisco_ftd` pipelines read them (their `kv` split and key → ECS
 * table). A comma ends a value only where a key and a colon follow it, so that a user agent's
 * `(KHTML, like Gecko)` stays whole.
 */
export const FTD_EVENT_IDS: ReadonlySet<string> = new Set(['430001', '430002', '430003', '430004', '430005']);

const ACTION: Readonly<Record<string, string>> = {
  '430001': 'intrusion-detected',
  '430002': 'connection-started',
  '430003': 'connection-finished',
  '430004': 'file-detected',
  '430005': 'malware-detected',
};

// Elastic's pipelines give these ids no `event.type`; ECS expects one with `event.category`.
const TYPE: Readonly<Record<string, readonly string[]>> = {
  '430001': ['info'],
  '430002': ['connection', 'start'],
  '430003': ['connection', 'end'],
  '430004': ['info'],
  '430005': ['info'],
};

// Elastic's `[A-za-z1-9\s]` key class (`A-z` takes in `_`, as in `DNS_TTL`); a run ends at the next comma.
const FIELD_SPLIT = /,(?=[A-Za-z1-9_\s]+:)/;

/**
 * The actions and inline results that let the connection through, and those that stopped it
 * (`Would block`, an inline result in passive mode, stopped nothing: neither).
 */
const ALLOWING = new Set(['allow', 'trust', 'monitor']);
const BLOCKING = /^(block|reset|interactive block|drop)/;

// What FMC writes in `User` when no user is known: no account to name.
const NO_USER = new Set(['No Authentication Required', 'Not Found', 'Unknown', 'No User']);

/** The `Key: Value` pairs of the message, keys and values trimmed, empty values left out. */
export function ftdPairs(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(FIELD_SPLIT)) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const key = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (key !== '' && value !== '' && !out.has(key)) out.set(key, value);
  }
  return out;
}

/** An address column: an IP as `ip`, anything else (a name) as `domain`, as Elastic's grok splits them. */
function place(addr: string | undefined, p: string | undefined): Record<string, unknown> | undefined {
  if (!addr) return undefined;
  return endpoint(addr, p) ?? compact({ domain: addr, port: port(p) });
}

function outcomeOf(action: string | undefined): 'success' | 'failure' | undefined {
  if (!action) return undefined;
  const a = action.toLowerCase();
  return ALLOWING.has(a) ? 'success' : BLOCKING.test(a) ? 'failure' : undefined;
}

/** The ECS fields of an FTD security event (one of `FTD_EVENT_IDS`). */
export function ftdSecurityEvent(id: string, message: string): VendorFields {
  const kv = ftdPairs(message);
  const get = (k: string): string | undefined => kv.get(k);
  const transport = get('Protocol')?.toLowerCase();
  const iana = transport !== undefined ? ianaNumberOf(transport) : undefined;
  const applications = [get('Client'), get('WebApplication')].filter((v): v is string => v !== undefined).map((v) => v.toLowerCase());
  const user = get('User');
  const duration = count(get('ConnectionDuration'));
  const malware = id === '430005' && /^(Malware|Custom Detection)$/.test(get('SHA_Disposition') ?? '');
  const sha256 = get('FileSHA256') ?? get('ArchiveSHA256');
  const status = count(get('HTTPResponse'));
  return compact({
    event: {
      kind: malware ? 'alert' : undefined,
      category: id === '430005' && !malware ? ['network', 'file'] : ['network'],
      type: [...(TYPE[id] ?? ['info'])],
      action: ACTION[id],
      outcome: outcomeOf(get('AccessControlRuleAction') ?? get('InlineResult') ?? get('SSLActualAction')),
      duration: duration !== undefined ? duration * 1_000_000_000 : undefined,
    },
    message: get('Message'),
    source: compact({
      ...place(get('SrcIP'), get('SrcPort')),
      bytes: count(get('InitiatorBytes')),
      packets: count(get('InitiatorPackets')),
    }),
    destination: compact({
      ...place(get('DstIP'), get('DstPort')),
      bytes: count(get('ResponderBytes')),
      packets: count(get('ResponderPackets')),
    }),
    client: endpoint(get('originalClientSrcIP')),
    server: { domain: get('SSLServerName') },
    network: {
      transport,
      iana_number: iana !== undefined ? String(iana) : undefined,
      protocol: get('ApplicationProtocol')?.toLowerCase(),
      application: applications.length > 1 ? applications : applications[0],
    },
    observer: {
      ingress: { interface: { name: get('IngressInterface') }, zone: get('IngressZone') },
      egress: { interface: { name: get('EgressInterface') }, zone: get('EgressZone') },
    },
    rule: {
      name: get('AccessControlRuleName') ?? get('IntrusionPolicy') ?? get('FilePolicy'),
      ruleset: get('ACPolicy'),
    },
    user: user !== undefined && !NO_USER.has(user) ? { name: user } : undefined,
    url: { original: get('URL') ?? get('URI'), domain: get('ReferencedHost') },
    http: {
      request: { referrer: get('HTTPReferer') },
      // FMC writes 0 when the connection carried no HTTP response.
      response: status !== undefined && status > 0 ? { status_code: status } : undefined,
    },
    // Elastic's pipelines run no user_agent processor on these: the text alone, as they keep it.
    user_agent: { original: get('UserAgent') },
    dns: { question: { name: get('DNSQuery') } },
    file: {
      name: get('FileName') ?? get('ArchiveFileName'),
      size: count(get('FileSize')),
      hash: { sha256 },
    },
    related: sha256 ? { hash: [sha256] } : undefined,
  }) as VendorFields;
}
