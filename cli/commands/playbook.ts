import { userInfo } from 'node:os';
import { VigilError } from '../../core/errors/index.js';
import { loadPlaybooks, type Playbook } from '../../playbooks/index.js';
import { RunControl, statusOf } from '../../playbooks/control.js';
import {
  RUN_STATUSES,
  RunStore,
  StepQueue,
  createRedisClient,
  redisConnection,
  type RunState,
  type RunStatus,
} from '../../playbooks/queue/index.js';
import { parseArgs } from '../args.js';
import { loadConfig, type VigilConfig } from '../config/schema.js';

const USAGE = [
  'usage: vigil playbook run <playbook> --incident <id> [--input name=value]… [--by NAME]',
  '       vigil playbook runs [--status running|succeeded|failed|timed_out|cancelled] [--incident ID] [--limit N]',
  '       vigil playbook show <run>',
  '       vigil playbook cancel <run> [--by NAME] [--reason TEXT]',
  '       vigil playbook approve|deny <run> <step> --by NAME [--reason TEXT]',
  '  every form takes [--config vigil.yaml]',
].join('\n');

/** Where output goes; tests pass their own. */
export interface PlaybookIo {
  out: (line: string) => void;
  user: () => string;
}

const defaultIo: PlaybookIo = {
  out: (line) => console.log(line),
  user: () => {
    try {
      return userInfo().username;
    } catch {
      return process.env.USER ?? 'unknown';
    }
  },
};

const usage = (why: string): VigilError => new VigilError('CLI_USAGE', `${why}\n${USAGE}`);

/**
 * `vigil playbook run|runs|show|cancel|approve|deny`: operates on runs in Redis (the respond
 * stage's workers do the work: they start a manual run, end a cancelled one at their next sweep,
 * and audit a decision when the approval step wakes).
 */
export async function run(argv: string[], io: PlaybookIo = defaultIo): Promise<number> {
  const [verb, ...rest] = argv;
  // --input may repeat and its value may hold commas: read before the shared parser.
  const inputs: Record<string, string> = {};
  const others: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--input' || a.startsWith('--input=')) {
      const kv = a === '--input' ? rest[++i] : a.slice('--input='.length);
      const eq = kv?.indexOf('=') ?? -1;
      if (kv === undefined || eq <= 0) throw usage('--input takes name=value');
      inputs[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else others.push(a);
  }
  const { flags, positional } = parseArgs(others, { flags: ['config', 'incident', 'by', 'reason', 'status', 'limit'] as const });
  const config = (): VigilConfig => loadConfig(flags.config ?? 'vigil.yaml');
  switch (verb) {
    case 'run': {
      const [id, ...extra] = positional;
      if (!id || extra.length > 0 || !flags.incident) throw usage('run takes one playbook id and --incident');
      const cfg = config();
      const pb = await playbookOf(cfg, id);
      const runId = await withControl(cfg, (c) => c.start(pb, flags.incident as string, inputs, flags.by ?? `cli:${io.user()}`));
      io.out(`run ${runId}: playbook ${pb.id} on incident ${flags.incident} started (the respond stage runs it)`);
      return 0;
    }
    case 'runs': {
      if (positional.length > 0) throw usage(`unexpected argument "${positional[0]}"`);
      const status = flags.status as RunStatus | undefined;
      if (status !== undefined && !RUN_STATUSES.includes(status)) throw usage(`--status is one of ${RUN_STATUSES.join(', ')}`);
      const limit = flags.limit === undefined ? 50 : Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw usage('--limit is a positive whole number');
      const runs = await withControl(config(), (c) =>
        c.list({ ...(status ? { status } : {}), ...(flags.incident ? { incident: flags.incident } : {}), limit }),
      );
      for (const r of runs) io.out(runLine(r));
      if (runs.length === 0) io.out('no runs');
      return 0;
    }
    case 'show': {
      const [runId, ...extra] = positional;
      if (!runId || extra.length > 0) throw usage('show takes one run id');
      const cfg = config();
      const state = await withControl(cfg, (c) => c.show(runId));
      const pb = (await loadPlaybooks(cfg.playbooks.paths)).playbooks.find((p) => p.id === state.playbookId);
      for (const line of timeline(state, pb)) io.out(line);
      return 0;
    }
    case 'cancel': {
      const [runId, ...extra] = positional;
      if (!runId || extra.length > 0) throw usage('cancel takes one run id');
      const by = flags.by ?? `cli:${io.user()}`;
      await withControl(config(), (c) => c.cancel(runId, by, flags.reason));
      io.out(`run ${runId}: cancel requested by ${by}; the respond stage ends it at its next sweep`);
      return 0;
    }
    case 'approve':
    case 'deny': {
      const [runId, step, ...extra] = positional;
      if (!runId || !step || extra.length > 0) throw usage(`${verb} takes a run id and a step ref`);
      if (!flags.by) throw usage(`${verb} needs --by NAME: who decided goes to the audit trail`);
      const cfg = config();
      const state = await withControl(cfg, (c) => c.show(runId));
      const pb = await playbookOf(cfg, state.playbookId);
      const decision = verb === 'approve' ? 'approved' : 'denied';
      await withControl(cfg, (c) =>
        c.decide(pb, runId, step, { decision, by: flags.by as string, ...(flags.reason ? { reason: flags.reason } : {}) }),
      );
      io.out(`run ${runId} step ${step}: ${decision} by ${flags.by}${flags.reason ? ` (${flags.reason})` : ''}`);
      return 0;
    }
    default:
      throw usage(verb ? `unknown action "${verb}"` : 'no action');
  }
}

async function playbookOf(cfg: VigilConfig, id: string): Promise<Playbook> {
  const { playbooks, problems } = await loadPlaybooks(cfg.playbooks.paths);
  const pb = playbooks.find((p) => p.id === id);
  if (pb) return pb;
  const broken = problems.filter((p) => p.message.includes(id) || p.location?.file?.includes(id));
  throw new VigilError(
    'PLAYBOOK_INVALID',
    `no valid playbook "${id}" in ${cfg.playbooks.paths.join(', ')} (valid: ${playbooks.map((p) => p.id).join(', ') || 'none'})` +
      (broken.length > 0 ? `\n${broken.map((p) => p.describe()).join('\n')}` : ''),
  );
}

/** Runs `fn` with a RunControl on the configured Redis, then closes the connection. */
async function withControl<T>(cfg: VigilConfig, fn: (c: RunControl) => Promise<T>): Promise<T> {
  const client = createRedisClient(redisConnection(cfg.redis), 'vigil-playbook-cli');
  const queue = new StepQueue(client, cfg.redis.prefix);
  try {
    return await fn(new RunControl(new RunStore(client, cfg.redis.prefix), queue));
  } finally {
    await queue.close();
    await client.quit();
  }
}

const iso = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) ? '-' : new Date(ms).toISOString());

function runLine(r: RunState): string {
  return [
    r.runId,
    statusOf(r).padEnd(9),
    r.playbookId,
    `incident=${String(r.incident.id)}`,
    iso(r.createdAt),
    `trigger=${r.trigger}${r.by ? `:${r.by}` : ''}`,
  ].join('  ');
}

/** The run's header and one line per step, in the order they began (steps not begun last, in file order). */
export function timeline(s: RunState, pb: Playbook | undefined): string[] {
  const out = [
    `run ${s.runId}  playbook ${s.playbookId}  incident ${String(s.incident.id)}`,
    `status ${statusOf(s)}${s.end?.reason ? ` (${s.end.reason})` : ''}  started ${iso(s.createdAt)}  deadline ${iso(s.deadline)}${s.end ? `  ended ${iso(s.end.at)}` : ''}`,
    `trigger ${s.trigger}${s.by ? ` by ${s.by}` : ''}${Object.keys(s.inputs).length > 0 ? `  inputs ${JSON.stringify(s.inputs)}` : ''}`,
  ];
  const refs = pb ? pb.steps.map((st) => st.ref) : [...new Set([...s.began.keys(), ...s.steps.keys()])];
  const order = [...refs].sort((a, b) => (s.began.get(a) ?? Infinity) - (s.began.get(b) ?? Infinity) || refs.indexOf(a) - refs.indexOf(b));
  for (const ref of order) {
    const step = pb?.byRef.get(ref);
    const rec = s.steps.get(ref);
    const began = s.began.get(ref);
    const decision = s.decisions.get(ref);
    let status: string =
      rec?.status ?? (began === undefined ? 'pending' : step?.approval ? 'awaiting approval' : step?.wait ? 'waiting' : 'running');
    if (rec?.status === 'failed' && decision?.decision === 'denied') status = 'denied';
    const detail = [
      rec?.attempt !== undefined ? `attempt ${rec.attempt}` : '',
      rec?.at !== undefined ? `settled ${iso(rec.at)}` : '',
      decision ? `${decision.decision} by ${decision.by} at ${iso(decision.at)}${decision.reason ? `: ${decision.reason}` : ''}` : '',
      rec?.error && !decision ? `${rec.error.code}: ${rec.error.message}` : '',
      rec?.reason && rec.status !== 'unknown' ? rec.reason : rec?.status === 'unknown' ? (rec.reason ?? '') : '',
    ].filter(Boolean);
    out.push(
      `  ${iso(began).padEnd(24)}  ${ref.padEnd(16)} ${(step?.action ?? '?').padEnd(14)} ${status.padEnd(10)}${detail.length ? `  ${detail.join('; ')}` : ''}`,
    );
  }
  if (s.end?.outputs) out.push(`outputs ${JSON.stringify(s.end.outputs)}`);
  return out;
}
