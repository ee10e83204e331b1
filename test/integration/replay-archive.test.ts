/**
 * `vigil replay --from-archive` on REAL Kafka (dead letters) from archives the archive sink's own
 * writer made: a local directory, and a bucket of the REAL S3-compatible server the archive tests
 * use (moto_server). Records are chosen by @timestamp, go through the target sink's routes and
 * its own delivery (the Sentinel and SecOps stand-ins of test/support/standins/), and what the
 * sink refuses for good lands in the dead letter with the vendor's reason. The local case runs the
 * real CLI as a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run as replay } from '../../cli/commands/replay.js';
import { Bus } from '../../core/bus/index.js';
import type { DeadLetterDocument } from '../../core/deadletter/index.js';
import { logger } from '../../core/telemetry/index.js';
import {
  ArchiveWriter,
  localStore,
  partitionOf,
  s3Client,
  s3Store,
  type ArchiveS3Config,
  type ObjectStore,
} from '../../sinks/archive/index.js';
import { withSecopsDefaults } from '../../sinks/secops/index.js';
import { withSentinelDefaults } from '../../sinks/sentinel/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { SecopsStandIn } from '../support/standins/secops.js';
import { SentinelStandIn } from '../support/standins/sentinel.js';

const AZ = { tenantId: 'tenant-r', clientId: 'app-r', clientSecret: 'secret-r', dcrImmutableId: 'dcr-replay', stream: 'Custom-Vigil_CL' };
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1, 0, 0, 0);

/** 72 hours of auth events (one an hour), a firewall event each 6 hours, and an alert each 12. */
const auth = Array.from({ length: 72 }, (_, h) => ({
  '@timestamp': new Date(T0 + h * HOUR).toISOString(),
  event: { dataset: 'linux.auth', category: ['authentication'], outcome: 'failure' },
  host: { name: 'web1' },
  user: { name: `u${h}` },
  source: { ip: '10.9.8.7' },
  n: h,
  ...(h === 30 ? { pad: 'q'.repeat(20_000) } : {}),
}));
const fw = Array.from({ length: 12 }, (_, i) => ({
  '@timestamp': new Date(T0 + i * 6 * HOUR).toISOString(),
  event: { dataset: 'fw' },
  n: 500 + i,
}));
const alerts = Array.from({ length: 6 }, (_, i) => ({
  '@timestamp': new Date(T0 + i * 12 * HOUR + 60_000).toISOString(),
  rule: { id: `r${i}`, name: 'Brute force' },
  vigil: { alert: { level: 'high' } },
  n: 900 + i,
}));

/** Writes the records with the archive sink's writer, partitioned as it partitions them. */
async function writeArchive(store: ObjectStore, prefix: string): Promise<void> {
  const w = new ArchiveWriter({ sinkId: 'arch', prefix, store, maxObjectBytes: 64 * 1024, rotateMs: 60_000, log: logger('test') });
  const groups = new Map<string, { part: ReturnType<typeof partitionOf>; lines: string[] }>();
  const add = (topic: 'events' | 'alerts', d: Record<string, unknown>) => {
    const part = partitionOf(topic, d, 0);
    const id = `${part.dataset}|${part.day}`;
    if (!groups.has(id)) groups.set(id, { part, lines: [] });
    groups.get(id)!.lines.push(JSON.stringify(d));
  };
  for (const d of [...auth, ...fw]) add('events', d);
  for (const d of alerts) add('alerts', d);
  const pending = [...groups.values()].map((g) => w.append(g.part, g.lines));
  await w.flush();
  await Promise.all(pending);
}

function runVigil(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/vigil.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const capture = () => {
  const out: string[] = [];
  return { out, io: { out: (l: string) => out.push(l), err: (l: string) => out.push(l), now: () => new Date() } };
};

describe('vigil replay --from-archive', () => {
  const config = testConfig('replay-arch');
  const bus = new Bus(config.kafka, 'replay-arch-test');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-arch-'));
  const configFile = join(dir, 'vigil.yaml');
  let sentinel: SentinelStandIn;
  let secops: SecopsStandIn;
  let moto: MotoServer | undefined;
  let s3cfg: ArchiveS3Config;
  let s3: S3Client;

  beforeAll(async () => {
    sentinel = await new SentinelStandIn({ ...AZ, maxBodyBytes: 16 * 1024 }).start();
    secops = await new SecopsStandIn({ project: 'p', location: 'us', instance: 'i', maxBodyBytes: 64 * 1024 }).start();
    secops.writeKeyFile(join(dir, 'key.json'));
    moto = await startMoto();
    if (!moto) throw new Error('moto_server could not be installed (scripts/ensure-moto.sh needs python3 and PyPI)');
    s3cfg = {
      bucket: `vigil-replay-${Date.now().toString(36)}`,
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      accessKeyId: 'test',
      secretAccessKey: 'testsecret',
      partSizeBytes: 5 * 1024 * 1024,
    };
    s3 = s3Client(s3cfg);
    await s3.send(new CreateBucketCommand({ Bucket: s3cfg.bucket }));
    await writeArchive(localStore(join(dir, 'archive')), 'vigil');
    await writeArchive(s3Store(s3cfg, 3, s3), 'history');

    const sinks = [
      withSentinelDefaults({
        id: 'soc',
        endpoint: sentinel.base,
        authorityHost: sentinel.base,
        ...AZ,
        topics: ['events'],
        routes: [{ name: 'auth', match: { selection: { 'event.dataset': 'linux.auth' }, condition: 'selection' } }],
        columns: { TimeGenerated: '@timestamp', UserName: 'user.name', RawData: '$json' },
      }),
      withSecopsDefaults({
        id: 'gsec',
        endpoint: secops.base,
        project: 'p',
        instance: 'i',
        credentialsFile: join(dir, 'key.json'),
        topics: ['events', 'alerts'],
      }),
      { id: 'arch', type: 'archive', s3: s3cfg, prefix: 'history' },
    ];
    writeFileSync(configFile, stringify({ ...config, inputs: [], sinks }));
    await bus.provision();
  }, 180_000);

  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
    await sentinel?.stop();
    await secops?.stop();
    s3?.destroy();
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-sends the day asked for from a local archive to the sentinel sink, through its routes, dead-lettering what Azure refuses (real CLI)', async () => {
    const from = new Date(T0 + 24 * HOUR).toISOString();
    const to = new Date(T0 + 48 * HOUR).toISOString();
    // Asynchronously: the stand-ins answer from this process.
    const res = await runVigil([
      'replay',
      '--config',
      configFile,
      '--from-archive',
      join(dir, 'archive'),
      '--to-sink',
      'soc',
      '--from',
      from,
      '--to',
      to,
    ]);
    expect(res.status, res.stderr).toBe(0);
    const want = auth.filter((a) => a.n >= 24 && a.n < 48 && a.n !== 30);
    expect(sentinel.rows.map((r) => (JSON.parse(r.RawData as string) as { n: number }).n).sort((a, b) => a - b)).toEqual(
      want.map((a) => a.n),
    );
    expect(sentinel.rows.find((r) => r.UserName === 'u25')).toMatchObject({ TimeGenerated: '2026-03-02T01:00:00.000Z' });
    expect(res.stdout).toContain(`into sentinel sink soc`);
    // 24 auth + 4 firewall events of that day selected; 23 delivered, 1 refused, the firewall ones not routed.
    expect(res.stdout).toMatch(/selected 28 {2}delivered 23 {2}dead-lettered 1 {2}dropped by routes 4/);
    expect(res.stdout).toContain('HTTP 413 ContentLengthLimitExceeded');

    const letters = (await bus.read(bus.topics.deadletter, { until: (r) => r.length >= 1, timeoutMs: 30_000 })).map(
      (r) => JSON.parse(r.value.toString('utf8')) as DeadLetterDocument,
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ component: 'soc', code: 'SINK_REJECT' });
    expect(letters[0]!.reason).toMatch(/^soc: sentinel sink soc: HTTP 413 ContentLengthLimitExceeded/);
    expect((JSON.parse(letters[0]!.raw.data) as { n: number }).n).toBe(30);
    expect(letters[0]!.origin?.topic).toMatch(/^archive:vigil\/linux\.auth\/2026\/03\/02\/.*\.ndjson\.gz$/);
  }, 150_000);

  it('re-sends events and alerts of a time range from S3 (moto) to the secops sink as UDM', async () => {
    const c = capture();
    const code = await replay(
      [
        '--config',
        configFile,
        '--from-archive',
        `s3://${s3cfg.bucket}/history`,
        '--to-sink',
        'gsec',
        '--from',
        '2026-03-01T06:00:00Z',
        '--to',
        '2026-03-01T18:00:00Z',
      ],
      c.io,
    );
    expect(code, c.out.join('\n')).toBe(0);
    const times = secops.events.map((e) => (e.metadata as { event_timestamp: string }).event_timestamp).sort();
    // auth hours 6..17 (12), firewall at 06:00 and 12:00 (2), the alert at 12:01 (1)
    expect(times).toHaveLength(15);
    expect(times.every((t) => t >= '2026-03-01T06:00:00.000Z' && t < '2026-03-01T18:00:00.000Z')).toBe(true);
    expect(secops.events.find((e) => (e.security_result as Array<{ rule_id?: string }> | undefined)?.[0]?.rule_id === 'r1')).toMatchObject({
      metadata: { event_timestamp: '2026-03-01T12:01:00.000Z', event_type: 'GENERIC_EVENT' },
      security_result: [{ severity: 'HIGH', rule_name: 'Brute force' }],
    });
    expect(secops.events.filter((e) => (e.metadata as { event_type: string }).event_type === 'USER_LOGIN')).toHaveLength(12);
    expect(c.out.join('\n')).toMatch(/selected 15 {2}delivered 15 {2}dead-lettered 0/);
  }, 120_000);

  it('names the sinks it can replay into when asked for another', async () => {
    await expect(
      replay(
        ['--config', configFile, '--from-archive', join(dir, 'archive'), '--to-sink', 'arch', '--from', 'now-1d', '--to', 'now'],
        capture().io,
      ),
    ).rejects.toThrow(/--to-sink arch: a archive sink cannot be replayed into; replay supports sentinel, secops/);
  });
});
