import type { Bus } from '../../core/bus/index.js';
import { errorMessage } from '../../core/errors/index.js';
import type { Logger } from '../../core/telemetry/index.js';
import { addCounts, emptyCounts, type Count, type RouteCounts, type SinkRouteStats } from './stats.js';

/**
 * Route counts over time go to a topic, `vigil.sink-stats`, rather than only to /metrics: the
 * counters of /metrics start at zero with each process and cannot answer "the last 24 hours"
 * across restarts or across the processes of a `--stage sink` deployment; the topic keeps every
 * interval's deltas with their time, so `vigil report reduction --since 24h` sums a window.
 */
export const SINK_STATS_TOPIC = 'vigil.sink-stats';
const RETENTION_MS = 30 * 24 * 3_600_000;

/** One record of the stats topic: what one route of one sink did in [from, to). */
export interface StatsRecord {
  sink: string;
  route: string;
  from: string;
  to: string;
  counts: RouteCounts;
}

export const statsTopicName = (bus: Bus): string => `${bus.config.topicPrefix}${SINK_STATS_TOPIC}`;

export async function ensureStatsTopic(bus: Bus): Promise<string> {
  const name = statsTopicName(bus);
  await bus.ensureTopics([
    { name, partitions: 1, replicationFactor: bus.config.replicationFactor, configs: { 'retention.ms': String(RETENTION_MS) } },
  ]);
  return name;
}

function minus(a: RouteCounts, b: RouteCounts | undefined): RouteCounts {
  if (!b) return a;
  const sub = (x: Count, y: Count | undefined): Count => ({ events: x.events - (y?.events ?? 0), bytes: x.bytes - (y?.bytes ?? 0) });
  const out: RouteCounts = { in: sub(a.in, b.in), out: sub(a.out, b.out), dropped: {} };
  for (const [reason, c] of Object.entries(a.dropped) as Array<[keyof RouteCounts['dropped'], Count]>) {
    const d = sub(c, b.dropped[reason]);
    if (d.events || d.bytes) out.dropped[reason] = d;
  }
  return out;
}

const isEmpty = (c: RouteCounts) => !c.in.events && !c.out.events && Object.keys(c.dropped).length === 0;

export interface StatsPublisher {
  /** Publishes what changed since the last publish (also called by `stop`). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Every `intervalMs`, sends the deltas of each route of `stats` to the stats topic. A failed send is retried with the next interval. */
export async function startStatsPublisher(opts: {
  bus: Bus;
  stats: SinkRouteStats;
  intervalMs: number;
  log: Logger;
}): Promise<StatsPublisher> {
  const topic = await ensureStatsTopic(opts.bus);
  const producer = await opts.bus.producer();
  let last = new Map<string, RouteCounts>();
  let lastAt = Date.now();
  let running: Promise<void> = Promise.resolve();

  const publish = async () => {
    const now = Date.now();
    const snap = opts.stats.snapshot();
    const records: StatsRecord[] = [];
    for (const [route, c] of snap) {
      const delta = minus(c, last.get(route));
      if (!isEmpty(delta))
        records.push({
          sink: opts.stats.sink,
          route,
          from: new Date(lastAt).toISOString(),
          to: new Date(now).toISOString(),
          counts: delta,
        });
    }
    if (records.length > 0) {
      await producer.send(
        topic,
        records.map((r) => ({ key: r.sink, value: JSON.stringify(r), timestamp: now })),
      );
    }
    last = snap;
    lastAt = now;
  };
  const flush = () =>
    (running = running
      .then(publish)
      .catch((err: unknown) => opts.log.warn({ err: errorMessage(err) }, 'route stats not published; retrying next interval')));
  const timer = setInterval(() => void flush(), opts.intervalMs);
  timer.unref();
  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** Sums the stats topic since `sinceMs`, by sink and route. */
export async function readReduction(bus: Bus, sinceMs: number, untilMs = Date.now() + 1): Promise<Map<string, Map<string, RouteCounts>>> {
  const out = new Map<string, Map<string, RouteCounts>>();
  const topic = statsTopicName(bus);
  if (!(await bus.listTopics()).includes(topic)) return out;
  await bus.readRange(topic, {
    fromMs: sinceMs,
    toMs: untilMs,
    onRecords: (records) => {
      for (const r of records) {
        let s: StatsRecord;
        try {
          s = JSON.parse(r.value.toString('utf8')) as StatsRecord;
        } catch {
          continue; // not ours: the topic is Vigil's, but a stray record must not stop a report
        }
        if (typeof s.sink !== 'string' || typeof s.route !== 'string' || !s.counts) continue;
        const routes = out.get(s.sink) ?? out.set(s.sink, new Map()).get(s.sink)!;
        addCounts(routes.get(s.route) ?? routes.set(s.route, emptyCounts()).get(s.route)!, s.counts);
      }
    },
  });
  return out;
}
