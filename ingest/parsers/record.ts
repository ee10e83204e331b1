import { VigilError } from '../../core/errors/index.js';
import { findCef, parseCef, type CefRecord } from './cef.js';
import { findLeef, parseLeef, type LeefRecord } from './leef.js';
import { parseSyslog } from './syslog.js';
import { toText, type ParseOptions, type SyslogRecord } from './types.js';

/**
 * What one raw record turned out to be: a syslog header and/or a CEF or LEEF payload (inside the
 * syslog MSG, or bare), or a JSON object. Normalizers read this, never raw bytes.
 */
export interface ParsedRecord {
  syslog?: SyslogRecord;
  cef?: CefRecord;
  leef?: LeefRecord;
  json?: Record<string, unknown>;
  /**
   * A payload that announced itself (`CEF:0|…`) but did not parse: the syslog part is kept and
   * the event is marked partial with this reason, rather than losing a readable line.
   */
  payloadError?: VigilError;
}

export type RecordResult = { ok: true; record: ParsedRecord } | { ok: false; error: VigilError };

/** Record formats a caller can insist on; `auto` decides from the first bytes. */
export const RECORD_FORMATS = ['syslog', 'cef', 'leef', 'json', 'auto'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

export interface RecordParseOptions extends ParseOptions {
  /** Default `auto`. */
  format?: RecordFormat;
  /** Let `auto` read a line starting with `{` as JSON. Default true; syslog inputs turn it off. */
  json?: boolean;
}

/** Looks for a CEF or LEEF payload inside a syslog MSG. */
export function withPayload(syslog: SyslogRecord): ParsedRecord {
  const msg = syslog.message;
  const c = msg.length > 4 ? findCef(msg) : -1;
  if (c >= 0) {
    const r = parseCef(msg.slice(c));
    return r.ok ? { syslog, cef: r.record } : { syslog, payloadError: r.error };
  }
  const l = msg.length > 5 ? findLeef(msg) : -1;
  if (l >= 0) {
    const r = parseLeef(msg.slice(l));
    return r.ok ? { syslog, leef: r.record } : { syslog, payloadError: r.error };
  }
  return { syslog };
}

/**
 * Parses one raw record. `syslog` reads a syslog header (and a CEF/LEEF payload inside it);
 * `cef`/`leef` read the payload bare or inside a syslog header, and fail when it is absent;
 * `json` reads one JSON object; `auto` picks by the first character (`<` syslog, `{` JSON,
 * `CEF:`, `LEEF:`), and otherwise reads a PRI-less syslog line when `allowMissingPri` is set.
 * Never throws.
 */
export function parseRecord(input: Buffer | string, opts: RecordParseOptions): RecordResult {
  const text = toText(input);
  const format = opts.format ?? 'auto';
  switch (format) {
    case 'json':
      return parseJsonRecord(text);
    case 'cef':
    case 'leef':
      return parseWrapped(text, format, opts);
    case 'syslog':
      return parseSyslogRecord(text, opts);
    default: {
      const first = text.trimStart();
      // By the first character: most lines are syslog (`<`) and need no prefix comparisons.
      switch (first.charCodeAt(0)) {
        case 0x7b /* { */:
          if (opts.json !== false) return parseJsonRecord(text);
          break;
        case 0x43 /* C */:
          if (first.startsWith('CEF:')) return parseWrapped(first, 'cef', opts);
          break;
        case 0x4c /* L */:
          if (first.startsWith('LEEF:')) return parseWrapped(first, 'leef', opts);
          break;
      }
      return parseSyslogRecord(text, opts);
    }
  }
}

function parseSyslogRecord(text: string, opts: ParseOptions): RecordResult {
  const r = parseSyslog(text, opts);
  return r.ok ? { ok: true, record: withPayload(r.record) } : r;
}

function parseWrapped(text: string, format: 'cef' | 'leef', opts: ParseOptions): RecordResult {
  const bare = format === 'cef' ? text.startsWith('CEF:') : text.startsWith('LEEF:');
  if (bare) {
    const r = format === 'cef' ? parseCef(text) : parseLeef(text);
    if (!r.ok) return r;
    return { ok: true, record: format === 'cef' ? { cef: r.record as CefRecord } : { leef: r.record as LeefRecord } };
  }
  const s = parseSyslog(text, opts);
  if (!s.ok) return s;
  const rec = withPayload(s.record);
  if (rec.payloadError) return { ok: false, error: rec.payloadError };
  if (format === 'cef' ? !rec.cef : !rec.leef) {
    const code = format === 'cef' ? 'PARSE_CEF' : 'PARSE_LEEF';
    return { ok: false, error: new VigilError(code, `no ${format.toUpperCase()} record in the message`, { location: { column: 1 } }) };
  }
  return { ok: true, record: rec };
}

/** One JSON object (a JSON line). Arrays and scalars are refused: one record is one object. */
export function parseJsonRecord(text: string): RecordResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
    return {
      ok: false,
      error: new VigilError('PARSE_JSON', `not JSON: ${err instanceof Error ? err.message : String(err)}`, {
        location: { column: m ? Number(m[1]) + 1 : 1 },
      }),
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: new VigilError('PARSE_JSON', 'a JSON record must be an object', { location: { column: 1 } }) };
  }
  return { ok: true, record: { json: value as Record<string, unknown> } };
}
