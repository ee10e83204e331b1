import { CEF_FULL_NAMES, CEF_TO_ECS } from '../../core/event/vendor-keys.js';
import { reverseRules, valueAt, vendorText, type EncodeRule } from './vendor-keys.js';

/**
 * ECS → ArcSight CEF (rev. 25): the header from `observer.*`, `event.code`, the event's name and
 * `event.severity`, and one extension key per ECS field of the ingest table read backwards. What
 * CEF has no key for is not sent (a SIEM that needs the whole event takes the `json` encoding).
 */
export interface CefDefaults {
  /** Device Vendor when the event has no `observer.vendor`. */
  vendor: string;
  /** Device Product when the event has no `observer.product`. */
  product: string;
  /** Device Version when the event has no `observer.version`. */
  version: string;
}

/** Where two CEF keys read into one ECS field, the one written back. */
const PREFER: Readonly<Record<string, string>> = { 'event.id': 'eventId' };

const RULES: readonly EncodeRule[] = reverseRules(CEF_TO_ECS, { shortNames: CEF_FULL_NAMES, prefer: PREFER });

/** Header: `\` and `|` are escaped; a line break would end the record, so it becomes a space (CEF has no escape for it there). */
export function escapeCefHeader(v: string): string {
  if (!/[\\|\r\n]/.test(v)) return v;
  return v.replace(/[\\|]/g, '\\$&').replace(/\r\n?|\n/g, ' ');
}

/** Extension value: `\`, `=` and line breaks are escaped (CEF rev. 25, "Character Encoding"). */
export function escapeCefValue(v: string): string {
  if (!/[\\=\r\n]/.test(v)) return v;
  return v.replace(/[\\=\r\n]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
}

/** CEF Severity is 0–10; ECS allows any long, so larger values are capped. */
function severityOf(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return 'Unknown';
  return String(Math.min(10, Math.round(v)));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** One event as a CEF record (`CEF:0|…`), one line. */
export function encodeCef(event: Readonly<Record<string, unknown>>, defaults: CefDefaults): string {
  const observer = (event.observer ?? {}) as Record<string, unknown>;
  const ev = (event.event ?? {}) as Record<string, unknown>;
  const rule = event.rule as Record<string, unknown> | undefined;
  const vigilCef = (event.vigil as { cef?: { name?: unknown } } | undefined)?.cef;
  const message = str(event.message);
  const name = str(vigilCef?.name) ?? str(rule?.name) ?? str(ev.action) ?? message ?? str(ev.code) ?? 'event';
  let out =
    'CEF:0|' +
    escapeCefHeader(str(observer.vendor) ?? defaults.vendor) +
    '|' +
    escapeCefHeader(str(observer.product) ?? defaults.product) +
    '|' +
    escapeCefHeader(str(observer.version) ?? defaults.version) +
    '|' +
    escapeCefHeader(str(ev.code) ?? '0') +
    '|' +
    escapeCefHeader(name) +
    '|' +
    severityOf(ev.severity) +
    '|';
  let sep = '';
  for (const r of RULES) {
    const text = vendorText(valueAt(event, r.parts), r.as);
    if (text === undefined) continue;
    out += sep + r.key + '=' + escapeCefValue(text);
    sep = ' ';
  }
  // The acting user: ingest reads it from suser, else duser, so it goes back as suser when
  // neither of them already gives it.
  const user = valueAt(event, USER_NAME);
  if (
    typeof user === 'string' &&
    user !== '' &&
    valueAt(event, SOURCE_USER_NAME) === undefined &&
    valueAt(event, DESTINATION_USER_NAME) !== user
  ) {
    out += sep + 'suser=' + escapeCefValue(user);
    sep = ' ';
  }
  // CEF `type` 2 is a correlation event: what ingest reads back as `event.kind: alert`.
  if (ev.kind === 'alert') out += sep + 'type=2';
  return out;
}

const USER_NAME = ['user', 'name'];
const SOURCE_USER_NAME = ['source', 'user', 'name'];
const DESTINATION_USER_NAME = ['destination', 'user', 'name'];
