import { isIP } from 'node:net';
import type { EcsEvent } from '../../../core/event/index.js';
import { communityId } from '../community-id.js';
import { buildEvent, ipOf, type Json, type RecordContext } from './common.js';
import type { RecordResult } from './records.js';

/**
 * AWS VPC flow log records (the space-separated text of CloudWatch Logs, S3 and Firehose delivery),
 * as Elastic's `aws.vpcflow` pipeline reads them. A record's fields are named by its format: the
 * header line S3 writes at the top of each file (`version account-id interface-id srcaddr …`), else
 * one of the layouts Elastic's pipeline knows by their number of fields.
 */

/** Every field name of the VPC flow log record formats (versions 2–8, AWS VPC User Guide "Flow log records"). */
const KNOWN_FIELDS = new Set([
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes',
  'start', 'end', 'action', 'log-status', 'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr',
  'pkt-dstaddr', 'region', 'az-id', 'sublocation-type', 'sublocation-id', 'pkt-src-aws-service', 'pkt-dst-aws-service',
  'flow-direction', 'traffic-path', 'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn',
  'ecs-container-instance-id', 'ecs-container-id', 'ecs-second-container-id', 'ecs-service-name',
  'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id', 'reject-reason',
]); // prettier-ignore

const words = (s: string): readonly string[] => s.split(' ');

/** The layouts without a header that Elastic's pipeline reads, by their number of fields. */
const LAYOUTS: ReadonlyMap<number, readonly string[]> = new Map(
  [
    // The default format (version 2).
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
    'instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr',
    'version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status',
    'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status',
    // Every version 5 field, in AWS's order.
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path',
  ].map((l) => [words(l).length, words(l)]),
);

/** A VPC flow log format: the field names of its records, in order. */
export type VpcFlowFormat = readonly string[];

const FIELD_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The format a header line declares (`version account-id interface-id …`), or undefined when the
 * line is not a header: every word a field name, at least four of them VPC flow fields, one of
 * them an address or the interface.
 */
export function vpcFlowHeader(line: string): VpcFlowFormat | undefined {
  const names = line.trim().split(/\s+/);
  if (names.length < 4 || !names.every((n) => FIELD_NAME.test(n))) return undefined;
  if (!names.some((n) => n === 'srcaddr' || n === 'dstaddr' || n === 'interface-id')) return undefined;
  return names.filter((n) => KNOWN_FIELDS.has(n)).length >= 4 ? names : undefined;
}

const ACTIONS = new Set(['ACCEPT', 'REJECT', '-']);
const STATUSES = new Set(['OK', 'NODATA', 'SKIPDATA', '-']);

/**
 * Whether `values` read with `format` look like a flow record: the fields that have a fixed
 * vocabulary hold it (`version` a number, `interface-id` an ENI, `instance-id` an instance,
 * `action`, `log-status`, addresses), and at least two of the first five are there to vouch. What does not pass is left to other readers.
 */
function plausible(format: VpcFlowFormat, values: readonly string[]): boolean {
  let vouched = 0;
  for (let i = 0; i < format.length; i++) {
    const v = values[i] ?? '';
    switch (format[i]) {
      case 'version':
        if (!/^\d{1,2}$/.test(v)) return false;
        vouched++;
        break;
      case 'interface-id':
        if (v !== '-' && !/^eni-[0-9a-f]+$/.test(v)) return false;
        vouched++;
        break;
      case 'instance-id':
        if (v !== '-' && !/^i-[0-9a-f]+$/.test(v)) return false;
        vouched++;
        break;
      case 'srcaddr':
      case 'dstaddr':
      case 'pkt-srcaddr':
      case 'pkt-dstaddr':
        if (v !== '-' && isIP(v) === 0) return false;
        break;
      case 'action':
        if (!ACTIONS.has(v)) return false;
        vouched++;
        break;
      case 'log-status':
        if (!STATUSES.has(v)) return false;
        vouched++;
        break;
    }
  }
  return vouched >= 2;
}

/** IANA protocol numbers → `network.transport`, the names Elastic's pipeline gives. */
// prettier-ignore
const TRANSPORTS: Readonly<Record<number, string>> = {
  0: 'hopopt', 1: 'icmp', 2: 'igmp', 6: 'tcp', 8: 'egp', 17: 'udp', 47: 'gre', 50: 'esp', 58: 'ipv6-icmp', 112: 'vrrp', 132: 'sctp',
};

const snake = (name: string): string => name.replace(/-/g, '_');

/** A number field: digits only (`-` and anything else is no value). */
function num(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

function port(v: string | undefined): number | undefined {
  const n = num(v);
  return n !== undefined && n <= 65535 ? n : undefined;
}

/** TCP flags bit field → names, as Elastic's pipeline lists them in `tcp_flags_array`. */
function tcpFlags(v: string | undefined): string[] | undefined {
  const n = num(v);
  if (n === undefined) return undefined;
  const names = (['fin', 'syn', 'rst', 'psh', 'ack', 'urg'] as const).filter((_, i) => (n & (1 << i)) !== 0);
  return names.length > 0 ? names : undefined;
}

/** One record's values by field name (`-` is no value, as Elastic drops it). */
function byName(format: VpcFlowFormat, values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  format.forEach((name, i) => {
    const v = values[i];
    if (v !== undefined && v !== '-' && v !== '') out.set(name, v);
  });
  return out;
}

/** The fields of one record → ECS. */
function toEcs(line: string, f: Map<string, string>, ctx: RecordContext): EcsEvent {
  const srcIp = ipOf(f.get('srcaddr'));
  const dstIp = ipOf(f.get('dstaddr'));
  const sport = port(f.get('srcport'));
  const dport = port(f.get('dstport'));
  const proto = num(f.get('protocol'));
  const transport = proto === undefined ? undefined : TRANSPORTS[proto];
  const packets = num(f.get('packets'));
  const bytes = num(f.get('bytes'));
  const start = num(f.get('start'));
  const end = num(f.get('end'));
  const action = f.get('action');
  const direction = f.get('flow-direction');
  const aws: Json = {};
  for (const [name, v] of f) {
    if (['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end'].includes(name)) continue;
    if (name === 'region' || name === 'az-id' || name === 'flow-direction') continue;
    if (name === 'sublocation-type' || name === 'sublocation-id') {
      aws.sublocation = { ...(aws.sublocation as Json | undefined), [name.slice('sublocation-'.length)]: v };
    } else if (name === 'pkt-src-aws-service' || name === 'pkt-dst-aws-service') {
      aws[name === 'pkt-src-aws-service' ? 'pkt_src_service' : 'pkt_dst_service'] = v;
    } else aws[snake(name)] = v;
  }
  const flags = tcpFlags(f.get('tcp-flags'));
  if (flags) aws.tcp_flags_array = flags;
  return buildEvent(
    ctx,
    line,
    { time: end !== undefined ? end * 1000 : undefined, dataset: 'aws.vpcflow', module: 'aws' },
    {
      event: {
        category: ['network'],
        type: ['connection'],
        outcome: action === 'ACCEPT' ? 'success' : action === 'REJECT' ? 'failure' : undefined,
        start: start !== undefined ? new Date(start * 1000).toISOString() : undefined,
        end: end !== undefined ? new Date(end * 1000).toISOString() : undefined,
      },
      source: { address: srcIp, ip: srcIp, port: sport, bytes, packets },
      destination: { address: dstIp, ip: dstIp, port: dport },
      network: {
        iana_number: proto !== undefined ? String(proto) : undefined,
        transport,
        bytes,
        packets,
        type: srcIp === undefined ? undefined : srcIp.includes(':') ? 'ipv6' : 'ipv4',
        direction: direction === 'ingress' || direction === 'egress' ? direction : undefined,
        // Elastic's processor takes an ICMP flow's type and code from `icmp.*`, which a flow log does not have.
        community_id: proto === 1 || proto === 58 ? undefined : communityId(transport, srcIp, dstIp, sport, dport),
      },
      cloud: {
        provider: 'aws',
        account: { id: f.get('account-id') },
        instance: { id: f.get('instance-id') },
        region: f.get('region'),
        availability_zone: f.get('az-id'),
      },
      aws: { vpcflow: aws },
    },
  );
}

/**
 * One line → its result, or undefined when it is not a VPC flow record. With `format` (from the
 * file's header) the line must have that many fields, or it is a dead letter that says so; without
 * one, the line is read when a layout of its length fits it.
 */
export function normalizeVpcFlowLine(line: string, ctx: RecordContext, format?: VpcFlowFormat): RecordResult | undefined {
  const values = line.trim().split(/\s+/);
  if (format) {
    if (values.length !== format.length)
      return {
        ok: false,
        code: 'PARSE_RECORD_SHAPE',
        reason: `VPC flow log record has ${values.length} fields, its header names ${format.length}`,
        raw: line,
      };
    return { ok: true, event: toEcs(line, byName(format, values), ctx) };
  }
  const layout = LAYOUTS.get(values.length);
  if (!layout || !plausible(layout, values)) return undefined;
  return { ok: true, event: toEcs(line, byName(layout, values), ctx) };
}

/**
 * The dead letter of a line that a reader told to expect VPC flow logs cannot read: no header line
 * before it named its fields, and no layout of its length fits it.
 */
export function notVpcFlowRecord(line: string): RecordResult {
  const n = line.trim().split(/\s+/).length;
  return {
    ok: false,
    code: 'PARSE_RECORD_SHAPE',
    reason: `not a VPC flow log record: ${n} fields, no header line before it, and no layout of ${n} fields fits (layouts read without a header: ${[...LAYOUTS.keys()].join(', ')} fields)`,
    raw: line,
  };
}

/** Whether a line (no header known) is a VPC flow record of a layout Elastic reads. */
export function isVpcFlowLine(line: string): boolean {
  const values = line.trim().split(/\s+/);
  const layout = LAYOUTS.get(values.length);
  return layout !== undefined && plausible(layout, values);
}

/**
 * Reads the lines of one delivery (an S3 object, a Firehose record) in order: a header line sets
 * the format of the lines after it and gives no event; other lines are read with it, or by layout.
 * `other` handles the lines that are not flow records.
 */
export function vpcFlowReader(ctx: RecordContext, other: (line: string) => RecordResult[]): (line: string) => RecordResult[] {
  let format: VpcFlowFormat | undefined;
  return (line) => {
    const header = vpcFlowHeader(line);
    if (header) {
      format = header;
      return [];
    }
    const r = normalizeVpcFlowLine(line, ctx, format);
    return r ? [r] : other(line);
  };
}
