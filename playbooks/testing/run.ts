import { isDeepStrictEqual } from 'node:util';
import type { Publisher } from '../../core/bus/types.js';
import { VigilError, type ErrorCode } from '../../core/errors/index.js';
import { logger } from '../../core/telemetry/index.js';
import { Auditor } from '../audit.js';
import { inputsOf, runIdOf, startRun, startScheduled, type ActionExecutor, type Engine, type Queue } from '../dispatcher.js';
import type { StepJobSpec, StepRecord } from '../queue/index.js';
import { stepProcessor } from '../runner.js';
import type { Playbook } from '../schema.js';
import { redactor } from '../template.js';
import { MemoryRuns } from './memory-runs.js';
import type { PlaybookTest, Response } from './sidecar.js';

/** Job runs of one test at most (a loop in a playbook cannot hang the command). */
const MAX_JOB_RUNS = 10_000;

const silent = logger('playbooks-test').child({}, { level: 'silent' });
const nowhere: Publisher = { send: async () => {} };

/** One expectation that did not hold, at its line of the test file. */
export interface Failure {
  line: number | undefined;
  message: string;
}

export interface TestOutcome {
  status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'running' | 'not_triggered';
  steps: Map<string, StepRecord>;
  outputs: Record<string, unknown> | undefined;
  /** What each step's action was called with (secrets redacted), in call order. */
  calls: Map<string, unknown[]>;
  failures: Failure[];
}

/** The step queue of a test: jobs in a list, added once per id as BullMQ does. */
class MemoryQueue implements Queue {
  readonly jobs: Array<StepJobSpec & { attempt: number }> = [];
  private readonly seen = new Set<string>();
  async enqueue(specs: readonly StepJobSpec[]): Promise<void> {
    for (const s of specs) {
      const id = `${s.data.runId}.${s.data.step}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.jobs.push({ ...s, attempt: 1 });
    }
  }
}

/**
 * Runs the playbook on the test's incident (or tick) with the real step runner over an
 * in-memory run store and queue: the actions are not called, each call answers with the
 * response the test recorded for its step; approvals are decided as the test says. Then checks
 * the expectations.
 */
export async function runTest(pb: Playbook, test: PlaybookTest): Promise<TestOutcome> {
  const secrets = Object.fromEntries(pb.secrets.map((s) => [s, `test-secret-${s}`]));
  const redact = redactor(secrets);
  const runs = new MemoryRuns();
  const queue = new MemoryQueue();
  const calls = new Map<string, unknown[]>();
  const missing = new Set<string>();
  const execute: ActionExecutor = async (_action, args, _ctx, call) => {
    calls.set(call.step, [...(calls.get(call.step) ?? []), redact(args)]);
    const recorded = test.responses[call.step];
    const r: Response | undefined =
      recorded && 'items' in recorded ? (call.index !== undefined ? recorded.items[call.index] : undefined) : recorded;
    if (!r) {
      missing.add(call.step);
      throw new VigilError(
        'ACTION_REJECTED',
        `no recorded response for step ${call.step}${call.index !== undefined ? ` item ${call.index}` : ''}`,
      );
    }
    if (r.error) throw new VigilError(r.error.code as ErrorCode, r.error.message);
    return r.result;
  };
  const engine: Engine = {
    playbooks: new Map([[pb.id, pb]]),
    queue,
    runs,
    audit: new Auditor(nowhere, 'vigil.actions', redact),
    secrets,
    redact,
    log: silent,
    execute,
  };

  let runId: string;
  if (pb.schedule) {
    runId = await startScheduled(engine, pb, test.at ?? 0);
  } else {
    const incident = { id: 'test-incident', ...test.incident } as Record<string, unknown> & { id: string };
    if (!pb.trigger({ incident }))
      return judge(test, { status: 'not_triggered', steps: new Map(), outputs: undefined, calls, failures: [] });
    await runs.saveIncident(incident);
    runId = runIdOf(pb.id, incident.id);
    await runs.create(runId, pb.id, incident, {
      trigger: 'incident',
      inputs: inputsOf(pb, test.inputs),
      createdAt: 0,
      deadline: Number.MAX_SAFE_INTEGER,
    });
    for (const [ref, d] of Object.entries(test.approvals)) await runs.decide(runId, ref, { ...d, at: 0 });
    await startRun(engine, pb, runId, incident, {
      trigger: 'incident',
      inputs: inputsOf(pb, test.inputs),
      createdAt: 0,
      deadline: Number.MAX_SAFE_INTEGER,
    });
  }
  if (pb.schedule) for (const [ref, d] of Object.entries(test.approvals)) await runs.decide(runId, ref, { ...d, at: 0 });

  const process = stepProcessor(engine);
  for (let n = 0; queue.jobs.length > 0; n++) {
    if (n >= MAX_JOB_RUNS) throw new VigilError('PLAYBOOK_TEST_FAILED', `the run did not end within ${MAX_JOB_RUNS} step attempts`);
    const job = queue.jobs.shift() as (typeof queue.jobs)[number];
    try {
      const next = await process({ data: job.data, attempt: job.attempt, maxAttempts: job.attempts });
      if (next) queue.jobs.push(job); // a wait or approval looks again; on this clock it is decided the next time
    } catch (err) {
      const retriable = !(err instanceof VigilError) || err.retriable;
      if (retriable && job.attempt < job.attempts) queue.jobs.push({ ...job, attempt: job.attempt + 1 });
    }
  }
  const state = await runs.load(runId);
  const outcome: TestOutcome = {
    status: state?.end?.status ?? 'running',
    steps: state?.steps ?? new Map(),
    outputs: state?.end?.outputs,
    calls,
    failures: [...missing].map((ref) => ({ line: test.line, message: `step ${ref}: no recorded response (responses.${ref})` })),
  };
  return judge(test, outcome);
}

/** Checks the outcome against the test's expectations. */
function judge(test: PlaybookTest, o: TestOutcome): TestOutcome {
  const fail = (key: string, message: string) => o.failures.push({ line: test.lines.get(key) ?? test.line, message });
  const { expect } = test;
  if (expect.status !== undefined && expect.status !== o.status)
    fail('status', `run: expected ${expect.status}, got ${o.status}${reasonOf(o)}`);
  for (const [ref, want] of Object.entries(expect.steps)) {
    const rec = o.steps.get(ref);
    const got = rec?.status ?? 'not run';
    if (got !== want) fail(`steps.${ref}`, `step ${ref}: expected ${want}, got ${got}${rec ? whyOf(rec) : ''}`);
  }
  for (const [ref, want] of Object.entries(expect.args)) {
    const got = o.calls.get(ref);
    if (!got) {
      fail(`args.${ref}`, `step ${ref}: expected a call with ${JSON.stringify(want)}, but its action was not called`);
      continue;
    }
    const ok = Array.isArray(want) ? want.length === got.length && want.every((w, i) => contains(got[i], w)) : contains(got[0], want);
    if (!ok)
      fail(
        `args.${ref}`,
        `step ${ref}: called with ${JSON.stringify(Array.isArray(want) ? got : got[0])}, expected ${JSON.stringify(want)}`,
      );
  }
  for (const [name, want] of Object.entries(expect.outputs ?? {})) {
    const got = o.outputs?.[name] ?? null;
    if (!isDeepStrictEqual(got, want))
      fail(`outputs.${name}`, `output ${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return o;
}

/** Whether `got` holds everything `want` has (objects: a subset of keys, recursively; the rest: equal). */
function contains(got: unknown, want: unknown): boolean {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
    return Object.entries(want).every(([k, v]) => contains((got as Record<string, unknown>)[k], v));
  }
  return isDeepStrictEqual(got, want);
}

function whyOf(rec: StepRecord): string {
  const why = rec.error ? `${rec.error.code}: ${rec.error.message}` : rec.reason;
  return why ? ` (${why})` : '';
}

function reasonOf(o: TestOutcome): string {
  const failed = [...o.steps].find(([, r]) => r.status === 'failed' || r.status === 'unknown');
  return failed ? ` (step ${failed[0]}${whyOf(failed[1])})` : '';
}
