/**
 * The archive sink on REAL Kafka into a REAL S3 API: moto_server (PyPI `moto[server]`, installed
 * by scripts/ensure-moto.sh). Objects land under `<prefix>/<dataset>/<yyyy>/<mm>/<dd>/`, gzip
 * NDJSON, the consumer group commits only once they are uploaded, and an object larger than one
 * part goes up as a multipart upload.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import { s3Client, s3Store, startArchiveSink, withArchiveDefaults, type ArchiveS3Config } from '../../sinks/archive/index.js';
import type { RunningSinkLoop } from '../../sinks/runner/index.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { waitFor } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('arch', RUN);

let moto: MotoServer | undefined;
let bus: Bus;
let admin: ReturnType<Kafka['admin']>;
let s3: S3Client;
let s3cfg: ArchiveS3Config;
const running: RunningSinkLoop[] = [];

async function objects(prefix: string): Promise<Array<{ key: string; lines: Record<string, unknown>[] }>> {
  const list = await s3.send(new ListObjectsV2Command({ Bucket: s3cfg.bucket, Prefix: prefix }));
  const out = [];
  for (const o of list.Contents ?? []) {
    const body = await s3.send(new GetObjectCommand({ Bucket: s3cfg.bucket, Key: o.Key }));
    const text = gunzipSync(Buffer.from(await body.Body!.transformToByteArray())).toString('utf8');
    out.push({
      key: o.Key as string,
      lines: text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    });
  }
  return out;
}

async function committed(group: string, topic: string): Promise<string> {
  const [res] = await admin.fetchOffsets({ groupId: `${kafkaConfig.groupPrefix}-${group}`, topics: [topic] });
  return res?.partitions.find((p) => p.partition === 0)?.offset ?? '-1';
}

beforeAll(async () => {
  moto = await startMoto();
  if (!moto) throw new Error('moto_server could not be installed (scripts/ensure-moto.sh needs python3 and PyPI)');
  s3cfg = {
    bucket: `vigil-archive-${RUN}`,
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    accessKeyId: 'test',
    secretAccessKey: 'testsecret',
    partSizeBytes: 5 * 1024 * 1024,
  };
  s3 = s3Client(s3cfg);
  await s3.send(new CreateBucketCommand({ Bucket: s3cfg.bucket }));
  bus = new Bus(kafkaConfig, 'arch');
  await bus.provision();
  admin = createKafka(kafkaConfig, `arch-admin-${RUN}`, { silent: true }).admin();
  await admin.connect();
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(running.map((r) => r.close()));
  if (bus) {
    await bus.deleteTopics(Object.values(bus.topics)).catch(() => undefined);
    await bus.close();
  }
  if (admin) {
    await admin.deleteGroups([`${kafkaConfig.groupPrefix}-sink-arch-s3`]).catch(() => undefined);
    await admin.disconnect();
  }
  s3?.destroy();
  await moto?.stop();
});

describe('archive sink → S3 (moto_server) on real Kafka', () => {
  it('writes gzip NDJSON partitioned by dataset and day, and commits after the upload', async () => {
    const sink = withArchiveDefaults({
      id: 'arch-s3',
      s3: s3cfg,
      prefix: 'arch',
      topics: ['events', 'alerts'],
      rotateSeconds: 2,
      batchSize: 5000,
    });
    running.push(await startArchiveSink({ sink, bus }));
    const producer = await bus.producer();
    const fw = Array.from({ length: 300 }, (_, i) => ({
      '@timestamp': '2026-03-01T10:00:00Z',
      event: { dataset: 'fortinet.firewall' },
      n: i,
    }));
    const app = [{ '@timestamp': '2026-03-02T08:00:00Z', event: { dataset: 'app' }, n: 0 }];
    const big = Array.from({ length: 20 }, (_, i) => ({
      '@timestamp': '2026-03-03T00:00:00Z',
      event: { dataset: 'big' },
      n: i,
      pad: randomBytes(3000).toString('base64'),
    }));
    await producer.send(
      bus.topics.events,
      [...fw, ...app, ...big].map((d) => ({ key: 'k', value: JSON.stringify(d) })),
    );
    await producer.send(bus.topics.alerts, [
      { key: 'a', value: JSON.stringify({ '@timestamp': '2026-03-01T10:00:01Z', rule: { id: 'r1' } }) },
    ]);

    const all = await waitFor(
      'archived objects',
      async () => {
        const o = await objects('arch/');
        const lines = o.reduce((n, x) => n + x.lines.length, 0);
        return lines >= fw.length + app.length + big.length + 1 ? o : undefined;
      },
      60_000,
      500,
    );
    const byDir = (dir: string) => all.filter((o) => o.key.startsWith(dir)).flatMap((o) => o.lines);
    expect(byDir('arch/fortinet.firewall/2026/03/01/').map((l) => l.n)).toEqual(fw.map((d) => d.n));
    expect(byDir('arch/app/2026/03/02/')).toHaveLength(1);
    expect(byDir('arch/_alerts/2026/03/01/')).toEqual([{ '@timestamp': '2026-03-01T10:00:01Z', rule: { id: 'r1' } }]);
    expect(byDir('arch/big/2026/03/03/').map((l) => l.n)).toEqual(big.map((d) => d.n));
    for (const o of all) expect(o.key).toMatch(/^arch\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z-arch-s3-[0-9a-f]{12}\.ndjson\.gz$/);
    await waitFor(
      'commit after upload',
      async () => (await committed('sink-arch-s3', bus.topics.events)) === String(fw.length + app.length + big.length),
      20_000,
    );
  }, 120_000);

  it('sends an object larger than one part as a multipart upload', async () => {
    const store = s3Store(s3cfg, 3, s3);
    const up = await store.create('arch/multi/2026/03/04/x.ndjson.gz');
    const data = randomBytes(12 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 1024 * 1024) await up.write(data.subarray(i, i + 1024 * 1024));
    await up.complete();
    const list = await s3.send(new ListObjectsV2Command({ Bucket: s3cfg.bucket, Prefix: 'arch/multi/' }));
    // S3 gives a multipart object an ETag with its part count: 12 MiB in 5 MiB parts is 3.
    expect(list.Contents?.map((c) => [c.Size, c.ETag?.replace(/^.*-/, '-')])).toEqual([[data.length, '-3"']]);
    const got = await s3.send(new GetObjectCommand({ Bucket: s3cfg.bucket, Key: 'arch/multi/2026/03/04/x.ndjson.gz' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });
});
