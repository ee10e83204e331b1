/**
 * The Firehose HTTP endpoint on REAL Kafka: CloudWatch Logs and plain records in, ECS events and
 * dead letters out, each exactly once, retries included.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsFirehoseInputConfig } from '../../ingest/inputs/aws-firehose/config.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { withFirehoseDefaults } from '../../ingest/inputs/aws-firehose/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

interface Doc {
  message?: string;
  event: { action?: string };
  vigil?: Record<string, unknown>;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const input: AwsFirehoseInputConfig = withFirehoseDefaults({
  id: 'firehose',
  port: 0,
  accessKey: 'fh-access-key',
  maxBodyBytes: 256 * 1024,
});

let config: VigilConfig;
let pipeline: RunningStages;
let url: string;

beforeAll(async () => {
  config = testConfig('cloud-firehose');
  config.inputs = [input];
  config.sinks = [];
  pipeline = await startStages(config, ['ingest']);
  url = `http://127.0.0.1:${pipeline.ports.firehose}/`;
});

afterAll(async () => {
  await pipeline?.close();
  if (config) await cleanupTest(config);
});

const post = (body: unknown, requestId: string, key = 'fh-access-key') =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-amz-firehose-protocol-version': '1.0',
      'x-amz-firehose-request-id': requestId,
      'x-amz-firehose-source-arn': 'arn:aws:firehose:us-east-1:123456789012:deliverystream/vigil',
      'x-amz-firehose-access-key': key,
    },
    body: JSON.stringify(body),
  });

const cloudTrailRecord = {
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
  eventName: 'TerminateInstances',
  awsRegion: 'us-east-1',
  sourceIPAddress: '192.0.2.1',
  eventID: 'firehose-ct-0001',
  eventType: 'AwsApiCall',
  recipientAccountId: '123456789012',
};

describe('aws-firehose input on real Kafka', () => {
  it('publishes every record once, dedups a retried request, refuses a bad key and a too-large body', async () => {
    const cw = gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: '123456789012',
        logGroup: 'aws-cloudtrail-logs',
        logStream: '123456789012_CloudTrail_us-east-1',
        subscriptionFilters: ['to-firehose'],
        logEvents: [
          {
            id: '37520000000000000000000000000000000000000000000000000000',
            timestamp: 1714557600000,
            message: JSON.stringify(cloudTrailRecord),
          },
          { id: '37520000000000000000000000000000000000000000000000000001', timestamp: 1714557600001, message: 'plain log line' },
        ],
      }),
    );
    const control = gzipSync(
      JSON.stringify({
        messageType: 'CONTROL_MESSAGE',
        owner: 'CloudwatchLogs',
        logGroup: '',
        logStream: '',
        subscriptionFilters: [],
        logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
      }),
    );
    const body = {
      requestId: 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f',
      timestamp: 1714557600500,
      records: [
        { data: b64(cw) },
        { data: b64(control) },
        { data: b64('{"message":"app says hi","level":"info"}\n') },
        { data: b64('text record') },
        { data: '%%%' },
      ],
    };

    const denied = await post(body, body.requestId, 'wrong');
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ requestId: body.requestId, errorMessage: expect.any(String) });

    const ok = await post(body, body.requestId);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ requestId: body.requestId, timestamp: expect.any(Number) });
    // Firehose retries with the same request id (a lost response, a timeout): answered, not re-written.
    expect((await post(body, body.requestId)).status).toBe(200);

    const tooLarge = await post({ requestId: 'big', timestamp: 1, records: [{ data: b64('x'.repeat(300 * 1024)) }] }, 'big');
    expect(tooLarge.status).toBe(413);

    const events = await pipeline.bus.read(pipeline.bus.topics.events, { until: (r) => r.length >= 4, timeoutMs: 30_000 });
    const docs = events.map((r) => JSON.parse(r.value.toString('utf8')) as Doc);
    expect(docs.map((d) => d.message ?? d.event.action).sort()).toEqual([
      'TerminateInstances',
      'app says hi',
      'plain log line',
      'text record',
    ]);
    const ct = docs.find((d) => d.event.action === 'TerminateInstances');
    expect(ct).toMatchObject({
      event: { dataset: 'aws.cloudtrail', category: ['api'], type: ['deletion'] },
      aws: { cloudwatch: { log_group: 'aws-cloudtrail-logs' } },
      user: { name: 'alice' },
    });
    expect(ct?.vigil).toMatchObject({ input: 'firehose', peer: '127.0.0.1' });

    const letters = await pipeline.bus.read(pipeline.bus.topics.deadletter, { until: (r) => r.length >= 1, timeoutMs: 30_000 });
    expect(letters.map((r) => JSON.parse(r.value.toString('utf8')))).toEqual([
      expect.objectContaining({ component: 'firehose', code: 'DECODE_PAYLOAD', raw: { encoding: 'utf8', data: '{"data":"%%%"}' } }),
    ]);

    // Exactly once: nothing else arrives.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pipeline.bus.countRecords(pipeline.bus.topics.events)).toBe(4);
    expect(await pipeline.bus.countRecords(pipeline.bus.topics.deadletter)).toBe(1);
  });
});
