import { LineCounter } from 'yaml';
import { parseYamlDocument } from '../../core/yaml/index.js';
import { VigilError, errorMessage, firstYamlErrors } from '../../core/errors/index.js';
import { ERROR_CODES } from '../../core/errors/index.js';
import { locator } from '../load.js';
import type { StepStatus } from '../queue/index.js';

/**
 * A playbook's test file, `<name>.tests.yml` beside `<name>.yml`:
 *
 * ```yaml
 * tests:
 *   - name: an outside address is blocked without asking
 *     incident: { id: inc-1, severity: high, source: { ip: 203.0.113.45 } }   # the record's `incident`
 *     at: '2026-01-05T08:00:00Z'        # a scheduled playbook: the tick (instead of incident)
 *     inputs: { hours: 12 }             # over the input defaults
 *     responses:                        # what each action step's call answers, by step ref
 *       block: { result: { address: 203.0.113.45 } }
 *       ticket: { error: { code: ACTION_REJECTED, message: 'HTTP 400' } }
 *       enrich: { items: [{ result: {} }, { error: { message: timeout } }] }   # a for_each: per item
 *     approvals:                        # absent: nobody answers, the default stands at the timeout
 *       ok: { decision: approve, by: alice, reason: checked }
 *     expect:
 *       status: succeeded               # succeeded | failed | not_triggered
 *       steps: { ok: skipped, block: succeeded }
 *       args: { block: { address: 203.0.113.45 } }   # what the action was called with (a subset; a list per call)
 *       outputs: { blocked: 203.0.113.45 }
 * ```
 */

export interface Response {
  result?: unknown;
  error?: { code: string; message: string };
}

export interface PlaybookTest {
  name: string;
  line: number | undefined;
  incident: Record<string, unknown> | undefined;
  at: number | undefined;
  inputs: Record<string, unknown>;
  /** By step ref: one response for every call, or one per for_each item. */
  responses: Record<string, Response | { items: Response[] }>;
  approvals: Record<string, { decision: 'approved' | 'denied'; by: string; reason?: string }>;
  expect: {
    status?: 'succeeded' | 'failed' | 'not_triggered';
    steps: Record<string, StepStatus>;
    args: Record<string, unknown>;
    outputs?: Record<string, unknown>;
  };
  /** The line of each expectation: `status`, `steps.<ref>`, `args.<ref>`, `outputs.<name>`. */
  lines: Map<string, number | undefined>;
}

export interface Sidecar {
  file: string;
  tests: PlaybookTest[];
  problems: VigilError[];
}

const STATUSES = ['succeeded', 'failed', 'skipped', 'unknown'];
const RUN_STATUSES = ['succeeded', 'failed', 'not_triggered'];
const TEST_FIELDS = ['name', 'incident', 'at', 'inputs', 'responses', 'approvals', 'expect'];
const EXPECT_FIELDS = ['status', 'steps', 'args', 'outputs'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads a test file; every problem has its file:line, and a test with a problem is left out. */
export function readSidecar(text: string, file: string): Sidecar {
  const lc = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      file,
      tests: [],
      problems: firstYamlErrors(
        doc.errors,
        lc,
        (m, line, column) => new VigilError('PLAYBOOK_INVALID', `not valid YAML: ${m}`, { location: { file, line, column } }),
      ),
    };
  }
  const lineOf = locator(doc, lc);
  const problems: VigilError[] = [];
  const bad = (path: Array<string | number>, message: string) =>
    problems.push(new VigilError('PLAYBOOK_INVALID', message, { location: { file, line: lineOf(path), path: path.join('.') } }));
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    bad([], `not valid YAML: ${errorMessage(err)}`);
    return { file, tests: [], problems };
  }
  if (!isObj(raw) || !Array.isArray(raw.tests) || raw.tests.length === 0) {
    bad([], 'a playbook test file is {tests: [ {name, incident, responses, expect}, … ]}');
    return { file, tests: [], problems };
  }
  const tests: PlaybookTest[] = [];
  raw.tests.forEach((t: unknown, i: number) => {
    const at = (...p: Array<string | number>) => ['tests', i, ...p];
    const before = problems.length;
    if (!isObj(t)) return bad(at(), 'a test is a mapping {name, incident, responses, expect}');
    for (const k of Object.keys(t)) if (!TEST_FIELDS.includes(k)) bad(at(k), `unknown field "${k}" (known: ${TEST_FIELDS.join(', ')})`);
    const { name, incident, at: tick, inputs = {}, responses = {}, approvals = {}, expect } = t;
    if (typeof name !== 'string' || name === '') bad(at('name'), 'name is required, a string');
    if (incident !== undefined && (!isObj(incident) || typeof incident.id !== 'string'))
      bad(at('incident'), 'incident is a mapping with an id');
    if (tick !== undefined && (typeof tick !== 'string' || Number.isNaN(Date.parse(tick)))) bad(at('at'), 'at is an ISO 8601 time');
    if (!isObj(inputs)) bad(at('inputs'), 'inputs is a mapping');
    const resp: PlaybookTest['responses'] = {};
    if (!isObj(responses)) bad(at('responses'), 'responses is a mapping of step refs to {result} or {error}');
    else {
      for (const [ref, r] of Object.entries(responses)) {
        if (isObj(r) && Array.isArray(r.items)) {
          const items = r.items.map((x: unknown, j: number) => readResponse(x, at('responses', ref, 'items', j), bad));
          resp[ref] = { items: items.map((x) => x ?? {}) };
        } else resp[ref] = readResponse(r, at('responses', ref), bad) ?? {};
      }
    }
    const appr: PlaybookTest['approvals'] = {};
    if (!isObj(approvals)) bad(at('approvals'), 'approvals is a mapping of step refs to {decision, by, reason}');
    else {
      for (const [ref, a] of Object.entries(approvals)) {
        if (!isObj(a) || (a.decision !== 'approve' && a.decision !== 'deny') || typeof a.by !== 'string') {
          bad(at('approvals', ref), 'an approval is {decision: approve | deny, by: NAME, reason}');
          continue;
        }
        appr[ref] = {
          decision: a.decision === 'approve' ? 'approved' : 'denied',
          by: a.by,
          ...(typeof a.reason === 'string' ? { reason: a.reason } : {}),
        };
      }
    }
    const lines = new Map<string, number | undefined>();
    const exp: PlaybookTest['expect'] = { steps: {}, args: {} };
    if (!isObj(expect)) bad(at('expect'), 'expect is required: {status, steps, args, outputs}');
    else {
      for (const k of Object.keys(expect))
        if (!EXPECT_FIELDS.includes(k)) bad(at('expect', k), `unknown field "${k}" (known: ${EXPECT_FIELDS.join(', ')})`);
      if (expect.status !== undefined) {
        if (!RUN_STATUSES.includes(String(expect.status))) bad(at('expect', 'status'), `status is one of ${RUN_STATUSES.join(', ')}`);
        else exp.status = expect.status as NonNullable<PlaybookTest['expect']['status']>;
        lines.set('status', lineOf(at('expect', 'status')));
      }
      const steps = expect.steps ?? {};
      if (!isObj(steps)) bad(at('expect', 'steps'), 'steps is a mapping of step refs to a status');
      else {
        for (const [ref, st] of Object.entries(steps)) {
          if (!STATUSES.includes(String(st))) bad(at('expect', 'steps', ref), `a step's status is one of ${STATUSES.join(', ')}`);
          else exp.steps[ref] = st as StepStatus;
          lines.set(`steps.${ref}`, lineOf(at('expect', 'steps', ref)));
        }
      }
      const args = expect.args ?? {};
      if (!isObj(args)) bad(at('expect', 'args'), 'args is a mapping of step refs to the args expected');
      else {
        for (const [ref, a] of Object.entries(args)) {
          exp.args[ref] = a;
          lines.set(`args.${ref}`, lineOf(at('expect', 'args', ref)));
        }
      }
      if (expect.outputs !== undefined) {
        if (!isObj(expect.outputs)) bad(at('expect', 'outputs'), 'outputs is a mapping of names to values');
        else {
          exp.outputs = expect.outputs;
          for (const k of Object.keys(expect.outputs)) lines.set(`outputs.${k}`, lineOf(at('expect', 'outputs', k)));
        }
      }
    }
    if (problems.length > before) return;
    tests.push({
      name: name as string,
      line: lineOf(at()),
      incident: incident as Obj | undefined,
      at: typeof tick === 'string' ? Date.parse(tick) : undefined,
      inputs: inputs as Obj,
      responses: resp,
      approvals: appr,
      expect: exp,
      lines,
    });
  });
  return { file, tests, problems };
}

function readResponse(r: unknown, path: Array<string | number>, bad: (p: Array<string | number>, m: string) => void): Response | undefined {
  if (!isObj(r) || (r.result === undefined) === (r.error === undefined)) {
    bad(path, 'a response is {result: …} or {error: {code, message}}');
    return undefined;
  }
  if (r.error === undefined) return { result: r.result };
  const e = r.error;
  if (!isObj(e) || typeof e.message !== 'string') {
    bad([...path, 'error'], 'error is {code, message}');
    return undefined;
  }
  const code = e.code ?? 'ACTION_FAILED';
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_CODES, code)) {
    bad([...path, 'error', 'code'], `error code "${String(code)}" is not in the catalogue (ACTION_FAILED, ACTION_REJECTED, …)`);
    return undefined;
  }
  return { error: { code, message: e.message } };
}
