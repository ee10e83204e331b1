/**
 * An HTTP proxy in front of one upstream that answers the next `throttle(n)` requests under a path
 * prefix with 429 and a Retry-After, as a rate-limiting gateway in front of a self-hosted server
 * (Keycloak has no limit of its own) would; everything else passes through unchanged.
 */
import { forward } from './forward.js';
import { listenLocalStreaming } from './local-http.js';

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
  const http = await listenLocalStreaming((req, res) => {
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
    forward(target, req, res);
  });
  return {
    url: http.base,
    throttle: (times, retryAfter, prefix = '/') => Object.assign(state, { times, retryAfter, prefix }),
    throttled,
    passed,
    close: () => http.close(),
  };
}
