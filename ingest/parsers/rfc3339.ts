import { isValidDate, isValidTime, isoFromEpoch, utcMs, wallTimeToEpoch } from './time.js';

/**
 * RFC 3339 timestamps, read by hand: a regex plus Date objects cost more than the rest of an
 * RFC 5424 header. Both readers accept exactly what their former regexes did:
 *
 * - strict (RFC 5424 §6.2.3): `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|±HH:MM)`, the whole token;
 * - lenient (RFC 3164 senders, fields inside messages): also `t` or a space for `T`, `,` for `.`,
 *   up to 9 fraction digits, `z`, `±HHMM`, or no zone (then `tz`); a prefix ended by a space,
 *   a `:` or the end of the text.
 */
export interface Rfc3339 {
  iso: string;
  epochMs: number;
}

const enum Ch {
  Space = 0x20,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Colon = 0x3a,
  UpperT = 0x54,
  UpperZ = 0x5a,
  LowerT = 0x74,
  LowerZ = 0x7a,
}

/** The value of `n` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - Ch.Zero;
    if (!(d >= 0 && d <= 9)) return -1; // NaN past the end fails too
    v = v * 10 + d;
  }
  return v;
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Zero + 9;
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  /** Fraction digits as written, '' when absent. */
  fraction: string;
  /** Offset in ms east of UTC; undefined when the text has no zone. */
  offset: number | undefined;
  /** Whether the zone was `Z`/`z`. */
  utc: boolean;
  end: number;
}

/** `YYYY-MM-DD?HH:MM:SS[.f][zone]` from `at`; `lenient` widens what passes (see above). */
function readDateTime(s: string, at: number, lenient: boolean): Parts | undefined {
  if (s.length < at + 19) return undefined;
  const y = digits(s, at, 4);
  const mo = digits(s, at + 5, 2);
  const d = digits(s, at + 8, 2);
  const h = digits(s, at + 11, 2);
  const mi = digits(s, at + 14, 2);
  const sec = digits(s, at + 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  if (s.charCodeAt(at + 4) !== Ch.Minus || s.charCodeAt(at + 7) !== Ch.Minus) return undefined;
  if (s.charCodeAt(at + 13) !== Ch.Colon || s.charCodeAt(at + 16) !== Ch.Colon) return undefined;
  const t = s.charCodeAt(at + 10);
  if (t !== Ch.UpperT && !(lenient && (t === Ch.LowerT || t === Ch.Space))) return undefined;

  let pos = at + 19;
  let fraction = '';
  const dot = s.charCodeAt(pos);
  if (dot === Ch.Dot || (lenient && dot === Ch.Comma)) {
    let e = pos + 1;
    while (isDigit(s.charCodeAt(e))) e++;
    const n = e - pos - 1;
    if (n < 1 || n > (lenient ? 9 : 6)) return undefined;
    fraction = s.slice(pos + 1, e);
    pos = e;
  }

  let offset: number | undefined;
  let utc = false;
  const z = s.charCodeAt(pos);
  if (z === Ch.UpperZ || (lenient && z === Ch.LowerZ)) {
    offset = 0;
    utc = true;
    pos++;
  } else if (z === Ch.Plus || z === Ch.Minus) {
    const oh = digits(s, pos + 1, 2);
    let p = pos + 3;
    const colon = s.charCodeAt(p) === Ch.Colon;
    if (colon) p++;
    else if (!lenient) return undefined;
    const om = digits(s, p, 2);
    if (oh < 0 || om < 0) return undefined;
    // Out-of-range offsets matched the old pattern and then made the timestamp unreadable.
    if (oh > 23 || om > 59) return undefined;
    offset = (z === Ch.Minus ? -1 : 1) * (oh * 60 + om) * 60_000;
    pos = p + 2;
  } else if (!lenient) {
    return undefined;
  }
  return { y, mo, d, h, mi, s: sec, fraction, offset, utc, end: pos };
}

function build(p: Parts, s: string, at: number, tz: string): Rfc3339 | undefined {
  if (!isValidDate(p.y, p.mo, p.d) || !isValidTime(p.h, p.mi, p.s)) return undefined;
  if (p.utc && s.charCodeAt(at + 10) === Ch.UpperT) {
    // Already UTC and shaped like the output: no Date needed.
    const frac = p.fraction === '' ? '000' : p.fraction.length >= 3 ? p.fraction : p.fraction.padEnd(3, '0');
    return { iso: `${s.slice(at, at + 19)}.${frac}Z`, epochMs: utcMs(p.y, p.mo, p.d, p.h, p.mi, p.s) };
  }
  const epochMs =
    p.offset !== undefined ? utcMs(p.y, p.mo, p.d, p.h, p.mi, p.s) - p.offset : wallTimeToEpoch(p.y, p.mo, p.d, p.h, p.mi, p.s, tz);
  return { iso: isoFromEpoch(epochMs, p.fraction || undefined), epochMs };
}

/** RFC 5424 §6.2.3 TIMESTAMP: RFC 3339 with `T`, `Z` upper case, ≤ 6 fractional digits, no leap second. */
export function parseRfc3339Strict(token: string): Rfc3339 | undefined {
  const p = readDateTime(token, 0, false);
  if (!p || p.end !== token.length) return undefined;
  return build(p, token, 0, 'UTC');
}

/** `parseRfc3339Strict` of the token `s[from, to)`, read in place; only its ISO form. */
export function parseRfc3339StrictAt(s: string, from: number, to: number): string | undefined {
  const p = readDateTime(s, from, false);
  if (!p || p.end !== to) return undefined;
  if (!isValidDate(p.y, p.mo, p.d) || !isValidTime(p.h, p.mi, p.s)) return undefined;
  // `…:SS.fffZ` is already the output's shape: the token itself.
  if (p.utc && p.fraction.length === 3) return s.slice(from, to);
  return build(p, s, from, 'UTC')?.iso;
}

/**
 * The RFC 3339 timestamps real RFC 3164 senders put in place of `Mmm dd hh:mm:ss` (rsyslog's
 * forward formats). Matches at `start` of `s`; returns the length consumed.
 */
export function parseRfc3339Lenient(s: string, tz: string, start = 0): (Rfc3339 & { length: number }) | undefined {
  if (!isDigit(s.charCodeAt(start))) return undefined;
  const p = readDateTime(s, start, true);
  if (!p) return undefined;
  const next = s.charCodeAt(p.end);
  if (p.end < s.length && next !== Ch.Space && next !== Ch.Colon) return undefined;
  const r = build(p, s, start, tz);
  return r && { iso: r.iso, epochMs: r.epochMs, length: p.end - start };
}
