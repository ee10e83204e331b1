import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { keyPartitioner, murmur2 } from './partitioner.js';

const stockMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: string | Buffer,
) => number;

const partitions = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, id) => ({
    partitionId: id,
    leader: leaderless.includes(id) ? -1 : 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));

describe('murmur2', () => {
  it('hashes as the Java client does (its own test vectors)', () => {
    // Values of org.apache.kafka.common.utils.Utils.murmur2 on these strings' UTF-8 bytes.
    const cases: Array<[string, number]> = [
      ['1', -1993445489],
      ['12', 126087238],
      ['123', -267702483],
      ['1234', -1614185708],
      ['12345', -1188365604],
    ];
    for (const [text, hash] of cases) {
      expect(murmur2(text)).toBe(hash);
      expect(murmur2(Buffer.from(text))).toBe(hash);
    }
  });

  it('equals kafkajs’s murmur2 for strings (ASCII and not) and bytes of every length', () => {
    const samples: Array<string | Buffer> = ['', 'web-01', 'host-1.example.net', 'ünï 🚀', 'a'.repeat(97)];
    for (let len = 0; len < 64; len++) {
      samples.push(randomBytes(len));
      samples.push(randomBytes(len).toString('base64').slice(0, len));
      samples.push('é'.repeat(len));
    }
    for (const key of samples) expect(murmur2(key), String(key)).toBe(stockMurmur2(key));
  });
});

describe('keyPartitioner', () => {
  it('picks the partition kafkajs’s DefaultPartitioner picks for keyed and explicit messages', () => {
    const ours = keyPartitioner();
    const stock = Partitioners.DefaultPartitioner();
    const meta = partitions(6, [2]);
    for (let i = 0; i < 500; i++) {
      const message = i % 10 === 0 ? { key: null, value: 'v', partition: i % 6 } : { key: `host-${i}.example.net`, value: 'v' };
      expect(ours({ topic: 't', partitionMetadata: meta, message })).toBe(stock({ topic: 't', partitionMetadata: meta, message }));
    }
  });

  it('spreads keyless messages round-robin over partitions that have a leader', () => {
    const choose = keyPartitioner();
    const meta = partitions(4, [1]);
    const seen = Array.from({ length: 9 }, () => choose({ topic: 't', partitionMetadata: meta, message: { value: 'v' } }));
    expect(new Set(seen)).toEqual(new Set([0, 2, 3]));
    for (let i = 3; i < seen.length; i++) expect(seen[i]).toBe(seen[i - 3]);
  });
});

describe('groupMessagesPerPartition (patched to append in place)', () => {
  const group = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition.js') as (args: {
    topic: string;
    partitionMetadata: PartitionMetadata[];
    messages: Array<{ key: string; value: string }>;
    partitioner: ReturnType<typeof keyPartitioner>;
  }) => Record<number, Array<{ key: string; value: string }>>;

  it('puts every message under the partition its key picks, once, in the order sent', () => {
    const meta = partitions(6);
    const choose = keyPartitioner();
    const messages = Array.from({ length: 5000 }, (_, i) => ({ key: `host-${i % 37}`, value: String(i) }));
    const grouped = group({ topic: 't', partitionMetadata: meta, messages, partitioner: choose });
    const flat = Object.entries(grouped).flatMap(([p, ms]) => ms.map((m) => ({ p: Number(p), i: Number(m.value) })));
    expect(flat.map((x) => x.i).sort((a, b) => a - b)).toEqual(messages.map((_, i) => i));
    for (const [p, ms] of Object.entries(grouped)) {
      for (const m of ms) expect(choose({ topic: 't', partitionMetadata: meta, message: m })).toBe(Number(p));
      const order = ms.map((m) => Number(m.value));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(group({ topic: 't', partitionMetadata: [], messages, partitioner: choose })).toEqual({});
  });
});
