import { createGzip, type Gzip } from 'node:zlib';
import type { Logger } from '../../core/telemetry/index.js';
import { objectKey, type Partition } from './partition.js';
import type { ObjectStore, ObjectUpload } from './store.js';

/**
 * The open objects of one archive sink, one per partition (dataset and day). Lines go through a
 * gzip stream into the object's upload; an object is closed when `maxObjectBytes` of NDJSON went
 * in or `rotateMs` after it was opened, whichever comes first. `append` resolves once the object
 * holding the lines is closed and durable, and rejects when it could not be made so (the lines
 * are then sent again by the caller, into a new object).
 */
export interface ArchiveWriterOptions {
  sinkId: string;
  prefix: string;
  store: ObjectStore;
  maxObjectBytes: number;
  rotateMs: number;
  log: Logger;
  now?: () => Date;
}

interface OpenObject {
  part: Partition;
  upload: Promise<ObjectUpload>;
  gzip: Gzip;
  /** The writes of compressed bytes to the upload, in order. */
  written: Promise<void>;
  failed: unknown;
  bytes: number;
  lines: number;
  timer: NodeJS.Timeout;
  done: Promise<void>;
  closing: boolean;
}

export class ArchiveWriter {
  private readonly open = new Map<string, OpenObject>();
  private readonly now: () => Date;

  constructor(private readonly opts: ArchiveWriterOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Objects open now (for tests and shutdown). */
  get openCount(): number {
    return this.open.size;
  }

  /** Appends NDJSON lines to the partition's open object; resolves when that object is durable. */
  append(part: Partition, lines: readonly string[]): Promise<void> {
    const waits: Promise<void>[] = [];
    let obj: OpenObject | undefined;
    for (const line of lines) {
      obj ??= this.objectFor(part);
      const text = `${line}\n`;
      obj.gzip.write(text);
      obj.bytes += Buffer.byteLength(text);
      obj.lines++;
      if (obj.bytes >= this.opts.maxObjectBytes) {
        waits.push(obj.done);
        void this.close(obj);
        obj = undefined;
      }
    }
    if (obj) waits.push(obj.done);
    return Promise.all(waits).then(() => undefined);
  }

  /** Closes every open object now (shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map((o) => this.close(o)));
  }

  private objectFor(part: Partition): OpenObject {
    const id = `${part.dataset}|${part.day}`;
    const existing = this.open.get(id);
    if (existing) return existing;
    const key = objectKey(this.opts.prefix, part, this.opts.sinkId, this.now());
    const gzip = createGzip({ level: 6 });
    const upload = this.opts.store.create(key);
    let settle!: { resolve: () => void; reject: (err: unknown) => void };
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // Callers await `done`; an object nobody waits on (all its lines failed earlier) must not crash the process.
    done.catch(() => undefined);
    const obj: OpenObject = {
      part,
      upload,
      gzip,
      written: upload.then(() => undefined),
      failed: undefined,
      bytes: 0,
      lines: 0,
      timer: setTimeout(() => void this.close(obj), this.opts.rotateMs),
      done,
      closing: false,
    };
    obj.written.catch((err: unknown) => (obj.failed ??= err));
    gzip.on('data', (chunk: Buffer) => {
      obj.written = obj.written.then(async () => {
        if (obj.failed) return;
        try {
          await (await upload).write(chunk);
        } catch (err) {
          obj.failed = err;
        }
      });
    });
    gzip.once('end', () => {
      void obj.written.then(async () => {
        const up = await upload.catch((err: unknown) => {
          obj.failed ??= err;
          return undefined;
        });
        try {
          if (obj.failed || !up) throw obj.failed;
          await up.complete();
          this.opts.log.debug({ key, lines: obj.lines, bytes: obj.bytes }, 'archive object written');
          settle.resolve();
        } catch (err) {
          this.opts.log.error(
            { key, err: (err as Error)?.message ?? String(err) },
            'archive object could not be written; its records will be sent again',
          );
          await up?.abort().catch(() => undefined);
          settle.reject(err);
        }
      });
    });
    this.open.set(id, obj);
    return obj;
  }

  private close(obj: OpenObject): Promise<void> {
    if (!obj.closing) {
      obj.closing = true;
      clearTimeout(obj.timer);
      const id = `${obj.part.dataset}|${obj.part.day}`;
      if (this.open.get(id) === obj) this.open.delete(id);
      obj.gzip.end();
    }
    return obj.done.catch(() => undefined);
  }
}
