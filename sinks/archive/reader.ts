import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { topicOfDataset, type ArchiveTopic } from './partition.js';

/**
 * The read side of the archive, for replay: the objects the archive sink wrote
 * (`…/<dataset>/<yyyy>/<mm>/<dd>/<yyyymmddThhmmssZ>-<sink>-<random>.ndjson.gz`) under a local
 * directory or an S3 prefix, whatever prefix they were written with. Names of any other form are
 * skipped, `.partial` files (objects not yet complete) included.
 */
export interface ArchivedObject {
  /** Path below the root (local) or the full key (S3). */
  key: string;
  dataset: string;
  topic: ArchiveTopic;
  /** Midnight UTC of the object's day, epoch ms: records of the object are of that day. */
  day: number;
  /** When the object was opened, epoch ms (the time of records without an `@timestamp`). */
  openedAt: number;
}

export interface ArchiveSource {
  /** Where it reads, for messages. */
  readonly where: string;
  list(): AsyncIterable<ArchivedObject>;
  /** The object's bytes (gzip). */
  read(key: string): Promise<Buffer>;
  close(): void;
}

const OBJECT = /(?:^|\/)([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[^/]+\.ndjson\.gz$/;

/** Reads an archive object name; undefined for names that are not one. */
export function parseArchivedKey(key: string): ArchivedObject | undefined {
  const m = OBJECT.exec(key);
  if (!m) return undefined;
  const [, dataset, y, mo, d, oy, omo, od, oh, omi, os] = m as unknown as string[];
  return {
    key,
    dataset: dataset as string,
    topic: topicOfDataset(dataset as string),
    day: Date.UTC(Number(y), Number(mo) - 1, Number(d)),
    openedAt: Date.UTC(Number(oy), Number(omo) - 1, Number(od), Number(oh), Number(omi), Number(os)),
  };
}

export function localArchive(root: string): ArchiveSource {
  return {
    where: root,
    async *list() {
      const entries = await readdir(root, { withFileTypes: true, recursive: true });
      const keys = entries
        .filter((e) => e.isFile())
        .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
        .sort();
      for (const key of keys) {
        const o = parseArchivedKey(key);
        if (o) yield o;
      }
    },
    read: (key) => readFile(join(root, ...key.split('/'))),
    close() {},
  };
}

export function s3Archive(client: S3Client, bucket: string, prefix: string): ArchiveSource {
  const p = prefix.replace(/^\/+/, '');
  return {
    where: `s3://${bucket}/${p}`,
    async *list() {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, ...(p ? { Prefix: p } : {}), ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const c of page.Contents ?? []) {
          const o = c.Key ? parseArchivedKey(c.Key) : undefined;
          if (o) yield o;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async read(key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
    },
    close: () => client.destroy(),
  };
}
