import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpAnswer } from './classify.js';

/** How the sink sends one request body, behind an interface so that delivery can be tested without a server. */
export interface HttpTransport {
  send(body: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer>;
  close(): void;
}

/** Largest response body kept, in bytes: enough for an error message, bounded against a hostile endpoint. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** A keep-alive HTTP(S) client of one URL. */
export function httpClient(opts: { url: string; method: string; rejectUnauthorized: boolean; maxSockets: number }): HttpTransport {
  const url = new URL(opts.url);
  const https = url.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: opts.maxSockets, rejectUnauthorized: opts.rejectUnauthorized })
    : new HttpAgent({ keepAlive: true, maxSockets: opts.maxSockets });
  const request = https ? httpsRequest : httpRequest;
  return {
    send(body, headers, signal) {
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          { method: opts.method, agent, signal, headers: { ...headers, 'Content-Length': String(body.length) } },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              if (size < MAX_RESPONSE_BYTES) chunks.push(c);
              size += c.length;
            });
            res.on('error', reject);
            res.on('end', () => {
              const retryAfter = res.headers['retry-after'];
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'),
                retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
              });
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
