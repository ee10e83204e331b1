import type { Admin, Kafka } from 'kafkajs';
import { errorMessage } from '../errors/index.js';
import { logger, metrics } from '../telemetry/index.js';

const log = logger('bus');

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** End offset minus the group's committed offset (minus the start offset when it committed nothing). */
  lag: number;
}

export interface GroupTopics {
  groupId: string;
  topics: readonly string[];
}

/** The end offsets of a topic's partitions, each topic asked once for the life of the returned function (one measurement). */
export function topicEnds(admin: Admin): (topic: string) => Promise<Map<number, { high: bigint; low: bigint }>> {
  const ends = new Map<string, Promise<Map<number, { high: bigint; low: bigint }>>>();
  return (topic) => {
    let p = ends.get(topic);
    if (!p) {
      p = admin.fetchTopicOffsets(topic).then((os) => new Map(os.map((o) => [o.partition, { high: BigInt(o.high), low: BigInt(o.low) }])));
      ends.set(topic, p);
    }
    return p;
  };
}

/**
 * The lag of one group on its topics. Committed offsets come from the group coordinator and
 * end offsets from the partition leaders (read committed, so transaction markers past the last
 * stable offset do not count). A group that committed nothing on a partition starts from its
 * beginning (Vigil consumes `fromBeginning`), so everything still retained there is lag.
 */
export async function groupLag(
  admin: Admin,
  group: GroupTopics,
  ends: (topic: string) => Promise<Map<number, { high: bigint; low: bigint }>>,
): Promise<PartitionLag[]> {
  const out: PartitionLag[] = [];
  const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...group.topics] });
  for (const { topic, partitions } of committed) {
    const end = await ends(topic);
    for (const { partition, offset } of partitions) {
      const e = end.get(partition);
      if (!e) continue;
      const from = BigInt(offset) < 0n ? e.low : BigInt(offset);
      const lag = e.high > from ? e.high - from : 0n;
      out.push({ group: group.groupId, topic, partition, lag: Number(lag) });
    }
  }
  return out;
}

/** The latest lag measurement: per partition, or why it failed. */
export interface LagSnapshot {
  /** Epoch ms of the measurement; 0 before the first one. */
  at: number;
  lags: PartitionLag[];
  error?: string;
}

/**
 * Measures the lag of the given groups every `intervalMs` and exposes it as the
 * `vigil_consumer_lag{group,topic,partition}` gauge and as `latest()` for /health/ready.
 * Label sets of groups that went away are removed from the gauge.
 */
export class LagMonitor {
  private timer: NodeJS.Timeout | null = null;
  private admin: Admin | null = null;
  private snapshot: LagSnapshot = { at: 0, lags: [] };
  private running: Promise<void> | null = null;
  private readonly shown = new Set<string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly groups: () => GroupTopics[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  latest(): LagSnapshot {
    return this.snapshot;
  }

  /** Measures now (one measurement at a time). */
  refresh(): Promise<void> {
    this.running ??= this.measure().finally(() => (this.running = null));
    return this.running;
  }

  private async measure(): Promise<void> {
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const admin = this.admin;
      const endsOf = topicEnds(admin);
      const lags = (await Promise.all(this.groups().map((g) => groupLag(admin, g, endsOf)))).flat();
      this.publish(lags);
      this.snapshot = { at: Date.now(), lags };
    } catch (err) {
      // A fresh admin next time: kafkajs's may be stuck on a broker that went away.
      const admin = this.admin;
      this.admin = null;
      await admin?.disconnect().catch(() => undefined);
      this.snapshot = { ...this.snapshot, error: errorMessage(err) };
      log.warn({ err: errorMessage(err) }, 'cannot measure consumer lag');
    }
  }

  private publish(lags: PartitionLag[]): void {
    const now = new Set<string>();
    for (const l of lags) {
      const labels = { group: l.group, topic: l.topic, partition: String(l.partition) };
      metrics.consumerLag.set(labels, l.lag);
      now.add(JSON.stringify(labels));
    }
    for (const key of this.shown) if (!now.has(key)) metrics.consumerLag.remove(JSON.parse(key) as Record<string, string>);
    this.shown.clear();
    for (const key of now) this.shown.add(key);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
    this.publish([]);
  }
}
