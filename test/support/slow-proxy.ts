/**
 * An HTTP proxy in front of one upstream (Elasticsearch) that holds every answer for `delayMs`
 * before passing it on: a slow sink for one test's client, while the upstream stays as fast as
 * ever for everyone else who shares it. The delay can change while it runs.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  url: string;
  /** Held before each answer, in ms; 0 passes answers straight through. */
  delayMs: number;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startSlowProxy(upstream: string): Promise<SlowProxy> {
  const target = new URL(upstream);
  const state = { delayMs: 0, requests: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const pass = () => {
        state.requests++;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      };
      if (state.delayMs > 0) setTimeout(pass, state.delayMs);
      else pass();
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    get requests() {
      return state.requests;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
