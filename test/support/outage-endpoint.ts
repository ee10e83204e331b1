/**
 * An NDJSON HTTP endpoint that can go down, for sink outage tests: `up` answers 200 and keeps
 * every line it accepted with the time; `503` answers 503 Service Unavailable with `Retry-After`
 * and keeps nothing (a load balancer in front of a dead backend); `refuse` stops listening, so
 * that connections are refused (the host is up, the service is not), and listens on the same port
 * again when set back to `up` or `503`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

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
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (mode !== 'up') {
        unavailable++;
        res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': String(retryAfterSeconds) });
        res.end('Service Unavailable: no healthy upstream');
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const at = Date.now();
      for (const line of body.split('\n')) if (line !== '') accepted.push({ at, line });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve();
      });
    });

  return {
    url: `http://127.0.0.1:${port}/ingest`,
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
