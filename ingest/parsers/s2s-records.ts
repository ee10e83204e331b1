import { parseEpochSeconds, parseMeta, type SplunkMeta, type SplunkRecord } from '../normalize/splunk.js';
import { setOwn } from './types.js';
import { pairText, pairValue, type S2sMessage } from '../framing/s2s.js';

/**
 * Decoded S2S messages → Splunk records (one per event). Two shapes arrive:
 *
 * - Parsed data (a heavy forwarder, eventgen, our sender): the message has `_time`; its `_raw`
 *   is one event.
 * - Unparsed data (a universal forwarder's file monitor): no `_time`; `_raw` is a chunk of the
 *   source that may hold many lines and end inside one. Lines are events; an unterminated tail
 *   waits for the next chunk of the same channel, and is an event of its own when the chunk says
 *   `_linebreaker` (it ends on an event boundary), when `_done` ends the channel's data, or when
 *   the connection ends. A tail longer than `maxTailBytes` is emitted as it is.
 */

/** Keys that are protocol or metadata, never indexed fields. Compared lower-case. */
const RESERVED = new Set(['_raw', '_time', '_subsecond', '_done', '_linebreaker', '_meta', '_path', '_channel', '_metadata:index']);

const strip = (v: string | undefined, prefix: string) => (v !== undefined && v.startsWith(prefix) ? v.slice(prefix.length) : v);

/** The metadata of one message. */
export function messageMeta(msg: S2sMessage): SplunkMeta {
  const meta: SplunkMeta = {};
  const index = pairText(msg, '_MetaData:Index');
  const host = strip(pairText(msg, 'MetaData:Host'), 'host::');
  const source = strip(pairText(msg, 'MetaData:Source'), 'source::') ?? pairText(msg, '_path');
  const sourcetype = strip(pairText(msg, 'MetaData:Sourcetype'), 'sourcetype::');
  if (index) meta.index = index;
  if (host) meta.host = host;
  if (source) meta.source = source;
  if (sourcetype) meta.sourcetype = sourcetype;
  const fields: NonNullable<SplunkMeta['fields']> = {};
  const metaText = pairText(msg, '_meta');
  // Copied key by key: Object.assign would take a `_meta` key named `__proto__` as a prototype.
  if (metaText) for (const [k, v] of Object.entries(parseMeta(metaText))) setOwn(fields, k, v);
  for (const p of msg.pairs) {
    const k = p.key.toLowerCase();
    if (RESERVED.has(k) || k.startsWith('_') || k.startsWith('metadata:')) continue;
    setOwn(fields, p.key, p.value.toString('utf8'));
  }
  if (Object.keys(fields).length > 0) meta.fields = fields;
  return meta;
}

/** `_time` plus `_subsecond` (`.123456`) → epoch seconds. */
export function messageTime(msg: S2sMessage): number | undefined {
  const t = parseEpochSeconds(pairText(msg, '_time'));
  if (t === undefined) return undefined;
  const sub = pairText(msg, '_subsecond');
  const frac = sub !== undefined && /^\.?\d+$/.test(sub) ? Number(sub.startsWith('.') ? `0${sub}` : `0.${sub}`) : 0;
  return t + frac;
}

interface Tail {
  meta: SplunkMeta;
  bytes: Buffer;
}

const LF = 0x0a;

/** Trailing CR/LF off a line. */
function trimEol(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === LF || b[end - 1] === 0x0d)) end--;
  return b.subarray(0, end);
}

function isBlank(b: Buffer): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== LF) return false;
  return true;
}

export class S2sAssembler {
  private readonly tails = new Map<string, Tail>();

  constructor(private readonly maxTailBytes: number) {}

  /** Events of one data message (none for control messages or empty `_raw`). */
  push(msg: S2sMessage): SplunkRecord[] {
    const raw = pairValue(msg, '_raw');
    const meta = messageMeta(msg);
    const channel = pairText(msg, '_channel') ?? `${meta.index ?? ''}|${meta.host ?? ''}|${meta.source ?? ''}|${meta.sourcetype ?? ''}`;
    const done = pairValue(msg, '_done') !== undefined;
    const boundary = done || pairValue(msg, '_linebreaker') !== undefined;
    const time = messageTime(msg);
    const out: SplunkRecord[] = [];

    if (time !== undefined) {
      // Parsed data: one event. A tail left by unparsed chunks of the channel ends here.
      this.flushTail(channel, out);
      if (raw && !isBlank(raw)) out.push(record(trimEol(raw), meta, time));
      return out;
    }
    const tail = this.tails.get(channel);
    this.tails.delete(channel);
    const text = tail ? Buffer.concat([tail.bytes, raw ?? Buffer.alloc(0)]) : (raw ?? Buffer.alloc(0));
    let start = 0;
    for (let nl = text.indexOf(LF, start); nl !== -1; nl = text.indexOf(LF, start)) {
      const line = trimEol(text.subarray(start, nl));
      if (!isBlank(line)) out.push(record(line, meta));
      start = nl + 1;
    }
    const rest = text.subarray(start);
    if (rest.length > 0 && !isBlank(rest)) {
      if (boundary || rest.length > this.maxTailBytes) out.push(record(trimEol(rest), meta));
      // Copied: `rest` points into a buffer that holds the whole chunk.
      else this.tails.set(channel, { meta, bytes: Buffer.from(rest) });
    }
    return out;
  }

  /** The tails still waiting (the connection ended): each is an event. */
  end(): SplunkRecord[] {
    const out: SplunkRecord[] = [];
    for (const channel of [...this.tails.keys()]) this.flushTail(channel, out);
    return out;
  }

  private flushTail(channel: string, out: SplunkRecord[]): void {
    const tail = this.tails.get(channel);
    if (!tail) return;
    this.tails.delete(channel);
    out.push(record(trimEol(tail.bytes), tail.meta));
  }
}

function record(line: Buffer, meta: SplunkMeta, time?: number): SplunkRecord {
  const text = line.toString('utf8');
  // What makes the event unique: its metadata and bytes (a resent message gets the same id).
  const identity = `${meta.index ?? ''}|${meta.host ?? ''}|${meta.source ?? ''}|${meta.sourcetype ?? ''}|${time ?? ''}|${text}`;
  return { event: text, ...(time !== undefined ? { time } : {}), meta, identity };
}
