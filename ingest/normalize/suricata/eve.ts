import type { EcsEvent } from '../../../core/event/index.js';
import { setOwn } from '../../parsers/types.js';
import { buildEvent, ipOf, isObject, merge, obj, str, type Json, type RecordContext } from '../cloud/common.js';
import { communityId } from '../community-id.js';
import { addRelated, count, epochMicros, macOf, portOf, timeOf, totals } from '../network-fields.js';
import { countUnmapped } from '../unmapped.js';
import { alertFields, dnsFields, fileinfoFields, httpFields, tlsFields } from './protocols.js';

interface TypeRule {
  kind?: 'alert' | 'metric';
  category?: string[];
  type?: string[];
  protocol?: string;
}

const PROTOCOL = (protocol: string): TypeRule => ({ type: ['protocol'], protocol });
const WEB: TypeRule = { category: ['network', 'web'], type: ['access', 'protocol'], protocol: 'http' };

/** Elastic's categorization of EVE event types; every other type is `network` with no type (and counted unmapped). */
const EVENT_TYPES: Readonly<Record<string, TypeRule>> = {
  alert: { kind: 'alert', category: ['network', 'intrusion_detection'] },
  anomaly: {},
  dns: PROTOCOL('dns'),
  fileinfo: {},
  flow: { type: ['connection'] },
  ftp: PROTOCOL('ftp'),
  ftp_data: PROTOCOL('ftp'),
  http: WEB,
  http2: WEB,
  ikev2: PROTOCOL('ikev2'),
  krb5: PROTOCOL('krb5'),
  mqtt: PROTOCOL('mqtt'),
  rdp: PROTOCOL('rdp'),
  rfb: PROTOCOL('rdp'),
  smb: PROTOCOL('smb'),
  smtp: PROTOCOL('smtp'),
  snmp: PROTOCOL('snmp'),
  ssh: PROTOCOL('ssh'),
  stats: { kind: 'metric' },
  tftp: PROTOCOL('tftp'),
  tls: PROTOCOL('tls'),
};

/** `app_proto` values that name no protocol. */
const NO_PROTOCOL = new Set(['failed', 'template', 'template-rust', 'unknown']);

/** Parts of the record that became ECS fields; the rest stays under `suricata.eve`. */
const MOVED: Readonly<Record<string, readonly string[]>> = {
  '': ['timestamp', 'src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto', 'app_proto'],
  alert: ['severity', 'action'],
  flow: ['pkts_toserver', 'pkts_toclient', 'bytes_toserver', 'bytes_toclient', 'start', 'end'],
  http: ['http_method', 'status', 'hostname', 'url', 'http_refer', 'length', 'http_user_agent'],
  fileinfo: ['filename', 'size'],
  ether: ['src_mac', 'dest_mac'],
};

function rest(r: Json, flowId: string | undefined): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(r)) {
    if (MOVED['']!.includes(k)) continue;
    const moved = MOVED[k];
    setOwn<unknown>(out, k, moved && isObject(v) ? Object.fromEntries(Object.entries(v).filter(([sub]) => !moved.includes(sub))) : v);
  }
  if (flowId !== undefined) out.flow_id = flowId;
  return out;
}

/**
 * `flow_id` is a 64-bit integer: JSON.parse rounds it past 2^53, so its digits are read from the
 * record's text when they are there.
 */
function flowIdOf(r: Json, original: string): string | undefined {
  if (r.flow_id === undefined || r.flow_id === null) return undefined;
  const exact = /"flow_id"\s*:\s*(\d+)/.exec(original)?.[1];
  return exact ?? str(r.flow_id);
}

/**
 * A Suricata EVE JSON record → ECS, following Elastic's `suricata` integration (`suricata.eve`
 * dataset): endpoints, transport and application protocol, Community ID, flow counters and
 * times, the alert's rule and severity, and the DNS, HTTP, TLS and file fields; the record's other
 * parts stay under `suricata.eve`. An event type Elastic does not categorize keeps the common
 * fields and is counted on `vigil_normalize_unmapped_total{vendor="suricata"}`.
 */
export function normalizeSuricata(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const eventType = String(r.event_type).toLowerCase();
  const rule = Object.hasOwn(EVENT_TYPES, eventType) ? EVENT_TYPES[eventType] : undefined;
  if (!rule) countUnmapped('suricata', eventType);

  const transport = str(r.proto)?.toLowerCase();
  const appProto = str(r.app_proto)?.toLowerCase();
  const protocol = appProto && !NO_PROTOCOL.has(appProto) ? appProto : rule?.protocol;
  const srcIp = ipOf(r.src_ip);
  const dstIp = ipOf(r.dest_ip);
  const srcPort = portOf(r.src_port);
  const dstPort = portOf(r.dest_port);
  const ether = obj(r.ether);
  const flow = obj(r.flow);
  const src = { bytes: count(flow.bytes_toserver), packets: count(flow.pkts_toserver) };
  const dst = { bytes: count(flow.bytes_toclient), packets: count(flow.pkts_toclient) };
  const start = epochMicros(flow.start);
  const end = epochMicros(flow.end);
  const types = [...(rule?.type ?? [])];
  if (flow.state === 'new') types.push('start');
  if (flow.state === 'closed') types.push('end');
  const flowId = flowIdOf(r, original);

  let fields: Json = {
    event: {
      kind: rule?.kind ?? 'event',
      category: rule?.category ?? ['network'],
      start: timeOf(flow.start),
      end: timeOf(flow.end),
      duration: start !== undefined && end !== undefined && start <= end ? (end - start) * 1000 : undefined,
    },
    observer: {
      vendor: 'OISF',
      product: 'Suricata',
      type: 'ids',
      hostname: str(r.host),
      ingress: { interface: { name: str(r.in_iface) } },
    },
    source: { address: str(r.src_ip), ip: srcIp, port: srcPort, mac: macOf(ether.src_mac), ...src },
    destination: { address: str(r.dest_ip), ip: dstIp, port: dstPort, mac: macOf(ether.dest_mac), ...dst },
    network: {
      transport,
      protocol,
      community_id: str(r.community_id) ?? communityId(transport, srcIp, dstIp, srcPort, dstPort),
      ...totals(src, dst),
    },
  };
  const hashes: string[] = [];
  const hosts: string[] = [];
  if (isObject(r.alert)) {
    const a = alertFields(r.alert);
    fields = merge(fields, a.fields);
    if (a.action) types.push(a.action);
  }
  if (isObject(r.http)) {
    const h = httpFields(r.http);
    if (eventType !== 'http') delete obj(h.event).outcome;
    if (protocol !== 'http') delete obj(h.url).domain;
    fields = merge(fields, h);
    hosts.push(...[str(obj(h.url).domain)].filter((x): x is string => x !== undefined));
  }
  if (isObject(r.dns) && protocol === 'dns') fields = merge(fields, dnsFields(r.dns).fields);
  if (isObject(r.tls) && protocol === 'tls') {
    const t = tlsFields(r.tls);
    fields = merge(fields, t.fields);
    hashes.push(...t.hashes);
    hosts.push(...t.hosts);
  }
  if (isObject(r.fileinfo)) fields = merge(fields, fileinfoFields(r.fileinfo));
  fields = merge(fields, { event: { type: types.length > 0 ? [...new Set(types)] : undefined }, suricata: { eve: rest(r, flowId) } });

  const event = buildEvent(
    ctx,
    original,
    { time: typeof r.timestamp === 'string' ? timeOf(r.timestamp) : undefined, dataset: 'suricata.eve', module: 'suricata' },
    fields,
  );
  addRelated(event as { related?: Json }, { hash: hashes, hosts });
  return event;
}
