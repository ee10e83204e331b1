/**
 * `Detection` model → matcher closures. Never mutates the model; every problem (a modifier
 * that cannot apply, a condition that does not parse, an unknown identifier) is collected
 * with its location.
 */
import { getField } from '../../core/event/index.js';
import { compileCondition, parseCondition } from './condition.js';
import type { Detection, FieldItem, Selection, SigmaScalar, Where } from './model.js';
import { MODIFIERS, ModifierError, type SigmaValue, type ValuePlan } from './modifiers/index.js';
import { compilePattern, parsePattern, withAny } from './pattern.js';
import type { Problem } from './problems.js';

/**
 * Turns a rule's field name into a getter, once at compile time. The default reads ECS dotted
 * paths from nested events (`getField`); a field-mapping pipeline (Sigma `Image` →
 * `process.executable`) plugs in here.
 */
export type FieldResolver = (field: string) => (event: object) => unknown;

export const ecsFieldResolver: FieldResolver = (field) => (event) => getField(event, field);

export interface CompileOptions {
  /** How a field name reads an event. Default: `ecsFieldResolver`. */
  readonly resolveField?: FieldResolver;
}

export interface CompiledDetection {
  /** Search identifiers in rule order. */
  readonly names: readonly string[];
  /** Whether the condition holds; evaluates only the selections it needs. */
  matches(event: object): boolean;
  /** When the condition holds, the names of every selection that matches the event; otherwise null. */
  matchedSelections(event: object): string[] | null;
}

type EventTest = (event: object) => boolean;
/** A test of one event value; `lower` is its text form lower-cased (undefined for objects). */
type ValueTest = (raw: unknown, lower: string | undefined) => boolean;

export function compileDetectionModel(
  detection: Detection,
  options: CompileOptions = {},
): { compiled: CompiledDetection | undefined; problems: Problem[] } {
  const resolve = options.resolveField ?? ecsFieldResolver;
  const problems: Problem[] = [];
  const names = [...detection.selections.keys()];
  const tests = new Map<string, EventTest>();
  for (const [name, sel] of detection.selections) tests.set(name, compileSelection(sel, resolve, problems));

  type Memo = { event: object; memo: Map<string, boolean> };
  const direct: EventTest[] = [];
  const memoized: Array<(ctx: Memo) => boolean> = [];
  detection.condition.forEach((text, i) => {
    const at = detection.conditionAt[i] ?? detection.at;
    const parsed = parseCondition(text);
    if ('error' in parsed) {
      problems.push(conditionProblem(at, parsed.error.message, parsed.error.offset, parsed.error.unsupported));
      return;
    }
    const plain = compileCondition<object>(parsed.ast, names, (name) => tests.get(name) as EventTest);
    if ('errors' in plain) {
      for (const e of plain.errors) problems.push(conditionProblem(at, e.message, e.offset, e.unsupported));
      return;
    }
    direct.push(plain.evaluate);
    const withMemo = compileCondition<Memo>(parsed.ast, names, (name) => memoTest(name, tests.get(name) as EventTest));
    if ('evaluate' in withMemo) memoized.push(withMemo.evaluate);
  });
  if (problems.length > 0) return { compiled: undefined, problems };

  const matches: EventTest = direct.length === 1 ? (direct[0] as EventTest) : (e) => direct.some((t) => t(e));
  return {
    problems,
    compiled: {
      names,
      matches,
      matchedSelections(event) {
        const ctx: Memo = { event, memo: new Map() };
        if (!memoized.some((t) => t(ctx))) return null;
        return names.filter((n) => memoTest(n, tests.get(n) as EventTest)(ctx));
      },
    },
  };
}

function memoTest(name: string, test: EventTest): (ctx: { event: object; memo: Map<string, boolean> }) => boolean {
  return (ctx) => {
    let r = ctx.memo.get(name);
    if (r === undefined) {
      r = test(ctx.event);
      ctx.memo.set(name, r);
    }
    return r;
  };
}

function conditionProblem(at: Where, message: string, offset: number, unsupported?: boolean): Problem {
  const column = at.column === undefined ? undefined : at.column + offset;
  return {
    message: `${message} (condition position ${offset + 1})`,
    at: { path: at.path, line: at.line, column },
    ...(unsupported && { unsupported }),
  };
}

function compileSelection(sel: Selection, resolve: FieldResolver, problems: Problem[]): EventTest {
  if (sel.kind === 'keywords') {
    return compileItem({ field: null, modifiers: [], values: sel.values, at: sel.at }, resolve, problems);
  }
  const maps = sel.maps.map((m) => {
    const items = m.items.map((item) => compileItem(item, resolve, problems));
    return items.length === 1 ? (items[0] as EventTest) : (e: object) => items.every((t) => t(e));
  });
  return maps.length === 1 ? (maps[0] as EventTest) : (e) => maps.some((t) => t(e));
}

function toSigmaValue(v: SigmaScalar): SigmaValue {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  return { kind: 'pattern', parts: parsePattern(v) };
}

function compileItem(item: FieldItem, resolve: FieldResolver, problems: Problem[]): EventTest {
  let plan: ValuePlan = { values: item.values.map(toSigmaValue), join: 'or' };
  try {
    for (const name of item.modifiers) plan = MODIFIERS[name].apply(plan, { field: item.field });
  } catch (err) {
    if (!(err instanceof ModifierError)) throw err;
    problems.push({ message: err.message, at: item.at });
    return () => false;
  }
  if (item.field === null) return compileKeywords(plan, item.at, problems);

  const get = resolve(item.field);
  const tests = plan.values.map((v) => (v.kind === 'null' ? null : valueTest(v)));
  const all = plan.join === 'and';
  return (event) => {
    const raw = get(event);
    const elements: readonly unknown[] = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
    const lowers = elements.map(lowerText);
    const one = (t: ValueTest | null): boolean =>
      // `field: null` — the field is missing, null, or an empty list (as Elasticsearch treats it).
      t === null ? elements.length === 0 : elements.some((x, i) => t(x, lowers[i]));
    return all ? tests.every(one) : tests.some(one);
  };
}

function lowerText(x: unknown): string | undefined {
  if (typeof x === 'string') return x.toLowerCase();
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x).toLowerCase();
  return undefined;
}

const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function valueTest(v: Exclude<SigmaValue, { kind: 'null' }>): ValueTest {
  switch (v.kind) {
    case 'number': {
      // A number matches a number, or a string holding that decimal number ("4624", "4624.0").
      const n = v.value;
      return (raw, lower) =>
        typeof raw === 'number' ? raw === n : typeof raw === 'string' && lower !== undefined && DECIMAL.test(lower) && Number(lower) === n;
    }
    case 'boolean': {
      const b = v.value;
      const text = String(b);
      return (raw, lower) => raw === b || (typeof raw === 'string' && lower === text);
    }
    case 'pattern': {
      const test = compilePattern(v.parts);
      return (_raw, lower) => lower !== undefined && test(lower);
    }
  }
}

/**
 * Keywords search every string value of the event, at any depth. A keyword matches when it
 * appears anywhere in one of them (implicit `contains`, as Sigma backends search the full
 * message); several keywords are ORed, or ANDed with `'|all'`.
 */
function compileKeywords(plan: ValuePlan, at: Where, problems: Problem[]): EventTest {
  const tests: Array<(s: string) => boolean> = [];
  for (const v of plan.values) {
    if (v.kind === 'null') {
      problems.push({ message: 'a keyword cannot be null', at });
      return () => false;
    }
    const parts = v.kind === 'pattern' ? v.parts : parsePattern(String(v.value));
    tests.push(compilePattern(withAny(parts, true, true)));
  }
  const all = plan.join === 'and';
  return (event) => {
    const strings = collectStrings(event);
    const one = (t: (s: string) => boolean): boolean => strings.some(t);
    return all ? tests.every(one) : tests.some(one);
  };
}

const MAX_DEPTH = 32;

function collectStrings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') out.push(value.toLowerCase());
  else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    for (const v of Array.isArray(value) ? value : Object.values(value)) collectStrings(v, out, depth + 1);
  }
  return out;
}
