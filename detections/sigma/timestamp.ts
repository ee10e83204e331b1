/**
 * Parts of a timestamp for the time modifiers (`minute` … `year`). Sigma 2.1 says these are
 * "not designed to handle timezone or format conversions": ISO 8601 text is read as written
 * (`2026-03-01T23:10:00+02:00` is hour 23), and epoch numbers (seconds, or milliseconds when
 * larger than 1e11) are read as UTC. Nothing is allocated per value.
 */
import type { TimePart } from './modifiers/index.js';

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

function num(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = digit(s, i + k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Civil date from days since 1970-01-01 (H. Hinnant's algorithm), packed as year*10000+month*100+day. */
function civilFromDays(z: number): number {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

/** ISO 8601 week number (1–53) of a date. */
export function isoWeek(y: number, m: number, d: number): number {
  const days = Date.UTC(y, m - 1, d) / 86_400_000;
  const weekday = ((((days + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday; Monday = 1
  const ordinal = days - Date.UTC(y, 0, 1) / 86_400_000 + 1;
  const week = Math.floor((ordinal - weekday + 10) / 7);
  if (week < 1) return isoWeek(y - 1, 12, 28); // Dec 28 is always in the last week of its year
  if (week === 53) {
    const jan1 = ((((Date.UTC(y, 0, 1) / 86_400_000 + 3) % 7) + 7) % 7) + 1;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (!(jan1 === 4 || (leap && jan1 === 3))) return 1; // only years starting on Thursday (or leap on Wednesday) have 53
  }
  return week;
}

function part(which: TimePart, y: number, mo: number, d: number, h: number, mi: number): number {
  switch (which) {
    case 'year':
      return y;
    case 'month':
      return mo;
    case 'day':
      return d;
    case 'hour':
      return h;
    case 'minute':
      return mi;
    case 'week':
      return isoWeek(y, mo, d);
  }
}

function fromEpoch(n: number, which: TimePart): number {
  if (!Number.isFinite(n)) return NaN;
  const ms = Math.abs(n) < 1e11 ? n * 1000 : n;
  const days = Math.floor(ms / 86_400_000);
  const civil = civilFromDays(days);
  const secs = Math.floor((ms - days * 86_400_000) / 1000);
  return part(
    which,
    Math.floor(civil / 10000),
    Math.floor(civil / 100) % 100,
    civil % 100,
    Math.floor(secs / 3600),
    Math.floor(secs / 60) % 60,
  );
}

/** The part of a timestamp value (ISO 8601 text, or epoch number or digits), or NaN when it is not one. */
export function timePartOf(x: unknown, which: TimePart): number {
  if (typeof x === 'number') return fromEpoch(x, which);
  if (typeof x !== 'string') return NaN;
  const y = num(x, 0, 4);
  if (y >= 0 && x.charCodeAt(4) === 45 /* - */) {
    const mo = num(x, 5, 2);
    const d = num(x, 8, 2);
    if (x.charCodeAt(7) !== 45 || mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
    let h = NaN;
    let mi = NaN;
    const sep = x.charCodeAt(10);
    if ((sep === 84 /* T */ || sep === 32 || sep === 116) && x.charCodeAt(13) === 58 /* : */) {
      h = num(x, 11, 2);
      mi = num(x, 14, 2);
      if (h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
    } else if (x.length !== 10 && (which === 'hour' || which === 'minute')) {
      return NaN;
    }
    return part(which, y, mo, d, h, mi);
  }
  return /^\d{9,13}(\.\d+)?$/.test(x) ? fromEpoch(Number(x), which) : NaN;
}
