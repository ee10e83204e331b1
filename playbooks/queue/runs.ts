import type { ChainableCommander, Redis } from 'ioredis';
import { VigilError } from '../../core/errors/index.js';

/**
 * Run state in Redis: one hash per run at `<prefix>:playbook-run:<runId>`, with the incident,
 * the playbook id, the inputs, the deadline and one field per settled step; a sorted set of
 * every run by start time (for listing) and one of the runs still going by deadline (for the
 * sweeper). Every decision is written once (HSETNX): a step's outcome, an approval, the run's
 * end; the first written stands, so that two workers or a redelivery never decide twice.
 */

/** Runs are forgotten after this long (an incident re-delivered later starts a new run). */
const RUN_TTL_SECONDS = 7 * 24 * 3600;
/** How many commands `creating` queues: the index of the first one a caller adds. */
const CREATING_COMMANDS = 6;

export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'unknown';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'timed_out', 'cancelled'];

export interface StepRecord {
  status: StepStatus;
  /** The action's result, for `succeeded`. */
  result?: unknown;
  /** Why, for `skipped` and `unknown`. */
  reason?: string;
  /** The last error, for `failed`. */
  error?: { code: string; message: string };
  /** The attempt that settled the step. */
  attempt?: number;
  /** When it settled, ms since the epoch. */
  at?: number;
}

/** Who approved or denied an approval step, when and why. */
export interface Decision {
  decision: 'approved' | 'denied';
  by: string;
  /** ms since the epoch. */
  at: number;
  reason?: string;
}

export interface RunEnd {
  status: Exclude<RunStatus, 'running'>;
  reason?: string;
  at: number;
  outputs?: Record<string, unknown>;
}

export interface RunMeta {
  /** `incident`, `escalation`, `reopen`, `manual` or `schedule`. */
  trigger: string;
  /** Who started a manual run. */
  by?: string;
  inputs: Record<string, unknown>;
  createdAt: number;
  deadline: number;
  /** A scheduled run's tick (it has no incident: its `incident` is `{}`). */
  schedule?: { at: string; cron: string; timezone: string };
}

export interface RunState extends RunMeta {
  runId: string;
  playbookId: string;
  incident: Record<string, unknown>;
  steps: Map<string, StepRecord>;
  /** When each step first started (or began waiting), ms. */
  began: Map<string, number>;
  /** Calls in flight: set before an action is called, cleared when its outcome is known. */
  inflight: Map<string, { attempt: number; at: number }>;
  decisions: Map<string, Decision>;
  /** Set once the run ended (any way); `ended` once that end was audited. */
  end?: RunEnd;
  cancel?: { by: string; reason?: string; at: number };
  ended: boolean;
}

const F = { step: 'step:', began: 'began:', inflight: 'inflight:', decision: 'decision:', item: 'item:' } as const;

/** One atomic step of the re-run policy, see {@link RunStore.generation}. */
const GENERATION = `
local gen = redis.call('HGET', KEYS[1], 'gen')
local rank = tonumber(ARGV[2]); local closed = tonumber(ARGV[3]); local version = tonumber(ARGV[4])
if not gen then
  redis.call('HSET', KEYS[1], 'gen', 0, 'rank', rank, 'closed', closed, 'version', version)
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return {0, 1}
end
gen = tonumber(gen)
local seen = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
if version >= 0 and version <= seen then return {gen, 0} end
local hrank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '-1')
local wasClosed = tonumber(redis.call('HGET', KEYS[1], 'closed') or '0')
local new = 0
if ARGV[1] == 'on_escalation' and rank > hrank then new = 1 end
if ARGV[1] == 'on_reopen' and wasClosed == 1 and closed == 0 then new = 1 end
gen = gen + new
redis.call('HSET', KEYS[1], 'gen', gen, 'rank', math.max(rank, hrank), 'closed', closed, 'version', version)
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {gen, new}
`;

/** Keeps the newest incident record by `incident.version` (a redelivered older one does not win). */
const SAVE_INCIDENT = `
local seen = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
local version = tonumber(ARGV[2])
if version >= 0 and version < seen then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'version', version)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

export class RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(runId: string): string {
    return `${this.prefix}:playbook-run:${runId}`;
  }
  private get allKey(): string {
    return `${this.prefix}:playbook-runs`;
  }
  private get activeKey(): string {
    return `${this.prefix}:playbook-runs:active`;
  }

  /**
   * Creates the run unless it exists. Returns whether its start was already announced (audited);
   * the caller announces it and then calls `mark(runId, 'announced')`.
   */
  async create(runId: string, playbookId: string, incident: Record<string, unknown>, meta: RunMeta): Promise<{ announced: boolean }> {
    const res = await exec(this.creating(runId, playbookId, incident, meta).hexists(this.key(runId), 'announced'));
    return { announced: res[CREATING_COMMANDS] === 1 };
  }

  /**
   * `create` and `load` in one transaction (one round trip): the run as it stands once created
   * (a redelivered incident finds what its run did so far), and whether its start was announced.
   */
  async open(
    runId: string,
    playbookId: string,
    incident: Record<string, unknown>,
    meta: RunMeta,
  ): Promise<{ state: RunState; announced: boolean }> {
    const res = await exec(this.creating(runId, playbookId, incident, meta).hgetall(this.key(runId)));
    const h = res[CREATING_COMMANDS] as Record<string, string>;
    const state = stateOf(runId, h);
    if (!state) throw new VigilError('PLAYBOOK_RUN_MISSING', `run ${runId} was not stored by the transaction that creates it`);
    return { state, announced: h.announced !== undefined };
  }

  /** A transaction that creates the run unless it exists (CREATING_COMMANDS commands); the caller adds what it reads back. */
  private creating(runId: string, playbookId: string, incident: Record<string, unknown>, meta: RunMeta): ChainableCommander {
    const key = this.key(runId);
    return this.redis
      .multi()
      .hsetnx(key, 'incident', JSON.stringify(incident))
      .hsetnx(key, 'playbook', playbookId)
      .hsetnx(key, 'meta', JSON.stringify(meta))
      .expire(key, RUN_TTL_SECONDS)
      .zadd(this.allKey, 'NX', meta.createdAt, runId)
      .zadd(this.activeKey, 'NX', meta.deadline, runId);
  }

  /** Notes that the run's start (`announced`) or end (`ended`) was audited, so that it is not again. */
  async mark(runId: string, what: 'announced' | 'ended'): Promise<void> {
    if (what === 'announced') await this.redis.hset(this.key(runId), what, '1');
    else await exec(this.redis.multi().hset(this.key(runId), what, '1').zrem(this.activeKey, runId));
  }

  async load(runId: string): Promise<RunState | undefined> {
    return stateOf(runId, await this.redis.hgetall(this.key(runId)));
  }

  /** Records a step's outcome unless one is recorded already; returns the one that stands. */
  async settle(runId: string, step: string, record: StepRecord): Promise<StepRecord> {
    return this.once(runId, F.step + step, { ...record, at: record.at ?? Date.now() });
  }

  /**
   * Records a step's outcome unless one is recorded already, clears the marks of its calls whose
   * outcome is now known, and reads the run back, in one transaction: the outcome that stands and
   * the run as it stands with it (a sibling step that settled meanwhile included, since the read
   * comes after the write). Clearing in the same transaction leaves no moment where a call is
   * neither in flight nor settled, which a crash would turn into a second call.
   */
  async settleAndLoad(
    runId: string,
    step: string,
    record: StepRecord,
    calls: readonly string[] = [],
  ): Promise<{ record: StepRecord; state: RunState }> {
    const key = this.key(runId);
    const multi = this.redis.multi().hsetnx(key, F.step + step, JSON.stringify({ ...record, at: record.at ?? Date.now() }));
    if (calls.length > 0) multi.hdel(key, ...calls.map((c) => F.inflight + c));
    const res = await exec(multi.hgetall(key));
    const state = stateOf(runId, res[res.length - 1] as Record<string, string>);
    if (!state) throw new VigilError('PLAYBOOK_RUN_MISSING', `run ${runId} vanished while step ${step} settled`);
    return { record: state.steps.get(step) ?? record, state };
  }

  /** Notes that a step began (first time only) and that a call under `callKey` is in flight. */
  async begin(runId: string, step: string, callKey: string, attempt: number): Promise<void> {
    const now = Date.now();
    await exec(
      this.redis
        .multi()
        .hsetnx(this.key(runId), F.began + step, String(now))
        .hset(this.key(runId), F.inflight + callKey, JSON.stringify({ attempt, at: now })),
    );
  }

  /** When a step first began (set now if it had not); for waits and approvals, their start. */
  async beganAt(runId: string, step: string): Promise<{ at: number; first: boolean }> {
    const now = Date.now();
    const res = await exec(
      this.redis
        .multi()
        .hsetnx(this.key(runId), F.began + step, String(now))
        .hget(this.key(runId), F.began + step),
    );
    return { at: Number(res[1] ?? now), first: res[0] === 1 };
  }

  /** The call's outcome is known (an error that will be retried): it is no longer in doubt. */
  async clearInflight(runId: string, callKey: string): Promise<void> {
    await this.redis.hdel(this.key(runId), F.inflight + callKey);
  }

  async inflightOf(runId: string, callKey: string): Promise<{ attempt: number; at: number } | undefined> {
    const v = await this.redis.hget(this.key(runId), F.inflight + callKey);
    return v ? (JSON.parse(v) as { attempt: number; at: number }) : undefined;
  }

  /** The results of a for_each step's items that already succeeded, by index. */
  async items(runId: string, step: string): Promise<Map<number, unknown>> {
    const h = await this.redis.hgetall(this.key(runId));
    const out = new Map<number, unknown>();
    const head = `${F.item}${step}:`;
    for (const [f, v] of Object.entries(h)) if (f.startsWith(head)) out.set(Number(f.slice(head.length)), JSON.parse(v) as unknown);
    return out;
  }

  /** Keeps the result of a for_each item and clears the mark of its call (`callKey`), in one transaction. */
  async saveItem(runId: string, step: string, index: number, result: unknown, callKey: string): Promise<void> {
    const key = this.key(runId);
    await exec(
      this.redis
        .multi()
        .hsetnx(key, `${F.item}${step}:${index}`, JSON.stringify(result ?? null))
        .hdel(key, F.inflight + callKey),
    );
  }

  /** Records an approval decision unless one stands; returns the one that stands. */
  async decide(runId: string, step: string, decision: Decision): Promise<Decision> {
    return this.once(runId, F.decision + step, decision);
  }

  /** Ends the run unless it ended; returns the end that stands. */
  async end(runId: string, end: RunEnd): Promise<RunEnd> {
    return this.once(runId, 'end', end);
  }

  /** Asks the sweeper to end the run as cancelled at its next pass. False when the run is unknown or over. */
  async requestCancel(runId: string, cancel: { by: string; reason?: string; at: number }): Promise<boolean> {
    const state = await this.load(runId);
    if (!state || state.end) return false;
    await exec(this.redis.multi().hsetnx(this.key(runId), 'cancel', JSON.stringify(cancel)).zadd(this.activeKey, 'XX', 0, runId));
    return true;
  }

  /** Runs not yet ended whose deadline passed (or that were asked to cancel), oldest first. */
  async due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.activeKey, '-inf', now, 'LIMIT', 0, limit);
  }

  /** A run id in the active set whose hash expired: dropped. */
  async forget(runId: string): Promise<void> {
    await this.redis.zrem(this.activeKey, runId);
  }

  /** The most recent run ids, newest first. */
  async recent(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.allKey, 0, limit - 1);
  }

  /**
   * The generation of the runs of a playbook on an incident under its re-run policy: 0 for the
   * first, one more each time the incident escalates (`on_escalation`, severity `rank` above the
   * highest seen) or is reopened (`on_reopen`, open after closed). A record whose `version` is not
   * newer than one seen (a redelivery) changes nothing. `started` tells whether this call began a
   * generation.
   */
  async generation(
    playbookId: string,
    incidentId: string,
    policy: string,
    facts: { rank: number; closed: boolean; version: number },
  ): Promise<{ generation: number; started: boolean }> {
    const key = `${this.prefix}:playbook-trigger:${playbookId}:${incidentId}`;
    const [gen, started] = (await this.redis.eval(
      GENERATION,
      1,
      key,
      policy,
      facts.rank,
      facts.closed ? 1 : 0,
      facts.version,
      RUN_TTL_SECONDS,
    )) as [number, number];
    return { generation: Number(gen), started: started === 1 };
  }

  /** Keeps the newest record of an incident, for `wait: {until}` and manual runs. */
  async saveIncident(incident: Record<string, unknown> & { id: string }): Promise<void> {
    const version = typeof incident.version === 'number' ? incident.version : -1;
    await this.redis.eval(SAVE_INCIDENT, 1, this.incidentKey(incident.id), JSON.stringify(incident), version, RUN_TTL_SECONDS);
  }

  async loadIncident(id: string): Promise<Record<string, unknown> | undefined> {
    const v = await this.redis.hget(this.incidentKey(id), 'record');
    return v ? (JSON.parse(v) as Record<string, unknown>) : undefined;
  }

  private incidentKey(id: string): string {
    return `${this.prefix}:playbook-incident:${id}`;
  }

  private async once<T>(runId: string, field: string, value: T): Promise<T> {
    const key = this.key(runId);
    const res = await exec(this.redis.multi().hsetnx(key, field, JSON.stringify(value)).hget(key, field));
    const stored = res[1];
    return typeof stored === 'string' ? (JSON.parse(stored) as T) : value;
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

/** A run from the fields of its hash; undefined when the hash is gone (or was never written). */
function stateOf(runId: string, h: Record<string, string>): RunState | undefined {
  if (h.incident === undefined || h.playbook === undefined) return undefined;
  const steps = new Map<string, StepRecord>();
  const began = new Map<string, number>();
  const inflight = new Map<string, { attempt: number; at: number }>();
  const decisions = new Map<string, Decision>();
  for (const [field, value] of Object.entries(h)) {
    if (field.startsWith(F.step)) steps.set(field.slice(F.step.length), JSON.parse(value) as StepRecord);
    else if (field.startsWith(F.began)) began.set(field.slice(F.began.length), Number(value));
    else if (field.startsWith(F.inflight))
      inflight.set(field.slice(F.inflight.length), JSON.parse(value) as { attempt: number; at: number });
    else if (field.startsWith(F.decision)) decisions.set(field.slice(F.decision.length), JSON.parse(value) as Decision);
  }
  const meta: RunMeta = h.meta ? (JSON.parse(h.meta) as RunMeta) : { trigger: 'incident', inputs: {}, createdAt: 0, deadline: Infinity };
  return {
    runId,
    playbookId: h.playbook,
    incident: JSON.parse(h.incident) as Record<string, unknown>,
    ...meta,
    steps,
    began,
    inflight,
    decisions,
    ...(h.end ? { end: JSON.parse(h.end) as RunEnd } : {}),
    ...(h.cancel ? { cancel: JSON.parse(h.cancel) as RunState['cancel'] } : {}),
    ended: h.ended !== undefined,
  };
}
