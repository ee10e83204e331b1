import type { Redis } from 'ioredis';

/**
 * Run state in Redis: one hash per run at `<prefix>:playbook-run:<runId>`, with the incident,
 * the playbook id and one field per settled step. A step settles once (HSETNX): the first
 * outcome written wins, so two workers or a redelivery can never record a step twice.
 */

/** Runs are forgotten after this long (an incident re-delivered later starts a new run). */
const RUN_TTL_SECONDS = 7 * 24 * 3600;

export type StepStatus = 'succeeded' | 'failed' | 'skipped';

export interface StepRecord {
  status: StepStatus;
  /** The action's result, for `succeeded`. */
  result?: unknown;
  /** Why, for `skipped`. */
  reason?: string;
  /** The last error, for `failed`. */
  error?: { code: string; message: string };
  /** The attempt that settled the step. */
  attempt?: number;
}

export interface RunState {
  runId: string;
  playbookId: string;
  incident: Record<string, unknown>;
  steps: Map<string, StepRecord>;
  /** The run's end was audited. */
  ended: boolean;
}

const STEP_FIELD = 'step:';

export class RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(runId: string): string {
    return `${this.prefix}:playbook-run:${runId}`;
  }

  /**
   * Creates the run unless it exists. Returns whether its start was already announced (audited);
   * the caller announces it and then calls `mark(runId, 'announced')`.
   */
  async create(runId: string, playbookId: string, incident: Record<string, unknown>): Promise<{ announced: boolean }> {
    const key = this.key(runId);
    const res = await exec(
      this.redis
        .multi()
        .hsetnx(key, 'incident', JSON.stringify(incident))
        .hsetnx(key, 'playbook', playbookId)
        .expire(key, RUN_TTL_SECONDS)
        .hexists(key, 'announced'),
    );
    return { announced: res[3] === 1 };
  }

  /** Notes that the run's start (`announced`) or end (`ended`) was audited, so that it is not again. */
  async mark(runId: string, what: 'announced' | 'ended'): Promise<void> {
    await this.redis.hset(this.key(runId), what, '1');
  }

  async load(runId: string): Promise<RunState | undefined> {
    const h = await this.redis.hgetall(this.key(runId));
    if (h.incident === undefined || h.playbook === undefined) return undefined;
    const steps = new Map<string, StepRecord>();
    for (const [field, value] of Object.entries(h)) {
      if (field.startsWith(STEP_FIELD)) steps.set(field.slice(STEP_FIELD.length), JSON.parse(value) as StepRecord);
    }
    const incident = JSON.parse(h.incident) as Record<string, unknown>;
    return { runId, playbookId: h.playbook, incident, steps, ended: h.ended !== undefined };
  }

  /** Records a step's outcome unless one is recorded already; returns the one that stands. */
  async settle(runId: string, step: string, record: StepRecord): Promise<StepRecord> {
    const key = this.key(runId);
    const field = STEP_FIELD + step;
    const res = await exec(this.redis.multi().hsetnx(key, field, JSON.stringify(record)).hget(key, field));
    const stored = res[1];
    return typeof stored === 'string' ? (JSON.parse(stored) as StepRecord) : record;
  }
}

/** Runs a MULTI and returns its replies, throwing the first command error. */
async function exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const res = (await multi.exec()) ?? [];
  return res.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
