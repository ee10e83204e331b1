import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCloudTrailInputConfig } from './config.js';
import { VigilError } from '../../../core/errors/index.js';

/** An SQS message as the poller needs it. */
export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
}

/** What the CloudTrail input needs from AWS: our interface over the SDK v3 clients. */
export interface CloudTrailAws {
  receive(signal: AbortSignal): Promise<QueueMessage[]>;
  delete(receiptHandle: string): Promise<void>;
  /** The object's bytes; a missing object rejects with a non-retriable INPUT_REMOTE error. */
  getObject(bucket: string, key: string): Promise<Buffer>;
  destroy(): void;
}

/**
 * SDK v3 clients for S3 and SQS. `endpoint` points both at an S3/SQS-compatible service (tests
 * use a local one); SQS then also takes the queue URL's host as its endpoint only when no endpoint
 * is set (the SDK's `useQueueUrlAsEndpoint`). SQS speaks the AWS JSON 1.0 protocol in SDK
 * v3 ≥ 3.4xx (`X-Amz-Target: AmazonSQS.ReceiveMessage`).
 */
export function createCloudTrailAws(cfg: AwsCloudTrailInputConfig): CloudTrailAws {
  const common = {
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    ...(cfg.accessKeyId && cfg.secretAccessKey
      ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
      : {}),
    maxAttempts: 3,
  };
  const s3 = new S3Client({ ...common, forcePathStyle: cfg.forcePathStyle });
  const sqs = new SQSClient(common);
  const queueUrl = cfg.queueUrl as string;
  return {
    async receive(signal) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: cfg.maxMessages,
          WaitTimeSeconds: cfg.waitTimeSeconds,
          ...(cfg.visibilityTimeoutSeconds !== undefined ? { VisibilityTimeout: cfg.visibilityTimeoutSeconds } : {}),
        }),
        { abortSignal: signal },
      );
      return (out.Messages ?? [])
        .filter((m) => m.ReceiptHandle !== undefined)
        .map((m) => ({ messageId: m.MessageId ?? '', receiptHandle: m.ReceiptHandle as string, body: m.Body ?? '' }));
    },
    async delete(receiptHandle) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
    },
    async getObject(bucket, key) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!out.Body) return Buffer.alloc(0);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey)
          throw new VigilError('INPUT_REMOTE', `s3://${bucket}/${key} does not exist`, { cause: err, retriable: false });
        throw err;
      }
    },
    destroy() {
      s3.destroy();
      sqs.destroy();
    },
  };
}
