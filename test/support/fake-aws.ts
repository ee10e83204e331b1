import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLocal } from './local-http.js';

/**
 * A local stand-in for the slice of AWS the CloudTrail input uses, speaking the wire protocols
 * the SDK v3 clients speak:
 * - S3 GetObject, path style (`GET /<bucket>/<key>`), errors as S3's XML `<Error><Code>…`;
 * - SQS ReceiveMessage and DeleteMessage over the AWS JSON 1.0 protocol (`POST /`,
 *   `X-Amz-Target: AmazonSQS.<Op>`, `Content-Type: application/x-amz-json-1.0`), errors as
 *   `{"__type":"com.amazonaws.sqs#<Code>","message":…}` with the `x-amzn-query-error` header,
 *   long polling (`WaitTimeSeconds`), visibility timeouts and `MD5OfBody` (which the SDK checks).
 * SigV4 signatures are not verified; the access key id in the `Credential=` scope is.
 */
export interface FakeAws {
  /** `http://127.0.0.1:<port>`: the `endpoint` to configure. */
  endpoint: string;
  queueUrl(name: string): string;
  createQueue(name: string, opts?: { visibilityTimeoutSeconds?: number }): string;
  putObject(bucket: string, key: string, body: Buffer | string): void;
  deleteObject(bucket: string, key: string): void;
  /** Sends a message to a queue (the bucket notification, in the tests). */
  enqueue(queue: string, body: string): string;
  /** Messages not yet deleted (visible or in flight). */
  queueDepth(queue: string): number;
  /** Makes the next `count` calls of an operation fail with this HTTP status (S3 InternalError / SQS InternalError). */
  failNext(op: 'GetObject' | 'ReceiveMessage' | 'DeleteMessage', status: number, count?: number): void;
  /** Operations received, in order (`ReceiveMessage`, `DeleteMessage`, `GetObject`). */
  calls: string[];
  /** `bucket/key` of every GetObject request, in order. */
  objectsRead: string[];
  close(): Promise<void>;
}

interface Message {
  id: string;
  body: string;
  md5: string;
  visibleAt: number;
  receipt?: string;
  receiveCount: number;
}

interface Queue {
  messages: Message[];
  visibilityTimeoutSeconds: number;
}

const JSON_CT = 'application/x-amz-json-1.0';

export async function startFakeAws(opts: { accessKeyId?: string } = {}): Promise<FakeAws> {
  const accessKeyId = opts.accessKeyId ?? 'AKIDFAKE';
  const objects = new Map<string, Buffer>();
  const queues = new Map<string, Queue>();
  const faults = new Map<string, { status: number; count: number }>();
  const calls: string[] = [];
  const objectsRead: string[] = [];

  const takeFault = (op: string): number | undefined => {
    const f = faults.get(op);
    if (!f || f.count <= 0) return undefined;
    f.count--;
    return f.status;
  };

  const credentialOk = (req: IncomingMessage): boolean => {
    const auth = String(req.headers.authorization ?? '');
    const m = /Credential=([^/]+)\//.exec(auth);
    return m?.[1] === accessKeyId;
  };

  function s3Error(res: ServerResponse, status: number, code: string, message: string, key?: string): void {
    const requestId = randomUUID();
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${key ? `<Key>${key}</Key>` : ''}<RequestId>${requestId}</RequestId><HostId>fake</HostId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  function sqsError(res: ServerResponse, status: number, type: string, queryCode: string, message: string): void {
    const body = JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message });
    res.writeHead(status, {
      'content-type': JSON_CT,
      'x-amzn-requestid': randomUUID(),
      'x-amzn-query-error': `${queryCode};${status >= 500 ? 'Receiver' : 'Sender'}`,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  function sqsOk(res: ServerResponse, doc: unknown): void {
    const body = JSON.stringify(doc);
    res.writeHead(200, { 'content-type': JSON_CT, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  function s3Get(req: IncomingMessage, res: ServerResponse): void {
    calls.push('GetObject');
    if (!credentialOk(req))
      return s3Error(res, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const slash = path.indexOf('/', 1);
    const bucket = decodeURIComponent(path.slice(1, slash));
    const key = path
      .slice(slash + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
    objectsRead.push(`${bucket}/${key}`);
    const fault = takeFault('GetObject');
    if (fault) return s3Error(res, fault, 'InternalError', 'We encountered an internal error. Please try again.');
    const body = objects.get(`${bucket}/${key}`);
    if (!body) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', key);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': body.length,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      'last-modified': new Date().toUTCString(),
      'x-amz-request-id': randomUUID(),
    });
    res.end(body);
  }

  async function sqs(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    calls.push(op);
    if (!credentialOk(req))
      return sqsError(res, 400, 'InvalidClientTokenId', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sqsError(res, 400, 'InvalidParameterValue', 'InvalidParameterValue', 'body is not JSON');
    }
    const fault = takeFault(op);
    if (fault) return sqsError(res, fault, 'InternalError', 'InternalError', 'We encountered an internal error. Please try again.');
    const name = String(input.QueueUrl ?? '')
      .split('/')
      .pop() as string;
    const queue = queues.get(name);
    if (!queue)
      return sqsError(res, 400, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    if (op === 'ReceiveMessage') {
      const max = Math.min(10, Number(input.MaxNumberOfMessages ?? 1));
      const waitMs = Number(input.WaitTimeSeconds ?? 0) * 1000;
      const visibility = Number(input.VisibilityTimeout ?? queue.visibilityTimeoutSeconds) * 1000;
      const deadline = Date.now() + waitMs;
      let closedEarly = false;
      res.on('close', () => (closedEarly = true));
      for (;;) {
        const now = Date.now();
        const visible = queue.messages.filter((m) => m.visibleAt <= now).slice(0, max);
        if (visible.length > 0 || now >= deadline || closedEarly) {
          for (const m of visible) {
            m.visibleAt = now + visibility;
            m.receipt = `${m.id}#${randomUUID()}`;
            m.receiveCount++;
          }
          if (closedEarly) return;
          return sqsOk(
            res,
            visible.length === 0
              ? {}
              : {
                  Messages: visible.map((m) => ({
                    MessageId: m.id,
                    ReceiptHandle: m.receipt,
                    MD5OfBody: m.md5,
                    Body: m.body,
                    Attributes: { ApproximateReceiveCount: String(m.receiveCount) },
                  })),
                },
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    if (op === 'DeleteMessage') {
      const handle = String(input.ReceiptHandle ?? '');
      const i = queue.messages.findIndex((m) => m.receipt === handle);
      if (i < 0)
        return sqsError(
          res,
          404,
          'ReceiptHandleIsInvalid',
          'ReceiptHandleIsInvalid',
          `The input receipt handle "${handle}" is not a valid receipt handle.`,
        );
      queue.messages.splice(i, 1);
      return sqsOk(res, {});
    }
    return sqsError(
      res,
      400,
      'UnsupportedOperation',
      'AWS.SimpleQueueService.UnsupportedOperation',
      `${op} is not implemented by the fake`,
    );
  }

  const http = await listenLocal((req, res, raw) => {
    if (req.method === 'POST' && req.headers['x-amz-target']) void sqs(req, res, raw.toString('utf8'));
    else if (req.method === 'GET') s3Get(req, res);
    else s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  });
  const endpoint = http.base;

  return {
    endpoint,
    calls,
    objectsRead,
    queueUrl: (name) => `${endpoint}/123456789012/${name}`,
    createQueue(name, o = {}) {
      queues.set(name, { messages: [], visibilityTimeoutSeconds: o.visibilityTimeoutSeconds ?? 30 });
      return `${endpoint}/123456789012/${name}`;
    },
    putObject: (bucket, key, body) => void objects.set(`${bucket}/${key}`, Buffer.isBuffer(body) ? body : Buffer.from(body)),
    deleteObject: (bucket, key) => void objects.delete(`${bucket}/${key}`),
    enqueue(queue, body) {
      const q = queues.get(queue);
      if (!q) throw new Error(`no queue ${queue}`);
      const id = randomUUID();
      q.messages.push({ id, body, md5: createHash('md5').update(body).digest('hex'), visibleAt: 0, receiveCount: 0 });
      return id;
    },
    queueDepth: (queue) => queues.get(queue)?.messages.length ?? 0,
    failNext: (op, status, count = 1) => void faults.set(op, { status, count }),
    close: () => http.close(),
  };
}
