/** Calendar and time-zone helpers for syslog timestamps. Pure, and never throw. */
import { isoString } from './iso.js';

const DAY_MS = 86_400_000;

// prettier-ignore
export const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function isValidDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= (mo === 2 && isLeap(y) ? 29 : MONTH_DAYS[mo - 1]!);
}

export function isValidTime(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 59;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's days_from_civil), month 1–12. */
function daysFromCivil(y: number, mo: number, d: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** Epoch ms of a UTC wall time; unlike Date.UTC, years 0–99 are not shifted to 19xx. */
export function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  // Arithmetic for what parsers pass (a month, a year Date can hold); Date for anything else.
  if (mo >= 1 && mo <= 12 && Math.abs(y) < 200_000) return daysFromCivil(y, mo, d) * DAY_MS + h * 3_600_000 + mi * 60_000 + s * 1000;
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
  const base = isoString(Math.floor(epochMs / 1000) * 1000);
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
