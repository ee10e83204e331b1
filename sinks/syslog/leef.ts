import { LEEF_TO_ECS } from '../../core/event/vendor-keys.js';
import { reverseRules, valueAt, vendorText, type EncodeRule } from './vendor-keys.js';

/**
 * ECS → IBM QRadar LEEF 2.0: `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|` then one
 * attribute per ECS field of the ingest table read backwards, and `devTime` with its
 * `devTimeFormat`. What LEEF has no attribute for is not sent.
 */
export interface LeefOptions {
  vendor: string;
  product: string;
  version: string;
  /** The attribute delimiter: one character, not `=`, `|` or `\`. */
  delimiter: string;
}

const RULES: readonly EncodeRule[] = reverseRules(LEEF_TO_ECS);

/** `devTime` in a pattern QRadar documents and ingest reads back to the millisecond. */
const DEV_TIME_FORMAT = 'yyyy-MM-dd HH:mm:ss.SSS Z';

/** The header field that names the delimiter: printable characters as they are, TAB as `x09`. */
function delimiterField(d: string): string {
  const c = d.charCodeAt(0);
  return c > 0x20 && c < 0x7f ? d : `x${c.toString(16).padStart(2, '0')}`;
}

/** Header: `\` and `|` are escaped; a line break would end the record, so it becomes a space. */
export function escapeLeefHeader(v: string): string {
  if (!/[\\|\r\n]/.test(v)) return v;
  return v.replace(/[\\|]/g, '\\$&').replace(/\r\n?|\n/g, ' ');
}

/** Attribute value: `\` and the delimiter are escaped; LEEF has no escape for a line break, so it becomes a space. */
export function escapeLeefValue(v: string, delimiter: string): string {
  if (!v.includes('\\') && !v.includes(delimiter) && !/[\r\n]/.test(v)) return v;
  let out = '';
  for (const c of v) {
    if (c === '\\' || c === delimiter) out += `\\${c}`;
    else if (c === '\r' || c === '\n') out += ' ';
    else out += c;
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-11-20 08:14:03.123 +0000`: UTC, in DEV_TIME_FORMAT. */
function devTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} +0000`
  );
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** `isLoginEvent` or `isLogoutEvent` for an authentication start or end. */
function loginFlag(ev: Record<string, unknown>): string | undefined {
  const has = (field: unknown, v: string) => (Array.isArray(field) ? field.includes(v) : field === v);
  if (!has(ev.category, 'authentication')) return undefined;
  return has(ev.type, 'start') ? 'isLoginEvent' : has(ev.type, 'end') ? 'isLogoutEvent' : undefined;
}

/** One event as a LEEF 2.0 record, one line. */
export function encodeLeef(event: Readonly<Record<string, unknown>>, opts: LeefOptions): string {
  const observer = (event.observer ?? {}) as Record<string, unknown>;
  const ev = (event.event ?? {}) as Record<string, unknown>;
  const d = opts.delimiter;
  let out =
    'LEEF:2.0|' +
    escapeLeefHeader(str(observer.vendor) ?? opts.vendor) +
    '|' +
    escapeLeefHeader(str(observer.product) ?? opts.product) +
    '|' +
    escapeLeefHeader(str(observer.version) ?? opts.version) +
    '|' +
    escapeLeefHeader(str(ev.code) ?? str(ev.action) ?? 'event') +
    '|' +
    delimiterField(d) +
    '|';
  let sep = '';
  for (const r of RULES) {
    const text = vendorText(valueAt(event, r.parts), r.as);
    if (text === undefined) continue;
    out += sep + r.key + '=' + escapeLeefValue(text, d);
    sep = d;
  }
  // Ingest reads these two flags into an authentication start or end.
  const login = loginFlag(ev);
  if (login) {
    out += sep + login + '=true';
    sep = d;
  }
  const ts = event['@timestamp'];
  const ms = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (Number.isFinite(ms)) out += sep + 'devTime=' + devTime(ms) + d + 'devTimeFormat=' + DEV_TIME_FORMAT;
  return out;
}
