/** Event time and identity as the engine reads them from an ECS event. */
import { deterministicId, type EcsEvent } from '../../core/event/index.js';

export function eventTime(event: EcsEvent): number | undefined {
  const raw = event?.['@timestamp'];
  if (typeof raw !== 'string') return undefined;
  const t = parseUtc(raw);
  return Number.isNaN(t) ? undefined : t;
}

/** Two decimal digits at i, or a large negative number when they are not digits. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -100_000;
}

/**
 * Epoch ms of an RFC 3339 UTC time as Vigil writes `@timestamp` (`2026-11-22T10:15:02.123Z`,
 * fraction optional, digits past milliseconds truncated as Date.parse does), without Date.parse's
 * general grammar; any other form goes to Date.parse.
 */
export function parseUtc(s: string): number {
  const n = s.length;
  if (
    n < 20 ||
    s.charCodeAt(n - 1) !== 90 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return Date.parse(s);
  }
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  let ms = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 || n === 21) return Date.parse(s);
    for (let i = 20, scale = 100; i < n - 1; i++, scale /= 10) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Date.parse(s);
      if (scale >= 1) ms += c * scale;
    }
  }
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  )
    return Date.parse(s);
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 April over to 1 May; Date.parse refuses it.
  return new Date(t).getUTCDate() === day ? t : Date.parse(s);
}

export function eventId(event: EcsEvent): string {
  const id = event.vigil?.id;
  if (typeof id === 'string' && id !== '') return id;
  const ecsId = event.event?.id;
  if (typeof ecsId === 'string' && ecsId !== '') return ecsId;
  return deterministicId(JSON.stringify(event));
}

export function toMs(t: number | Date | string): number {
  return typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
}
