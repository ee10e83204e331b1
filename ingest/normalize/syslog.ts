import { deterministicId, type EcsEvent, type SyslogLogFields } from '../../core/event/index.js';
import type { SyslogRecord } from '../parsers/index.js';
import { vendorFor, type VendorFields } from './vendors/index.js';

/** Facility keywords as syslog.h and rsyslog.conf spell them (unique per code; ECS's example is `local7`). */
// prettier-ignore
export const FACILITY_NAMES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** Severity labels as ECS's example (`Error`) and Elastic's syslog processors write them. */
// prettier-ignore
export const SEVERITY_NAMES = [
  'Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug',
] as const;

export interface NormalizeContext {
  /** The configured input id. */
  inputId: string;
  /** The sender's address. */
  peer: string;
  /** The frame as received (trailers stripped): the identity of the record and `event.original`. */
  raw: Buffer;
  receivedAt: Date;
  /** Keep the raw line in `event.original`. */
  keepOriginal: boolean;
}

/** A parsed syslog record → one ECS event, with the vendor fields of its program when known. */
export function normalizeSyslog(record: SyslogRecord, ctx: NormalizeContext): EcsEvent {
  const received = ctx.receivedAt.toISOString();
  const syslog: SyslogLogFields = {
    facility: { code: record.facility, name: FACILITY_NAMES[record.facility] as string },
    severity: { code: record.severity, name: SEVERITY_NAMES[record.severity] as string },
    priority: record.priority,
  };
  if (record.hostname !== undefined) syslog.hostname = record.hostname;
  if (record.appname !== undefined) syslog.appname = record.appname;
  if (record.procid !== undefined) syslog.procid = record.procid;
  if (record.msgid !== undefined) syslog.msgid = record.msgid;
  if (record.version !== undefined) syslog.version = String(record.version);
  if (record.structuredData !== undefined) syslog.structured_data = record.structuredData;

  const event: EcsEvent = { '@timestamp': record.timestamp ?? received };
  if (record.message !== '') event.message = record.message;
  event.event = { kind: 'event', created: received };
  if (ctx.keepOriginal) event.event.original = ctx.raw.toString('utf8');
  if (record.hostname !== undefined) event.host = { name: record.hostname, hostname: record.hostname };
  if (record.appname !== undefined) {
    event.process = { name: record.appname };
    if (record.procid !== undefined && /^\d{1,15}$/.test(record.procid)) event.process.pid = Number(record.procid);
  }
  event.log = { syslog };
  event.vigil = {
    id: deterministicId(ctx.inputId, ctx.peer, ctx.raw),
    input: ctx.inputId,
    received_at: received,
    parse_status: record.partial ? 'partial' : 'ok',
    ...(ctx.peer ? { peer: ctx.peer } : {}),
  };

  const vendor = vendorFor(record.appname)?.(record.message);
  return vendor ? (merge(event, vendor) as EcsEvent) : event;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Object-by-object merge; arrays and scalars from `patch` replace. Returns a new object. */
function merge(base: Record<string, unknown>, patch: VendorFields | Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = isPlainObject(cur) && isPlainObject(v) ? merge(cur, v) : v;
  }
  return out;
}
