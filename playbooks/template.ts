import { JSONPath } from 'jsonpath-plus';
import { VigilError } from '../core/errors/index.js';
import { REDACTED } from '../core/telemetry/redact.js';
import { replaceForms, secretForms } from './secret-forms.js';

/**
 * Playbook templates: `${{ <expr> }}` inside strings of a step's `args`, where `<expr>` is
 * either a JSONPath over the run context (`$.incident…`, `$.steps.<ref>…`) or `secrets.NAME`.
 * Templates are compiled once when a playbook loads and rendered per run; JSONPath is never
 * evaluated as code (jsonpath-plus `eval: false`, and script segments are refused at compile).
 */

/** What a run's templates and `run_if` conditions see. */
export interface RunContext {
  incident: Record<string, unknown>;
  /** Results of the steps that succeeded, by ref. */
  steps: Record<string, unknown>;
  /** The run's inputs: the playbook's defaults, with what a manual run set. */
  inputs?: Record<string, unknown>;
  /** In a `for_each` step: the current item. */
  item?: unknown;
  /** In a scheduled run (which has no incident): `{at, cron, timezone}`, `at` the tick as ISO 8601. */
  schedule?: ScheduleContext;
}

export interface ScheduleContext {
  at: string;
  cron: string;
  timezone: string;
}

/** Roots a JSONPath may start from. */
export const PATH_ROOTS = ['incident', 'steps', 'inputs', 'item', 'schedule'] as const;

export type Expr =
  | {
      kind: 'path';
      /** The expression as written, e.g. `$.incident.source.ip ?? null`. */
      source: string;
      /** The JSONPath, e.g. `$.incident.source.ip`. */
      path: string;
      /** Path segments after `$`, e.g. `['incident', 'source', 'ip']`. */
      segments: readonly string[];
      /** True when the path names at most one value (no wildcard): the value itself is used, not a list. */
      definite: boolean;
      /** `?? <JSON scalar>`: the value used when the path finds nothing. */
      fallback?: { value: unknown };
    }
  | { kind: 'secret'; source: string; name: string };

export type Template =
  | { kind: 'literal'; value: unknown }
  /** A string that is exactly one `${{ }}`: renders to the value with its own type. */
  | { kind: 'expr'; expr: Expr }
  /** A string with embedded expressions: renders to a string. */
  | { kind: 'text'; parts: ReadonlyArray<string | Expr> }
  | { kind: 'array'; items: readonly Template[] }
  | { kind: 'object'; entries: ReadonlyArray<readonly [string, Template]> };

export type TemplatePath = Array<string | number>;

export interface TemplateProblem {
  /** Where in the compiled value, e.g. `['body', 'host']`. */
  path: TemplatePath;
  message: string;
}

export interface CompiledTemplate {
  template: Template;
  /** Every expression used, with where it sits, so that the loader can check refs and secrets. */
  exprs: Array<{ expr: Expr; path: TemplatePath }>;
  problems: TemplateProblem[];
}

/** Replaces a secret's value wherever Vigil writes something down (audit, logs, run state). */
export { REDACTED };

const EXPR = /\$\{\{(.*?)\}\}/gs;
const FALLBACK = /^(.*?)\?\?(.*)$/s;
const SECRET_EXPR = /^secrets\.([A-Za-z_][A-Za-z0-9_]*)$/;
const STEP_REF = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Plain names (ECS `@timestamp` included), array indices and `*`. Everything else jsonpath-plus
// understands (`..`, `?()`, `()`, `^`, `~`, `@type()`, unions, slices) is refused.
const SEGMENT = /^(?:\*|@?[A-Za-z0-9_][A-Za-z0-9_.-]*)$/;

export function compileTemplate(value: unknown): CompiledTemplate {
  const exprs: CompiledTemplate['exprs'] = [];
  const problems: TemplateProblem[] = [];

  const walk = (v: unknown, path: TemplatePath): Template => {
    if (typeof v === 'string') return compileString(v, path);
    if (Array.isArray(v)) return { kind: 'array', items: v.map((item, i) => walk(item, [...path, i])) };
    if (v !== null && typeof v === 'object') {
      return {
        kind: 'object',
        entries: Object.entries(v).map(([k, item]) => [k, walk(item, [...path, k])] as const),
      };
    }
    return { kind: 'literal', value: v };
  };

  const compileString = (s: string, path: TemplatePath): Template => {
    const parts: Array<string | Expr> = [];
    let last = 0;
    for (const m of s.matchAll(EXPR)) {
      const text = s.slice(last, m.index);
      if (text) parts.push(text);
      const parsed = parseExpr((m[1] ?? '').trim());
      if (typeof parsed === 'string') {
        problems.push({ path, message: `${m[0]}: ${parsed}` });
      } else {
        exprs.push({ expr: parsed, path });
        parts.push(parsed);
      }
      last = m.index + m[0].length;
    }
    const rest = s.slice(last);
    if (rest.includes('${{')) problems.push({ path, message: `unterminated \${{ in "${s}"` });
    if (parts.length === 0) return { kind: 'literal', value: s };
    if (rest) parts.push(rest);
    const only = parts[0];
    if (parts.length === 1 && typeof only !== 'string' && only !== undefined) return { kind: 'expr', expr: only };
    return { kind: 'text', parts };
  };

  const template = walk(value, []);
  return { template, exprs, problems };
}

/**
 * Parses one expression; a string result is the reason it is refused. A JSONPath may end with
 * `?? <JSON scalar>` (`?? null`, `?? "unknown"`, `?? 0`) for values an incident may lack.
 */
export function parseExpr(source: string): Expr | string {
  const fallback = FALLBACK.exec(source);
  if (!fallback) return parseBareExpr(source);
  const inner = parseBareExpr((fallback[1] ?? '').trim());
  if (typeof inner === 'string') return inner;
  if (inner.kind === 'secret') return 'a secret takes no ?? fallback (it is checked when the playbook loads)';
  let value: unknown;
  try {
    value = JSON.parse(fallback[2] ?? '');
  } catch {
    value = undefined;
  }
  if (value === undefined || (value !== null && typeof value === 'object')) {
    return 'after ?? comes a JSON scalar: "text", a number, true, false or null';
  }
  return { ...inner, source, fallback: { value } };
}

function parseBareExpr(source: string): Expr | string {
  if (source === '') return 'empty expression';
  const secret = SECRET_EXPR.exec(source);
  if (secret) return { kind: 'secret', source, name: secret[1] as string };
  if (source.startsWith('secrets.')) return 'a secret name is letters, digits and _';
  if (!source.startsWith('$.') && !source.startsWith('$[')) {
    return 'an expression is a JSONPath starting with $.incident, $.steps.<ref>, $.inputs or $.item, or secrets.NAME';
  }
  let path: string[];
  try {
    path = JSONPath.toPathArray(source).slice(1);
  } catch (err) {
    return `not a JSONPath: ${(err as Error).message}`;
  }
  for (const seg of path as unknown[]) {
    // jsonpath-plus leaves a hole in the array for some characters (`#`): not a name.
    if (typeof seg !== 'string') return `unsupported JSONPath "${source}" (use names, indices and *)`;
    if (seg.startsWith('?(') || seg.startsWith('(')) return 'script expressions are not allowed in JSONPath';
    if (!SEGMENT.test(seg)) return `unsupported JSONPath segment "${seg}" (use names, indices and *)`;
  }
  const [root, ref] = path;
  if (root === 'steps') {
    if (ref === undefined || !STEP_REF.test(ref)) return '$.steps must be followed by a step ref';
  } else if (root === 'inputs') {
    if (ref === undefined || !STEP_REF.test(ref)) return '$.inputs must be followed by an input name';
  } else if (root !== 'incident' && root !== 'item' && root !== 'schedule') {
    return 'a JSONPath starts with $.incident, $.steps.<ref>, $.inputs.<name>, $.item or $.schedule';
  }
  return { kind: 'path', source, path: source, segments: path, definite: !path.includes('*') };
}

export interface RenderOptions {
  /** Named in errors, e.g. `step notify`. */
  where: string;
  /** Render `secrets.NAME` as `[REDACTED]` instead of its value: for the audit trail. */
  redactSecrets?: boolean;
}

/**
 * Renders a compiled template over a run context. A missing value throws TEMPLATE_INVALID
 * naming `where` and the expression; it is not retriable, since the context will not change.
 */
export function renderTemplate(
  template: Template,
  ctx: RunContext,
  secrets: Readonly<Record<string, string>>,
  options: RenderOptions,
): unknown {
  const value = (expr: Expr, path: TemplatePath): unknown => {
    const found = evaluate(expr, ctx, secrets, options.redactSecrets === true);
    if (found === undefined) {
      const at = ['args', ...path].join('.');
      throw new VigilError('TEMPLATE_INVALID', `${options.where}: \${{ ${expr.source} }} has no value (in ${at})`, {
        location: { path: at },
      });
    }
    return found;
  };
  const walk = (t: Template, path: TemplatePath): unknown => {
    switch (t.kind) {
      case 'literal':
        return t.value;
      case 'expr':
        return value(t.expr, path);
      case 'text':
        return t.parts.map((p) => (typeof p === 'string' ? p : stringify(value(p, path)))).join('');
      case 'array':
        return t.items.map((item, i) => walk(item, [...path, i]));
      case 'object':
        return Object.fromEntries(t.entries.map(([k, item]) => [k, walk(item, [...path, k])]));
    }
  };
  return walk(template, []);
}

/** The value of one expression, or undefined when there is none. */
export function evaluate(expr: Expr, ctx: RunContext, secrets: Readonly<Record<string, string>>, redact: boolean): unknown {
  if (expr.kind === 'secret') {
    const v = secrets[expr.name];
    return v === undefined ? undefined : redact ? REDACTED : v;
  }
  // eval: false makes jsonpath-plus refuse any script segment, as a second line behind parseExpr.
  const found = JSONPath({ path: expr.path, json: ctx, eval: false, wrap: true }) as unknown[];
  const value = expr.definite ? found[0] : found;
  return value === undefined ? expr.fallback?.value : value;
}

function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * A function that replaces every occurrence of every secret value in strings (deeply, keys
 * included) with `[REDACTED]`, in every form it may travel in (`secret-forms.ts`: URL-encoded,
 * JSON-escaped, base64 alone or inside HTTP Basic auth): applied to everything that goes to
 * logs, Redis or the audit trail, since an action's result or error may echo what it was sent.
 */
export function redactor(secrets: Readonly<Record<string, string>>): <T>(value: T) => T {
  const forms = secretForms(Object.values(secrets));
  const scrub = (s: string): string => replaceForms(forms, s, REDACTED);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [scrub(k), walk(item)]));
    }
    return v;
  };
  return <T>(value: T): T => (forms.literals.length === 0 ? value : (walk(value) as T));
}
