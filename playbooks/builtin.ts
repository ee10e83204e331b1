import { JSONPath } from 'jsonpath-plus';
import { parseDuration } from './duration.js';
import {
  APPROVAL_FIELDS,
  DEFAULT_POLL_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  UNTIL_FIELDS,
  WAIT_FIELDS,
  type ApprovalSpec,
  type Report,
  type Scalar,
  type Until,
  type WaitSpec,
  type YamlPath,
} from './schema.js';
import { compileTemplate, parseExpr, type TemplateProblem } from './template.js';

/**
 * The two built-in step kinds, `wait` and `approval`: their YAML read into a spec, and the
 * condition of `wait: {until}`. They are not actions (they call nothing outside); the runner
 * polls them with delayed jobs, so that a pause holds no worker slot and survives a restart.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function known(obj: Obj, fields: object, path: YamlPath, report: Report): void {
  for (const k of Object.keys(obj)) {
    if (!Object.hasOwn(fields, k)) report([...path, k], `unknown field "${k}" (known: ${Object.keys(fields).join(', ')})`);
  }
}

function duration(raw: unknown, fallback: number, path: YamlPath, report: Report): number {
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    report(path, `"${String(raw)}" is not a duration such as 30s`);
    return fallback;
  }
  return ms;
}

export function readWait(raw: unknown, path: YamlPath, report: Report): WaitSpec | undefined {
  if (!isObj(raw)) {
    report(path, 'wait is {for: <duration>} or {until: {path, equals|in|exists}, poll, timeout}');
    return undefined;
  }
  known(raw, WAIT_FIELDS, path, report);
  if ((raw.for === undefined) === (raw.until === undefined)) {
    report(path, 'wait has exactly one of for and until');
    return undefined;
  }
  if (raw.for !== undefined) {
    if (raw.poll !== undefined || raw.timeout !== undefined) report(path, 'poll and timeout go with until');
    return { forMs: duration(raw.for, 1000, [...path, 'for'], report) };
  }
  const until = readUntil(raw.until, [...path, 'until'], report);
  if (!until) return undefined;
  return {
    until,
    pollMs: duration(raw.poll, DEFAULT_POLL_MS, [...path, 'poll'], report),
    timeoutMs: duration(raw.timeout, DEFAULT_WAIT_TIMEOUT_MS, [...path, 'timeout'], report),
  };
}

function readUntil(raw: unknown, path: YamlPath, report: Report): Until | undefined {
  if (!isObj(raw)) {
    report(path, 'until is {path, equals|in|exists}');
    return undefined;
  }
  known(raw, UNTIL_FIELDS, path, report);
  const expr = typeof raw.path === 'string' ? parseExpr(raw.path) : 'path is required, a JSONPath';
  if (typeof expr === 'string' || expr.kind !== 'path' || expr.segments[0] !== 'incident' || expr.fallback) {
    report([...path, 'path'], typeof expr === 'string' ? expr : 'path is a JSONPath into the incident, $.incident.<field>');
    return undefined;
  }
  const tests = ['equals', 'in', 'exists'].filter((k) => raw[k] !== undefined);
  if (tests.length !== 1) {
    report(path, 'until has exactly one of equals, in, exists');
    return undefined;
  }
  if (raw.equals !== undefined && !isScalar(raw.equals)) report([...path, 'equals'], 'equals is a scalar');
  if (raw.in !== undefined && !(Array.isArray(raw.in) && raw.in.every(isScalar))) report([...path, 'in'], 'in is a list of scalars');
  if (raw.exists !== undefined && typeof raw.exists !== 'boolean') report([...path, 'exists'], 'exists is true or false');
  return {
    path: expr.path,
    ...(raw.equals !== undefined ? { equals: raw.equals as Scalar } : {}),
    ...(raw.in !== undefined ? { in: raw.in as Scalar[] } : {}),
    ...(raw.exists !== undefined ? { exists: raw.exists as boolean } : {}),
  };
}

/** Whether the condition holds on the incident; no script is ever evaluated (`eval: false`). */
export function untilHolds(until: Until, incident: Record<string, unknown>): boolean {
  const found = JSONPath({ path: until.path, json: { incident }, eval: false, wrap: true }) as unknown[];
  const value = found[0];
  if (until.exists !== undefined) return (value !== undefined && value !== null) === until.exists;
  if (until.in !== undefined) return until.in.some((v) => v === value);
  return value === until.equals;
}

export function readApproval(
  raw: unknown,
  path: YamlPath,
  report: Report,
): { spec: ApprovalSpec; problems: TemplateProblem[]; exprs: ReturnType<typeof compileTemplate>['exprs'] } | undefined {
  if (!isObj(raw)) {
    report(path, 'approval is {prompt, timeout, default: approve|deny}');
    return undefined;
  }
  known(raw, APPROVAL_FIELDS, path, report);
  if (typeof raw.prompt !== 'string' || raw.prompt === '') report([...path, 'prompt'], 'prompt is required, a string');
  const def = raw.default ?? 'deny';
  if (def !== 'approve' && def !== 'deny') report([...path, 'default'], 'default is approve or deny');
  const compiled = compileTemplate(typeof raw.prompt === 'string' ? raw.prompt : '');
  return {
    spec: {
      prompt: compiled.template,
      timeoutMs: duration(raw.timeout, DEFAULT_WAIT_TIMEOUT_MS, [...path, 'timeout'], report),
      default: def === 'approve' ? 'approve' : 'deny',
    },
    problems: compiled.problems,
    exprs: compiled.exprs,
  };
}
