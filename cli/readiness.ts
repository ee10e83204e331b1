import type { Bus } from '../core/bus/index.js';
import type { VigilConfig } from './config/schema.js';
import { HealthChecks, type CheckResult, type HealthReport } from '../core/telemetry/index.js';
import { createRedisClient, redisConnection } from '../playbooks/queue/index.js';
import { esClient } from '../sinks/elasticsearch/index.js';
import type { StageName } from './stages.js';

export const HEALTH_DEFAULTS = { maxConsumerLag: 100_000, lagIntervalMs: 15_000, checkTimeoutMs: 2000 };

export interface Readiness {
  /** The report of `/health/ready`. */
  report(): Promise<HealthReport>;
  /** Once the pipeline runs: its consumers are checked and their lag measured. */
  started(bus: Bus): void;
  /** Shutting down: not ready any more. */
  stopping(): void;
  close(): Promise<void>;
}

/**
 * The readiness of `vigil run`: the pipeline started; each service the running stages use
 * answers (Kafka always, Redis for `respond`, Elasticsearch for `sink` with an elasticsearch
 * sink); every consumer loop runs (none crashed); and no group lags more than
 * `ops.health.maxConsumerLag` records on a partition. Redis and Elasticsearch are probed with
 * clients of their own, made from the same config (TLS, credentials) as the stages' clients.
 */
export function pipelineReadiness(config: VigilConfig, stages: readonly StageName[]): Readiness {
  const opts = { ...HEALTH_DEFAULTS, ...config.ops.health };
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  let bus: Bus | null = null;
  let lag: ReturnType<Bus['lagMonitor']> | null = null;
  const checks = new HealthChecks(opts.checkTimeoutMs);
  const closers: Array<() => Promise<unknown>> = [];

  checks.add('pipeline', () =>
    phase === 'running' ? { ok: true, details: { stages } } : { ok: false, reason: phase, details: { stages } },
  );
  checks.add('kafka', async () => {
    if (!bus) return { ok: false, reason: 'the pipeline has not started' };
    return { ok: true, details: await bus.describeCluster() };
  });
  checks.add('consumers', () => consumersCheck(bus));
  if (opts.maxConsumerLag > 0) checks.add('consumerLag', () => lagCheck(lag, opts.maxConsumerLag));
  if (stages.includes('respond')) {
    const conn = redisConnection(config.redis);
    // No offline queue: a PING while Redis is away fails at once instead of waiting for it.
    const redis = createRedisClient({ ...conn, options: { ...conn.options, enableOfflineQueue: false } }, 'vigil-health');
    redis.on('error', () => undefined); // the check reports it
    closers.push(() => Promise.resolve(redis.disconnect()));
    checks.add('redis', async () => ({ ok: (await redis.ping()) === 'PONG' }));
  }
  if (stages.includes('sink') && config.sinks.some((s) => s.type === 'elasticsearch')) {
    const es = esClient(config.elasticsearch, { maxRetries: 0, requestTimeout: opts.checkTimeoutMs });
    closers.push(() => es.close());
    checks.add('elasticsearch', async () => {
      const h = await es.cluster.health({ timeout: `${opts.checkTimeoutMs}ms` });
      return { ok: true, details: { cluster: h.cluster_name, status: h.status } };
    });
  }

  return {
    report: () => checks.run(),
    started(b) {
      bus = b;
      phase = 'running';
      lag = b.lagMonitor(opts.lagIntervalMs);
      lag.start();
    },
    stopping() {
      phase = 'stopping';
    },
    async close() {
      await lag?.stop();
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}

function consumersCheck(bus: Bus | null): CheckResult {
  if (!bus) return { ok: false, reason: 'the pipeline has not started' };
  const states = bus.consumerHealth().map((c) => ({ group: c.groupId, topics: c.topics, ...c.state() }));
  const failing = states.filter((s) => s.status !== 'running');
  if (failing.length === 0) return { ok: true, details: states };
  return {
    ok: false,
    reason: failing.map((s) => `consumer group ${s.group} is ${s.status}${s.error ? `: ${s.error}` : ''}`).join('; '),
    details: states,
  };
}

function lagCheck(lag: ReturnType<Bus['lagMonitor']> | null, max: number): CheckResult {
  if (!lag) return { ok: false, reason: 'the pipeline has not started' };
  const snap = lag.latest();
  if (snap.at === 0) return { ok: snap.error === undefined, reason: snap.error ?? undefined, details: { measured: false } };
  const over = snap.lags.filter((l) => l.lag > max);
  const details = { measuredAt: new Date(snap.at).toISOString(), maxConsumerLag: max, over };
  if (snap.error !== undefined) return { ok: false, reason: `cannot measure consumer lag: ${snap.error}`, details };
  if (over.length === 0) return { ok: true, details };
  return { ok: false, reason: over.map((l) => `${l.group} lags ${l.lag} records on ${l.topic}[${l.partition}]`).join('; '), details };
}
