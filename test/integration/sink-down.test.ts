/**
 * A sink whose destination is down loses nothing and catches up, and the other sinks keep their
 * pace while it is down. On REAL Kafka: two http sinks read the same stream (100 numbered events
 * a second), each its own consumer group. One posts to an endpoint that goes down for
 * VIGIL_SINK_DOWN_SECONDS (default 12; `VIGIL_SINK_DOWN_SECONDS=300` is the 5-minute outage),
 * the first half answering 503 with Retry-After (a load balancer in front of a dead backend), the
 * second half refusing connections; the other posts to an endpoint that stays up.
 *
 * Required: the healthy sink's latency (produce → accepted) and consumer lag stay as they were
 * before the outage; the down sink's lag grows and `/health/ready`'s consumerLag check names its
 * group (and only its group); once the endpoint is back, every event arrives at both endpoints
 * and none is dead-lettered. The http sink is at-least-once: a batch cut into several requests is
 * sent again whole when one of them fails, so at the moment the endpoint goes down a batch in
 * flight may arrive twice; the healthy endpoint gets each event exactly once, the down one each
 * at least once and at most one batch twice per change of state. Prints the recovery time: from
 * the endpoint's return until it holds every event sent before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../cli/config/schema.js';
import { pipelineReadiness, type Readiness } from '../../cli/readiness.js';
import type { Bus, LagMonitor } from '../../core/bus/index.js';
import type { HealthReport } from '../../core/telemetry/index.js';
import { startHttpSink, withHttpSinkDefaults } from '../../sinks/http/index.js';
import type { RunningSinkLoop } from '../../sinks/runner/index.js';
import { testConfig } from '../support/config.js';
import { startOutageEndpoint, type OutageEndpoint } from '../support/outage-endpoint.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { waitFor } from '../support/wait.js';

const DOWN_S = Number(process.env.VIGIL_SINK_DOWN_SECONDS ?? 12);
const RATE = 100;
const TICK_MS = 100;
const WARMUP_MS = 5000;
const AFTER_MS = 3000;
/** Lag over this on a partition fails readiness: about 3 s of the stream over the 3 partitions. */
const MAX_LAG = RATE;
const BATCH = 500;

interface Doc {
  n: number;
  sentAt: number;
  event: { dataset: string };
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

/** How many times each number was accepted. */
function counts(ep: OutageEndpoint): Map<number, number> {
  const m = new Map<number, number>();
  for (const a of ep.accepted) {
    const n = (JSON.parse(a.line) as Doc).n;
    m.set(n, (m.get(n) ?? 0) + 1);
  }
  return m;
}

describe(`a sink whose destination is down for ${DOWN_S} s`, () => {
  let config: VigilConfig;
  let kafka: SinkBus;
  let bus: Bus;
  let down: OutageEndpoint;
  let healthy: OutageEndpoint;
  const sinks: RunningSinkLoop[] = [];
  let readiness: Readiness | undefined;
  let lag: LagMonitor | undefined;

  beforeAll(async () => {
    config = testConfig('sink-down');
    config.ops.health = { maxConsumerLag: MAX_LAG, lagIntervalMs: 1000, checkTimeoutMs: 2000 };
    kafka = await startSinkBus(config.kafka, 'sink-down');
    bus = kafka.bus;
    down = await startOutageEndpoint();
    healthy = await startOutageEndpoint();
  }, 120_000);

  afterAll(async () => {
    await lag?.stop();
    await readiness?.close();
    await Promise.allSettled(sinks.map((s) => s.close()));
    await kafka?.close();
    await down?.close();
    await healthy?.close();
  });

  it(
    'loses nothing and catches up, while the other sink keeps its pace',
    async () => {
      // maxRetries is the budget of a record the far end refuses on its own; an outage must not spend any of it.
      const common = { topics: ['events' as const], maxRetries: 0, lingerMs: 20, batchSize: BATCH, batchMaxEvents: BATCH };
      sinks.push(await startHttpSink({ bus, sink: withHttpSinkDefaults({ id: 'to-down', url: down.url, ...common }) }));
      sinks.push(await startHttpSink({ bus, sink: withHttpSinkDefaults({ id: 'to-healthy', url: healthy.url, ...common }) }));
      readiness = pipelineReadiness(config, ['sink']);
      readiness.started(bus);
      lag = bus.lagMonitor(1000);
      lag.start();
      const downGroup = bus.groupId('sink-to-down');
      const healthyGroup = bus.groupId('sink-to-healthy');

      const producer = await bus.producer();
      let n = 0;
      let producing = true;
      const stream = (async () => {
        for (let next = Date.now(); producing; next += TICK_MS) {
          const docs: Doc[] = Array.from({ length: (RATE * TICK_MS) / 1000 }, () => ({
            n: n++,
            sentAt: Date.now(),
            event: { dataset: 'test.outage' },
          }));
          await producer.send(
            bus.topics.events,
            docs.map((d) => ({ key: String(d.n), value: JSON.stringify(d) })),
          );
          await new Promise((r) => setTimeout(r, Math.max(0, next + TICK_MS - Date.now())));
        }
      })();
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

      const maxLag = { [downGroup]: 0, [healthyGroup]: 0 };
      const watch = setInterval(() => {
        const sum = new Map<string, number>();
        for (const l of lag?.latest().lags ?? []) sum.set(l.group, (sum.get(l.group) ?? 0) + l.lag);
        for (const [g, total] of sum) if (g in maxLag) maxLag[g] = Math.max(maxLag[g] ?? 0, total);
      }, 250);
      let outageStart = 0;
      let outageEnd = 0;
      let backlog = 0;
      let recoveryMs = Number.NaN;
      let duringOutage: HealthReport | undefined;
      try {
        await sleep(WARMUP_MS);
        outageStart = Date.now();
        await down.setMode('503');
        await sleep((DOWN_S * 1000) / 2);
        await down.setMode('refuse');
        await sleep((DOWN_S * 1000) / 2 - 2000);
        // Read near the end of the outage, after at least one lag measurement of its second half.
        duringOutage = await readiness.report();
        await sleep(2000);
        backlog = n;
        outageEnd = Date.now();
        clearInterval(watch);
        await down.setMode('up');
        // Bounded by the runner's backoff after failed calls (at most 30 s), then the catch-up itself.
        recoveryMs = (
          await waitFor(
            'the down sink caught up with what was sent before its endpoint came back',
            async () => {
              const c = counts(down);
              for (let i = 0; i < backlog; i++) if (!c.has(i)) return undefined;
              return { ms: Date.now() - outageEnd };
            },
            Math.max(120_000, DOWN_S * 1000),
            100,
          ).catch(() => ({ ms: Number.NaN }))
        ).ms;
        await sleep(AFTER_MS);
      } finally {
        clearInterval(watch);
        producing = false;
        await stream;
      }
      const total = n;
      for (const ep of [down, healthy])
        await waitFor('every event at both endpoints', async () => counts(ep).size >= total || undefined, 60_000, 100).catch(
          () => undefined,
        );
      const ready = readiness;
      const afterRecovery = await waitFor(
        'health ready again',
        async () => {
          const r = await ready.report();
          return r.checks.consumerLag?.ok ? r : undefined;
        },
        15_000,
      ).catch(() => ready.report());

      // Latency of the healthy sink, before and during the outage.
      const latency = (from: number, to: number) =>
        healthy.accepted
          .map((a) => ({ at: a.at, doc: JSON.parse(a.line) as Doc }))
          .filter(({ doc }) => doc.sentAt >= from && doc.sentAt < to)
          .map(({ at, doc }) => at - doc.sentAt);
      const before = latency(outageStart - WARMUP_MS + 2000, outageStart);
      const during = latency(outageStart, outageEnd);
      const p95Before = percentile(before, 95);
      const p95During = percentile(during, 95);
      const downLag = maxLag[downGroup] ?? 0;
      const healthyLag = maxLag[healthyGroup] ?? 0;
      console.log(
        [
          `sink down ${DOWN_S} s (${DOWN_S / 2} s HTTP 503 + Retry-After, ${DOWN_S / 2} s connection refused), ${RATE} events/s, ${total} events`,
          `  healthy sink latency p50/p95: before ${percentile(before, 50)}/${p95Before} ms, during ${percentile(during, 50)}/${p95During} ms`,
          `  max consumer lag during the outage (records, all partitions): down sink ${downLag}, healthy sink ${healthyLag}`,
          `  503 answers: ${down.unavailable}; recovery: ${(recoveryMs / 1000).toFixed(1)} s for a backlog of ${backlog} events; sent twice to the down endpoint: ${[...counts(down).values()].filter((x) => x > 1).length}`,
        ].join('\n'),
      );

      // Nothing lost, nothing dead-lettered; doubled only within the at-least-once bound.
      const missing = (ep: OutageEndpoint) => {
        const c = counts(ep);
        return Array.from({ length: total }, (_, i) => i).filter((i) => !c.has(i));
      };
      expect(missing(healthy)).toEqual([]);
      expect(missing(down).slice(0, 20)).toEqual([]);
      expect([...counts(healthy).values()].filter((x) => x !== 1)).toEqual([]);
      const doubled = [...counts(down).values()].filter((x) => x > 1);
      expect(doubled.every((x) => x === 2)).toBe(true);
      expect(doubled.length).toBeLessThanOrEqual(2 * BATCH);
      const letters = await bus.read(bus.topics.deadletter, { idleMs: 2000, timeoutMs: 10_000 });
      expect(letters.map((l) => l.value.toString('utf8').slice(0, 200))).toEqual([]);

      // The down sink fell behind and health said so, naming it alone; the healthy one kept pace.
      expect(down.unavailable).toBeGreaterThan(0);
      expect(downLag).toBeGreaterThan(RATE * DOWN_S * 0.5);
      expect(healthyLag).toBeLessThanOrEqual(2 * RATE);
      expect(during.length).toBeGreaterThan(RATE * DOWN_S * 0.9);
      expect(p95During).toBeLessThan(Math.max(1500, 3 * p95Before));
      expect(recoveryMs).toBeLessThan(Math.max(120_000, DOWN_S * 1000));
      expect(duringOutage?.checks.consumerLag).toMatchObject({ ok: false });
      expect(duringOutage?.checks.consumerLag?.reason).toContain(`${downGroup} lags`);
      expect(duringOutage?.checks.consumerLag?.reason).not.toContain(healthyGroup);
      expect(afterRecovery.checks.consumerLag).toMatchObject({ ok: true });
    },
    300_000 + DOWN_S * 2000,
  );
});
