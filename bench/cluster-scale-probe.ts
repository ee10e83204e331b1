/**
 * What bench/cluster-scale samples from the cluster itself rather than from the stages (which
 * may be the ones stalled by a fault): the lag and committed offsets of every consumer group
 * under the bench's prefix, the end offsets of `vigil.events`, and the processes it runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import { topicEnds } from '../core/bus/lag.js';

export interface GroupOffsets {
  /** Records behind, summed over the group's partitions. */
  lag: number;
  /** Sum of its committed offsets: its progress. */
  committed: number;
}

/** Lag and committed offsets of the bench's groups, read from the cluster with a fresh admin after any error. */
export class ClusterProbe {
  private admin: Admin | null = null;
  constructor(
    private readonly make: () => Admin,
    private readonly groupPrefix: string,
    private readonly eventsTopic: string,
  ) {}

  async measure(): Promise<{ eventsEnd: number | undefined; groups: Map<string, GroupOffsets> | undefined }> {
    try {
      if (!this.admin) {
        const a = this.make();
        await a.connect();
        this.admin = a;
      }
      const admin = this.admin;
      const endsOf = topicEnds(admin);
      const ids = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.groupPrefix) && !g.includes('restore'));
      const groups = new Map<string, GroupOffsets>();
      for (const groupId of ids) {
        let lag = 0n;
        let committed = 0n;
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          const end = await endsOf(topic);
          for (const { partition, offset } of partitions) {
            const e = end.get(partition);
            if (!e) continue;
            // Nothing committed yet: the group starts from the beginning, so all that is retained is lag.
            const from = BigInt(offset) < 0n ? e.low : BigInt(offset);
            lag += e.high > from ? e.high - from : 0n;
            committed += from;
          }
        }
        groups.set(groupId.slice(this.groupPrefix.length), { lag: Number(lag), committed: Number(committed) });
      }
      const eventsEnd = [...(await endsOf(this.eventsTopic)).values()].reduce((s, e) => s + Number(e.high), 0);
      return { eventsEnd, groups };
    } catch {
      const a = this.admin;
      this.admin = null;
      await a?.disconnect().catch(() => undefined);
      return { eventsEnd: undefined, groups: undefined };
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

/** Every process's command line (NULs as spaces), read once per sample. */
export function commandLines(): Array<[pid: number, cmd: string]> {
  const out: Array<[number, string]> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.push([Number(d), readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ')]);
    } catch {
      // The process ended while listed.
    }
  }
  return out;
}
