import type { Location } from '../core/errors/index.js';
import type { ActionName } from './actions/registry.js';
import { parseDuration } from './duration.js';
import type { RunContext, Template } from './template.js';

/**
 * The playbook model (immutable once loaded) and the shape check of its YAML.
 *
 * ```yaml
 * id: notify-soc-webhook
 * description: …
 * secrets: [SOC_WEBHOOK_URL]          # every secrets.NAME used must be declared here
 * trigger: { selection: { incident.severity: [high, critical] }, condition: selection }
 * steps:
 *   - ref: notify
 *     action: http.request
 *     args: { url: "${{ secrets.SOC_WEBHOOK_URL }}", body: { id: "${{ $.incident.id }}" } }
 *     retry: { attempts: 3, backoff: exponential, delay: 1s }
 *     timeout: 30s
 *   - ref: ticket
 *     needs: [notify]
 *     run_if: { selection: { steps.notify.status: 200 }, condition: selection }
 *     …
 * ```
 */

/** Top-level fields, each with its description (for `vigil validate` and docs). */
export const PLAYBOOK_FIELDS = {
  id: 'Unique id of the playbook: letters, digits, ".", "_", "-". Required.',
  description: 'What the playbook does, for people. Optional.',
  secrets:
    'Names of the secrets its templates use (`${{ secrets.NAME }}`); values come from `playbooks.secrets` in vigil.yaml. Default [].',
  trigger: 'A Sigma detection block (selections + condition) matched against the incident record `{incident: {…}}`. Required.',
  steps: 'The steps, a graph through `needs`. At least one. Required.',
} as const;

export const STEP_FIELDS = {
  ref: 'Unique name of the step in the playbook: letters, digits, "_"; `$.steps.<ref>` is its result. Required.',
  action: 'The action to run, a key of the action registry (e.g. `http.request`). Required.',
  args: 'Arguments of the action; strings may hold `${{ <JSONPath> }}` or `${{ secrets.NAME }}`. Default {}.',
  needs: 'Refs of the steps that must succeed first. A step whose need was skipped or failed is skipped. Default [].',
  run_if: 'A Sigma detection block over the run context `{incident, steps}`; when false the step is skipped. Optional.',
  retry: '`{attempts, backoff: fixed|exponential, delay}` for ACTION_FAILED errors. Default one attempt.',
  timeout: 'Limit for one attempt, a duration (`30s`, `2m`). Default 60s.',
} as const;

export const MAX_ATTEMPTS = 25;

export const RETRY_FIELDS = {
  attempts: `Total attempts, 1 to ${MAX_ATTEMPTS}. Default 1.`,
  backoff: '`fixed` (delay each time) or `exponential` (delay × 2^(attempt-1)). Default fixed.',
  delay: 'Base delay between attempts, a duration. Default 1s.',
} as const;

export const DEFAULT_STEP_TIMEOUT_MS = 60_000;
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 1, backoff: 'fixed', delayMs: 1000 });

export const PLAYBOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const STEP_REF = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Backoff = 'fixed' | 'exponential';

export interface RetryPolicy {
  attempts: number;
  backoff: Backoff;
  delayMs: number;
}

/** A compiled Sigma condition (trigger, run_if). */
export type Matcher = (record: object) => boolean;

export interface Step {
  readonly ref: string;
  readonly action: ActionName;
  readonly args: Template;
  readonly needs: readonly string[];
  /** Matched against the {@link RunContext}; undefined means always run. */
  readonly runIf: Matcher | undefined;
  readonly retry: Readonly<RetryPolicy>;
  readonly timeoutMs: number;
  readonly line: number | undefined;
}

export interface Playbook {
  readonly id: string;
  readonly description: string | undefined;
  readonly file: string;
  readonly secrets: readonly string[];
  /** Matched against the incident record as it arrives (`{incident: {…}}`). */
  readonly trigger: Matcher;
  /** In file order. */
  readonly steps: readonly Step[];
  readonly byRef: ReadonlyMap<string, Step>;
}

export type { RunContext };

/** A step as read from YAML, before compiling its args and conditions. */
export interface StepSpec {
  index: number;
  ref: string;
  action: string;
  args: Record<string, unknown>;
  needs: string[];
  runIf: unknown;
  retry: RetryPolicy;
  timeoutMs: number;
}

export interface PlaybookSpec {
  id: string;
  description: string | undefined;
  secrets: string[];
  trigger: unknown;
  steps: StepSpec[];
}

export type YamlPath = Array<string | number>;
/** Records one problem at a path of the document (or at a location found by someone else). */
export type Report = (path: YamlPath, message: string, location?: Location) => void;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function unknownFields(obj: Obj, known: object, path: YamlPath, report: Report): void {
  for (const k of Object.keys(obj)) {
    if (!Object.hasOwn(known, k)) report([...path, k], `unknown field "${k}" (known: ${Object.keys(known).join(', ')})`);
  }
}

/**
 * Checks the shape of a parsed playbook document and reads it into a spec. Reports every
 * problem; returns a spec whenever the top level is readable, so that graph checks can run too.
 */
export function readPlaybookSpec(raw: unknown, report: Report): PlaybookSpec | undefined {
  if (!isObj(raw)) {
    report([], 'a playbook is a mapping with id, trigger and steps');
    return undefined;
  }
  unknownFields(raw, PLAYBOOK_FIELDS, [], report);
  const { id, description, secrets = [], trigger, steps } = raw;
  if (typeof id !== 'string') report(['id'], 'id is required, a string');
  else if (!PLAYBOOK_ID.test(id)) report(['id'], `id "${id}" may hold letters, digits, ".", "_" and "-"`);
  if (description !== undefined && typeof description !== 'string') report(['description'], 'description is a string');
  if (trigger === undefined) report(['trigger'], 'trigger is required, a Sigma detection block');
  const secretNames: string[] = [];
  if (!Array.isArray(secrets)) report(['secrets'], 'secrets is a list of names');
  else {
    secrets.forEach((s, i) => {
      if (typeof s !== 'string' || !SECRET_NAME.test(s)) report(['secrets', i], 'a secret name is letters, digits and _');
      else secretNames.push(s);
    });
  }
  const stepSpecs: StepSpec[] = [];
  if (!Array.isArray(steps) || steps.length === 0) report(['steps'], 'steps is required, a non-empty list');
  else {
    steps.forEach((s, i) => {
      const spec = readStep(s, i, report);
      if (spec) stepSpecs.push(spec);
    });
  }
  return {
    id: typeof id === 'string' ? id : '',
    description: typeof description === 'string' ? description : undefined,
    secrets: secretNames,
    trigger,
    steps: stepSpecs,
  };
}

function readStep(raw: unknown, index: number, report: Report): StepSpec | undefined {
  const at = (...p: YamlPath): YamlPath => ['steps', index, ...p];
  if (!isObj(raw)) {
    report(at(), 'a step is a mapping with ref and action');
    return undefined;
  }
  unknownFields(raw, STEP_FIELDS, at(), report);
  const { ref, action, args = {}, needs = [], run_if: runIf, retry, timeout } = raw;
  if (typeof ref !== 'string' || !STEP_REF.test(ref)) {
    report(at('ref'), 'ref is required: letters, digits and _, not starting with a digit');
    return undefined;
  }
  if (typeof action !== 'string') report(at('action'), 'action is required, a string');
  if (!isObj(args)) report(at('args'), 'args is a mapping');
  const needList: string[] = [];
  if (!Array.isArray(needs)) report(at('needs'), 'needs is a list of step refs');
  else {
    needs.forEach((n, i) => {
      if (typeof n !== 'string') report(at('needs', i), 'a need is a step ref');
      else needList.push(n);
    });
  }
  let timeoutMs = DEFAULT_STEP_TIMEOUT_MS;
  if (timeout !== undefined) {
    const ms = parseDuration(timeout);
    if (ms === undefined || ms <= 0) report(at('timeout'), `timeout "${String(timeout)}" is not a duration such as 30s`);
    else timeoutMs = ms;
  }
  return {
    index,
    ref,
    action: typeof action === 'string' ? action : '',
    args: isObj(args) ? args : {},
    needs: needList,
    runIf,
    retry: readRetry(retry, at('retry'), report),
    timeoutMs,
  };
}

function readRetry(raw: unknown, path: YamlPath, report: Report): RetryPolicy {
  if (raw === undefined) return { ...DEFAULT_RETRY };
  if (!isObj(raw)) {
    report(path, 'retry is a mapping {attempts, backoff, delay}');
    return { ...DEFAULT_RETRY };
  }
  unknownFields(raw, RETRY_FIELDS, path, report);
  const policy = { ...DEFAULT_RETRY };
  const { attempts, backoff, delay } = raw;
  if (attempts !== undefined) {
    if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS) {
      report([...path, 'attempts'], `attempts is a whole number from 1 to ${MAX_ATTEMPTS}`);
    } else policy.attempts = attempts;
  }
  if (backoff !== undefined) {
    if (backoff !== 'fixed' && backoff !== 'exponential') report([...path, 'backoff'], 'backoff is fixed or exponential');
    else policy.backoff = backoff;
  }
  if (delay !== undefined) {
    const ms = parseDuration(delay);
    if (ms === undefined) report([...path, 'delay'], `delay "${String(delay)}" is not a duration such as 2s`);
    else policy.delayMs = ms;
  }
  return policy;
}
