import { isObject } from '../../normalize/cloud/index.js';

/** An S3 object a notification announces. */
export interface ObjectRef {
  bucket: string;
  key: string;
}

export type Notification =
  | { kind: 'objects'; objects: ObjectRef[] }
  /** `s3:TestEvent`, sent when notifications are configured: nothing to read. */
  | { kind: 'test' }
  | { kind: 'invalid'; reason: string };

/**
 * Keys in S3 event notifications are URL-encoded as in a form (`+` for a space); CloudTrail's
 * own `s3ObjectKey` list is not encoded.
 */
export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/**
 * Reads an SQS message body announcing CloudTrail files. Accepted forms:
 * - an S3 event notification `{Records:[{eventSource:"aws:s3", s3:{bucket:{name}, object:{key}}}]}`;
 * - the `s3:TestEvent` S3 sends when notifications are set up (`{Service, Event:"s3:TestEvent", …}`);
 * - CloudTrail's own notification `{s3Bucket, s3ObjectKey:[…]}`;
 * - an EventBridge "Object Created" event (`detail.bucket.name`, `detail.object.key`);
 * - any of these wrapped by SNS (`{Type:"Notification", Message:"<json>"}`), unless raw delivery is on.
 */
export function parseNotification(body: string, depth = 0): Notification {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { kind: 'invalid', reason: 'message body is not JSON' };
  }
  if (!isObject(doc)) return { kind: 'invalid', reason: 'message body is not a JSON object' };
  if (doc.Type === 'Notification' && typeof doc.Message === 'string') {
    return depth < 2 ? parseNotification(doc.Message, depth + 1) : { kind: 'invalid', reason: 'SNS envelope nested too deep' };
  }
  if (doc.Event === 's3:TestEvent') return { kind: 'test' };
  if (typeof doc.s3Bucket === 'string' && Array.isArray(doc.s3ObjectKey)) {
    const bucket = doc.s3Bucket;
    return { kind: 'objects', objects: doc.s3ObjectKey.filter((k): k is string => typeof k === 'string').map((key) => ({ bucket, key })) };
  }
  if (Array.isArray(doc.Records)) {
    const objects: ObjectRef[] = [];
    for (const r of doc.Records) {
      if (!isObject(r) || !isObject(r.s3)) continue;
      const s3 = r.s3;
      if (typeof r.eventName === 'string' && !r.eventName.startsWith('ObjectCreated:')) continue;
      const bucket = isObject(s3.bucket) ? s3.bucket.name : undefined;
      const key = isObject(s3.object) ? s3.object.key : undefined;
      if (typeof bucket === 'string' && typeof key === 'string') objects.push({ bucket, key: decodeS3Key(key) });
    }
    return { kind: 'objects', objects };
  }
  if (doc.source === 'aws.s3' && isObject(doc.detail)) {
    const bucket = isObject(doc.detail.bucket) ? doc.detail.bucket.name : undefined;
    const key = isObject(doc.detail.object) ? doc.detail.object.key : undefined;
    if (typeof bucket === 'string' && typeof key === 'string') return { kind: 'objects', objects: [{ bucket, key }] };
  }
  return { kind: 'invalid', reason: 'not an S3, SNS, EventBridge or CloudTrail notification' };
}

/**
 * CloudTrail writes log files under `AWSLogs/<account>/CloudTrail/<region>/…`, digest files under
 * `…/CloudTrail-Digest/…` and Insights events under `…/CloudTrail-Insight/…`: only the first are
 * audit records.
 */
export function isCloudTrailLogKey(key: string): boolean {
  return !/(^|\/)CloudTrail-(Digest|Insight)\//.test(key);
}
