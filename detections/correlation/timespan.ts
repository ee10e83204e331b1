/**
 * Correlation timespans: a positive integer and a unit letter (Sigma correlation specification,
 * "Time Selection": s, m, h, d; pySigma also reads w, M and y, which we accept with its fixed
 * lengths: a month is 2,629,746 s and a year 31,556,952 s, the Gregorian averages).
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_629_746_000,
  y: 31_556_952_000,
};

const TIMESPAN = /^([0-9]+)([smhdwMy])$/;

/** The length in milliseconds, or undefined when the text is not a valid timespan. */
export function parseTimespan(text: string): number | undefined {
  const m = TIMESPAN.exec(text.trim());
  if (!m) return undefined;
  const count = Number(m[1]);
  const ms = count * (UNIT_MS[m[2] as string] as number);
  return count > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** A short human form for messages: 300000 → "5m". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
