import { getField } from '../../core/event/index.js';

/**
 * ECS → UDM (Google SecOps' Unified Data Model) for the fields detections use most. What has no
 * UDM home here stays searchable in `additional.fields` (`event.dataset`, `vigil.id`).
 *
 * | UDM                                   | ECS                                                            |
 * |---------------------------------------|----------------------------------------------------------------|
 * | `metadata.event_timestamp`            | `@timestamp` (else the Kafka timestamp), RFC 3339 UTC          |
 * | `metadata.event_type`                 | from `event.category` / `event.type` (table below)             |
 * | `metadata.vendor_name`, `product_name`| `observer.vendor`, `observer.product` (else `event.module`)    |
 * | `metadata.product_event_type`         | `event.action`, else `event.code`                              |
 * | `metadata.product_log_id`             | `event.id`                                                     |
 * | `metadata.description`                | `message`                                                      |
 * | `principal.hostname`, `principal.ip`  | `host.name`, `source.ip` (else `host.ip`)                      |
 * | `principal.port`                      | `source.port`                                                  |
 * | `principal.user.userid`               | `user.name`                                                    |
 * | `principal.process.pid`, `command_line` | `process.pid`, `process.command_line`                        |
 * | `target.hostname`, `target.ip`, `target.port` | `destination.domain`, `destination.ip`, `destination.port` |
 * | `target.user.userid`                  | `user.target.name`, else `user.name` for authentication       |
 * | `target.url`                          | `url.full`                                                     |
 * | `network.ip_protocol`                 | `network.transport` (upper case)                               |
 * | `security_result[0].action`           | `event.type` allowed/denied → ALLOW/BLOCK, else `event.outcome` success/failure → ALLOW/FAIL |
 * | `security_result[0].severity`         | `vigil.alert.level`, else `event.severity` (0-100) as a UDM level |
 * | `security_result[0].rule_name`, `rule_id` | `rule.name`, `rule.id`                                     |
 *
 * `metadata.event_type`: `authentication` → USER_LOGIN (needs a target user); `process` +
 * `start` → PROCESS_LAUNCH (needs a principal process); `network` with `dns` →
 * NETWORK_DNS, with `url.full` → NETWORK_HTTP, else NETWORK_CONNECTION (each needs a principal and
 * a target machine); `file` + `creation` → FILE_CREATION; anything else, or a type whose required
 * nouns are missing, GENERIC_EVENT, which SecOps takes with only the metadata.
 */
export type Udm = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
};
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/** Drops undefined values and empty objects, so that absent ECS fields leave no UDM noun behind. */
function prune(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const inner = prune(v as Record<string, unknown>);
      if (inner) out[k] = inner;
    } else if (!(Array.isArray(v) && v.length === 0)) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function severity(doc: Readonly<Record<string, unknown>>): string | undefined {
  const level = str(getField(doc, 'vigil.alert.level'))?.toLowerCase();
  const byName: Record<string, string> = {
    informational: 'INFORMATIONAL',
    low: 'LOW',
    medium: 'MEDIUM',
    high: 'HIGH',
    critical: 'CRITICAL',
  };
  if (level && byName[level]) return byName[level];
  const n = num(getField(doc, 'event.severity'));
  if (n === undefined) return undefined;
  return n >= 90 ? 'CRITICAL' : n >= 70 ? 'HIGH' : n >= 40 ? 'MEDIUM' : n >= 20 ? 'LOW' : 'INFORMATIONAL';
}

function action(doc: Readonly<Record<string, unknown>>): string | undefined {
  const types = list(getField(doc, 'event.type'));
  if (types.includes('denied')) return 'BLOCK';
  if (types.includes('allowed')) return 'ALLOW';
  const outcome = str(getField(doc, 'event.outcome'));
  return outcome === 'success' ? 'ALLOW' : outcome === 'failure' ? 'FAIL' : undefined;
}

function eventType(doc: Readonly<Record<string, unknown>>, udm: { principal?: Udm; target?: Udm }): string {
  const cats = list(getField(doc, 'event.category'));
  const types = list(getField(doc, 'event.type'));
  const machine = (n: Udm | undefined) => n !== undefined && (n.ip !== undefined || n.hostname !== undefined);
  const targetUser = (udm.target?.user as Udm | undefined)?.userid !== undefined;
  if (cats.includes('authentication') && targetUser) return 'USER_LOGIN';
  if (cats.includes('process') && types.includes('start') && udm.principal?.process !== undefined) return 'PROCESS_LAUNCH';
  if (cats.includes('file') && types.includes('creation') && udm.target?.file !== undefined) return 'FILE_CREATION';
  if (cats.includes('network') && machine(udm.principal) && machine(udm.target)) {
    if (getField(doc, 'dns') !== undefined) return 'NETWORK_DNS';
    if (udm.target?.url !== undefined) return 'NETWORK_HTTP';
    return 'NETWORK_CONNECTION';
  }
  return 'GENERIC_EVENT';
}

function isoTime(doc: Readonly<Record<string, unknown>>, fallbackMs: number): string {
  const ts = str(getField(doc, '@timestamp'));
  const ms = ts ? Date.parse(ts) : NaN;
  return new Date(Number.isFinite(ms) ? ms : fallbackMs || Date.now()).toISOString();
}

/** The UDM event of one ECS document (see the table above). */
export function toUdm(doc: Readonly<Record<string, unknown>>, kafkaTimestampMs: number): Udm {
  const auth = list(getField(doc, 'event.category')).includes('authentication');
  const principalIps = list(getField(doc, 'source.ip'));
  const principal = prune({
    hostname: str(getField(doc, 'host.name')),
    ip: principalIps.length > 0 ? principalIps : list(getField(doc, 'host.ip')),
    port: num(getField(doc, 'source.port')),
    user: auth ? undefined : { userid: str(getField(doc, 'user.name')) },
    process: { pid: num(getField(doc, 'process.pid'))?.toString(), command_line: str(getField(doc, 'process.command_line')) },
  });
  const target = prune({
    hostname: str(getField(doc, 'destination.domain')),
    ip: list(getField(doc, 'destination.ip')),
    port: num(getField(doc, 'destination.port')),
    user: { userid: str(getField(doc, 'user.target.name')) ?? (auth ? str(getField(doc, 'user.name')) : undefined) },
    url: str(getField(doc, 'url.full')),
    file: { full_path: str(getField(doc, 'file.path')) },
  });
  const nouns = { ...(principal ? { principal } : {}), ...(target ? { target } : {}) };
  const metadata = prune({
    event_timestamp: isoTime(doc, kafkaTimestampMs),
    event_type: eventType(doc, nouns),
    vendor_name: str(getField(doc, 'observer.vendor')),
    product_name: str(getField(doc, 'observer.product')) ?? str(getField(doc, 'event.module')),
    product_event_type: str(getField(doc, 'event.action')) ?? str(getField(doc, 'event.code')),
    product_log_id: str(getField(doc, 'event.id')),
    description: str(getField(doc, 'message')),
  }) as Udm;
  const transport = str(getField(doc, 'network.transport'));
  const result = prune({
    action: action(doc),
    severity: severity(doc),
    rule_name: str(getField(doc, 'rule.name')),
    rule_id: str(getField(doc, 'rule.id')),
  });
  const additional = prune({
    fields: {
      'event.dataset': str(getField(doc, 'event.dataset')),
      'vigil.id': str(getField(doc, 'vigil.id')),
    },
  });
  return {
    metadata,
    ...nouns,
    ...(transport ? { network: { ip_protocol: transport.toUpperCase() } } : {}),
    ...(result ? { security_result: [{ ...result, ...(result.action ? { action: [result.action] } : {}) }] } : {}),
    ...(additional ? { additional } : {}),
  };
}

/** The raw message of an unstructured log: `event.original`, else `message`, else the document as JSON. */
export function rawMessage(doc: Readonly<Record<string, unknown>>, json: () => string): string {
  return str(getField(doc, 'event.original')) ?? str(getField(doc, 'message')) ?? json();
}
