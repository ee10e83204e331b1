import { VigilError } from '../../core/errors/index.js';

/** A syslog message split into its header fields. Nil (`-`) fields are absent. */
export interface SyslogRecord {
  format: 'rfc5424' | 'rfc3164';
  /** PRI, 0–191: facility × 8 + severity. Absent only for a line read with `allowMissingPri` (a log file). */
  priority?: number;
  facility?: number;
  severity?: number;
  /** RFC 3339 in UTC (`…Z`), fractional digits kept; absent when nil or unreadable. */
  timestamp?: string;
  hostname?: string;
  /** RFC 5424 APP-NAME, or the RFC 3164 TAG. */
  appname?: string;
  /** RFC 5424 PROCID, or the RFC 3164 `[pid]`. */
  procid?: string;
  msgid?: string;
  /** RFC 5424 VERSION (always 1 here). */
  version?: number;
  /** RFC 5424 STRUCTURED-DATA: SD-ID → PARAM-NAME → unescaped value. */
  structuredData?: Record<string, Record<string, string>>;
  message: string;
  /** True when a header part could not be interpreted and was left inside `message`. */
  partial: boolean;
}

export type ParseResult = { ok: true; record: SyslogRecord } | { ok: false; error: VigilError };

export interface ParseOptions {
  /** Receive time: the reference for RFC 3164's missing year. */
  now: Date;
  /** IANA zone for timestamps that carry none. Default `UTC`. */
  timezone?: string;
  /**
   * Read a line without `<PRI>` as RFC 3164 (what syslog daemons write to files such as
   * /var/log/auth.log) instead of failing. Network inputs leave it off: there a missing PRI means
   * the sender does not speak syslog. Default false.
   */
  allowMissingPri?: boolean;
}

/** A typed failure: PARSE_SYSLOG with the 1-based column where reading stopped. */
export function fail(reason: string, index: number): { ok: false; error: VigilError } {
  return { ok: false, error: new VigilError('PARSE_SYSLOG', reason, { location: { column: index + 1 } }) };
}

/** `obj[key] = value`, also for the key `__proto__`, which an assignment would take as the prototype. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * The buffer `toText` decoded last and its text, trailers included. Each frame is parsed and then
 * normalized, and `event.original` is the same decode: `decodedText` hands it over once instead
 * of decoding every line twice.
 */
let lastBuffer: Buffer | undefined;
let lastText = '';

/** `raw.toString('utf8')`, taken from the last `toText` when that read this very buffer. */
export function decodedText(raw: Buffer): string {
  if (raw !== lastBuffer) return raw.toString('utf8');
  lastBuffer = undefined; // hold no frame (or the chunk it is a view of) past its event
  return lastText;
}

/** Decodes as UTF-8 and drops the LF/CR/NUL trailers senders leave. */
export function toText(input: Buffer | string): string {
  let s: string;
  if (typeof input === 'string') s = input;
  else {
    s = input.toString('utf8');
    lastBuffer = input;
    lastText = s;
  }
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 0x0a && c !== 0x0d && c !== 0x00) break;
    end--;
  }
  return end === s.length ? s : s.slice(0, end);
}

export type PriResult =
  { ok: true; priority: number; facility: number; severity: number; end: number } | { ok: false; reason: string; index: number };

/** `<PRI>` at the start: 1–3 digits, no leading zero (except `<0>`), at most 191 (RFC 5424 §6.2.1). */
export function parsePri(s: string): PriResult {
  if (s.charCodeAt(0) !== 0x3c) return { ok: false, reason: 'no PRI: a syslog message starts with <PRI>', index: 0 };
  let close = 1;
  while (close <= 4 && s.charCodeAt(close) !== 0x3e) close++;
  if (close > 4) return { ok: false, reason: 'PRI is not closed by > within 3 digits', index: 1 };
  let priority = 0;
  let numeric = true;
  for (let i = 1; i < close; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) numeric = false;
    priority = priority * 10 + d;
  }
  if (close === 1) return { ok: false, reason: 'PRI is empty', index: 1 };
  if (!numeric) return { ok: false, reason: 'PRI is not a number', index: 1 };
  if (close > 2 && s.charCodeAt(1) === 0x30) return { ok: false, reason: 'PRI has a leading zero', index: 1 };
  if (priority > 191) return { ok: false, reason: `PRI ${priority} is above 191`, index: 1 };
  return { ok: true, priority, facility: priority >> 3, severity: priority & 7, end: close + 1 };
}
