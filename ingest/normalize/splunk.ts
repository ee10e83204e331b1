import type { OutRecord } from '../../core/bus/types.js';
import { deterministicId, type EcsEvent, type VigilEnvelope } from '../../core/event/index.js';
import { setOwn } from '../parsers/types.js';
import { closingQuote, isJsWhitespace } from './vendors/util.js';

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
  /** An object event's JSON as the sender wrote it (HEC): `event.original` then, without serializing the event again. */
  eventText?: string;
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
      setOwn(out, k.replace(/\./g, '_'), String(v));
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

// The inputs hand a batch's events one receive time: written once, not once per event.
let lastMs = NaN;
let lastIso = '';
function isoOf(d: Date): string {
  const ms = d.getTime();
  if (ms !== lastMs) {
    lastIso = d.toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** One Splunk record → one ECS event. */
export function normalizeSplunk(rec: SplunkRecord, ctx: SplunkContext): EcsEvent {
  const received = isoOf(ctx.receivedAt);
  const { meta } = rec;
  const ts = rec.time === undefined ? received : new Date(Math.round(rec.time * 1000)).toISOString();
  const event: EcsEvent = { '@timestamp': ts };
  const message = messageOf(rec.event);
  if (message !== undefined && message !== '') event.message = message;
  event.event = { kind: 'event', created: received };
  if (meta.sourcetype) event.event.dataset = meta.sourcetype;
  if (ctx.keepOriginal) event.event.original = typeof rec.event === 'string' ? rec.event : (rec.eventText ?? JSON.stringify(rec.event));
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

/** The Kafka record of an event: keyed by host (one host's events on one partition, in order); `value` is its JSON. */
export function eventRecord(event: EcsEvent, peer: string, receivedAt: Date, value: string = JSON.stringify(event)): OutRecord {
  return {
    key: event.host?.name ?? peer,
    value,
    // Receive time, not event time: retention must not drop a late or mis-dated event at once.
    timestamp: receivedAt.getTime(),
  };
}

/**
 * Longer than any `_meta` a forwarder writes (a few indexed fields): the rest of a longer one is
 * not read, so that one message cannot make a record carry thousands of labels.
 */
export const MAX_META_CHARS = 65_536;

/**
 * Splunk's `_meta` string: `k::v` pairs separated by whitespace, a value double-quoted when it
 * holds spaces (`env::prod team::"blue team"`). Repeated keys become arrays. Only the first
 * `MAX_META_CHARS` characters are read.
 *
 * What `/(\S+?)::(?:"((?:[^"\\]|\\.)*)"|(\S*))/g` finds, as one forward scan: that regex would
 * retry its lazy key at every offset of a long token without `::`, quadratic in the token (hours
 * for a 4 MiB S2S message). A key is a whole token up to its first `::` (when a token has none,
 * no offset inside it does either), so each character is looked at a bounded number of times. A quoted value that does not close is read unquoted, and no later quoted value can
 * start inside the text its scan went over, so that scan is not repeated either.
 */
export function parseMeta(meta: string): Record<string, string | string[]> {
  const s = meta.length > MAX_META_CHARS ? meta.slice(0, MAX_META_CHARS) : meta;
  const out: Record<string, string | string[]> = {};
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isJsWhitespace(s.charCodeAt(i))) i++;
    if (i >= s.length) break;
    const start = i;
    // Up to the first `::` past the token's first character (the key is at least one character).
    while (i < s.length && !isJsWhitespace(s.charCodeAt(i)) && !(i > start && s.charCodeAt(i) === 0x3a && s.charCodeAt(i + 1) === 0x3a))
      i++;
    if (i >= s.length || isJsWhitespace(s.charCodeAt(i))) continue; // a token without a pair
    const sep = i;
    const key = s.slice(start, sep);
    let v = sep + 2;
    let value: string;
    const close = s.charCodeAt(v) === 0x22 ? closingQuote(s, v + 1) : -1;
    if (close >= 0) {
      value = s.slice(v + 1, close).replace(/\\(.)/g, '$1');
      v = close + 1;
    } else {
      while (v < s.length && !isJsWhitespace(s.charCodeAt(v))) v++;
      value = s.slice(sep + 2, v);
    }
    // The next pair starts right after this value, which a quoted one may end inside a token.
    i = v;
    const cur = Object.hasOwn(out, key) ? out[key] : undefined;
    // The array is ours (made below): appending in place keeps many repeats of a key linear.
    if (Array.isArray(cur)) cur.push(value);
    else setOwn(out, key, cur === undefined ? value : [cur, value]);
  }
  return out;
}
