import { gunzip } from 'node:zlib';
import { parseEpochSeconds, type SplunkMeta } from '../../normalize/splunk.js';
import { HecError } from './errors.js';

/**
 * HEC request bodies → envelopes. An `/event` body is JSON objects back to back (`{…}{…}`, with or
 * without whitespace between them, never an array); a `/raw` body is text, one event per line.
 * Errors are Splunk's: the code and, for a batch, the 0-based number of the offending event.
 */

/** One `/event` envelope, validated. */
export interface HecEnvelope {
  event: unknown;
  time?: number;
  meta: SplunkMeta;
  /** The envelope's JSON text as sent: the event's identity, and what a dead letter keeps. */
  text: string;
  /**
   * An object (or array) event's JSON as sent, when it is on one line: `event.original` and the
   * record's `vigil.splunk.event` take it as is instead of serializing the parsed event again.
   */
  eventText?: string;
}

/** Decompresses a gzip body, refusing to inflate past `maxBytes` (a gzip bomb is a 413, not an OOM). */
export function gunzipBounded(body: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Deepest nesting of objects and arrays an event may have. JSON.parse copes with any depth, but
 * what follows it recurses (JSON.stringify, normalizing, flattening) and overflows the stack at a
 * few thousand levels: the event would fail on every retry. Real events nest a few levels deep
 * (Elasticsearch maps 20 object levels by default), so 100 refuses nothing legitimate.
 */
export const MAX_NESTING_DEPTH = 100;

/** One object of an `/event` body: its text, and where its top-level `"event"` value is in it. */
export interface EnvelopeText {
  text: string;
  /** Offsets (into `text`) of the last top-level `"event"` value, whitespace around it excluded. */
  event?: [start: number, end: number];
}

/**
 * Splits concatenated JSON objects by brace depth outside strings, then parses each. The scan is
 * only a splitter: JSON.parse still judges every object, so a brace inside a string cannot fool it.
 * It also refuses an object nested deeper than `maxDepth` (objects and arrays), before any parse.
 */
export function splitObjects(text: string, maxDepth = MAX_NESTING_DEPTH): string[] {
  return splitEnvelopes(text, maxDepth).map((e) => e.text);
}

/**
 * `splitObjects`, also noting in the same scan where each object's top-level `"event"` value
 * lies (a key written with escapes is not recognised: the value is then serialized again).
 */
export function splitEnvelopes(text: string, maxDepth = MAX_NESTING_DEPTH): EnvelopeText[] {
  const out: EnvelopeText[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) return out;
    if (text.charCodeAt(i) !== OPEN) throw new HecError('INVALID_DATA_FORMAT', `event ${out.length} is not a JSON object`, out.length);
    const start = i;
    let depth = 0;
    // Objects and arrays; `depth` counts objects only, to find where this one ends.
    let nesting = 0;
    let inString = false;
    // At the top level: where the key being read starts (-1 outside a key), and the "event" value's start.
    let keyStart = -1;
    let expectKey = false;
    let eventKey = false;
    let valueStart = -1;
    let event: [number, number] | undefined;
    const endValue = (at: number) => {
      if (valueStart < 0) return;
      let s = valueStart;
      let e = at;
      while (s < e && isSpace(text.charCodeAt(s))) s++;
      while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
      event = [s - start, e - start];
      valueStart = -1;
    };
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) {
          inString = false;
          if (keyStart >= 0) {
            eventKey = i - keyStart === 6 && text.startsWith('"event', keyStart);
            keyStart = -1;
          }
        }
      } else if (c === QUOTE) {
        inString = true;
        if (expectKey && nesting === 1) {
          keyStart = i;
          expectKey = false;
        }
      } else if (c === OPEN || c === OPEN_ARRAY) {
        if (c === OPEN) depth++;
        if (++nesting > maxDepth) {
          throw new HecError(
            'INVALID_DATA_FORMAT',
            `event ${out.length} nests objects and arrays deeper than ${maxDepth} levels`,
            out.length,
          );
        }
        if (nesting === 1) expectKey = true;
      } else if (c === CLOSE_ARRAY) nesting--;
      else if (c === CLOSE) {
        nesting--;
        if (--depth === 0) {
          endValue(i);
          break;
        }
      } else if (nesting === 1) {
        if (c === COLON && eventKey) {
          valueStart = i + 1;
          eventKey = false;
        } else if (c === COMMA) {
          endValue(i);
          expectKey = true;
        }
      }
    }
    if (i >= n) throw new HecError('INVALID_DATA_FORMAT', `event ${out.length} is cut off`, out.length);
    i++;
    out.push(event ? { text: text.slice(start, i), event } : { text: text.slice(start, i) });
  }
}

const META_KEYS = ['host', 'source', 'sourcetype', 'index'] as const;

/** Validates one parsed envelope; `n` is its number in the batch. */
export function toEnvelope(obj: Record<string, unknown>, text: string, n: number): HecEnvelope {
  if (!('event' in obj)) throw new HecError('EVENT_REQUIRED', `event ${n} has no "event" field`, n);
  const event = obj.event;
  if (event === null || event === '' || (typeof event === 'string' && event.trim() === '')) {
    throw new HecError('EVENT_BLANK', `event ${n} has a blank "event" field`, n);
  }
  const meta: SplunkMeta = {};
  for (const k of META_KEYS) {
    const v = obj[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw new HecError('INVALID_DATA_FORMAT', `event ${n}: "${k}" must be a string`, n);
    if (String(v) !== '') meta[k] = String(v);
  }
  const env: HecEnvelope = { event, meta, text };
  if (obj.time !== undefined && obj.time !== null && obj.time !== '') {
    const t = parseEpochSeconds(obj.time);
    if (t === undefined) throw new HecError('INVALID_DATA_FORMAT', `event ${n}: "time" must be epoch seconds`, n);
    env.time = t;
  }
  if (obj.fields !== undefined && obj.fields !== null) meta.fields = checkFields(obj.fields, n);
  return env;
}

/** `fields` must be a flat object of strings, numbers or arrays of them (Splunk answers 15 otherwise). */
function checkFields(fields: unknown, n: number): NonNullable<SplunkMeta['fields']> {
  const bad = (why: string) => new HecError('INDEXED_FIELDS', `event ${n}: ${why}`, n);
  if (typeof fields !== 'object' || Array.isArray(fields) || fields === null) throw bad('"fields" must be an object');
  const out: NonNullable<SplunkMeta['fields']> = {};
  for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) out[k] = v as Array<string | number>;
    else throw bad(`field "${k}" must be a string, a number or an array of them`);
  }
  return out;
}

/** An `/event` body → envelopes; throws HecError (code and event number) on the first bad one. */
export function decodeEvents(body: Buffer, maxDepth = MAX_NESTING_DEPTH): HecEnvelope[] {
  const text = body.toString('utf8');
  const parts = splitEnvelopes(text, maxDepth);
  if (parts.length === 0) throw new HecError('NO_DATA', 'the body holds no event');
  return parts.map((part, n) => {
    let obj: unknown;
    try {
      obj = JSON.parse(part.text);
    } catch {
      throw new HecError('INVALID_DATA_FORMAT', `event ${n} is not valid JSON`, n);
    }
    const env = toEnvelope(obj as Record<string, unknown>, part.text, n);
    if (part.event && typeof env.event === 'object') {
      const eventText = part.text.slice(part.event[0], part.event[1]);
      // On one line, so that the record it is written into stays one line (NDJSON archives, line tools).
      if (!/[\r\n]/.test(eventText)) env.eventText = eventText;
    }
    return env;
  });
}

/** A `/raw` body → its non-blank lines (CR LF or LF), decoded as UTF-8. */
export function decodeRaw(body: Buffer): string[] {
  return body
    .toString('utf8')
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== '');
}
