import type { TopicSpec } from '../bus/index.js';
import { RESERVED_KEY_PREFIX } from './store.js';

/** `<prefix>vigil.<name>-changelog`: the compacted topic behind a processor's state. */
export function changelogTopic(topicPrefix: string, name: string): string {
  return `${topicPrefix}vigil.${name}-changelog`;
}

/** `<prefix>vigil.<name>-repartition`: records re-keyed so that one key lands on one partition. */
export function repartitionTopic(topicPrefix: string, name: string): string {
  return `${topicPrefix}vigil.${name}-repartition`;
}

/**
 * Compacted: only the last value per key is kept (a tombstone removes it), so a restore reads
 * about one record per live key. Compaction only cleans closed segments, so segments roll
 * hourly or at 64 MiB (Kafka's defaults, 7 days and 1 GiB, would leave a restore reading up to a
 * week of every update).
 */
export function changelogSpec(name: string, partitions: number, replicationFactor: number): TopicSpec {
  return {
    name,
    partitions,
    replicationFactor,
    configs: { 'cleanup.policy': 'compact', 'segment.ms': String(3_600_000), 'segment.bytes': String(64 * 1_048_576) },
  };
}

/** The changelog key of a partition's own metadata (watermark, input position). */
export const META_KEY = `${RESERVED_KEY_PREFIX}vigil.meta`;

/** What the runtime keeps per partition besides the user's keys, written with every batch. */
export interface PartitionMeta {
  /** Highest event time seen (the watermark before lateness), epoch ms. */
  maxEventTime: number | null;
  /** First input offset not yet reflected in the state. */
  nextOffset: string;
}

export function encodeMeta(meta: PartitionMeta): string {
  return JSON.stringify({ v: 1, ...meta });
}

export function decodeMeta(bytes: Buffer): PartitionMeta | null {
  try {
    const m = JSON.parse(bytes.toString('utf8')) as Partial<PartitionMeta> & { v?: number };
    if (m.v !== 1 || typeof m.nextOffset !== 'string' || !/^\d+$/.test(m.nextOffset)) return null;
    return { maxEventTime: typeof m.maxEventTime === 'number' ? m.maxEventTime : null, nextOffset: m.nextOffset };
  } catch {
    return null;
  }
}
