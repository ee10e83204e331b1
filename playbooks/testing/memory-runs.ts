import type { Runs } from '../dispatcher.js';
import type { Decision, RunEnd, RunMeta, RunState, StepRecord } from '../queue/index.js';

const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

interface Stored {
  playbookId: string;
  incident: Record<string, unknown>;
  meta: RunMeta;
  steps: Map<string, StepRecord>;
  began: Map<string, number>;
  inflight: Map<string, { attempt: number; at: number }>;
  decisions: Map<string, Decision>;
  items: Map<string, unknown>;
  end?: RunEnd;
  cancel?: RunState['cancel'];
  announced: boolean;
  ended: boolean;
}

/**
 * The run store of `vigil playbooks test`: the same contract as the Redis one (the first outcome
 * written stands; values go through JSON as they do through Redis), in memory, on a clock that
 * stands still at the epoch for waits and approvals: every `wait.for` is over at once, an
 * `until` that does not hold times out, and an approval nobody decided ends with its default.
 */
export class MemoryRuns implements Runs {
  private readonly runs = new Map<string, Stored>();
  private readonly incidents = new Map<string, Record<string, unknown>>();

  private get(runId: string): Stored {
    const r = this.runs.get(runId);
    if (!r) throw new Error(`no run ${runId}`);
    return r;
  }

  async create(runId: string, playbookId: string, incident: Record<string, unknown>, meta: RunMeta): Promise<{ announced: boolean }> {
    const r = this.runs.get(runId);
    if (r) return { announced: r.announced };
    this.runs.set(runId, {
      playbookId,
      incident: copy(incident),
      meta: copy(meta),
      steps: new Map(),
      began: new Map(),
      inflight: new Map(),
      decisions: new Map(),
      items: new Map(),
      announced: false,
      ended: false,
    });
    return { announced: false };
  }

  async open(
    runId: string,
    playbookId: string,
    incident: Record<string, unknown>,
    meta: RunMeta,
  ): Promise<{ state: RunState; announced: boolean }> {
    const { announced } = await this.create(runId, playbookId, incident, meta);
    return { state: (await this.load(runId)) as RunState, announced };
  }

  async mark(runId: string, what: 'announced' | 'ended'): Promise<void> {
    this.get(runId)[what] = true;
  }

  async load(runId: string): Promise<RunState | undefined> {
    const r = this.runs.get(runId);
    if (!r) return undefined;
    return {
      runId,
      playbookId: r.playbookId,
      incident: copy(r.incident),
      ...copy(r.meta),
      steps: new Map([...r.steps].map(([k, v]) => [k, copy(v)])),
      began: new Map(r.began),
      inflight: new Map(r.inflight),
      decisions: new Map(r.decisions),
      ...(r.end ? { end: copy(r.end) } : {}),
      ...(r.cancel ? { cancel: r.cancel } : {}),
      ended: r.ended,
    };
  }

  async settle(runId: string, step: string, record: StepRecord): Promise<StepRecord> {
    const r = this.get(runId);
    if (!r.steps.has(step)) r.steps.set(step, copy({ ...record, at: record.at ?? 0 }));
    return copy(r.steps.get(step) as StepRecord);
  }

  async settleAndLoad(
    runId: string,
    step: string,
    record: StepRecord,
    calls: readonly string[] = [],
  ): Promise<{ record: StepRecord; state: RunState }> {
    const stood = await this.settle(runId, step, record);
    for (const c of calls) this.get(runId).inflight.delete(c);
    return { record: stood, state: (await this.load(runId)) as RunState };
  }

  async begin(runId: string, step: string, callKey: string, attempt: number): Promise<void> {
    const r = this.get(runId);
    if (!r.began.has(step)) r.began.set(step, 0);
    r.inflight.set(callKey, { attempt, at: 0 });
  }

  async beganAt(runId: string, step: string): Promise<{ at: number; first: boolean }> {
    const r = this.get(runId);
    const first = !r.began.has(step);
    if (first) r.began.set(step, 0);
    return { at: r.began.get(step) ?? 0, first };
  }

  async clearInflight(runId: string, callKey: string): Promise<void> {
    this.get(runId).inflight.delete(callKey);
  }

  async inflightOf(runId: string, callKey: string): Promise<{ attempt: number; at: number } | undefined> {
    return this.get(runId).inflight.get(callKey);
  }

  async items(runId: string, step: string): Promise<Map<number, unknown>> {
    const out = new Map<number, unknown>();
    for (const [k, v] of this.get(runId).items) if (k.startsWith(`${step}:`)) out.set(Number(k.slice(step.length + 1)), copy(v));
    return out;
  }

  async saveItem(runId: string, step: string, index: number, result: unknown, callKey: string): Promise<void> {
    const items = this.get(runId).items;
    if (!items.has(`${step}:${index}`)) items.set(`${step}:${index}`, copy(result ?? null));
    this.get(runId).inflight.delete(callKey);
  }

  async decide(runId: string, step: string, decision: Decision): Promise<Decision> {
    const d = this.get(runId).decisions;
    if (!d.has(step)) d.set(step, copy(decision));
    return d.get(step) as Decision;
  }

  async end(runId: string, end: RunEnd): Promise<RunEnd> {
    const r = this.get(runId);
    r.end ??= copy(end);
    return copy(r.end);
  }

  async requestCancel(runId: string, cancel: { by: string; reason?: string; at: number }): Promise<boolean> {
    const r = this.runs.get(runId);
    if (!r || r.end) return false;
    r.cancel ??= cancel;
    return true;
  }

  async due(): Promise<string[]> {
    return [];
  }

  async forget(): Promise<void> {}

  async recent(limit: number): Promise<string[]> {
    return [...this.runs.keys()].reverse().slice(0, limit);
  }

  async generation(): Promise<{ generation: number; started: boolean }> {
    return { generation: 0, started: true };
  }

  async saveIncident(incident: Record<string, unknown> & { id: string }): Promise<void> {
    this.incidents.set(incident.id, copy(incident));
  }

  async loadIncident(id: string): Promise<Record<string, unknown> | undefined> {
    return copy(this.incidents.get(id));
  }
}
