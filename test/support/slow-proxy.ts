/**
 * An HTTP proxy in front of one upstream (Elasticsearch) that holds every answer for `delayMs`
 * before passing it on: a slow sink for one test's client, while the upstream stays as fast as
 * ever for everyone else who shares it. The delay can change while it runs.
 */
import { forward } from './forward.js';
import { listenLocalStreaming } from './local-http.js';

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
  const http = await listenLocalStreaming((req, res) =>
    forward(target, req, res, (pass) => {
      const answer = () => {
        state.requests++;
        pass();
      };
      if (state.delayMs > 0) setTimeout(answer, state.delayMs);
      else answer();
    }),
  );
  return {
    url: http.base,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    get requests() {
      return state.requests;
    },
    close: () => http.close(),
  };
}
