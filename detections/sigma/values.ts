/**
 * A field item's value plan (after modifiers) → a test of the field's value. Built once per
 * rule; per event it reads the field once, lower-cases its text at most once (shared by every
 * rule that reads the same field), and allocates nothing for the common shapes.
 */
import { compileNetworkTest, parseNetwork, type IpNetwork } from '../../core/net/ip.js';
import { compilePatternSet, type PatternPart } from './pattern.js';
import { compileRegex } from './regex.js';
import { ModifierError, type SigmaValue, type TimePart, type ValuePlan } from './modifiers/index.js';
import { timePartOf } from './timestamp.js';

/** A test of a field's resolved value (undefined when missing; may be null, a scalar, an object or an array). */
export type FieldTest = (raw: unknown, event: object) => boolean;
/** A test of one non-null element of the field. `lower` is its text lower-cased (undefined for objects). */
type ElementTest = (x: unknown, lower: string | undefined, event: object) => boolean;

/** Reads another field of the event (for `fieldref`). */
export type FieldReader = (field: string) => (event: object) => unknown;

/** A string Sigma's numeric comparisons read as a number (`numberOf`); the prefilter keys such strings alike. */
export const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A number, or a string holding a decimal number; NaN otherwise. */
export function numberOf(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && DECIMAL.test(x)) return Number(x);
  return NaN;
}

/** Text of a scalar (strings, numbers, booleans); undefined for objects. */
function textOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  return undefined;
}

/** The last text lower-cased for one field name, shared by every rule reading that field. */
interface LowerMemo {
  src: unknown;
  lower: string | undefined;
}
const memos = new Map<string, LowerMemo>();
function memoFor(field: string): LowerMemo {
  let memo = memos.get(field);
  if (!memo) {
    memo = { src: undefined, lower: undefined };
    memos.set(field, memo);
  }
  return memo;
}

function lowerOf(memo: LowerMemo, x: unknown): string | undefined {
  if (memo.src !== x) {
    const t = textOf(x);
    memo.lower = t === undefined ? undefined : t.toLowerCase();
    memo.src = x;
  }
  return memo.lower;
}

const isEmpty = (raw: unknown): boolean => raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0);

/**
 * The test for a whole field item. `any` values are alternatives; the plan's `join` combines
 * the written values; `negate` (neq) inverts the result, a missing field included.
 */
export function compileFieldPlan(plan: ValuePlan, field: string, read: FieldReader): (event: object) => boolean {
  const get = read(field);
  const memo = memoFor(field);
  if (plan.timePart) checkTimePlan(plan.values, plan.timePart);
  const tests =
    plan.join === 'or'
      ? [compileAlternatives(plan.values, plan, memo, read)]
      : plan.values.map((v) => compileAlternatives([v], plan, memo, read));
  const negate = plan.negate === true;
  if (tests.length === 1) {
    const t = tests[0] as FieldTest;
    return negate ? (e) => !t(get(e), e) : (e) => t(get(e), e);
  }
  return (e) => {
    const raw = get(e);
    for (let k = 0; k < tests.length; k++) if (!(tests[k] as FieldTest)(raw, e)) return negate;
    return !negate;
  };
}

/**
 * Throws the ModifierError `compileFieldPlan` would throw for this plan, building no matcher:
 * a rule compiled on first use is still checked in full when it loads.
 */
export function checkFieldPlan(plan: ValuePlan, field: string, read: FieldReader): void {
  read(field);
  const memo = memoFor(field);
  if (plan.timePart) checkTimePlan(plan.values, plan.timePart);
  if (plan.join === 'or') collectAlternatives(plan.values, plan, memo, read);
  else for (const v of plan.values) collectAlternatives([v], plan, memo, read);
}

function checkTimePlan(values: readonly SigmaValue[], part: TimePart): void {
  for (const v of values) {
    if (v.kind === 'any') checkTimePlan(v.values, part);
    else if (v.kind !== 'number' && v.kind !== 'compare')
      throw new ModifierError(`modifier '${part}' compares numbers and cannot be combined with a string match`);
  }
}

/** A value list sorted by the test each kind takes; what cannot be tested on a field throws here. */
interface Alternatives {
  readonly flat: readonly SigmaValue[];
  readonly fieldChecks: FieldTest[];
  readonly elements: ElementTest[];
  readonly folded: (readonly PatternPart[])[];
  readonly cased: (readonly PatternPart[])[];
  readonly networks: IpNetwork[];
  readonly numbers: Set<number>;
}

function collectAlternatives(values: readonly SigmaValue[], plan: ValuePlan, memo: LowerMemo, read: FieldReader): Alternatives {
  const flat: SigmaValue[] = [];
  const flatten = (vs: readonly SigmaValue[]): void => {
    for (const v of vs)
      if (v.kind === 'any') flatten(v.values);
      else flat.push(v);
  };
  flatten(values);

  const fieldChecks: FieldTest[] = [];
  const elements: ElementTest[] = [];
  const folded: (readonly PatternPart[])[] = [];
  const cased: (readonly PatternPart[])[] = [];
  const networks: IpNetwork[] = [];
  const numbers = new Set<number>();
  for (const v of flat) {
    switch (v.kind) {
      case 'null':
        fieldChecks.push(isEmpty);
        break;
      case 'exists': {
        const want = v.value;
        fieldChecks.push((raw) => (raw !== undefined) === want);
        break;
      }
      case 'pattern':
        (v.cased ? cased : folded).push(v.parts);
        break;
      case 'cidr':
        networks.push(parseNetwork(v.text) as IpNetwork);
        break;
      case 'number':
        if (plan.timePart) elements.push(elementTest(v, plan.timePart, read));
        // NaN equals nothing (and a Set would find it).
        else if (!Number.isNaN(v.value)) numbers.add(v.value);
        break;
      default:
        elements.push(elementTest(v, plan.timePart, read));
    }
  }
  return { flat, fieldChecks, elements, folded, cased, networks, numbers };
}

/** OR of values (alternatives flattened): field-level checks (null, exists) and one element test. */
function compileAlternatives(values: readonly SigmaValue[], plan: ValuePlan, memo: LowerMemo, read: FieldReader): FieldTest {
  const { flat, fieldChecks, elements, folded, cased, networks, numbers } = collectAlternatives(values, plan, memo, read);
  let needsLower = false;
  if (folded.length > 0) {
    const t = compilePatternSet(folded);
    elements.unshift((_x, lower) => lower !== undefined && t(lower));
    needsLower = true;
  }
  if (cased.length > 0) {
    const t = compilePatternSet(cased, true);
    elements.push((x) => {
      const text = textOf(x);
      return text !== undefined && t(text);
    });
  }
  if (networks.length > 0) {
    const t = compileNetworkTest(networks);
    elements.push((x) => typeof x === 'string' && t(x));
  }
  if (numbers.size > 0) elements.push(numbersTest(numbers));
  if (flat.some((v) => v.kind === 'boolean' || (v.kind === 'fieldref' && !v.cased))) needsLower = true;

  const element = orElements(elements);
  const onElements: FieldTest | null = element ? liftElement(element, needsLower, memo) : null;
  const checks = onElements ? [...fieldChecks, onElements] : fieldChecks;
  if (checks.length === 1) return checks[0] as FieldTest;
  return (raw, e) => {
    for (let k = 0; k < checks.length; k++) if ((checks[k] as FieldTest)(raw, e)) return true;
    return false;
  };
}

function orElements(tests: readonly ElementTest[]): ElementTest | null {
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0] as ElementTest;
  if (tests.length === 2) {
    const [a, b] = tests as [ElementTest, ElementTest];
    return (x, l, e) => a(x, l, e) || b(x, l, e);
  }
  return (x, l, e) => {
    for (let k = 0; k < tests.length; k++) if ((tests[k] as ElementTest)(x, l, e)) return true;
    return false;
  };
}

/** Applies an element test to a field: a scalar, or any element of an array (an ECS multi-value field). */
function liftElement(t: ElementTest, needsLower: boolean, memo: LowerMemo): FieldTest {
  return (raw, e) => {
    if (raw === undefined || raw === null) return false;
    if (Array.isArray(raw)) {
      for (let k = 0; k < raw.length; k++) {
        const x: unknown = raw[k];
        if (x !== undefined && x !== null && t(x, needsLower ? lowerOf(memo, x) : undefined, e)) return true;
      }
      return false;
    }
    return t(raw, needsLower ? lowerOf(memo, raw) : undefined, e);
  };
}

/**
 * Numbers ORed: one lookup, the text parsed once. A number matches a number, or a string holding
 * that decimal number ("4624", "4624.0"); a Set compares as `===` does here (0 and -0 alike).
 */
function numbersTest(numbers: ReadonlySet<number>): ElementTest {
  if (numbers.size === 1) {
    const n = numbers.values().next().value as number;
    return (x) => (typeof x === 'number' ? x === n : typeof x === 'string' && numberOf(x) === n);
  }
  return (x) => (typeof x === 'number' ? numbers.has(x) : typeof x === 'string' && numbers.has(numberOf(x)));
}

function elementTest(v: SigmaValue, timePart: TimePart | undefined, read: FieldReader): ElementTest {
  switch (v.kind) {
    case 'number': {
      const n = v.value;
      if (timePart) return (x) => timePartOf(x, timePart) === n;
      // A number matches a number, or a string holding that decimal number ("4624", "4624.0").
      return (x) => (typeof x === 'number' ? x === n : typeof x === 'string' && numberOf(x) === n);
    }
    case 'boolean': {
      const b = v.value;
      const text = String(b);
      return (x, lower) => x === b || (typeof x === 'string' && lower === text);
    }
    case 'compare': {
      const { op, value } = v;
      const read = timePart ? (x: unknown) => timePartOf(x, timePart) : numberOf;
      // NaN (not a number) compares false every way.
      switch (op) {
        case 'lt':
          return (x) => read(x) < value;
        case 'lte':
          return (x) => read(x) <= value;
        case 'gt':
          return (x) => read(x) > value;
        case 'gte':
          return (x) => read(x) >= value;
      }
      break;
    }
    case 'regex': {
      const t = compileRegex(v);
      return (x) => {
        const text = textOf(x);
        return text !== undefined && t(text);
      };
    }
    case 'fieldref':
      return fieldRefTest(v, read);
    case 'lookup': {
      const slot = v.slot;
      return (x) => slot.current !== undefined && slot.current.has(x);
    }
  }
  throw new ModifierError(`a value of kind '${v.kind}' cannot be tested on a field`);
}

function fieldRefTest(v: Extract<SigmaValue, { kind: 'fieldref' }>, read: FieldReader): ElementTest {
  const other = read(v.field);
  const position = v.position;
  const cased = v.cased;
  const compare = (mine: string, theirs: string): boolean =>
    position === 'equals'
      ? mine === theirs
      : position === 'startswith'
        ? mine.startsWith(theirs)
        : position === 'endswith'
          ? mine.endsWith(theirs)
          : mine.includes(theirs);
  const one = (mine: string, o: unknown): boolean => {
    const t = textOf(o);
    return t !== undefined && compare(mine, cased ? t : t.toLowerCase());
  };
  return (x, lower, event) => {
    const mine = cased ? textOf(x) : lower;
    if (mine === undefined) return false;
    const o = other(event);
    if (Array.isArray(o)) {
      for (let k = 0; k < o.length; k++) if (one(mine, o[k])) return true;
      return false;
    }
    return one(mine, o);
  };
}
