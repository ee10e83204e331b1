/**
 * An HTTP proxy in front of one upstream that answers the next `throttle(n)` requests under a path
 * prefix with 429 and a Retry-After, as a rate-limiting gateway in front of a self-hosted server
 * (Keycloak has no limit of its own) would; everything else passes through unchanged.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottleProxy {
  url: string;
  /** The next `times` requests whose path starts with `prefix` answer 429 with `Retry-After: retryAfter`. */
  throttle(times: number, retryAfter: string, prefix?: string): void;
  /** Paths of the requests answered 429, in order. */
  throttled: string[];
  /** Paths of the requests passed to the upstream, in order. */
  passed: string[];
  close(): Promise<void>;
}

export async function startThrottleProxy(upstream: string): Promise<ThrottleProxy> {
  const target = new URL(upstream);
  const state = { times: 0, retryAfter: '1', prefix: '/' };
  const throttled: string[] = [];
  const passed: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (state.times > 0 && path.startsWith(state.prefix)) {
      state.times -= 1;
      throttled.push(path);
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': state.retryAfter });
      res.end(JSON.stringify({ error: 'too_many_requests', error_description: 'Rate limit exceeded' }));
      return;
    }
    passed.push(path);
    const up = request({ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
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
    throttle: (times, retryAfter, prefix = '/') => Object.assign(state, { times, retryAfter, prefix }),
    throttled,
    passed,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
