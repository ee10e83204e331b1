import { randomBytes } from 'node:crypto';
import type { ICustomPartitioner, PartitionMetadata } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

const byteAt = (data: string | Buffer, i: number): number => (typeof data === 'string' ? data.charCodeAt(i) : (data[i] as number));

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`) of a key's UTF-8 bytes. 32-bit integer
 * arithmetic with Math.imul; a string key of ASCII characters is hashed without encoding it.
 */
export function murmur2(key: string | Buffer): number {
  // eslint-disable-next-line no-control-regex
  const data = typeof key === 'string' && /[^\x00-\x7f]/.test(key) ? Buffer.from(key, 'utf8') : key;
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const end4 = length & ~3;
  for (let i = 0; i < end4; i += 4) {
    let k = byteAt(data, i) | (byteAt(data, i + 1) << 8) | (byteAt(data, i + 2) << 16) | (byteAt(data, i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= byteAt(data, end4 + 2) << 16;
  if (rest >= 2) h ^= byteAt(data, end4 + 1) << 8;
  if (rest >= 1) h = Math.imul(h ^ byteAt(data, end4), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

const toPositive = (x: number): number => x & 0x7fffffff;

/**
 * kafkajs's DefaultPartitioner, the same choices (an explicit partition; else murmur2 of the key
 * over all partitions, as the Java client does; else round-robin over partitions with a leader)
 * at a fraction of the cost: the stock one hashes with BigInt-backed Longs and filters the
 * partition list for every message.
 */
export const keyPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition != null) return message.partition;
    if (message.key != null) return toPositive(murmur2(message.key)) % partitionMetadata.length;
    const counter = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p: PartitionMetadata) => p.leader >= 0);
    if (available.length > 0) return (available[toPositive(counter) % available.length] as PartitionMetadata).partitionId;
    return toPositive(counter) % partitionMetadata.length;
  };
};
