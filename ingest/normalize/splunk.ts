import type { OutRecord } from '../../core/bus/types.js';
import { deterministicId, type EcsEvent, type VigilEnvelope } from '../../core/event/index.js';

/**
 * Splunk data (HEC envelopes, HEC raw lines, S2S messages) → ECS. One mapping for both inputs:
 *
 * | Splunk                         | ECS / Vigil                                                    |
 * |--------------------------------|----------------------------------------------------------------|
 * | `time` / `_time` (+`_subsecond`) | `@timestamp` (receive time when absent)                     |
 * | `host`                         | `host.name`, `host.hostname`                                   |
 * | `sourcetype`                   | `event.dataset`, `vigil.splunk.sourcetype`                     |
 * | `source`                       | `vigil.splunk.source`; also `log.file.path` when it is an absolute path |
 * | `index`                        | `vigil.splunk.index`                                           |
 * | string event / `_raw` / raw line | `message`, and `event.original` when the input keeps originals |
 * | object event (HEC)             | kept whole under `vigil.splunk.event`; its string `message` (splunk-logging's shape) → `message`; its JSON → `event.original` |
 * | `fields` / `_meta` / indexed keys | `vigil.splunk.fields` as sent; string and number values also in `labels` (ECS labels are keyword-only, dots become `_`) |
 * | HEC channel                    | `vigil.splunk.channel`                                         |
 * | forwarder hello (S2S)          | `agent.type` `splunk-forwarder`, `agent.name` (its serverName) |
 *
 * Splunk metadata lives under `vigil.splunk` rather than in ECS because ECS has no place for it
 * and a Splunk sink needs it back verbatim to route to the same index and sourcetype.
 */
export interface SplunkMeta {
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  /** Indexed fields: HEC `fields`, S2S `_meta` and plain keys. */
  fields?: Record<string, string | number | Array<string | number>>;
}

export interface SplunkVigil {
  index?: string;
  source?: string;
  sourcetype?: string;
  channel?: string;
  fields?: SplunkMeta['fields'];
  event?: unknown;
}

/** `vigil.*` with the Splunk part; VigilEnvelope itself stays Splunk-free. */
export type SplunkEnvelope = VigilEnvelope & { splunk: SplunkVigil };

export interface SplunkContext {
  inputId: string;
  peer: string;
  receivedAt: Date;
  keepOriginal: boolean;
  /** HEC channel, when the request had one. */
  channel?: string;
  /** S2S forwarder's server name. */
  forwarder?: string;
}

/** What one Splunk event carries, whatever the transport. */
export interface SplunkRecord {
  /** The event: a string (message) or JSON value (HEC object events). */
  event: unknown;
  /** Epoch seconds with fraction. */
  time?: number;
  meta: SplunkMeta;
  /** The bytes that identify the record (an HEC envelope's JSON, a raw line with its metadata). */
  identity: string | Buffer;
}

/** Epoch seconds (number, or numeric string as splunk-logging sends) → seconds; undefined when not a time. */
export function parseEpochSeconds(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  // Date can hold ±8.64e12 seconds; beyond that toISOString throws.
  return Number.isFinite(n) && Math.abs(n) < 8.64e12 ? n : undefined;
}

function isAbsolutePath(s: string): boolean {
  return s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\');
}

function toLabels(fields: NonNullable<SplunkMeta['fields']>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' || typeof v === 'number') {
      out[k.replace(/\./g, '_')] = String(v);
      any = true;
    }
  }
  return any ? out : undefined;
}

function messageOf(event: unknown): string | undefined {
  if (typeof event === 'string') return event;
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) {
    const m = (event as Record<string, unknown>).message;
    if (typeof m === 'string') return m;
  }
  if (typeof event === 'number' || typeof event === 'boolean') return String(event);
  return undefined;
}

/** One Splunk record → one ECS event. */
export function normalizeSplunk(rec: SplunkRecord, ctx: SplunkContext): EcsEvent {
  const received = ctx.receivedAt.toISOString();
  const { meta } = rec;
  const ts = rec.time === undefined ? received : new Date(Math.round(rec.time * 1000)).toISOString();
  const event: EcsEvent = { '@timestamp': ts };
  const message = messageOf(rec.event);
  if (message !== undefined && message !== '') event.message = message;
  event.event = { kind: 'event', created: received };
  if (meta.sourcetype) event.event.dataset = meta.sourcetype;
  if (ctx.keepOriginal) event.event.original = typeof rec.event === 'string' ? rec.event : JSON.stringify(rec.event);
  if (meta.host) event.host = { name: meta.host, hostname: meta.host };
  if (meta.source && isAbsolutePath(meta.source)) event.log = { file: { path: meta.source } };
  if (ctx.forwarder !== undefined) event.agent = { type: 'splunk-forwarder', name: ctx.forwarder };
  const labels = meta.fields && toLabels(meta.fields);
  if (labels) event.labels = labels;

  const splunk: SplunkVigil = {};
  if (meta.index !== undefined) splunk.index = meta.index;
  if (meta.source !== undefined) splunk.source = meta.source;
  if (meta.sourcetype !== undefined) splunk.sourcetype = meta.sourcetype;
  if (ctx.channel !== undefined) splunk.channel = ctx.channel;
  if (meta.fields && Object.keys(meta.fields).length > 0) splunk.fields = meta.fields;
  if (typeof rec.event === 'object' && rec.event !== null) splunk.event = rec.event;
  const vigil: SplunkEnvelope = {
    id: deterministicId(ctx.inputId, rec.identity),
    input: ctx.inputId,
    received_at: received,
    parse_status: 'ok',
    ...(ctx.peer ? { peer: ctx.peer } : {}),
    splunk,
  };
  event.vigil = vigil;
  return event;
}

/** The Kafka record of an event: keyed by host (one host's events on one partition, in order). */
export function eventRecord(event: EcsEvent, peer: string, receivedAt: Date): OutRecord {
  return {
    key: event.host?.name ?? peer,
    value: JSON.stringify(event),
    // Receive time, not event time: retention must not drop a late or mis-dated event at once.
    timestamp: receivedAt.getTime(),
  };
}

/**
 * Splunk's `_meta` string: `k::v` pairs separated by whitespace, a value double-quoted when it
 * holds spaces (`env::prod team::"blue team"`). Repeated keys become arrays.
 */
export function parseMeta(s: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const re = /(\S+?)::(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const key = m[1] as string;
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string);
    const cur = out[key];
    out[key] = cur === undefined ? value : Array.isArray(cur) ? [...cur, value] : [cur, value];
  }
  return out;
}
