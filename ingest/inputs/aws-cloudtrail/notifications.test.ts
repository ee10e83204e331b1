import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cloudTrailFileResults } from './files.js';
import { decodeS3Key, isCloudTrailLogKey, parseNotification } from './notifications.js';

const s3 = (key: string, eventName = 'ObjectCreated:Put') =>
  JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName, s3: { bucket: { name: 'b' }, object: { key } } }] });

describe('SQS notifications', () => {
  it('reads a raw S3 event with a URL-encoded key', () => {
    expect(parseNotification(s3('AWSLogs/1/CloudTrail/us-east-1/a+b%2Bc%3D.json.gz'))).toEqual({
      kind: 'objects',
      objects: [{ bucket: 'b', key: 'AWSLogs/1/CloudTrail/us-east-1/a b+c=.json.gz' }],
    });
  });

  it('ignores other S3 event types', () => {
    expect(parseNotification(s3('k', 'ObjectRemoved:Delete'))).toEqual({ kind: 'objects', objects: [] });
  });

  it('unwraps SNS and reads CloudTrail’s own notice', () => {
    const body = JSON.stringify({
      Type: 'Notification',
      Message: JSON.stringify({ s3Bucket: 'trail', s3ObjectKey: ['AWSLogs/1/CloudTrail/x.json.gz', 'AWSLogs/1/CloudTrail/y.json.gz'] }),
    });
    expect(parseNotification(body)).toEqual({
      kind: 'objects',
      objects: [
        { bucket: 'trail', key: 'AWSLogs/1/CloudTrail/x.json.gz' },
        { bucket: 'trail', key: 'AWSLogs/1/CloudTrail/y.json.gz' },
      ],
    });
    expect(parseNotification(JSON.stringify({ Type: 'Notification', Message: s3('k') }))).toMatchObject({
      kind: 'objects',
      objects: [{ key: 'k' }],
    });
  });

  it('reads EventBridge Object Created events', () => {
    expect(
      parseNotification(
        JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'b' }, object: { key: 'k' } } }),
      ),
    ).toEqual({
      kind: 'objects',
      objects: [{ bucket: 'b', key: 'k' }],
    });
  });

  it('recognizes s3:TestEvent and refuses what is no notification', () => {
    expect(parseNotification(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }))).toEqual({ kind: 'test' });
    expect(parseNotification('hello')).toMatchObject({ kind: 'invalid' });
    expect(parseNotification('{"foo":1}')).toMatchObject({ kind: 'invalid' });
  });

  it('skips digest and Insights files', () => {
    expect(isCloudTrailLogKey('AWSLogs/1/CloudTrail/us-east-1/2024/01/01/f.json.gz')).toBe(true);
    expect(isCloudTrailLogKey('AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/01/f.json.gz')).toBe(false);
    expect(isCloudTrailLogKey('prefix/AWSLogs/o-abc/1/CloudTrail-Insight/us-east-1/f.json.gz')).toBe(false);
    expect(decodeS3Key('%E2%82%AC+x')).toBe('€ x');
  });
});

describe('CloudTrail files', () => {
  const ctx = { inputId: 'ct', receivedAt: new Date(0), keepOriginal: false };
  it('reads gzip {Records:[…]} and names what is wrong otherwise', () => {
    const ok = cloudTrailFileResults(
      gzipSync(JSON.stringify({ Records: [{ eventVersion: '1.08', eventSource: 's', eventName: 'N', eventID: 'i' }] })),
      ctx,
      'f',
    );
    expect(ok.map((r) => r.ok)).toEqual([true]);
    expect(cloudTrailFileResults(gzipSync('{"x":1}'), ctx, 'f')[0]).toMatchObject({ ok: false, code: 'PARSE_RECORD_SHAPE' });
    expect(cloudTrailFileResults(gzipSync('nope'), ctx, 'f')[0]).toMatchObject({ ok: false, code: 'PARSE_RECORD_JSON' });
    expect(cloudTrailFileResults(Buffer.from([0x1f, 0x8b, 1, 2, 3]), ctx, 'f')[0]).toMatchObject({ ok: false, code: 'DECODE_PAYLOAD' });
  });
});
