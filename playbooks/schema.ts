import type { Location } from '../core/errors/index.js';
import { allowEntryProblem } from './actions/net/address-policy.js';
import { isAllowTemplate } from './allow-hosts.js';
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
  trigger:
    'A Sigma detection block (selections + condition) matched against the incident record `{incident: {…}}`, or `{schedule: <cron>, timezone}` for runs on a schedule, with no incident. Required.',
  rerun:
    "`never`, `on_escalation` (run again when the incident's severity rises above the highest it ran for) or `on_reopen` (run again when a closed incident is reopened). Default on_escalation.",
  inputs:
    'Typed inputs `{name: {type: string|number|boolean|list, default, description}}`, read as `$.inputs.<name>`; a manual run may set them. Default {}.',
  outputs:
    'Values of the run `{name: template}`, rendered when the run ends (a missing value is null); in the audit and `vigil playbook show`. Default {}.',
  timeout: 'Limit for the whole run, a duration; past it the sweeper ends the run `timed_out`. Default 1h.',
  concurrency: `Action steps of one run running at once (across every worker), 1 to ${100}. Default: no cap.`,
  steps: 'The steps, a graph through `needs`. At least one. Required.',
} as const;

export const STEP_FIELDS = {
  ref: 'Unique name of the step in the playbook: letters, digits, "_"; `$.steps.<ref>` is its result. Required.',
  action: 'The action to run, a key of the action registry (e.g. `http.request`). Exactly one of action, wait, approval.',
  wait: '`{for: <duration>}`, or `{until: {path, equals|in|exists}, poll, timeout}` over the live incident. Exactly one of action, wait, approval.',
  approval:
    '`{prompt, timeout, default: approve|deny}`: the run pauses until a responder approves or denies (`vigil playbook approve|deny`); at the timeout the default stands. Exactly one of action, wait, approval.',
  for_each:
    'A JSONPath to a list (e.g. `$.incident.entities.ips`): the action runs once per item, `$.item` in its args; the result is the list of results. Optional.',
  concurrency: 'With for_each: items run at once, 1 to 100. Default 1.',
  on_error:
    '`fail` (the run fails, what needs the step is skipped), `continue` (what needs it runs anyway) or the ref of a step to run instead (a handler: no needs, run only then; its success stands in). Default fail.',
  args: 'Arguments of the action; strings may hold `${{ <JSONPath> }}` or `${{ secrets.NAME }}`. Default {}.',
  needs: 'Refs of the steps that must succeed first. A step whose need was skipped or failed is skipped. Default [].',
  run_if: 'A Sigma detection block over the run context `{incident, steps}`; when false the step is skipped. Optional.',
  retry: '`{attempts, backoff: fixed|exponential, delay}` for ACTION_FAILED errors. Default one attempt.',
  timeout: 'Limit for one attempt, a duration (`30s`, `2m`). Default 60s.',
  allow_hosts:
    'Loopback, private, link-local, CGNAT or metadata hosts the action may connect to: host names (`siem.internal`, `*.corp.example`), addresses and networks (`10.0.0.0/8`); public addresses need no entry. A metadata endpoint (169.254.169.254) is reached only when named exactly. An entry may be exactly `${{ $.inputs.<name> }}` (a string input) or `${{ secrets.<NAME> }}`: the one host it holds when the step runs. Default [].',
} as const;

export const MAX_ATTEMPTS = 25;

export const SCHEDULE_FIELDS = {
  schedule:
    'A cron pattern: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first. Each tick starts one run, with no incident (`$.schedule.at` is the tick).',
  timezone: 'The IANA time zone the pattern is read in (`Europe/Berlin`). Default UTC.',
} as const;

/** A schedule trigger as written; checked (cron, time zone) when the playbook compiles. */
export interface ScheduleSpec {
  cron: string;
  /** IANA name; UTC when absent. */
  timezone?: string;
}

export const RETRY_FIELDS = {
  attempts: `Total attempts, 1 to ${MAX_ATTEMPTS}. Default 1.`,
  backoff: '`fixed` (delay each time) or `exponential` (delay × 2^(attempt-1)). Default fixed.',
  delay: 'Base delay between attempts, a duration. Default 1s.',
  jitter: 'Part of each delay drawn at random, 0 to 1, so that retries of many runs do not arrive together. Default 0.2.',
} as const;

export const UNTIL_FIELDS = {
  path: 'A JSONPath into the incident, `$.incident.<field>`. Required.',
  equals: 'Holds when the value equals this scalar.',
  in: 'Holds when the value is one of these scalars.',
  exists: 'Holds when the value is present (true) or absent (false).',
} as const;

export const WAIT_FIELDS = {
  for: 'Wait this long, a duration.',
  until: 'Wait until this condition on the incident (re-read from the latest record) holds.',
  poll: 'With until: how often the incident is re-read. Default 10s.',
  timeout: 'With until: the step fails (PLAYBOOK_WAIT_TIMEOUT, then on_error) past this. Default 1h.',
} as const;

export const APPROVAL_FIELDS = {
  prompt: 'What the responder is asked; may hold templates. Required.',
  timeout: 'How long to wait for a decision. Default 1h.',
  default: 'The decision that stands at the timeout: approve or deny. Default deny.',
} as const;

export const DEFAULT_STEP_TIMEOUT_MS = 60_000;
export const DEFAULT_RUN_TIMEOUT_MS = 3_600_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 3_600_000;
export const DEFAULT_POLL_MS = 10_000;
export const MAX_CONCURRENCY = 100;
export const DEFAULT_JITTER = 0.2;
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 1, backoff: 'fixed', delayMs: 1000, jitter: DEFAULT_JITTER });

export const RERUN_POLICIES = ['never', 'on_escalation', 'on_reopen'] as const;
export type RerunPolicy = (typeof RERUN_POLICIES)[number];
export const INPUT_TYPES = ['string', 'number', 'boolean', 'list'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export const PLAYBOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const STEP_REF = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Backoff = 'fixed' | 'exponential';

export interface RetryPolicy {
  attempts: number;
  backoff: Backoff;
  delayMs: number;
  /** 0 to 1. */
  jitter: number;
}

export type Scalar = string | number | boolean | null;

/** A condition on the live incident: `path` holds `equals`, one of `in`, or `exists`. */
export interface Until {
  /** The JSONPath, `$.incident.…`. */
  path: string;
  equals?: Scalar;
  in?: Scalar[];
  exists?: boolean;
}

export type WaitSpec = { forMs: number; until?: undefined } | { forMs?: undefined; until: Until; pollMs: number; timeoutMs: number };

export interface ApprovalSpec {
  prompt: Template;
  timeoutMs: number;
  default: 'approve' | 'deny';
}

/** `fail`, `continue`, or the ref of the step run instead. */
export type OnError = 'fail' | 'continue' | { handler: string };

export interface InputSpec {
  type: InputType;
  /** Absent: the input has no value unless a manual run sets it. */
  default?: unknown;
  description?: string;
}

/** A compiled Sigma condition (trigger, run_if). */
export type Matcher = (record: object) => boolean;

/** What a step does: an action of the registry, or one of the two built-in kinds. */
export type StepAction = ActionName | 'wait' | 'approval';

export interface Step {
  readonly ref: string;
  readonly action: StepAction;
  readonly args: Template;
  readonly wait?: Readonly<WaitSpec>;
  readonly approval?: Readonly<ApprovalSpec>;
  /** The compiled JSONPath of `for_each`. */
  readonly forEach?: string;
  readonly concurrency: number;
  readonly onError: OnError;
  readonly needs: readonly string[];
  /** Matched against the {@link RunContext}; undefined means always run. */
  readonly runIf: Matcher | undefined;
  readonly retry: Readonly<RetryPolicy>;
  readonly timeoutMs: number;
  /** Non-public hosts the action may reach (with `playbooks.network.allow`). */
  readonly allowHosts: readonly string[];
  readonly line: number | undefined;
}

export interface Playbook {
  readonly id: string;
  readonly description: string | undefined;
  readonly file: string;
  readonly secrets: readonly string[];
  /** Matched against the incident record as it arrives (`{incident: {…}}`); never true for a scheduled playbook. */
  readonly trigger: Matcher;
  /** Set for a playbook that runs on a schedule instead of on incidents. */
  readonly schedule?: Readonly<ScheduleSpec>;
  /** Action steps of one run at once; undefined: no cap. */
  readonly concurrency?: number;
  readonly rerun: RerunPolicy;
  readonly inputs: Readonly<Record<string, InputSpec>>;
  readonly outputs: ReadonlyArray<readonly [string, Template]>;
  readonly timeoutMs: number;
  /** In file order. */
  readonly steps: readonly Step[];
  readonly byRef: ReadonlyMap<string, Step>;
  /** Refs of the steps named by an `on_error`: they run only when the step they handle fails. */
  readonly handlers: ReadonlySet<string>;
}

export type { RunContext };

/** A step as read from YAML, before compiling its args and conditions. */
export interface StepSpec {
  index: number;
  ref: string;
  action: string;
  args: Record<string, unknown>;
  wait: unknown;
  approval: unknown;
  forEach: unknown;
  concurrency: number;
  onError: OnError;
  needs: string[];
  runIf: unknown;
  retry: RetryPolicy;
  timeoutMs: number;
  allowHosts: string[];
}

export interface PlaybookSpec {
  id: string;
  description: string | undefined;
  secrets: string[];
  trigger: unknown;
  schedule: ScheduleSpec | undefined;
  rerun: RerunPolicy;
  inputs: Record<string, InputSpec>;
  outputs: Record<string, unknown>;
  timeoutMs: number;
  concurrency: number | undefined;
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
  const { id, description, secrets = [], trigger, steps, rerun = 'on_escalation', inputs = {}, outputs = {}, timeout, concurrency } = raw;
  let runConcurrency: number | undefined;
  if (concurrency !== undefined) {
    if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      report(['concurrency'], `concurrency is a whole number from 1 to ${MAX_CONCURRENCY}`);
    } else runConcurrency = concurrency;
  }
  const schedule = readSchedule(trigger, report);
  if (!(RERUN_POLICIES as readonly unknown[]).includes(rerun)) report(['rerun'], `rerun is one of ${RERUN_POLICIES.join(', ')}`);
  if (!isObj(outputs)) report(['outputs'], 'outputs is a mapping of names to templates');
  const timeoutMs = readDuration(timeout, DEFAULT_RUN_TIMEOUT_MS, ['timeout'], report);
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
    trigger: schedule ? undefined : trigger,
    schedule,
    concurrency: runConcurrency,
    rerun: (RERUN_POLICIES as readonly unknown[]).includes(rerun) ? (rerun as RerunPolicy) : 'on_escalation',
    inputs: readInputs(inputs, report),
    outputs: isObj(outputs) ? outputs : {},
    timeoutMs,
    steps: stepSpecs,
  };
}

/**
 * A trigger is a schedule when it is a mapping with `schedule` and no `condition` (a Sigma
 * block always has a condition, so a selection named `schedule` stays a selection).
 */
function readSchedule(trigger: unknown, report: Report): ScheduleSpec | undefined {
  if (!isObj(trigger) || !Object.hasOwn(trigger, 'schedule') || Object.hasOwn(trigger, 'condition')) return undefined;
  unknownFields(trigger, SCHEDULE_FIELDS, ['trigger'], report);
  const { schedule, timezone } = trigger;
  if (typeof schedule !== 'string' || schedule.trim() === '') {
    report(['trigger', 'schedule'], 'schedule is a cron pattern such as "0 * * * *"');
    return { cron: '' };
  }
  if (timezone !== undefined && typeof timezone !== 'string')
    report(['trigger', 'timezone'], 'timezone is an IANA name such as Europe/Berlin');
  return { cron: schedule.trim(), ...(typeof timezone === 'string' ? { timezone } : {}) };
}

function readDuration(raw: unknown, fallback: number, path: YamlPath, report: Report): number {
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    report(path, `${String(path.at(-1))} "${String(raw)}" is not a duration such as 30s`);
    return fallback;
  }
  return ms;
}

const INPUT_FIELDS = { type: '', default: '', description: '' };

/** Whether `value` is of input type `type`. */
export function isInputValue(type: InputType, value: unknown): boolean {
  if (type === 'list') return Array.isArray(value);
  return typeof value === type;
}

function readInputs(raw: unknown, report: Report): Record<string, InputSpec> {
  const out: Record<string, InputSpec> = {};
  if (!isObj(raw)) {
    report(['inputs'], 'inputs is a mapping {name: {type, default, description}}');
    return out;
  }
  for (const [name, spec] of Object.entries(raw)) {
    const at: YamlPath = ['inputs', name];
    if (!SECRET_NAME.test(name)) report(at, `input name "${name}" is letters, digits and _`);
    if (!isObj(spec)) {
      report(at, 'an input is {type, default, description}');
      continue;
    }
    unknownFields(spec, INPUT_FIELDS, at, report);
    const { type, default: def, description } = spec;
    if (!(INPUT_TYPES as readonly unknown[]).includes(type)) {
      report([...at, 'type'], `type is one of ${INPUT_TYPES.join(', ')}`);
      continue;
    }
    if (def !== undefined && !isInputValue(type as InputType, def)) report([...at, 'default'], `default is not a ${String(type)}`);
    out[name] = {
      type: type as InputType,
      ...(def !== undefined ? { default: def } : {}),
      ...(typeof description === 'string' ? { description } : {}),
    };
  }
  return out;
}

function readStep(raw: unknown, index: number, report: Report): StepSpec | undefined {
  const at = (...p: YamlPath): YamlPath => ['steps', index, ...p];
  if (!isObj(raw)) {
    report(at(), 'a step is a mapping with ref and action');
    return undefined;
  }
  unknownFields(raw, STEP_FIELDS, at(), report);
  const {
    ref,
    action,
    args = {},
    needs = [],
    run_if: runIf,
    retry,
    timeout,
    wait,
    approval,
    for_each: forEach,
    concurrency,
    on_error: onError,
    allow_hosts: allowHosts = [],
  } = raw;
  if (typeof ref !== 'string' || !STEP_REF.test(ref)) {
    report(at('ref'), 'ref is required: letters, digits and _, not starting with a digit');
    return undefined;
  }
  const kinds = [action, wait, approval].filter((k) => k !== undefined).length;
  if (kinds !== 1) report(at(), 'a step has exactly one of action, wait, approval');
  else if (action !== undefined && typeof action !== 'string') report(at('action'), 'action is a string');
  if ((wait !== undefined || approval !== undefined) && (raw.args !== undefined || forEach !== undefined)) {
    report(at(), 'a wait or approval step takes no args and no for_each');
  }
  let conc = 1;
  if (concurrency !== undefined) {
    if (forEach === undefined) report(at('concurrency'), 'concurrency goes with for_each');
    if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      report(at('concurrency'), `concurrency is a whole number from 1 to ${MAX_CONCURRENCY}`);
    } else conc = concurrency;
  }
  let onErr: OnError = 'fail';
  if (onError !== undefined) {
    if (onError === 'fail' || onError === 'continue') onErr = onError;
    else if (typeof onError === 'string' && STEP_REF.test(onError)) onErr = { handler: onError };
    else report(at('on_error'), 'on_error is fail, continue or the ref of a step');
  }
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
  const allowList: string[] = [];
  if (!Array.isArray(allowHosts)) report(at('allow_hosts'), 'allow_hosts is a list of host names, addresses and networks');
  else {
    allowHosts.forEach((h, i) => {
      // An entry following an input or a secret is checked where the inputs are known (load.ts).
      const why = isAllowTemplate(h) ? undefined : allowEntryProblem(h);
      if (why) report(at('allow_hosts', i), `allow_hosts entry "${String(h)}" ${why}`);
      else allowList.push(h as string);
    });
  }
  return {
    index,
    ref,
    action: typeof action === 'string' ? action : wait !== undefined ? 'wait' : approval !== undefined ? 'approval' : '',
    args: isObj(args) ? args : {},
    wait,
    approval,
    forEach,
    concurrency: conc,
    onError: onErr,
    needs: needList,
    runIf,
    retry: readRetry(retry, at('retry'), report),
    timeoutMs,
    allowHosts: allowList,
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
  const { attempts, backoff, delay, jitter } = raw;
  if (jitter !== undefined) {
    if (typeof jitter !== 'number' || jitter < 0 || jitter > 1) report([...path, 'jitter'], 'jitter is a number from 0 to 1');
    else policy.jitter = jitter;
  }
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
