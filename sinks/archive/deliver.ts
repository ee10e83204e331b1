import type { DeliverFn, Outgoing, Verdict } from '../runner/index.js';
import { partitionOf, type Partition } from './partition.js';
import type { ArchiveWriter } from './writer.js';

/**
 * One delivery call: each record's line goes to its partition's open object, and the call
 * answers once those objects are closed and durable. When one could not be written (the store
 * is down, the disk full) the call throws: the runner sends the whole batch again, into new
 * objects, without limit, so an unreachable store fills no dead letter.
 */
export function createArchiveDeliver(writer: ArchiveWriter): DeliverFn {
  return async (batch: readonly Outgoing[]): Promise<readonly Verdict[]> => {
    const groups = new Map<string, { part: Partition; lines: string[]; indexes: number[] }>();
    batch.forEach((o, i) => {
      const part = partitionOf(o.topic, o.doc, o.source.timestamp);
      const id = `${part.dataset}|${part.day}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { part, lines: [], indexes: [] }));
      g.lines.push(JSON.stringify(o.doc));
      g.indexes.push(i);
    });
    const results = await Promise.allSettled([...groups.values()].map((g) => writer.append(g.part, g.lines)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return batch.map((): Verdict => ({ outcome: 'ok' }));
  };
}
