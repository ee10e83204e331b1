import type { Publisher } from '../core/bus/types.js';
import type { PlaybooksConfig, RedisConfig } from '../core/config/types.js';
import { VigilError, errorMessage } from '../core/errors/index.js';
import { logger, metrics } from '../core/telemetry/index.js';
import { Auditor } from './audit.js';
import { dispatch, type Engine } from './dispatcher.js';
import { loadPlaybooks } from './load.js';
import { RunStore, SharedLimits, StepQueue, createRedisClient, redisConnection, startStepWorker } from './queue/index.js';
import { rateLimitsOf, sharedThrottle } from './rate-limits.js';
import { startScheduler } from './scheduler.js';
import { RunControl } from './control.js';
import { stepProcessor } from './runner.js';
import type { ActionServices } from './actions/types.js';
import { allowEntryProblem } from './actions/net/address-policy.js';
import type { Resolver } from './actions/net/guard.js';
import { startSweeper } from './sweeper.js';
import type { Playbook } from './schema.js';
import { redactor } from './template.js';
import { closeSharedDispatchers } from './actions/net/pool.js';

/** How long `startResponder` waits for Redis before giving up. */
const READY_TIMEOUT_MS = 15_000;
const DEFAULT_SWEEP_MS = 5_000;

export interface ResponderOptions {
  /** `dispatchConcurrency` is the respond stage's (it calls `dispatch` for several incidents at once). */
  config: { redis: RedisConfig; playbooks: Omit<PlaybooksConfig, 'dispatchConcurrency'> };
  /** Writes the audit trail. */
  publisher: Publisher;
  /** The audit topic as the bus names it (prefix applied), e.g. `vigil.actions`. */
  actionsTopic: string;
  /** The worker's connections for actions that need one (see ActionServices). */
  services?: ActionServices;
  /** How often the sweeper ends overdue and cancelled runs. Default 5s. */
  sweepMs?: number;
  /** A step job whose worker stopped renewing its lock this long (it died) runs again. Default 30s. */
  lockMs?: number;
  /** Name resolution for actions' connections; the system's (`dns.lookup`) when absent. */
  resolve?: Resolver;
}

export interface Responder {
  /**
   * Runs every playbook whose trigger matches the incident record `{incident: {id, …}}` (as
   * parsed from `vigil.incidents`). Resolves once the runs' first steps are stored in Redis;
   * the steps themselves run on the worker. Throws EVENT_INVALID for a record with no
   * `incident.id`. Calling it again with the same incident runs no step twice.
   */
  dispatch(incident: unknown): Promise<void>;
  /** Stops taking jobs, waits for the running steps, closes the Redis connections. */
  close(): Promise<void>;
  /** The playbooks that loaded. */
  readonly playbooks: readonly Playbook[];
  /** Problems of the playbooks that did not (also logged at start). */
  readonly problems: readonly VigilError[];
  /** Manual runs, cancel, approve and deny. */
  readonly control: RunControl;
  /** One sweep now; resolves with the runs it ended. */
  sweep(now?: number): Promise<number>;
}

/** Loads the playbooks, starts the step worker on Redis and returns the dispatcher. */
export async function startResponder(opts: ResponderOptions): Promise<Responder> {
  const { redis, playbooks: cfg } = opts.config;
  const log = logger('playbooks');
  const rateLimits = rateLimitsOf(cfg.rateLimits);
  const allow = cfg.network?.allow ?? [];
  allow.forEach((entry, i) => {
    const why = allowEntryProblem(entry);
    if (why) throw new VigilError('CONFIG_FORMAT', `playbooks.network.allow[${i}] "${entry}" ${why}`);
  });
  const { playbooks, problems } = await loadPlaybooks(cfg.paths, { secrets: Object.keys(cfg.secrets) });
  for (const p of problems) log.error({ code: p.code, location: p.location }, p.describe());
  log.info({ playbooks: playbooks.map((p) => p.id), invalid: problems.length }, 'playbooks loaded');

  const conn = redisConnection(redis);
  const client = createRedisClient(conn, 'vigil-playbooks');
  const workerClient = createRedisClient(conn, 'vigil-playbooks-worker');
  const redact = redactor(cfg.secrets);
  const queue = new StepQueue(client, redis.prefix);
  const runs = new RunStore(client, redis.prefix);
  const shared = new SharedLimits(client, redis.prefix);
  const engine: Engine = {
    playbooks: new Map(playbooks.map((p) => [p.id, p])),
    queue,
    runs,
    throttle: sharedThrottle(shared, rateLimits),
    slots: { take: (...a) => shared.takeSlot(...a), give: (...a) => shared.giveSlot(...a) },
    audit: new Auditor(opts.publisher, opts.actionsTopic, redact),
    secrets: cfg.secrets,
    redact,
    log,
    services: { ...opts.services, redis: { client, prefix: redis.prefix } },
    network: { allow, ...(opts.resolve ? { resolve: opts.resolve } : {}) },
  };
  const worker = startStepWorker({
    connection: workerClient,
    prefix: redis.prefix,
    concurrency: cfg.concurrency,
    processor: stepProcessor(engine),
    onError: (err) => log.error({ err: redact(errorMessage(err)) }, 'step worker error'),
    ...(opts.lockMs !== undefined ? { lockMs: opts.lockMs } : {}),
  });
  const sweeper = startSweeper(engine, opts.sweepMs ?? DEFAULT_SWEEP_MS);
  const scheduler = startScheduler(engine);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      scheduler.stop();
      await sweeper.stop();
      await worker.close();
      // Kept-alive connections of the actions' HTTP calls (idle ones; the steps have finished).
      await closeSharedDispatchers();
      await queue.close();
      await Promise.all([client.quit(), workerClient.quit()]);
      metrics.up.set({ kind: 'playbook', id: 'responder' }, 0);
    })());

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([queue.ready(), worker.ready()]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    scheduler.stop();
    await sweeper.stop();
    client.disconnect();
    workerClient.disconnect();
    await Promise.allSettled([worker.close(), queue.close()]);
    throw new VigilError('SERVICE_UNAVAILABLE', `redis at ${withoutCredentials(redis.url)} is not reachable: ${errorMessage(err)}`, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
  metrics.up.set({ kind: 'playbook', id: 'responder' }, 1);

  return {
    dispatch: (incident) => dispatch(engine, incident),
    close,
    playbooks,
    problems,
    control: new RunControl(runs, queue),
    sweep: (now) => sweeper.sweep(now),
  };
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
