/** Calendar and time-zone helpers for syslog timestamps. Pure, and never throw. */

const DAY_MS = 86_400_000;

// prettier-ignore
export const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function isValidDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] as number;
  return d <= days;
}

export function isValidTime(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 59;
}

/** Epoch ms of a UTC wall time; unlike Date.UTC, years 0–99 are not shifted to 19xx. */
export function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, 0);
  return dt.getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(tz: string): Intl.DateTimeFormat | null {
  let f = formatters.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null; // not an IANA zone: treated as UTC (config validation reports it)
    }
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is a time zone Intl knows. */
export function isValidTimeZone(tz: string): boolean {
  return formatter(tz) !== null;
}

/**
 * Offsets change only at DST and rule transitions, which fall on quarter hours: cache by
 * (zone, quarter hour) so that Intl, which is slow, runs about once per zone per 15 minutes.
 */
const QUARTER_HOUR_MS = 900_000;
const offsetCache = new Map<string, number>();

/** Offset of `tz` from UTC at the instant `epochMs`, in ms (east positive). Unknown zones are UTC. */
export function zoneOffsetMs(tz: string, epochMs: number): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
  const key = `${tz}|${Math.floor(epochMs / QUARTER_HOUR_MS)}`;
  let off = offsetCache.get(key);
  if (off === undefined) {
    off = computeOffset(tz, epochMs);
    if (offsetCache.size >= 10_000) offsetCache.clear();
    offsetCache.set(key, off);
  }
  return off;
}

function computeOffset(tz: string, epochMs: number): number {
  const f = formatter(tz);
  if (!f) return 0;
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(epochMs))) p[part.type] = Number(part.value);
  const asUtc = utcMs(p.year as number, p.month as number, p.day as number, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * Epoch ms of a wall-clock time in `tz`. Two passes settle the offset on either side of a DST
 * change; a wall time inside a spring-forward gap lands one hour later, an ambiguous one in the
 * fall-back hour resolves to the later instant.
 */
export function wallTimeToEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  const wall = utcMs(y, mo, d, h, mi, s);
  const o1 = zoneOffsetMs(tz, wall);
  const t = wall - o1;
  const o2 = zoneOffsetMs(tz, t);
  return o2 === o1 ? t : wall - o2;
}

/**
 * RFC 3164 carries no year: take the receiver's year in `tz`, or an earlier one when that would
 * put the message more than a day in the future (a Dec 31 line read on Jan 1) or the date does
 * not exist that year (Feb 29). Returns epoch ms, or undefined for an impossible date.
 */
export function inferYearEpoch(mo: number, d: number, h: number, mi: number, s: number, tz: string, now: Date): number | undefined {
  const nowMs = now.getTime();
  let y = new Date(nowMs + zoneOffsetMs(tz, nowMs)).getUTCFullYear();
  // Nine years reach back past any Feb 29 (leap years can be 8 apart around 2100).
  for (let k = 0; k < 9; k++, y--) {
    if (!isValidDate(y, mo, d)) continue;
    const t = wallTimeToEpoch(y, mo, d, h, mi, s, tz);
    if (t - nowMs <= DAY_MS) return t;
  }
  return undefined;
}

/** `YYYY-MM-DDTHH:MM:SS.fffZ`; `fraction` digits are kept as received (at least 3). */
export function isoFromEpoch(epochMs: number, fraction?: string): string {
  const base = new Date(Math.floor(epochMs / 1000) * 1000).toISOString();
  if (!fraction) return base;
  return `${base.slice(0, 19)}.${fraction.padEnd(3, '0')}Z`;
}

/** Parses `+HH:MM`, `-HHMM` or `Z` into ms east of UTC; undefined when out of range. */
export function parseOffset(z: string): number | undefined {
  if (z === 'Z' || z === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!m) return undefined;
  const h = Number(m[2]);
  const mi = Number(m[3]);
  if (h > 23 || mi > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + mi) * 60_000;
}

export interface Rfc3339 {
  iso: string;
  epochMs: number;
}

const RFC3339_STRICT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 5424 §6.2.3 TIMESTAMP: RFC 3339 with `T`, `Z` upper case, ≤ 6 fractional digits, no leap second. */
export function parseRfc3339Strict(token: string): Rfc3339 | undefined {
  const m = RFC3339_STRICT.exec(token);
  if (!m) return undefined;
  return build(m, m[8] as string, undefined);
}

/**
 * The RFC 3339 timestamps real RFC 3164 senders put in place of `Mmm dd hh:mm:ss` (rsyslog's
 * forward formats): also a space for `T`, `,` for `.`, up to 9 digits, `+HHMM`, or no zone at
 * all (then `tz`). Matches at the start of `s`; returns the length consumed.
 */
export function parseRfc3339Lenient(s: string, tz: string): (Rfc3339 & { length: number }) | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?(?=[ :]|$)/.exec(s);
  if (!m) return undefined;
  const r = build(m, m[8], tz);
  return r && { ...r, length: m[0].length };
}

function build(m: RegExpExecArray, zone: string | undefined, tz: string | undefined): Rfc3339 | undefined {
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (!isValidDate(y as number, mo as number, d as number) || !isValidTime(h as number, mi as number, s as number)) {
    return undefined;
  }
  let epochMs: number;
  if (zone !== undefined) {
    const off = parseOffset(zone);
    if (off === undefined) return undefined;
    epochMs = utcMs(y as number, mo as number, d as number, h, mi, s) - off;
  } else {
    epochMs = wallTimeToEpoch(y as number, mo as number, d as number, h as number, mi as number, s as number, tz ?? 'UTC');
  }
  return { iso: isoFromEpoch(epochMs, m[7]), epochMs };
}
