/**
 * An NDJSON HTTP endpoint that can go down, for sink outage tests: `up` answers 200 and keeps
 * every line it accepted with the time; `503` answers 503 Service Unavailable with `Retry-After`
 * and keeps nothing (a load balancer in front of a dead backend); `refuse` stops listening, so
 * that connections are refused (the host is up, the service is not), and listens on the same port
 * again when set back to `up` or `503`.
 */
import { gunzipSync } from 'node:zlib';
import { listenLocal } from './local-http.js';

export type OutageMode = 'up' | '503' | 'refuse';

export interface OutageEndpoint {
  url: string;
  /** Every line accepted (answered 200), with when. */
  accepted: Array<{ at: number; line: string }>;
  /** Requests answered 503. */
  unavailable: number;
  mode(): OutageMode;
  setMode(mode: OutageMode): Promise<void>;
  close(): Promise<void>;
}

export async function startOutageEndpoint(retryAfterSeconds = 1): Promise<OutageEndpoint> {
  const accepted: OutageEndpoint['accepted'] = [];
  let mode: OutageMode = 'up';
  let unavailable = 0;
  const http = await listenLocal((req, res, raw) => {
    if (mode !== 'up') {
      unavailable++;
      res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': String(retryAfterSeconds) });
      res.end('Service Unavailable: no healthy upstream');
      return;
    }
    const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const at = Date.now();
    for (const line of body.split('\n')) if (line !== '') accepted.push({ at, line });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  });
  const { server } = http;
  const port = Number(new URL(http.base).port);

  const stopListening = () => http.close();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve();
      });
    });

  return {
    url: `${http.base}/ingest`,
    accepted,
    get unavailable() {
      return unavailable;
    },
    mode: () => mode,
    async setMode(next) {
      if (next === mode) return;
      const was = mode;
      mode = next;
      if (next === 'refuse') await stopListening();
      else if (was === 'refuse') await listen();
    },
    close: () => (server.listening ? stopListening() : Promise.resolve()),
  };
}
