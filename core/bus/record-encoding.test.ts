/**
 * kafkajs's produce encoding (patched in patches/kafkajs+2.2.4+002+produce-speed.patch): each partition's record
 * batch is written into one buffer sized in advance, and CRC-32C is computed eight bytes a step.
 * The bytes must be those of kafkajs's stock path, which is rebuilt here from its unpatched
 * `Record` and `RecordBatch` modules exactly as the stock Produce v3 request used them.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const load = createRequire(import.meta.url);

interface Message {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer | Array<string | Buffer>>;
  timestamp?: string | number;
}
interface EncoderLike {
  buffer: Buffer;
  size(): number;
}
interface PartitionData {
  partition: number;
  messages: Message[];
  compression?: number;
  transactional?: boolean;
  firstSequence?: number;
  producerId?: unknown;
  producerEpoch?: number;
}

const { encodePartition } = load('kafkajs/src/protocol/recordBatch/v0/fastEncoder.js') as {
  encodePartition: (d: PartitionData) => Promise<EncoderLike>;
};
const Record = load('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: object) => EncoderLike;
const { RecordBatch } = load('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (b: object) => Promise<EncoderLike>;
};
interface Writer extends EncoderLike {
  writeInt16(v: number): Writer;
  writeInt32(v: number): Writer;
  writeString(v: string | null): Writer;
  writeBuffer(v: Buffer): Writer;
  writeEncoder(e: EncoderLike): Writer;
  writeArray(a: EncoderLike[]): Writer;
}
const Encoder = load('kafkajs/src/protocol/encoder.js') as new () => Writer;
const produceV3 = load('kafkajs/src/protocol/requests/produce/v3/request.js') as (r: object) => { encode(): Promise<EncoderLike> };
const frameRequest = load('kafkajs/src/protocol/request.js') as (r: object) => Promise<EncoderLike>;
const Long = load('kafkajs/src/utils/long.js') as { fromValue(v: number | string): unknown };
const crc32C = load('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;

/** The stock kafkajs 2.2.4 partition encoder, from its unpatched parts. */
async function stockPartition(d: PartitionData, dateNow: number): Promise<Buffer> {
  const timestamps = d.messages
    .map((m) => m.timestamp)
    .filter((t) => t != null)
    .sort();
  const all = timestamps.length === 0 ? [dateNow] : timestamps;
  const firstTimestamp = all[0] as number;
  const records = d.messages.map((m, i) =>
    Record({ ...m, offsetDelta: i, timestampDelta: ((m.timestamp || dateNow) as number) - firstTimestamp }),
  );
  const batch = await RecordBatch({
    compression: d.compression ?? 0,
    records,
    firstTimestamp,
    maxTimestamp: all[all.length - 1],
    producerId: d.producerId,
    producerEpoch: d.producerEpoch,
    firstSequence: d.firstSequence,
    transactional: d.transactional,
    lastOffsetDelta: records.length - 1,
  });
  return new Encoder().writeInt32(d.partition).writeInt32(batch.size()).writeEncoder(batch).buffer;
}

/** Encodes with Date.now pinned, so the stock and patched paths see the same clock. */
async function both(d: PartitionData): Promise<[Buffer, Buffer]> {
  const realNow = Date.now;
  const now = 1_795_000_000_000;
  Date.now = () => now;
  try {
    return [(await encodePartition(d)).buffer, await stockPartition(d, now)];
  } finally {
    Date.now = realNow;
  }
}

// A small deterministic generator, so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const TEXTS = ['', 'a', 'host-01.example.net', 'ünïcødé ✓ 🚀', 'x'.repeat(200), 'y'.repeat(20_000)];

function randomMessage(next: () => number, base: number): Message {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const text = (): string => pick(TEXTS) + String(Math.floor(next() * 1e6));
  const bytes = (): Buffer => randomBytes(Math.floor(next() * 300));
  const values: Array<() => Message['value']> = [text, bytes, () => null];
  const m: Message = { value: pick(values)() };
  const key = next();
  if (key < 0.6) m.key = text();
  else if (key < 0.7) m.key = bytes();
  else if (key < 0.8) m.key = null;
  const ts = next();
  if (ts < 0.5) m.timestamp = String(base + Math.floor(next() * 200_000) - 100_000);
  else if (ts < 0.6) m.timestamp = base + Math.floor(next() * 1000);
  const h = next();
  if (h < 0.2) m.headers = { 'vigil.input': text(), trace: bytes() };
  else if (h < 0.25) m.headers = { multi: ['a', Buffer.from('b')] };
  else if (h < 0.3) m.headers = {};
  return m;
}

describe('patched kafkajs record batch encoding', () => {
  it('writes the bytes of the stock path for mixed keys, values, headers and timestamps', async () => {
    const next = rng(7);
    for (let round = 0; round < 60; round++) {
      const n = 1 + Math.floor(next() * 200);
      const messages = Array.from({ length: n }, () => randomMessage(next, 1_795_000_000_000));
      const d: PartitionData = {
        partition: round % 6,
        messages,
        transactional: round % 3 === 0,
        firstSequence: round * 1000,
        producerId: Long.fromValue(4000 + round),
        producerEpoch: round % 5,
      };
      const [fast, stock] = await both(d);
      expect(fast.equals(stock), `round ${round}`).toBe(true);
    }
  });

  it('falls back to the stock record for deltas beyond ±2^30 ms and keeps the bytes', async () => {
    const messages: Message[] = [
      { value: 'old', timestamp: '1000' },
      { value: 'new', timestamp: String(1000 + 2 ** 31) },
      { value: 'now' },
    ];
    const [fast, stock] = await both({ partition: 0, messages });
    expect(fast.equals(stock)).toBe(true);
  });

  it('keeps the stock timestamp order (strings, sorted as text) for first and max timestamps', async () => {
    const messages: Message[] = [
      { value: 'a', timestamp: '999' },
      { value: 'b', timestamp: '1000' },
      { value: 'c', timestamp: 5 },
    ];
    const [fast, stock] = await both({ partition: 1, messages });
    expect(fast.equals(stock)).toBe(true);
  });

  it('compresses the same record bytes with gzip', async () => {
    const next = rng(11);
    const messages = Array.from({ length: 50 }, () => randomMessage(next, 1_795_000_000_000));
    const [fast, stock] = await both({ partition: 2, messages, compression: 1 });
    // gzip output is deterministic for the same input and level; compare the whole batch.
    expect(fast.equals(stock)).toBe(true);
  });

  it('rejects a null header value as the stock path does', async () => {
    const messages = [{ value: 'v', headers: { h: null } }] as unknown as Message[];
    await expect(encodePartition({ partition: 0, messages })).rejects.toThrow(TypeError);
  });
});

describe('patched kafkajs Produce request', () => {
  it('frames a whole request (two topics, several partitions) with the bytes of the stock path', async () => {
    const next = rng(23);
    const batch = (n: number) => Array.from({ length: n }, () => randomMessage(next, 1_795_000_000_000));
    const topicData = [
      {
        topic: 'vigil.events',
        partitions: [0, 3, 5].map((partition, i) => ({ partition, firstSequence: 100 * i, messages: batch(20 + i) })),
      },
      { topic: 'vigil.deadletter', partitions: [{ partition: 1, firstSequence: 7, messages: batch(3) }] },
    ];
    const common = { transactionalId: 'tx-1', producerId: Long.fromValue(77), producerEpoch: 2 };
    const realNow = Date.now;
    const now = 1_795_000_000_000;
    Date.now = () => now;
    try {
      const request = produceV3({ acks: -1, timeout: 30_000, compression: 0, topicData, ...common });
      const patched = (await frameRequest({ correlationId: 42, clientId: 'vigil', request })).buffer;

      const topics: Writer[] = [];
      for (const t of topicData) {
        const parts: Writer[] = [];
        for (const p of t.partitions) {
          const bytes = await stockPartition({ ...p, ...common, transactional: true }, now);
          parts.push(new Encoder().writeBuffer(bytes));
        }
        topics.push(new Encoder().writeString(t.topic).writeArray(parts));
      }
      const payload = new Encoder().writeString('tx-1').writeInt16(-1).writeInt32(30_000).writeArray(topics);
      const header = new Encoder().writeInt16(0).writeInt16(3).writeInt32(42).writeString('vigil').writeEncoder(payload);
      const stock = new Encoder().writeInt32(header.size()).writeEncoder(header).buffer;
      expect(patched.equals(stock)).toBe(true);
    } finally {
      Date.now = realNow;
    }
  });
});

describe('patched kafkajs CRC-32C', () => {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    return c >>> 0;
  });
  const bytewise = (b: Buffer): number => {
    let c = -1;
    for (const x of b) c = (table[(c ^ x) & 0xff] as number) ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };

  it('gives the check value of the Castagnoli polynomial', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches a bytewise CRC-32C at every length and alignment', () => {
    const data = randomBytes(4096);
    for (let len = 0; len < 300; len++) {
      for (const start of [0, 1, 3, 7]) {
        const slice = data.subarray(start, start + len);
        expect(crc32C(slice)).toBe(bytewise(slice));
      }
    }
  });
});
