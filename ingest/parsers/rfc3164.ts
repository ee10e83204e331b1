import { MONTHS, inferYearEpoch, isValidDate, isValidTime, isoFromEpoch, parseOffset, utcMs, wallTimeToEpoch } from './time.js';
import { parseRfc3339Lenient } from './rfc3339.js';
import { fail, parsePri, toText, type ParseOptions, type ParseResult, type PriResult, type SyslogRecord } from './types.js';

/**
 * `Mmm dd hh:mm:ss` (day space-padded or not), tolerating what real senders add: a leading `*` or
 * `.` (Cisco's unsynchronised clock), a year before or after the time, milliseconds, a `UTC`/offset
 * zone, and a trailing `:` (Cisco ASA: `Nov 22 2026 09:14:03: %ASA-…`).
 */
const BSD_TIMESTAMP =
  /^[*.]?([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: (\d{4})(?=[ :]|$))?(?: (UTC|GMT|Z|[+-]\d{2}:?\d{2})(?=[ :]|$))?:?(?= |$)/;

/** TAG[pid]: or TAG: (RFC 3164 §4.1.3). Real tags hold `/ . - _ %` and run past 32 chars. */
const TAG = /^([^\s[\]:]{1,48})(?:\[([^\]\s]*)\])?:(?= |$)/;
/** TAG[pid] with the colon forgotten. */
const TAG_NO_COLON = /^([^\s[\]:]{1,48})\[([^\]\s]*)\](?= |$)/;
/** What a HOSTNAME token may be: a name, an IPv4 or an IPv6 address. */
const HOSTNAME = /^[A-Za-z0-9_.:-]{1,255}$/;

/**
 * RFC 3164 as it is sent in practice: `<PRI>TIMESTAMP HOSTNAME TAG[pid]: MSG`, with the deviations
 * listed in SPECS.md (RFC 3339 timestamps, no hostname, Cisco tags, `#012` escapes). Only a missing
 * or invalid PRI is a failure; without a readable timestamp the rest is kept as the message and the
 * record is marked partial.
 */
export function parseRfc3164(input: Buffer | string, opts: ParseOptions): ParseResult {
  const s = toText(input);
  return readRfc3164(s, parsePri(s), opts);
}

/** `parseRfc3164` on decoded text whose PRI was read already (`parseSyslog` reads it once). */
export function readRfc3164(s: string, pri: PriResult, opts: ParseOptions): ParseResult {
  const noPri = !pri.ok && opts.allowMissingPri === true && s.charCodeAt(0) !== 0x3c;
  if (!pri.ok && !noPri) return fail(pri.reason, pri.index);
  const tz = opts.timezone ?? 'UTC';
  let pos = pri.ok ? pri.end : 0;

  const ts = readTimestamp(s.slice(pos), tz, opts.now);
  let hostname: string | undefined;
  if (ts) {
    pos = skipSpaces(s, pos + ts.length);
    const sp = s.indexOf(' ', pos);
    const token = sp < 0 ? s.slice(pos) : s.slice(pos, sp);
    if (token !== '' && !looksLikeTag(token) && HOSTNAME.test(token) && !token.endsWith(':')) {
      hostname = token;
      pos = sp < 0 ? s.length : skipSpaces(s, sp);
    }
  }

  // Cisco ASA with `logging device-id`: `HOST : %ASA-6-302013: …` puts a lone colon before the TAG.
  if (hostname !== undefined && s.startsWith(': ', pos)) pos = skipSpaces(s, pos + 1);
  const rest = s.slice(pos);
  const tag = TAG.exec(rest) ?? TAG_NO_COLON.exec(rest);
  let body = rest;
  let appname: string | undefined;
  let procid: string | undefined;
  if (tag) {
    appname = tag[1];
    if (tag[2]) procid = tag[2];
    body = rest.slice(tag[0].length);
  }

  const record: SyslogRecord = {
    format: 'rfc3164',
    ...(pri.ok ? { priority: pri.priority, facility: pri.facility, severity: pri.severity } : {}),
    message: unescapeRsyslog(body.replace(/^ +/, '')),
    partial: ts === undefined,
  };
  if (ts) record.timestamp = ts.iso;
  if (hostname !== undefined) record.hostname = hostname;
  if (appname !== undefined) record.appname = appname;
  if (procid !== undefined) record.procid = procid;
  return { ok: true, record };
}

function skipSpaces(s: string, pos: number): number {
  while (s.charCodeAt(pos) === 0x20) pos++;
  return pos;
}

/** A first token that is the TAG, meaning the HOSTNAME was left out. */
function looksLikeTag(token: string): boolean {
  return token.endsWith(':') || token.startsWith('%') || endsWithBracketed(token);
}

/**
 * `/\[[^\]]*\]:?$/` without the regex, which is quadratic on a run of `[` (a 16 kB hostname of
 * `[[[[…` took half a second): the token ends in `]` (or `]:`) with a `[` after the `]` before it.
 */
function endsWithBracketed(token: string): boolean {
  const close = token.length - (token.endsWith(':') ? 2 : 1);
  if (close < 1 || token.charCodeAt(close) !== 0x5d) return false;
  return token.lastIndexOf('[', close - 1) > token.lastIndexOf(']', close - 1);
}

/**
 * rsyslog's EscapeControlCharactersOnReceive writes control characters as `#` + 3 octal digits.
 * Only tab, LF and CR are turned back: they are the ones seen in practice, and a literal `#0nn`
 * elsewhere in text (ticket numbers) stays intact.
 */
function unescapeRsyslog(msg: string): string {
  if (!msg.includes('#01')) return msg;
  return msg.replace(/#01[125]/g, (e) => (e === '#011' ? '\t' : e === '#012' ? '\n' : '\r'));
}

function readTimestamp(s: string, tz: string, now: Date): { iso: string; length: number } | undefined {
  const iso = parseRfc3339Lenient(s, tz);
  if (iso) return { iso: iso.iso, length: iso.length + (s[iso.length] === ':' ? 1 : 0) };

  const m = BSD_TIMESTAMP.exec(s);
  if (!m) return undefined;
  const mo = MONTHS[(m[1] as string).toLowerCase()];
  if (mo === undefined) return undefined;
  const d = Number(m[2]);
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (!isValidTime(h, mi, sec)) return undefined;
  const yearText = m[3] ?? m[8];
  const zone = m[9];
  const off = zone === undefined ? undefined : zone === 'UTC' || zone === 'GMT' ? 0 : parseOffset(zone);
  if (zone !== undefined && off === undefined) return undefined;

  let epochMs: number | undefined;
  if (yearText !== undefined) {
    const y = Number(yearText);
    if (!isValidDate(y, mo, d)) return undefined;
    if (off !== undefined) epochMs = utcMs(y, mo, d, h, mi, sec) - off;
    else epochMs = wallTimeToEpoch(y, mo, d, h, mi, sec, tz);
  } else if (off !== undefined) {
    // Wall time at a fixed offset: infer the year on that clock, then shift to UTC.
    const wall = inferYearEpoch(mo, d, h, mi, sec, 'UTC', new Date(now.getTime() + off));
    epochMs = wall === undefined ? undefined : wall - off;
  } else {
    epochMs = inferYearEpoch(mo, d, h, mi, sec, tz, now);
  }
  if (epochMs === undefined) return undefined;
  return { iso: isoFromEpoch(epochMs, m[7]), length: m[0].length };
}
