import { VigilError } from '../../core/errors/index.js';
import { setOwn } from './types.js';

/**
 * One ArcSight Common Event Format record (CEF rev. 25):
 * `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
 * Header values are unescaped (`\|`, `\\`); extension values too (`\=`, `\\`, `\n`, `\r`, and a
 * `\|` that some senders write). Keys are kept as sent (short names such as `src`).
 */
export interface CefRecord {
  version: number;
  deviceVendor: string;
  deviceProduct: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extensions: Record<string, string>;
}

export type CefResult = { ok: true; record: CefRecord } | { ok: false; error: VigilError };

function fail(reason: string, index: number): { ok: false; error: VigilError } {
  return { ok: false, error: new VigilError('PARSE_CEF', reason, { location: { column: index + 1 } }) };
}

/** Where a CEF record starts in a syslog MSG: at its start, or after a TAG (`app: CEF:0|…`). -1 when absent. */
export function findCef(message: string): number {
  if (message.startsWith('CEF:')) return 0;
  // Only near the start: a CEF record quoted deep inside free text is not one. (Searching only
  // the head keeps a long message from being scanned twice per line, here and in findLeef.)
  const i = (message.length > 68 ? message.slice(0, 68) : message).indexOf(' CEF:');
  return i >= 0 && i < 64 && /^CEF:\d/.test(message.slice(i + 1, i + 6)) ? i + 1 : -1;
}

/** Parses a CEF record that starts at `text[0]` (`CEF:`). Never throws. */
export function parseCef(text: string): CefResult {
  if (!text.startsWith('CEF:')) return fail('a CEF record starts with "CEF:"', 0);
  const h = readHeader(text);
  if (!h.ok) return fail(h.reason, h.index);
  const header = h.header;
  const versionText = header[0]!;
  const version = versionText.trim();
  if (!isVersion(version)) return fail(`CEF version "${versionText}" is not a number`, 4);
  const ext = parseCefExtension(text, h.end);
  if (!ext.ok) return fail(ext.reason, ext.index);
  return {
    ok: true,
    record: {
      version: Number(version),
      deviceVendor: header[1]!,
      deviceProduct: header[2]!,
      deviceVersion: header[3]!,
      signatureId: header[4]!,
      name: header[5]!,
      severity: header[6]!.trim(),
      extensions: ext.values,
    },
  };
}

/** 1–3 ASCII digits (the `/^\d{1,3}$/` test). */
function isVersion(v: string): boolean {
  if (v.length < 1 || v.length > 3) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

type HeaderResult = { ok: true; header: string[]; end: number } | { ok: false; reason: string; index: number };

/** The seven header fields after `CEF:`, each ended by an unescaped `|`. */
function readHeader(text: string): HeaderResult {
  // Fast path: no backslash before the seventh `|`, so no escapes to resolve.
  const header: string[] = [];
  let pos = 4;
  for (let n = 0; n < 7; n++) {
    const bar = text.indexOf('|', pos);
    if (bar < 0) break;
    header.push(text.slice(pos, bar));
    pos = bar + 1;
  }
  if (header.length === 7 && text.lastIndexOf('\\', pos) < 4) return { ok: true, header, end: pos };

  header.length = 0;
  pos = 4;
  let cur = '';
  while (header.length < 7) {
    if (pos >= text.length) return { ok: false, reason: `CEF header has ${header.length} of 7 fields`, index: pos };
    const c = text.charCodeAt(pos);
    if (c === 0x5c /* \ */) {
      const n = text[pos + 1];
      if (n === '|' || n === '\\') {
        cur += n;
        pos += 2;
        continue;
      }
      cur += '\\';
      pos++;
      continue;
    }
    if (c === 0x7c /* | */) {
      header.push(cur);
      cur = '';
    } else {
      cur += text[pos];
    }
    pos++;
  }
  return { ok: true, header, end: pos };
}

/** Characters of an extension key: the spec's alphanumerics plus what vendors use (`_ . - [ ]`). */
function isKeyChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f ||
    c === 0x2e ||
    c === 0x2d ||
    c === 0x5b ||
    c === 0x5d
  );
}

type ExtResult = { ok: true; values: Record<string, string> } | { ok: false; reason: string; index: number };

/**
 * `key=value` pairs separated by spaces, where a value may itself contain spaces and runs up to
 * the space before the next `key=` (an unescaped `=` preceded by a key). A `=` that is not
 * preceded by ` key` belongs to the value (lenient toward senders that do not escape it).
 */
export function parseCefExtension(text: string, start: number): ExtResult {
  const values: Record<string, string> = {};
  let i = start;
  while (i < text.length && text.charCodeAt(i) === 0x20) i++;
  if (i >= text.length) return { ok: true, values };

  // One forward pass over the `=` signs: each one preceded by ` key` (or the start) starts a pair;
  // the previous value ends at the space before that key.
  let key: string | undefined;
  let valueStart = 0;
  // Most records hold no backslash at all: then no `=` is escaped and no value needs unescaping.
  const escapes = text.indexOf('\\', i) >= 0;
  let eq = text.indexOf('=', i);
  while (eq >= 0) {
    if (!escapes || !isEscaped(text, eq, i)) {
      let k = eq - 1;
      while (k >= i && isKeyChar(text.charCodeAt(k))) k--;
      const keyStart = k + 1;
      if (keyStart < eq && (keyStart === i || text.charCodeAt(k) === 0x20)) {
        if (key === undefined) {
          if (keyStart !== i) return { ok: false, reason: 'CEF extension does not start with key=value', index: i };
        } else {
          setValue(values, key, text, valueStart, keyStart, escapes);
        }
        key = text.slice(keyStart, eq);
        valueStart = eq + 1;
      }
    }
    eq = text.indexOf('=', eq + 1);
  }
  if (key === undefined) return { ok: false, reason: 'CEF extension does not start with key=value', index: i };
  setValue(values, key, text, valueStart, text.length, escapes);
  return { ok: true, values };
}

/** True when the character at `pos` follows an odd number of backslashes. */
function isEscaped(text: string, pos: number, floor: number): boolean {
  let n = 0;
  for (let j = pos - 1; j >= floor && text.charCodeAt(j) === 0x5c; j--) n++;
  return (n & 1) === 1;
}

function setValue(values: Record<string, string>, key: string, text: string, from: number, to: number, escapes: boolean): void {
  let end = to;
  while (end > from) {
    const c = text.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09) break;
    end--;
  }
  // A key named `__proto__` is an extension like any other, never the prototype.
  setOwn(values, key, escapes ? unescapeValue(text.slice(from, end)) : text.slice(from, end));
}

function unescapeValue(v: string): string {
  if (!v.includes('\\')) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (c !== '\\' || i + 1 >= v.length) {
      out += c;
      continue;
    }
    const n = v[i + 1] as string;
    if (n === '=' || n === '\\' || n === '|') out += n;
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 't') out += '\t';
    else {
      out += c + n;
    }
    i++;
  }
  return out;
}
