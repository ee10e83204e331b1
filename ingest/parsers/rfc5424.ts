import { parseRfc3339Strict } from './rfc3339.js';
import { fail, parsePri, toText, type ParseResult, type SyslogRecord } from './types.js';

/**
 * RFC 5424 §6: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]`.
 * Strict on the header (a message that claims version 1 and breaks the grammar is a failure, not a
 * guess); the MSG is free text with its UTF-8 BOM removed.
 */
export function parseRfc5424(input: Buffer | string): ParseResult {
  const s = toText(input);
  const pri = parsePri(s);
  if (!pri.ok) return fail(pri.reason, pri.index);
  let pos = pri.end;

  const ver = /^([1-9]\d{0,2}) /.exec(s.slice(pos, pos + 4));
  if (!ver) return fail('no VERSION after PRI', pos);
  if (ver[1] !== '1') return fail(`unsupported syslog VERSION ${ver[1]}`, pos);
  pos += ver[0].length;

  const header: Array<string | undefined> = [];
  const fields: Array<[name: string, max: number]> = [
    ['TIMESTAMP', 64],
    ['HOSTNAME', 255],
    ['APP-NAME', 48],
    ['PROCID', 128],
    ['MSGID', 32],
  ];
  for (const [name, max] of fields) {
    const sp = s.indexOf(' ', pos);
    if (sp < 0) return fail(`header ends in ${name}: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD are required`, pos);
    const token = s.slice(pos, sp);
    if (token === '') return fail(`${name} is empty (two spaces)`, pos);
    if (token.length > max) return fail(`${name} is longer than ${max} characters`, pos);
    if (!isPrintUsAscii(token)) return fail(`${name} has a character outside printable US-ASCII`, pos);
    header.push(token === '-' ? undefined : token);
    pos = sp + 1;
  }
  const [rawTs, hostname, appname, procid, msgid] = header;
  let timestamp: string | undefined;
  if (rawTs !== undefined) {
    const ts = parseRfc3339Strict(rawTs);
    if (!ts) return fail(`TIMESTAMP "${rawTs}" is not RFC 3339 (§6.2.3)`, pri.end + ver[0].length);
    timestamp = ts.iso;
  }

  const sd = parseStructuredData(s, pos);
  if (!sd.ok) return fail(sd.reason, sd.index);
  pos = sd.end;

  let message = '';
  if (pos < s.length) {
    if (s[pos] !== ' ') return fail('expected SP after STRUCTURED-DATA', pos);
    message = s.slice(pos + 1);
    // §6.4: MSG may start with a UTF-8 BOM (decoded as U+FEFF).
    if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
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
  if (hostname !== undefined) record.hostname = hostname;
  if (appname !== undefined) record.appname = appname;
  if (procid !== undefined) record.procid = procid;
  if (msgid !== undefined) record.msgid = msgid;
  if (sd.data) record.structuredData = sd.data;
  return { ok: true, record };
}

function isPrintUsAscii(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
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
  if (s[start] === '-') return { ok: true, end: start + 1 };
  if (s[start] !== '[') return { ok: false, reason: 'STRUCTURED-DATA is neither - nor [', index: start };
  const data: Record<string, Record<string, string>> = {};
  let pos = start;
  while (s[pos] === '[') {
    const idEnd = readSdName(s, pos + 1);
    const id = s.slice(pos + 1, idEnd);
    if (id === '' || id.length > 32) return { ok: false, reason: 'SD-ID must be 1–32 characters', index: pos + 1 };
    if (Object.hasOwn(data, id)) return { ok: false, reason: `SD-ID ${id} appears twice (§6.3.2)`, index: pos + 1 };
    const params: Record<string, string> = {};
    pos = idEnd;
    while (s[pos] === ' ') {
      const nameEnd = readSdName(s, pos + 1);
      const name = s.slice(pos + 1, nameEnd);
      if (name === '' || name.length > 32) return { ok: false, reason: `PARAM-NAME in [${id}] must be 1–32 characters`, index: pos + 1 };
      if (s[nameEnd] !== '=' || s[nameEnd + 1] !== '"') {
        return { ok: false, reason: `expected ="value" after ${id} ${name}`, index: nameEnd };
      }
      let i = nameEnd + 2;
      let value = '';
      let closed = false;
      while (i < s.length) {
        const c = s[i] as string;
        if (c === '\\') {
          const n = s[i + 1];
          // §6.3.3: only ", \ and ] are escaped; any other backslash is a literal one.
          if (n === '"' || n === '\\' || n === ']') {
            value += n;
            i += 2;
            continue;
          }
          value += c;
          i++;
          continue;
        }
        if (c === '"') {
          closed = true;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) return { ok: false, reason: `unterminated value of ${id} ${name}`, index: nameEnd + 2 };
      // A PARAM may repeat (§6.3.3); the flat ECS shape keeps one value: the last.
      params[name] = value;
      pos = i + 1;
    }
    if (s[pos] !== ']') return { ok: false, reason: `expected ] to close [${id}]`, index: pos };
    data[id] = params;
    pos++;
  }
  return { ok: true, end: pos, data };
}
