/**
 * Timestamps found inside messages (CEF `rt`, LEEF `devTime`, vendor fields), as opposed to the
 * syslog header's own (see `rfc3164.ts`, `rfc5424.ts`). Every function is pure, never throws, and
 * returns epoch milliseconds or undefined. Wall times without a zone are read in `tz` (the input's
 * `timezone`); a date without a year gets one that is never more than a day in the future.
 */
import { RE2JS } from 're2js';
import { MONTHS, inferYearEpoch, isValidDate, isValidTime, parseOffset, utcMs, wallTimeToEpoch } from './time.js';
import { parseRfc3339Lenient } from './rfc3339.js';

export interface TimeContext {
  /** IANA zone for wall times that carry none. */
  tz: string;
  /** The receive time: the reference for a missing year. */
  now: Date;
}

/**
 * Zone abbreviations seen in device logs. Abbreviations are ambiguous in general (IST, CST); these
 * are the readings ArcSight and Java's `zzz` print for the common ones. Anything else is ignored
 * and the input's zone applies.
 */
// prettier-ignore
const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0,
  EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7, AKST: -9, AKDT: -8, HST: -10,
  WET: 0, WEST: 1, BST: 1, CET: 1, CEST: 2, EET: 2, EEST: 3, MSK: 3, IST: 5.5, JST: 9, KST: 9, AEST: 10, AEDT: 11,
};

/** Offset in ms of a zone token: `Z`, `+01:00`, `-0500`, `UTC`, `CET`, `GMT+02:00`; undefined when unknown. */
export function zoneTokenOffset(token: string): number | undefined {
  const up = token.toUpperCase();
  const abbr = ZONE_ABBREVIATIONS[up];
  if (abbr !== undefined) return abbr * 3_600_000;
  const gmt = /^(?:GMT|UTC)([+-]\d{1,2}(?::?\d{2})?)$/.exec(up);
  if (gmt) {
    const v = gmt[1] as string;
    return parseOffset(/^[+-]\d$/.test(v) ? `${v[0]}0${v[1]}00` : /^[+-]\d{2}$/.test(v) ? `${v}00` : v);
  }
  return parseOffset(token);
}

/**
 * Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by their digit count (a
 * plausible date either way: 9–10 digits are seconds, 12–13 ms, 15–16 µs, 18–19 ns), with an
 * optional decimal fraction of seconds (`1700000000.123`).
 */
export function parseEpoch(value: string): number | undefined {
  // `/^(\d{9,19})(?:\.(\d{1,9}))?$/` as a scan: this runs on every CEF rt and LEEF devTime.
  let digits = 0;
  let n = 0; // exact up to 15 digits; longer values go through Number()
  while (digits < value.length && isDigitAt(value, digits)) {
    n = n * 10 + (value.charCodeAt(digits) - 0x30);
    digits++;
  }
  if (digits < 9 || digits > 19) return undefined;
  if (digits < value.length) {
    let f = digits + 1;
    while (f < value.length && isDigitAt(value, f)) f++;
    const fraction = f - digits - 1;
    if (value.charCodeAt(digits) !== 0x2e || f !== value.length || fraction < 1 || fraction > 9) return undefined;
    return digits <= 10 ? Number(value.slice(0, digits)) * 1000 + Math.floor(Number(`0.${value.slice(digits + 1)}`) * 1000) : undefined;
  }
  if (digits > 15) n = Number(value);
  if (digits <= 10) return n * 1000;
  if (digits <= 13) return n;
  if (digits <= 16) return Math.floor(n / 1000);
  return Math.floor(n / 1_000_000);
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** Builds epoch ms from parts; a missing year is inferred, a missing zone is `ctx.tz`. */
function assemble(
  p: { y?: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; off?: number },
  ctx: TimeContext,
): number | undefined {
  if (!isValidTime(p.h, p.mi, p.s)) return undefined;
  let t: number | undefined;
  if (p.y === undefined) {
    if (p.off !== undefined) {
      const wall = inferYearEpoch(p.mo, p.d, p.h, p.mi, p.s, 'UTC', new Date(ctx.now.getTime() + p.off));
      t = wall === undefined ? undefined : wall - p.off;
    } else {
      t = inferYearEpoch(p.mo, p.d, p.h, p.mi, p.s, ctx.tz, ctx.now);
    }
  } else {
    if (!isValidDate(p.y, p.mo, p.d)) return undefined;
    t = p.off !== undefined ? utcMs(p.y, p.mo, p.d, p.h, p.mi, p.s) - p.off : wallTimeToEpoch(p.y, p.mo, p.d, p.h, p.mi, p.s, ctx.tz);
  }
  return t === undefined ? undefined : t + p.ms;
}

const fractionMs = (f: string | undefined): number => (f ? Number(f.slice(0, 3).padEnd(3, '0')) : 0);

/** `MMM dd [yyyy] HH:mm:ss[.SSS] [zone]` — CEF `rt`, LEEF's default devTime, Cisco ASA. */
const MONTH_FIRST =
  /^([A-Za-z]{3}) +(\d{1,2})(?:,? (\d{4}))? (\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: ([A-Za-z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}))?$/;
/** `yyyy/MM/dd HH:mm:ss` (PAN-OS) and `yyyy-MM-dd HH:mm:ss` without a zone. */
const YEAR_FIRST = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: ?([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}))?$/;
/** `dd/MMM/yyyy:HH:mm:ss Z` (Apache/NCSA). */
const NCSA = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;

/**
 * Every timestamp form Vigil meets inside messages: epoch (s/ms/µs/ns), RFC 3339 (lenient), CEF's
 * `MMM dd yyyy HH:mm:ss[.SSS] [zzz]` (and without the year), `yyyy/MM/dd HH:mm:ss`, NCSA.
 */
export function parseTimestamp(raw: string, ctx: TimeContext): number | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  const c = value.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) {
    const epoch = parseEpoch(value);
    if (epoch !== undefined) return epoch;
    const iso = parseRfc3339Lenient(value, ctx.tz);
    if (iso && iso.length === value.length) return Date.parse(iso.iso);
    let m = YEAR_FIRST.exec(value);
    if (m) {
      const off = m[8] === undefined ? undefined : zoneTokenOffset(m[8]);
      if (m[8] !== undefined && off === undefined) return undefined;
      return assemble(
        { y: +m[1]!, mo: +m[2]!, d: +m[3]!, h: +m[4]!, mi: +m[5]!, s: +m[6]!, ms: fractionMs(m[7]), ...(off !== undefined ? { off } : {}) },
        ctx,
      );
    }
    m = NCSA.exec(value);
    if (m) {
      const mo = MONTHS[(m[2] as string).toLowerCase()];
      const off = parseOffset(m[7] as string);
      if (mo === undefined || off === undefined) return undefined;
      return assemble({ y: +m[3]!, mo, d: +m[1]!, h: +m[4]!, mi: +m[5]!, s: +m[6]!, ms: 0, off }, ctx);
    }
    return undefined;
  }
  const m = MONTH_FIRST.exec(value);
  if (!m) return undefined;
  const mo = MONTHS[(m[1] as string).toLowerCase()];
  if (mo === undefined) return undefined;
  const off = m[8] === undefined ? undefined : zoneTokenOffset(m[8]);
  if (m[8] !== undefined && off === undefined) return undefined;
  const parts = { mo, d: +m[2]!, h: +m[4]!, mi: +m[5]!, s: +m[6]!, ms: fractionMs(m[7]) };
  return assemble({ ...parts, ...(m[3] !== undefined ? { y: +m[3] } : {}), ...(off !== undefined ? { off } : {}) }, ctx);
}

// ---- Java SimpleDateFormat / DateTimeFormatter patterns (LEEF devTimeFormat) ----

type Slot = 'y' | 'mo' | 'mon' | 'd' | 'h24' | 'h12' | 'mi' | 's' | 'frac' | 'ampm' | 'zone' | 'skip';
interface CompiledPattern {
  /**
   * RE2, not a JS RegExp: pattern and value both come from the record, and adjacent fields
   * (`dH` is `( ?\d{1,2})(\d{1,2})`) split a run of digits in Fibonacci-many ways, each of
   * which a backtracking engine tries before refusing; RE2 matches in time linear in the value.
   */
  re: RE2JS;
  slots: Slot[];
}

const compiled = new Map<string, CompiledPattern | null>();
/** Longer than any real date pattern (`EEEE, MMMM dd, yyyy 'at' hh:mm:ss.SSSSSS a zzzz` is 47). */
const MAX_JAVA_PATTERN = 100;
/**
 * Longer than any date such a pattern prints (a day and month name, nanoseconds and a zone id
 * like `America/Argentina/ComodRivadavia` stay under 100): a longer devTime is not a date.
 */
const MAX_JAVA_DATE = 256;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Compiles the subset of Java date patterns devices put in LEEF `devTimeFormat`: y, M (1–2 digits,
 * MMM name, MMMM full name), d, H, k, h, K, m, s, S (fraction), a, z/zzzz, Z, X/XXX, E (day name,
 * skipped), quoted literals (`'T'`) and any other punctuation. Null when the pattern uses a
 * letter outside that subset.
 */
export function compileJavaPattern(pattern: string): CompiledPattern | null {
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  // The pattern comes from the record (LEEF devTimeFormat): a long one would compile to a regex
  // too large for V8 (a SyntaxError at first use) and fill the cache with junk.
  if (pattern.length > MAX_JAVA_PATTERN) return null;
  let re = '^';
  const slots: Slot[] = [];
  let ok = true;
  for (let i = 0; i < pattern.length && ok;) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        re += "'";
        i += 2;
        continue;
      }
      const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      re += escapeRe(lit);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      re += escapeRe(ch);
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    i += n;
    switch (ch) {
      case 'y':
      case 'u':
        re += n === 2 ? '(\\d{2})' : '(\\d{4})';
        slots.push('y');
        break;
      case 'M':
      case 'L':
        if (n >= 3) {
          re += '([A-Za-z]{3,9})';
          slots.push('mon');
        } else {
          re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
          slots.push('mo');
        }
        break;
      case 'd':
        re += n === 2 ? '(\\d{2})' : '( ?\\d{1,2})';
        slots.push('d');
        break;
      case 'H':
      case 'k':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        slots.push('h24');
        break;
      case 'h':
      case 'K':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        slots.push('h12');
        break;
      case 'm':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        slots.push('mi');
        break;
      case 's':
        re += n === 2 ? '(\\d{2})' : '(\\d{1,2})';
        slots.push('s');
        break;
      case 'S':
        re += `(\\d{${n}})`;
        slots.push('frac');
        break;
      case 'a':
        re += '([AaPp][Mm])';
        slots.push('ampm');
        break;
      case 'E':
        re += '([A-Za-z]{2,9})';
        slots.push('skip');
        break;
      case 'z':
      case 'Z':
      case 'X':
      case 'x':
      case 'O':
      case 'V':
        re += '([A-Za-z]{1,5}(?:[+-]\\d{1,2}(?::?\\d{2})?)?|[+-]\\d{2}(?::?\\d{2})?|[A-Za-z]+/[A-Za-z_]+)';
        slots.push('zone');
        break;
      default:
        ok = false;
    }
  }
  const out = ok ? compileRe2(`${re}$`, slots) : null;
  if (compiled.size > 1000) compiled.clear();
  compiled.set(pattern, out);
  return out;
}

/** Null when RE2 refuses the source (a literal it cannot read, such as a lone surrogate). */
function compileRe2(source: string, slots: Slot[]): CompiledPattern | null {
  try {
    return { re: RE2JS.compile(source), slots };
  } catch {
    return null;
  }
}

/** Reads `value` with a Java date pattern (see `compileJavaPattern`); undefined when it does not fit. */
export function parseJavaDate(value: string, pattern: string, ctx: TimeContext): number | undefined {
  if (value.length > MAX_JAVA_DATE) return undefined;
  const p = compileJavaPattern(pattern);
  if (!p) return undefined;
  const m = p.re.matcher(value.trim());
  if (!m.matches()) return undefined;
  let y: number | undefined;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let pm: boolean | undefined;
  let off: number | undefined;
  let zoneName: string | undefined;
  for (let k = 0; k < p.slots.length; k++) {
    const v = (m.group(k + 1) ?? '').trim();
    switch (p.slots[k]) {
      case 'y':
        y = v.length === 2 ? 2000 + Number(v) : Number(v);
        break;
      case 'mo':
        mo = Number(v);
        break;
      case 'mon': {
        const n = MONTHS[v.slice(0, 3).toLowerCase()];
        if (n === undefined) return undefined;
        mo = n;
        break;
      }
      case 'd':
        d = Number(v);
        break;
      case 'h24':
        h = Number(v) % 24;
        break;
      case 'h12':
        h = Number(v) % 12;
        break;
      case 'mi':
        mi = Number(v);
        break;
      case 's':
        s = Number(v);
        break;
      case 'frac':
        ms = fractionMs(v);
        break;
      case 'ampm':
        pm = v.toLowerCase() === 'pm';
        break;
      case 'zone':
        if (v.includes('/')) zoneName = v;
        else {
          off = zoneTokenOffset(v);
          if (off === undefined) return undefined;
        }
        break;
      default:
        break;
    }
  }
  if (pm) h += 12;
  if (mo < 1 || mo > 12) return undefined;
  const parts = { mo, d, h, mi, s, ms, ...(y !== undefined ? { y } : {}), ...(off !== undefined ? { off } : {}) };
  return assemble(parts, zoneName ? { ...ctx, tz: zoneName } : ctx);
}
