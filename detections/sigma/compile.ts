/**
 * `Detection` model → matcher closures. Never mutates the model; every problem (a modifier
 * that cannot apply, a regex RE2 refuses, a condition that does not parse, an unknown
 * identifier) is collected with its location.
 */
import { compileCondition, parseCondition } from './condition.js';
import { firstOfPaths } from './field-path.js';
import { checkKeywords, compileKeywords } from './keywords.js';
import type { Detection, FieldItem, Selection, SigmaScalar, Where } from './model.js';
import { MODIFIERS, ModifierError, type Placeholders, type SigmaValue, type ValuePlan } from './modifiers/index.js';
import { patternValue } from './modifiers/types.js';
import type { Problem } from './problems.js';
import { checkFieldPlan, compileFieldPlan } from './values.js';

/**
 * Turns a rule's field name into a getter, once at compile time. The default reads ECS dotted
 * paths from nested events (`getField`); a field-mapping pipeline (Sigma `Image` →
 * `process.executable`) plugs in here. The getter returns `undefined` for a missing field
 * (`null` is a present field holding null: `exists` tells them apart).
 */
export type FieldResolver = (field: string) => (event: object) => unknown;

const getters = new Map<string, (event: object) => unknown>();

/** Reads ECS dotted paths from nested events (and literal dotted keys), sharing one getter per path (memoized per event scope). */
export const ecsFieldResolver: FieldResolver = (field) => {
  let get = getters.get(field);
  if (!get) {
    get = firstOfPaths([field], { memo: true }) as (event: object) => unknown;
    getters.set(field, get);
  }
  return get;
};

export interface CompileOptions {
  /** How a field name reads an event. Default: `ecsFieldResolver`. */
  readonly resolveField?: FieldResolver;
  /**
   * Values for the `%name%` placeholders of the `expand` modifier, by name without `%`: one
   * value or a list (any may match; wildcards allowed). A rule using a placeholder that is
   * not given here is rejected with RULE_PLACEHOLDER. Default: none.
   */
  readonly placeholders?: Placeholders;
  /**
   * Build the matcher the first time it is asked to match (`vigil hunt`: most rules never see a
   * candidate event). The detection is still checked in full: the same problems are reported
   * at load, only the closures wait. Default false.
   */
  readonly lazy?: boolean;
  /**
   * With `lazy`: the detection is known to compile without a problem under these options (a
   * model from the parse cache, which keeps only such models), so the check at load is skipped
   * as well. Should it not compile after all, its matcher throws when first used. Default false.
   */
  readonly checked?: boolean;
}

export type EventTest = (event: object) => boolean;

export interface CompiledDetection {
  /** Search identifiers in rule order. */
  readonly names: readonly string[];
  /** Whether the condition holds. */
  matches(event: object): boolean;
  /** When the condition holds, the names of every selection that matches the event; otherwise null. */
  matchedSelections(event: object): string[] | null;
  /** The names of every selection that matches the event, whatever the condition says. */
  selectionsOf(event: object): string[];
  /** With `lazy`: the detection compiled (once, on the first call); the methods above forward to it. */
  readonly realize?: () => CompiledDetection;
}

export function compileDetectionModel(
  detection: Detection,
  options: CompileOptions = {},
): { compiled: CompiledDetection | undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  const names = [...detection.selections.keys()];
  const tests = new Map<string, EventTest>();
  const lazy = options.lazy === true;
  if (lazy && options.checked === true) return { problems, compiled: onFirstUse(detection, names, options) };
  for (const [name, sel] of detection.selections)
    if (lazy) checkSelection(sel, options, problems);
    else tests.set(name, compileSelection(sel, options, problems));

  const conditions: EventTest[] = [];
  detection.condition.forEach((text, i) => {
    const at = detection.conditionAt[i] ?? detection.at;
    const parsed = parseCondition(text);
    if ('error' in parsed) {
      problems.push(conditionProblem(at, parsed.error.message, parsed.error.offset, parsed.error.unsupported));
      return;
    }
    const compiled = compileCondition<object>(parsed.ast, names, (name) => (lazy ? never : (tests.get(name) as EventTest)));
    if ('errors' in compiled) {
      for (const e of compiled.errors) problems.push(conditionProblem(at, e.message, e.offset, e.unsupported));
      return;
    }
    conditions.push(compiled.evaluate);
  });
  if (problems.length > 0) return { compiled: undefined, problems };
  if (lazy) return { problems, compiled: onFirstUse(detection, names, options) };

  // A list of conditions is ORed (Sigma 2.1).
  const matches = anyOf(conditions);
  const selectionsOf = (event: object): string[] => names.filter((n) => (tests.get(n) as EventTest)(event));
  return {
    problems,
    compiled: {
      names,
      matches,
      matchedSelections: (event) => (matches(event) ? selectionsOf(event) : null),
      selectionsOf,
    },
  };
}

const never: EventTest = () => false;

/** A detection checked in full, compiled the first time it is asked to match. */
function onFirstUse(detection: Detection, names: readonly string[], options: CompileOptions): CompiledDetection {
  let built: CompiledDetection | undefined;
  const realize = (): CompiledDetection => {
    if (built) return built;
    const r = compileDetectionModel(detection, { ...options, lazy: false, checked: false });
    // Not expected: the check at load reports what compiling reports.
    if (!r.compiled) throw new Error(`the detection does not compile: ${r.problems.map((p) => p.message).join('; ')}`);
    built = r.compiled;
    return built;
  };
  return {
    names,
    matches: (event) => realize().matches(event),
    matchedSelections: (event) => realize().matchedSelections(event),
    selectionsOf: (event) => realize().selectionsOf(event),
    realize,
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

function allOf(tests: readonly EventTest[]): EventTest {
  if (tests.length === 1) return tests[0] as EventTest;
  if (tests.length === 2) {
    const [a, b] = tests as [EventTest, EventTest];
    return (e) => a(e) && b(e);
  }
  return (e) => {
    for (let k = 0; k < tests.length; k++) if (!(tests[k] as EventTest)(e)) return false;
    return true;
  };
}

export function anyOf(tests: readonly EventTest[]): EventTest {
  if (tests.length === 1) return tests[0] as EventTest;
  if (tests.length === 2) {
    const [a, b] = tests as [EventTest, EventTest];
    return (e) => a(e) || b(e);
  }
  return (e) => {
    for (let k = 0; k < tests.length; k++) if ((tests[k] as EventTest)(e)) return true;
    return false;
  };
}

function compileSelection(sel: Selection, options: CompileOptions, problems: Problem[]): EventTest {
  if (sel.kind === 'keywords') {
    return compileItem({ field: null, modifiers: [], values: sel.values, at: sel.at }, options, problems);
  }
  return anyOf(sel.maps.map((m) => allOf(m.items.map((item) => compileItem(item, options, problems)))));
}

/** `compileSelection`'s checks, building nothing. */
function checkSelection(sel: Selection, options: CompileOptions, problems: Problem[]): void {
  if (sel.kind === 'keywords') checkItem({ field: null, modifiers: [], values: sel.values, at: sel.at }, options, problems);
  else for (const m of sel.maps) for (const item of m.items) checkItem(item, options, problems);
}

function toSigmaValue(v: SigmaScalar): SigmaValue {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  return patternValue(v);
}

/**
 * Plans by item (rule models are frozen, so an item's plan never changes) and by the
 * placeholders they were expanded with: the compiler and the prefilter both read each plan.
 */
const plans = new WeakMap<FieldItem, { readonly placeholders: Placeholders | undefined; readonly plan: ValuePlan }>();

/** The item's values after its modifiers, applied in the order the rule writes them. The plan is shared: never mutate it. */
export function applyModifiers(item: FieldItem, options: CompileOptions): ValuePlan {
  const known = plans.get(item);
  if (known && known.placeholders === options.placeholders) return known.plan;
  const plan = planOf(item, options);
  if (Object.isFrozen(item)) plans.set(item, { placeholders: options.placeholders, plan });
  return plan;
}

function planOf(item: FieldItem, options: CompileOptions): ValuePlan {
  let plan: ValuePlan = { values: item.values.map(toSigmaValue), join: 'or' };
  const previous: string[] = [];
  for (const name of item.modifiers) {
    if (previous.includes(name)) throw new ModifierError(`modifier '${name}' is given twice`);
    plan = MODIFIERS[name].apply(plan, { field: item.field, previous, placeholders: options.placeholders });
    previous.push(name);
  }
  return plan;
}

function compileItem(item: FieldItem, options: CompileOptions, problems: Problem[]): EventTest {
  try {
    const plan = applyModifiers(item, options);
    if (item.field === null) return compileKeywords(plan);
    return compileFieldPlan(plan, item.field, options.resolveField ?? ecsFieldResolver);
  } catch (err) {
    itemProblem(item, err, problems);
    return () => false;
  }
}

function checkItem(item: FieldItem, options: CompileOptions, problems: Problem[]): void {
  try {
    const plan = applyModifiers(item, options);
    if (item.field === null) checkKeywords(plan);
    else checkFieldPlan(plan, item.field, options.resolveField ?? ecsFieldResolver);
  } catch (err) {
    itemProblem(item, err, problems);
  }
}

function itemProblem(item: FieldItem, err: unknown, problems: Problem[]): void {
  if (!(err instanceof ModifierError)) throw err;
  problems.push({
    message: err.message,
    at: item.at,
    ...(err.kind === 'unsupported' && { unsupported: true }),
    ...(err.kind === 'placeholder' && { placeholder: true }),
  });
}
