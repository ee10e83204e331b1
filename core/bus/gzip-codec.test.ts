import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressChunk, GzipPool, registerGzipCodec } from './gzip-codec.js';

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

  it('sizes decompression chunks to the batch, within bounds', () => {
    expect(decompressChunk(100)).toBe(64 * 1024);
    expect(decompressChunk(100_000)).toBe(800_000);
    expect(decompressChunk(10_000_000)).toBe(4 * 1024 * 1024);
  });
});

describe('GzipPool', () => {
  const texts = Array.from({ length: 24 }, (_, k) =>
    Buffer.from(Array.from({ length: 500 + k * 97 }, (_, i) => `{"k":${k},"i":${i},"host":"web-${(i * k) % 11}"}`).join('')),
  );

  it('makes one independent member per call, also when calls overlap and streams are reused', async () => {
    const pool = new GzipPool(1);
    try {
      for (let round = 0; round < 3; round++) {
        const packed = await Promise.all(texts.map((t) => pool.compress(t)));
        // A reset zlib stream may pick other matches than a fresh one (its window keeps old bytes),
        // so the members are checked by what they inflate to: exactly their own text.
        packed.forEach((p, k) => expect(gunzipSync(p).equals(texts[k] as Buffer), `round ${round}, text ${k}`).toBe(true));
      }
    } finally {
      pool.close();
    }
  });

  it('returns the whole member when it spans several zlib output chunks', async () => {
    const pool = new GzipPool(1);
    try {
      const noise = randomBytes(1_500_000); // incompressible: ~6 output chunks
      const packed = await pool.compress(noise);
      expect(gunzipSync(packed).equals(noise)).toBe(true);
      expect((await pool.compress(Buffer.alloc(0))).equals(gzipSync(Buffer.alloc(0), { level: 1 }))).toBe(true);
    } finally {
      pool.close();
    }
  });
});
