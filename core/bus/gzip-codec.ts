import kafkajs from 'kafkajs';
import { promisify } from 'node:util';
import type { TransformOptions } from 'node:stream';
import { constants, createGzip, unzip, type Gzip, type ZlibOptions } from 'node:zlib';

// `CompressionCodecs` is not among the names Node finds in kafkajs's CommonJS exports.
const { CompressionCodecs, CompressionTypes } = kafkajs;
const unzipAsync = promisify(unzip);

/** zlib's output chunk for a pooled compressor: a 1 MB batch of JSON text shrinks well below it, so its member is one chunk. */
export const COMPRESS_CHUNK = 256 * 1024;
/** Decompressed batches are text that gzip shrank about five to ten times. */
export const decompressChunk = (inputBytes: number): number => Math.min(4 * 1024 * 1024, Math.max(64 * 1024, inputBytes * 8));
/** Compressors kept between batches: enough for one request's partitions compressed at once. */
const MAX_IDLE = 16;
/**
 * Above any member's size, so that zlib never waits for its output to be read: the output is
 * read once, when the member is finished.
 */
const NEVER_FULL = 1 << 30;

/** `reset()` is documented for zlib's deflate and inflate streams; Node's types leave it out. */
type ResettableGzip = Gzip & { reset(): void };

/**
 * Gzip members, each compressed on libuv's thread pool by a long-lived zlib stream that is reset
 * between members. `zlib.gzip()` builds a stream and a zlib state per call: at 1 to 5 batches per
 * partition and request, that cost the main thread ~75 µs per batch (Transform set-up, close)
 * and the thread pool a 256 KB memset with its page faults. A pooled stream costs ~30 µs.
 */
export class GzipPool {
  private readonly idle: ResettableGzip[] = [];

  constructor(private readonly level: number) {}

  compress(input: Buffer): Promise<Buffer> {
    const gz = this.idle.pop() ?? this.create();
    return new Promise<Buffer>((resolve, reject) => {
      const fail = (err: Error): void => {
        gz.destroy();
        reject(err);
      };
      gz.once('error', fail);
      gz.write(input);
      gz.flush(constants.Z_FINISH, () => {
        gz.off('error', fail);
        const out = gz.read() as Buffer | null;
        gz.reset();
        if (this.idle.length < MAX_IDLE) this.idle.push(gz);
        else gz.destroy();
        resolve(out ?? Buffer.alloc(0));
      });
    });
  }

  private create(): ResettableGzip {
    const options: ZlibOptions & TransformOptions = { level: this.level, chunkSize: COMPRESS_CHUNK, readableHighWaterMark: NEVER_FULL };
    return createGzip(options) as ResettableGzip;
  }

  /** Frees the idle compressors' zlib memory. */
  close(): void {
    for (const gz of this.idle.splice(0)) gz.destroy();
  }
}

let pool: GzipPool | null = null;

/**
 * kafkajs's GZIP codec, compressing through a `GzipPool` at the given level (the stock codec uses
 * zlib's default 6 and a new stream per batch). kafkajs keeps one codec table per process, so the
 * level is the process's: the last registration wins.
 */
export function registerGzipCodec(level: number): void {
  pool?.close();
  const compressor = (pool = new GzipPool(level));
  CompressionCodecs[CompressionTypes.GZIP] = () => ({
    compress: (encoder: { buffer: Buffer }) => compressor.compress(encoder.buffer),
    decompress: (buffer: Buffer) => unzipAsync(buffer, { chunkSize: decompressChunk(buffer.length) }),
  });
}
