import { deterministicId, type EcsEvent, type SyslogLogFields, type VigilEnvelope } from '../../core/event/index.js';
import type { TimeContext } from '../parsers/datetime.js';
import type { ParsedRecord } from '../parsers/record.js';
import { decodedText, type SyslogRecord } from '../parsers/types.js';
import { cefInto } from './cef.js';
import { jsonToEcs } from './json.js';
import { leefToEcs } from './leef.js';
import { sensorJsonPatch } from './sensor-json.js';
import { applyVendors } from './vendors/index.js';
import { mergeInto } from './vendors/util.js';

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
  /** The sender's address (or `file:line` for files). */
  peer: string;
  /** The frame as received (trailers stripped): the identity of the record and `event.original`. */
  raw: Buffer;
  receivedAt: Date;
  /** Keep the raw line in `event.original`. */
  keepOriginal: boolean;
  /** IANA zone of device timestamps that carry none (the input's `timezone`). Default `UTC`. */
  timezone?: string;
}

/**
 * A pipeline batch (and a `vigil parse` run) shares one receive time: format it once, not per
 * event. Keyed by the instant, so a reused and mutated Date is still formatted afresh.
 */
let lastReceived = { ms: NaN, iso: '' };
function receivedIso(d: Date): string {
  const ms = d.getTime();
  if (ms !== lastReceived.ms) lastReceived = { ms, iso: d.toISOString() };
  return lastReceived.iso;
}

/** A PROCID that is a process id: 1–15 ASCII digits (a safe integer). */
function isPid(procid: string): boolean {
  if (procid.length === 0 || procid.length > 15) return false;
  for (let i = 0; i < procid.length; i++) {
    const c = procid.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function syslogFields(record: SyslogRecord): SyslogLogFields {
  const syslog: SyslogLogFields = {};
  if (record.facility !== undefined) syslog.facility = { code: record.facility, name: FACILITY_NAMES[record.facility] as string };
  if (record.severity !== undefined) syslog.severity = { code: record.severity, name: SEVERITY_NAMES[record.severity] as string };
  if (record.priority !== undefined) syslog.priority = record.priority;
  if (record.hostname !== undefined) syslog.hostname = record.hostname;
  if (record.appname !== undefined) syslog.appname = record.appname;
  if (record.procid !== undefined) syslog.procid = record.procid;
  if (record.msgid !== undefined) syslog.msgid = record.msgid;
  if (record.version !== undefined) syslog.version = String(record.version);
  if (record.structuredData !== undefined) syslog.structured_data = record.structuredData;
  return syslog;
}

/**
 * A parsed record → one ECS event. The syslog header gives the base (host, process, log.syslog),
 * then exactly one payload mapper adds its fields: CEF, LEEF, a JSON object, or the vendor whose
 * program or message it is. `related.*` is filled from the addresses and users found.
 */
export function normalizeRecord(parsed: ParsedRecord, ctx: NormalizeContext): EcsEvent {
  const received = receivedIso(ctx.receivedAt);
  const time: TimeContext = { tz: ctx.timezone ?? 'UTC', now: ctx.receivedAt };
  const record = parsed.syslog;
  let partial = record?.partial ?? false;

  const event: EcsEvent = { '@timestamp': record?.timestamp ?? received };
  if (record && record.message !== '') event.message = record.message;
  event.event = { kind: 'event', created: received };
  if (ctx.keepOriginal) event.event.original = decodedText(ctx.raw);
  if (record?.hostname !== undefined) event.host = { name: record.hostname, hostname: record.hostname };
  if (record?.appname !== undefined) {
    event.process = { name: record.appname };
    if (record.procid !== undefined && isPid(record.procid)) event.process.pid = Number(record.procid);
  }
  if (record) event.log = { syslog: syslogFields(record) };

  let patch: Record<string, unknown> | undefined;
  let envelope: Record<string, unknown> | undefined;
  // CEF is written into the event directly (the hot case); the others return a patch to merge.
  if (parsed.cef) envelope = cefInto(event, parsed.cef, time);
  else if (parsed.leef) patch = leefToEcs(parsed.leef, time);
  else if (parsed.json) patch = sensorJsonPatch(parsed.json, decodedText(ctx.raw), ctx.receivedAt) ?? jsonToEcs(parsed.json, time);
  else if (record) {
    patch = applyVendors(record.message, { program: record.appname, hostname: record.hostname, time });
    // A vendor that read the whole message vouches for it, even when the syslog header was thin
    // (FortiGate and PAN-OS often send no timestamp or TAG).
    if (patch && partial && patch['@timestamp'] !== undefined) partial = false;
  }
  if (parsed.payloadError) {
    partial = true;
    event.error = { message: parsed.payloadError.message, code: parsed.payloadError.code };
  }
  if (patch) {
    envelope = patch.vigil as Record<string, unknown> | undefined;
    // The patch is fresh for this event: merge it in place, its `vigil` part goes to the envelope.
    // (Skipped rather than deleted: a delete turns the patch into a slow dictionary object.)
    mergeInto(event, patch, 'vigil');
  }
  const vigil: VigilEnvelope = {
    id: deterministicId(ctx.inputId, ctx.peer, ctx.raw),
    input: ctx.inputId,
    received_at: received,
    parse_status: partial ? 'partial' : 'ok',
  };
  if (ctx.peer) vigil.peer = ctx.peer;
  if (envelope) Object.assign(vigil, envelope);
  event.vigil = vigil;
  fillRelated(event);
  return event;
}

type Obj = Record<string, unknown> | undefined;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/**
 * `list` with `v` appended when it is a new non-empty string; `list` starts as a copy of `base`
 * the first time something is added, so that an event with nothing to add allocates nothing.
 */
function added(list: string[] | undefined, base: readonly string[] | undefined, v: unknown): string[] | undefined {
  if (typeof v !== 'string' || v === '' || (list ?? base)?.includes(v)) return list;
  const out = list ?? (base ? [...base] : []);
  out.push(v);
  return out;
}

/** ECS `related.ip` / `related.user`: every address and user name the event names, once each. */
export function fillRelated(event: EcsEvent): void {
  const baseIps = event.related?.ip;
  const baseUsers = event.related?.user;
  let ips: string[] | undefined;
  let users: string[] | undefined;
  // The four sides spelled out: a loop over their names makes every read a keyed lookup.
  for (const s of [obj(event.source), obj(event.destination), obj(event.client), obj(event.server)]) {
    if (!s) continue;
    ips = added(ips, baseIps, s.ip);
    ips = added(ips, baseIps, obj(s.nat)?.ip);
    users = added(users, baseUsers, obj(s.user)?.name);
  }
  const user = obj(event.user);
  if (user) {
    users = added(users, baseUsers, user.name);
    users = added(users, baseUsers, obj(user.effective)?.name);
    users = added(users, baseUsers, obj(user.target)?.name);
  }
  if (!ips && !users) return;
  const ipList = ips ?? [...(baseIps ?? [])];
  const userList = users ?? [...(baseUsers ?? [])];
  const related: NonNullable<EcsEvent['related']> = { ...event.related };
  if (ipList.length > 0) related.ip = ipList;
  if (userList.length > 0) related.user = userList;
  event.related = related;
}
