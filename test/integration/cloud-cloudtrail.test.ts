/**
 * CloudTrail from S3 via SQS with the real AWS SDK v3 clients against a local S3/SQS server
 * (test/support/fake-aws.ts), and from a directory of `.json.gz` files, on REAL Kafka.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../cli/config/schema.js';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { withCloudTrailDefaults } from '../../ingest/inputs/aws-cloudtrail/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { startFakeAws, type FakeAws } from '../support/fake-aws.js';
import { waitFor } from '../support/wait.js';

interface Doc {
  event: { id?: string; action?: string; dataset?: string };
  vigil: { input: string };
}

const record = (id: string, name = 'DescribeInstances') => ({
  eventVersion: '1.08',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLE',
    arn: 'arn:aws:iam::123456789012:user/alice',
    accountId: '123456789012',
    userName: 'alice',
  },
  eventTime: '2024-05-01T10:00:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: name,
  awsRegion: 'us-east-1',
  sourceIPAddress: '192.0.2.1',
  eventID: id,
  eventType: 'AwsApiCall',
  recipientAccountId: '123456789012',
});
const logFile = (...ids: string[]) => gzipSync(JSON.stringify({ Records: ids.map((id) => record(id)) }));

const PREFIX = 'AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/';
const KEY_A = `${PREFIX}123456789012_CloudTrail_us-east-1_20240501T1000Z_aaaa.json.gz`;
const KEY_B = `${PREFIX}123456789012_CloudTrail_us-east-1_20240501T1005Z_b b+b.json.gz`; // space and plus: URL-encoded in S3 events
const KEY_DIGEST =
  'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/05/01/123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T1000Z.json.gz';

const s3Event = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2024-05-01T10:05:30.000Z',
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: 'trail-bucket', arn: 'arn:aws:s3:::trail-bucket' },
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: 1 },
        },
      },
    ],
  });

describe('aws-cloudtrail input from S3 via SQS (SDK v3 against a local server)', () => {
  let aws: FakeAws;
  let config: VigilConfig;
  let pipeline: RunningStages;

  beforeAll(async () => {
    aws = await startFakeAws({ accessKeyId: 'AKIDTEST' });
    const queueUrl = aws.createQueue('trail-notes', { visibilityTimeoutSeconds: 1 });
    aws.putObject('trail-bucket', KEY_A, logFile('ct-a-1', 'ct-a-2', 'ct-a-3'));
    aws.putObject('trail-bucket', KEY_B, logFile('ct-b-1', 'ct-b-2'));
    aws.putObject('trail-bucket', KEY_DIGEST, gzipSync('{"awsAccountId":"123456789012"}'));
    // Every notification form: raw S3 event, SNS-wrapped CloudTrail notice, test event, digest, junk, a missing object.
    aws.enqueue('trail-notes', s3Event(KEY_A));
    aws.enqueue(
      'trail-notes',
      JSON.stringify({
        Type: 'Notification',
        MessageId: '1',
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:trail',
        Message: JSON.stringify({ s3Bucket: 'trail-bucket', s3ObjectKey: [KEY_B] }),
        Timestamp: '2024-05-01T10:05:31.000Z',
      }),
    );
    aws.enqueue(
      'trail-notes',
      JSON.stringify({
        Service: 'Amazon S3',
        Event: 's3:TestEvent',
        Time: '2024-05-01T09:00:00.000Z',
        Bucket: 'trail-bucket',
        RequestId: 'X',
        HostId: 'Y',
      }),
    );
    aws.enqueue('trail-notes', s3Event(KEY_DIGEST));
    aws.enqueue('trail-notes', 'this is not a notification');
    aws.enqueue('trail-notes', JSON.stringify({ s3Bucket: 'trail-bucket', s3ObjectKey: [`${PREFIX}gone.json.gz`] }));
    // S3 answers 500 four times: the SDK retries (3 attempts), the first message stays in the queue and comes back.
    aws.failNext('GetObject', 500, 4);
    config = testConfig('cloud-cloudtrail');
    config.sinks = [];
    config.inputs = [
      withCloudTrailDefaults({
        id: 'cloudtrail-sqs',
        queueUrl,
        endpoint: aws.endpoint,
        forcePathStyle: true,
        region: 'us-east-1',
        accessKeyId: 'AKIDTEST',
        secretAccessKey: 'secret',
        waitTimeSeconds: 1,
        maxMessages: 10,
      }),
    ];
    pipeline = await startStages(config, ['ingest']);
  });

  afterAll(async () => {
    await pipeline?.close();
    await aws?.close();
    if (config) await cleanupTest(config);
  });

  it('publishes each CloudTrail record once and deletes every message only after Kafka acked', async () => {
    await waitFor('the queue to drain', async () => aws.queueDepth('trail-notes') === 0, 60_000);
    const events = await pipeline.bus.read(pipeline.bus.topics.events, { until: (r) => r.length >= 5, timeoutMs: 30_000 });
    const docs = events.map((r) => JSON.parse(r.value.toString('utf8')) as Doc);
    expect(docs.map((d) => d.event.id).sort()).toEqual(['ct-a-1', 'ct-a-2', 'ct-a-3', 'ct-b-1', 'ct-b-2']);
    expect(new Set(docs.map((d) => d.event.dataset))).toEqual(new Set(['aws.cloudtrail']));
    const letters = await pipeline.bus.read(pipeline.bus.topics.deadletter, { until: (r) => r.length >= 2, timeoutMs: 30_000 });
    expect(letters.map((r) => (JSON.parse(r.value.toString('utf8')) as { code: string }).code).sort()).toEqual([
      'INPUT_REMOTE',
      'PARSE_RECORD_SHAPE',
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    // The digest file was never read; the failed reads were retried (the SDK's own attempts, then SQS redelivery).
    expect(aws.objectsRead.filter((k) => k.includes('CloudTrail-Digest'))).toEqual([]);
    expect(aws.objectsRead.filter((k) => k.endsWith(KEY_A)).length).toBeGreaterThanOrEqual(2);
    expect(await pipeline.bus.countRecords(pipeline.bus.topics.events)).toBe(5);
    expect(await pipeline.bus.countRecords(pipeline.bus.topics.deadletter)).toBe(2);
  });
});

describe('aws-cloudtrail input from a directory', () => {
  let dir: string;
  let config: VigilConfig;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-ct-'));
    await mkdir(join(dir, PREFIX), { recursive: true });
    await mkdir(join(dir, 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1'), { recursive: true });
    await writeFile(join(dir, KEY_A), logFile('dir-1', 'dir-2'));
    await writeFile(join(dir, PREFIX, 'second.json.gz'), logFile('dir-3'));
    await writeFile(join(dir, 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/d.json.gz'), gzipSync('{"digest":true}'));
    config = testConfig('cloud-ctdir');
    config.sinks = [];
    config.inputs = [
      withCloudTrailDefaults({ id: 'cloudtrail-dir', directory: dir, stateFile: join(dir, '.state.json'), scanIntervalSeconds: 1 }),
    ];
  });

  afterAll(async () => {
    if (config) await cleanupTest(config);
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every file once, and a restart reads only new files', async () => {
    let pipeline = await startStages(config, ['ingest']);
    try {
      const events = await pipeline.bus.read(pipeline.bus.topics.events, { until: (r) => r.length >= 3, timeoutMs: 30_000 });
      expect(events.map((r) => (JSON.parse(r.value.toString('utf8')) as Doc).event.id).sort()).toEqual(['dir-1', 'dir-2', 'dir-3']);
    } finally {
      await pipeline.close();
    }
    await writeFile(join(dir, PREFIX, 'third.json.gz'), logFile('dir-4'));
    pipeline = await startStages(config, ['ingest']);
    try {
      await waitFor('the new file', async () => (await pipeline.bus.countRecords(pipeline.bus.topics.events)) >= 4, 30_000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await pipeline.bus.countRecords(pipeline.bus.topics.events)).toBe(4);
    } finally {
      await pipeline.close();
    }
  });
});
