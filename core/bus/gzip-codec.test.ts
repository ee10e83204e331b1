import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressChunk, decompressChunk, registerGzipCodec } from './gzip-codec.js';

type Codec = { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
const load = createRequire(import.meta.url);
const { lookupCodec } = load('kafkajs/src/protocol/message/compression/index.js') as { lookupCodec: (type: number) => Codec };
const stockGzip = load('kafkajs/src/protocol/message/compression/gzip.js') as Codec;

describe('gzip codec', () => {
  registerGzipCodec(1);
  const codec = lookupCodec(1);

  it('is the codec kafkajs uses for GZIP batches', async () => {
    expect(codec).not.toBe(stockGzip);
    // A record batch of JSON text, like the events topic carries.
    const text = Buffer.from(
      Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, host: `web-${i % 7}`, r: randomBytes(8).toString('hex') })).join(''),
    );
    const packed = await codec.compress({ buffer: text });
    expect(gunzipSync(packed).equals(text)).toBe(true);
    expect((await codec.decompress(gzipSync(text))).equals(text)).toBe(true);
    expect((await codec.decompress(packed)).equals(text)).toBe(true);
  });

  it('compresses at the level it was registered with', async () => {
    const text = Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"n":${i},"host":"web-${i % 13}","msg":"GET /x/${i * 31}"}`).join(''));
    try {
      for (const level of [1, 9]) {
        registerGzipCodec(level);
        const packed = await lookupCodec(1).compress({ buffer: text });
        expect(packed.equals(gzipSync(text, { level })), `level ${level}`).toBe(true);
      }
      expect(gzipSync(text, { level: 1 }).equals(gzipSync(text, { level: 9 }))).toBe(false);
    } finally {
      registerGzipCodec(1);
    }
  });

  it('sizes zlib chunks to the batch, within bounds', () => {
    expect(compressChunk(150_000)).toBe(151_024);
    expect(compressChunk(10)).toBe(16 * 1024);
    expect(decompressChunk(100)).toBe(64 * 1024);
    expect(decompressChunk(100_000)).toBe(800_000);
    expect(decompressChunk(10_000_000)).toBe(4 * 1024 * 1024);
  });
});
