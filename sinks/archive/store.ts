import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { VigilError } from '../../core/errors/index.js';
import { withRetry, type BackoffPolicy } from '../../core/retry/index.js';
import type { ArchiveS3Config } from './config.js';

/**
 * Where archive objects go, behind one interface: an object is written in order and becomes
 * visible, whole and durable, only when `complete` resolves; `abort` leaves nothing behind.
 */
export interface ObjectStore {
  create(key: string): Promise<ObjectUpload>;
  close(): void;
}

export interface ObjectUpload {
  readonly key: string;
  /** Appends bytes (already gzip). Calls are made one at a time, in order. */
  write(chunk: Buffer): Promise<void>;
  /** Makes the object durable and visible under its key. */
  complete(): Promise<void>;
  abort(): Promise<void>;
}

const STORE_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 5000, factor: 2, jitter: 0.5 };

/**
 * A local directory. An object is written to `<key>.partial` beside its final name, then
 * fsynced, renamed, and its directory fsynced, so that after a crash a name either holds a whole
 * object or does not exist.
 */
export function localStore(root: string): ObjectStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const p = resolve(join(base, key));
    // Keys are built from sanitized datasets, but a path must never leave the root whatever the key.
    if (!p.startsWith(base + sep)) throw new VigilError('SINK_CONFIG', `archive key ${key} leaves ${base}`);
    return p;
  };
  return {
    async create(key) {
      const final = pathOf(key);
      const partial = `${final}.partial`;
      await mkdir(dirname(final), { recursive: true });
      const fh: FileHandle = await open(partial, 'w');
      return {
        key,
        async write(chunk) {
          await fh.write(chunk);
        },
        async complete() {
          await fh.sync();
          await fh.close();
          await rename(partial, final);
          const dir = await open(dirname(final), 'r');
          try {
            await dir.sync();
          } finally {
            await dir.close();
          }
        },
        async abort() {
          await fh.close().catch(() => undefined);
          await rm(partial, { force: true });
        },
      };
    },
    close() {},
  };
}

export function s3Client(cfg: ArchiveS3Config): S3Client {
  return new S3Client({
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    ...(cfg.accessKeyId && cfg.secretAccessKey
      ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
      : {}),
    // Retries are ours (withRetry below), so that one policy and one count apply to every call.
    maxAttempts: 1,
  });
}

/**
 * An S3 bucket. Bytes are buffered to `partSizeBytes` and sent as multipart parts; an object
 * that stays under one part is sent with a single PUT. Each call is retried `attempts` times.
 */
export function s3Store(cfg: ArchiveS3Config, attempts: number, client: S3Client = s3Client(cfg)): ObjectStore {
  const retry = <T>(fn: () => Promise<T>) => withRetry(fn, { policy: STORE_BACKOFF, maxAttempts: attempts });
  return {
    async create(key) {
      let buffered: Buffer[] = [];
      let size = 0;
      let uploadId: string | undefined;
      const parts: CompletedPart[] = [];

      async function sendPart(body: Buffer): Promise<void> {
        uploadId ??= (
          await retry(() =>
            client.send(
              new CreateMultipartUploadCommand({
                Bucket: cfg.bucket,
                Key: key,
                ContentType: 'application/x-ndjson',
                ContentEncoding: 'gzip',
              }),
            ),
          )
        ).UploadId;
        const PartNumber = parts.length + 1;
        const res = await retry(() =>
          client.send(new UploadPartCommand({ Bucket: cfg.bucket, Key: key, UploadId: uploadId, PartNumber, Body: body })),
        );
        parts.push({ PartNumber, ETag: res.ETag });
      }
      const take = () => {
        const body = Buffer.concat(buffered, size);
        buffered = [];
        size = 0;
        return body;
      };
      return {
        key,
        async write(chunk) {
          buffered.push(chunk);
          size += chunk.length;
          if (size >= cfg.partSizeBytes) await sendPart(take());
        },
        async complete() {
          if (uploadId === undefined) {
            const body = take();
            await retry(() =>
              client.send(
                new PutObjectCommand({
                  Bucket: cfg.bucket,
                  Key: key,
                  Body: body,
                  ContentType: 'application/x-ndjson',
                  ContentEncoding: 'gzip',
                }),
              ),
            );
            return;
          }
          if (size > 0) await sendPart(take());
          await retry(() =>
            client.send(
              new CompleteMultipartUploadCommand({ Bucket: cfg.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
            ),
          );
        },
        async abort() {
          buffered = [];
          size = 0;
          if (uploadId !== undefined) {
            await client.send(new AbortMultipartUploadCommand({ Bucket: cfg.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
          }
        },
      };
    },
    close() {
      client.destroy();
    },
  };
}
