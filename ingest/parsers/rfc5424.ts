import { parseRfc3339StrictAt } from './rfc3339.js';
import { fail, parsePri, setOwn, toText, type ParseResult, type PriResult, type SyslogRecord } from './types.js';

/**
 * RFC 5424 §6: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]`.
 * Strict on the header (a message that claims version 1 and breaks the grammar is a failure, not a
 * guess); the MSG is free text with its UTF-8 BOM removed.
 */
export function parseRfc5424(input: Buffer | string): ParseResult {
  const s = toText(input);
  const pri = parsePri(s);
  if (!pri.ok) return fail(pri.reason, pri.index);
  return readRfc5424(s, pri);
}

/** Header fields after VERSION, in order, with their maximum lengths (§6). */
const HEADER_NAMES = ['TIMESTAMP', 'HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID'] as const;
const HEADER_MAX = [64, 255, 48, 128, 32] as const;

/** `VERSION SP` at `pos` (1–3 digits, no leading zero): its digits and its length with the space. */
function readVersion(s: string, pos: number): { length: number; text: string } | undefined {
  const first = s.charCodeAt(pos);
  if (first < 0x31 || first > 0x39) return undefined;
  let i = pos + 1;
  while (i < pos + 3 && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (s.charCodeAt(i) !== 0x20) return undefined;
  return { length: i - pos + 1, text: s.slice(pos, i) };
}

/** The rest of an RFC 5424 message whose PRI was read already (`parseSyslog` reads it once). */
export function readRfc5424(s: string, pri: Extract<PriResult, { ok: true }>): ParseResult {
  let pos = pri.end;
  // `1 `: the only version there is; readVersion only words the failures.
  if (s.charCodeAt(pos) !== 0x31 || s.charCodeAt(pos + 1) !== 0x20) {
    const ver = readVersion(s, pos);
    return fail(ver ? `unsupported syslog VERSION ${ver.text}` : 'no VERSION after PRI', pos);
  }
  pos += 2;
  const tsStart = pos;

  // TIMESTAMP is read in place (no token string); the other four are kept as strings.
  let tsEnd = -1;
  const header: Array<string | undefined> = [undefined, undefined, undefined, undefined];
  for (let f = 0; f < 5; f++) {
    const sp = s.indexOf(' ', pos);
    const name = HEADER_NAMES[f];
    if (sp < 0) return fail(`header ends in ${name}: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD are required`, pos);
    if (sp === pos) return fail(`${name} is empty (two spaces)`, pos);
    const max = HEADER_MAX[f]!;
    if (sp - pos > max) return fail(`${name} is longer than ${max} characters`, pos);
    if (!isPrintUsAscii(s, pos, sp)) return fail(`${name} has a character outside printable US-ASCII`, pos);
    if (sp - pos !== 1 || s.charCodeAt(pos) !== 0x2d) {
      if (f === 0) tsEnd = sp;
      else header[f - 1] = s.slice(pos, sp);
    }
    pos = sp + 1;
  }
  let timestamp: string | undefined;
  if (tsEnd >= 0) {
    timestamp = parseRfc3339StrictAt(s, tsStart, tsEnd);
    if (timestamp === undefined) return fail(`TIMESTAMP "${s.slice(tsStart, tsEnd)}" is not RFC 3339 (§6.2.3)`, tsStart);
  }

  const sd = parseStructuredData(s, pos);
  if (!sd.ok) return fail(sd.reason, sd.index);
  pos = sd.end;

  let message = '';
  if (pos < s.length) {
    if (s.charCodeAt(pos) !== 0x20) return fail('expected SP after STRUCTURED-DATA', pos);
    // §6.4: MSG may start with a UTF-8 BOM (decoded as U+FEFF).
    message = s.slice(s.charCodeAt(pos + 1) === 0xfeff ? pos + 2 : pos + 1);
  }

  const record: SyslogRecord = {
    format: 'rfc5424',
    priority: pri.priority,
    facility: pri.facility,
    severity: pri.severity,
    version: 1,
    message,
    partial: false,
  };
  if (timestamp !== undefined) record.timestamp = timestamp;
  if (header[0] !== undefined) record.hostname = header[0];
  if (header[1] !== undefined) record.appname = header[1];
  if (header[2] !== undefined) record.procid = header[2];
  if (header[3] !== undefined) record.msgid = header[3];
  if (sd.data) record.structuredData = sd.data;
  return { ok: true, record };
}

function isPrintUsAscii(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** SD-NAME (§6.3.3): printable US-ASCII except `=`, SP, `]` and `"`, 1–32 characters. */
function readSdName(s: string, pos: number): number {
  let i = pos;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126 || c === 0x3d || c === 0x5d || c === 0x22) break;
    i++;
  }
  return i;
}

type SdResult = { ok: true; end: number; data?: Record<string, Record<string, string>> } | { ok: false; reason: string; index: number };

/** §6.3: `-` or adjacent `[SD-ID *(SP PARAM-NAME="value")]`; in values `\"`, `\\`, `\]` are escapes. */
export function parseStructuredData(s: string, start: number): SdResult {
  if (s.charCodeAt(start) === 0x2d) return { ok: true, end: start + 1 };
  if (s.charCodeAt(start) !== 0x5b) return { ok: false, reason: 'STRUCTURED-DATA is neither - nor [', index: start };
  const data: Record<string, Record<string, string>> = {};
  let pos = start;
  while (s.charCodeAt(pos) === 0x5b /* [ */) {
    const idEnd = readSdName(s, pos + 1);
    const id = s.slice(pos + 1, idEnd);
    if (id === '' || id.length > 32) return { ok: false, reason: 'SD-ID must be 1–32 characters', index: pos + 1 };
    if (Object.hasOwn(data, id)) return { ok: false, reason: `SD-ID ${id} appears twice (§6.3.2)`, index: pos + 1 };
    const params: Record<string, string> = {};
    pos = idEnd;
    while (s.charCodeAt(pos) === 0x20) {
      const nameEnd = readSdName(s, pos + 1);
      const name = s.slice(pos + 1, nameEnd);
      if (name === '' || name.length > 32) return { ok: false, reason: `PARAM-NAME in [${id}] must be 1–32 characters`, index: pos + 1 };
      if (s.charCodeAt(nameEnd) !== 0x3d || s.charCodeAt(nameEnd + 1) !== 0x22) {
        return { ok: false, reason: `expected ="value" after ${id} ${name}`, index: nameEnd };
      }
      const end = sdValueEnd(s, nameEnd + 2);
      if (end < 0) return { ok: false, reason: `unterminated value of ${id} ${name}`, index: nameEnd + 2 };
      // A PARAM may repeat (§6.3.3); the flat ECS shape keeps one value: the last.
      setOwn(params, name, sdValue(s, nameEnd + 2, end));
      pos = end + 1;
    }
    if (s.charCodeAt(pos) !== 0x5d) return { ok: false, reason: `expected ] to close [${id}]`, index: pos };
    setOwn(data, id, params);
    pos++;
  }
  return { ok: true, end: pos, data };
}

/**
 * Where a PARAM-VALUE from `start` ends: the index of its closing `"`, or -1 when unclosed. §6.3.3
 * escapes only `"`, `\` and `]`, and the character after any backslash cannot close the value.
 */
function sdValueEnd(s: string, start: number): number {
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return i;
    if (c === 0x5c) i++;
  }
  return -1;
}

/** The PARAM-VALUE `s[start, end)` unescaped: `\"`, `\\`, `\]`; any other backslash is a literal one. */
function sdValue(s: string, start: number, end: number): string {
  let i = s.indexOf('\\', start);
  if (i < 0 || i >= end) return s.slice(start, end);
  let text = '';
  let from = start;
  for (; i < end; i++) {
    if (s.charCodeAt(i) !== 0x5c) continue;
    const n = s.charCodeAt(i + 1);
    if (n === 0x22 || n === 0x5c || n === 0x5d) {
      text += s.slice(from, i);
      from = i + 1; // the escaped character starts the next run
      i++;
    }
  }
  return text + s.slice(from, end);
}
