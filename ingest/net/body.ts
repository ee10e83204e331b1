import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { BudgetLease } from './budget.js';

export class BodyTooLarge extends Error {}

/**
 * Reads a request body of at most `limit` bytes (after gzip when `Content-Encoding: gzip`),
 * rejecting with BodyTooLarge as soon as it is exceeded — early from Content-Length. `lease`
 * counts the bytes read against the input's in-flight byte budget.
 */
export function readBody(req: IncomingMessage, limit: number, lease?: BudgetLease): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge(`body of ${declared} bytes exceeds ${limit}`));
      return;
    }
    const gzip = /\bgzip\b/i.test(String(req.headers['content-encoding'] ?? ''));
    const stream = gzip ? req.pipe(createGunzip()) : req;
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        stream.destroy();
        reject(new BodyTooLarge(`body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(c);
      lease?.reading(size);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
