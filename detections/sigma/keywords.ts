/**
 * Keyword (field-less) items: the values are searched in every string of the event, at any
 * depth, as a full-text search does. A plain keyword matches anywhere inside a string
 * (implicit `contains`); several keywords are ORed, or ANDed with `'|all'`.
 */
import { compilePatternSet, withAny, type PatternPart, type TextTest } from './pattern.js';
import { compileRegex } from './regex.js';
import { ModifierError, type SigmaValue, type ValuePlan } from './modifiers/index.js';
import { asPattern } from './modifiers/types.js';

/** In a for-in loop `hasOwnProperty.call(o, key)` is cheaper than `Object.hasOwn` (V8 reduces it for the keys of the loop). */
const { hasOwnProperty } = Object.prototype;

/** Test of one string of the event: the string and its lower-cased form. */
type StringTest = (s: string, lower: string) => boolean;

/**
 * Lower-cased strings by their rank in the walk. Every keyword rule walks an event in the same
 * order, so the second rule finds each string already lower-cased (compared by identity).
 */
const MEMO_SIZE = 4096;
const memoSrc: string[] = [];
const memoLower: string[] = [];
let rank = 0;

function lowerAt(i: number, s: string): string {
  if (i >= MEMO_SIZE) return s.toLowerCase();
  if (memoSrc[i] !== s) {
    memoSrc[i] = s;
    memoLower[i] = s.toLowerCase();
  }
  return memoLower[i] as string;
}

function walk(value: unknown, test: StringTest, depth: number): boolean {
  if (typeof value === 'string') return test(value, lowerAt(rank++, value));
  if (value === null || typeof value !== 'object' || depth >= 32) return false;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) if (walk(value[k], test, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (hasOwnProperty.call(value, key) && walk((value as Record<string, unknown>)[key], test, depth + 1)) return true;
  }
  return false;
}

/** Whether any string of the event (at any depth) passes the test. */
function someString(event: object, test: StringTest): boolean {
  rank = 0;
  return walk(event, test, 0);
}

/** Throws the ModifierError `compileKeywords` would throw for this plan, building no matcher. */
export function checkKeywords(plan: ValuePlan): void {
  if (plan.timePart) throw new ModifierError(`modifier '${plan.timePart}' needs a field`);
  if (plan.join === 'or') collectKeywords(plan.values);
  else for (const v of plan.values) collectKeywords([v]);
}

export function compileKeywords(plan: ValuePlan): (event: object) => boolean {
  if (plan.timePart) throw new ModifierError(`modifier '${plan.timePart}' needs a field`);
  const tests = plan.join === 'or' ? [alternativesTest(plan.values)] : plan.values.map((v) => alternativesTest([v]));
  const negate = plan.negate === true;
  return (event) => {
    for (let k = 0; k < tests.length; k++) {
      if (!someString(event, tests[k] as StringTest)) return negate;
    }
    return !negate;
  };
}

/** Keyword values by the test each takes; what a keyword cannot be throws here. */
function collectKeywords(values: readonly SigmaValue[]): {
  folded: (readonly PatternPart[])[];
  cased: (readonly PatternPart[])[];
  others: TextTest[];
} {
  const folded: (readonly PatternPart[])[] = [];
  const cased: (readonly PatternPart[])[] = [];
  const others: TextTest[] = [];
  const add = (v: SigmaValue): void => {
    switch (v.kind) {
      case 'any':
        v.values.forEach(add);
        return;
      case 'null':
        throw new ModifierError('a keyword cannot be null');
      case 'regex':
        others.push(compileRegex(v));
        return;
      case 'pattern':
      case 'number':
      case 'boolean': {
        const p = asPattern(v, 'keyword');
        (p.cased ? cased : folded).push(withAny(p.parts, true, true));
        return;
      }
      default:
        throw new ModifierError(
          `a keyword (an item without a field) cannot be ${v.kind === 'exists' ? "an 'exists' check" : `a ${v.kind} test`}`,
        );
    }
  };
  values.forEach(add);
  return { folded, cased, others };
}

function alternativesTest(values: readonly SigmaValue[]): StringTest {
  const { folded, cased, others } = collectKeywords(values);
  const tests: StringTest[] = [];
  if (folded.length > 0) {
    const t = compilePatternSet(folded);
    tests.push((_s, lower) => t(lower));
  }
  if (cased.length > 0) {
    const t = compilePatternSet(cased, true);
    tests.push((s) => t(s));
  }
  for (const t of others) tests.push((s) => t(s));
  if (tests.length === 1) return tests[0] as StringTest;
  return (s, lower) => {
    for (let k = 0; k < tests.length; k++) if ((tests[k] as StringTest)(s, lower)) return true;
    return false;
  };
}
