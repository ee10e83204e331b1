/**
 * Helpers for the table-driven matcher tests of detections/sigma (one file per modifier and per
 * condition form).
 */
import { expect, it } from 'vitest';
import type { ErrorCode } from '../../core/errors/index.js';
import { VigilError } from '../../core/errors/index.js';
import type { CompileOptions } from '../../detections/sigma/compile.js';
import { compileDetection } from '../../detections/sigma/detection.js';

/** Marks a field as absent from the event. */
export const MISSING = Symbol('missing');

/** A value of the field under test (or MISSING), or a whole event given as `{ event: … }`. */
export type Sample = unknown;
export type Case = [value: unknown, sample: Sample, want: boolean];

function eventOf(sample: Sample): object {
  if (sample === MISSING) return {};
  if (sample !== null && typeof sample === 'object' && !Array.isArray(sample) && 'event' in sample)
    return (sample as { event: object }).event;
  return { f: sample };
}

/** One selection `{ [key]: value }`; `key` names the field `f` with its modifiers, e.g. `f|contains`. */
export function matcher(key: string, value: unknown, options: CompileOptions = {}): (event: object) => boolean {
  return compileDetection({ sel: { [key]: value }, condition: 'sel' }, { file: 'test' }, options);
}

/** Runs a table of cases against `key` (the field is `f`). */
export function cases(key: string, table: Case[], options: CompileOptions = {}): void {
  it.each(table)(`${key}: %j on %j → %s`, (value, sample, want) => {
    expect(matcher(key, value, options)(eventOf(sample))).toBe(want);
  });
}

/** The one located problem a detection has, as the loader reports it. */
export function problemOf(detection: object, options: CompileOptions = {}): VigilError {
  try {
    compileDetection(detection, { file: 'test' }, options);
  } catch (err) {
    const parts = ((err as VigilError).cause as AggregateError).errors as VigilError[];
    expect(parts).toHaveLength(1);
    return parts[0] as VigilError;
  }
  throw new Error('the detection compiled');
}

/** Runs a table of values the modifier must refuse, with the error code and message. */
export function refuses(table: [key: string, value: unknown, code: ErrorCode, message: RegExp][], options: CompileOptions = {}): void {
  it.each(table)('refuses %s: %j', (key, value, code, message) => {
    const err = problemOf({ sel: { [key]: value }, condition: 'sel' }, options);
    expect(err).toBeInstanceOf(VigilError);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });
}

/** The search identifiers the condition tests use; each matches when the event has its name set to 'yes'. */
const NAMES = ['a', 'b', 'c', 'sel_1', 'sel_2', 'filter_x', 'filter_y', '_hidden'];

/** Runs a table of conditions over selections that hold exactly for the names in `holding`. */
export function conditionCases(table: [condition: string | string[], holding: string[], want: boolean][]): void {
  const selections = Object.fromEntries(NAMES.map((n) => [n, { [n]: 'yes' }]));
  it.each(table)('%j with %j holding → %s', (condition, holding, want) => {
    const m = compileDetection({ ...selections, condition }, { file: 'test' });
    expect(m(Object.fromEntries(holding.map((n) => [n, 'yes'])))).toBe(want);
  });
}
