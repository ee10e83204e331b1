import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { HecResponse } from './classify.js';

const gzip = promisify(gzipCb);

/** The two collector calls the sink makes, behind an interface so that delivery can be tested without a server. */
export interface HecTransport {
  /** POSTs newline-joined event JSON to `/services/collector/event` on `channel`. */
  sendEvents(body: string, channel: string): Promise<HecResponse>;
  /** POSTs `{"acks":[…]}` to `/services/collector/ack?channel=…`. */
  queryAcks(ackIds: number[], channel: string): Promise<HecResponse>;
  close(): void;
}

export interface HecClientOptions {
  url: string;
  token: string;
  gzip: boolean;
  timeoutMs: number;
  rejectUnauthorized: boolean;
  /** Sockets kept open: one per request in flight plus the ack polls. */
  maxSockets: number;
}

/** A keep-alive HTTP(S) client of one collector. */
export function hecClient(opts: HecClientOptions): HecTransport {
  const base = new URL(opts.url);
  const https = base.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: opts.maxSockets, rejectUnauthorized: opts.rejectUnauthorized })
    : new HttpAgent({ keepAlive: true, maxSockets: opts.maxSockets });
  const request = https ? httpsRequest : httpRequest;
  const prefix = base.pathname.replace(/\/+$/, '');

  function post(path: string, body: Buffer, headers: Record<string, string>): Promise<HecResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}${path}`,
          method: 'POST',
          agent,
          headers: {
            Authorization: `Splunk ${opts.token}`,
            'Content-Type': 'application/json',
            'Content-Length': String(body.length),
            ...headers,
          },
          timeout: opts.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch {
              // Proxies answer HTML; the status decides then.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    async sendEvents(body, channel) {
      const raw = Buffer.from(body, 'utf8');
      const payload = opts.gzip ? await gzip(raw, { level: 1 }) : raw;
      return post('/services/collector/event', payload, {
        'X-Splunk-Request-Channel': channel,
        ...(opts.gzip ? { 'Content-Encoding': 'gzip' } : {}),
      });
    },
    queryAcks(ackIds, channel) {
      return post(`/services/collector/ack?channel=${encodeURIComponent(channel)}`, Buffer.from(JSON.stringify({ acks: ackIds })), {
        'X-Splunk-Request-Channel': channel,
      });
    },
    close() {
      agent.destroy();
    },
  };
}
