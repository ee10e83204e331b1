import { retryAfterMs, type PostOutcome } from '../runner/chunked-post.js';
import type { TokenCache } from '../runner/token-cache.js';
import type { SecopsSinkConfig } from './config.js';

/** Google's error shape: `{"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}`. */
function googleError(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { message?: unknown; status?: unknown } }).error;
    if (e) return ` ${String(e.status ?? '')}: ${String(e.message ?? '')}`;
  } catch {
    // Front ends answer HTML (a 413 from the load balancer): the status says it.
  }
  return '';
}

/** The import method's URL for the sink's mode. */
export function importUrl(sink: SecopsSinkConfig): string {
  const instance = `projects/${encodeURIComponent(sink.project)}/locations/${encodeURIComponent(sink.location)}/instances/${encodeURIComponent(sink.instance)}`;
  const base = `${sink.endpoint.replace(/\/+$/, '')}/v1/${instance}`;
  return sink.mode === 'udm' ? `${base}/events:import` : `${base}/logTypes/${encodeURIComponent(sink.logType ?? '')}/logs:import`;
}

/** The body around the encoded records: `{"inlineSource":{"events":[…]}}` or `{"inlineSource":{"logs":[…]}}`. */
export function envelope(sink: SecopsSinkConfig): [string, string] {
  return [`{"inlineSource":{"${sink.mode === 'udm' ? 'events' : 'logs'}":[`, ']}}'];
}

/** Posts one import request and classifies the answer. */
export function secopsPoster(sink: SecopsSinkConfig, tokens: TokenCache) {
  const url = importUrl(sink);
  const [open, close] = envelope(sink);
  return async (items: readonly string[], signal: AbortSignal): Promise<PostOutcome> => {
    const body = `${open}${items.join(',')}${close}`;
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await tokens.get();
      } catch (err) {
        return { kind: 'failed', reason: (err as Error).message };
      }
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
        signal,
      });
      const text = await res.text();
      const reason = `HTTP ${res.status}${googleError(text)}`;
      if (res.ok) return { kind: 'ok' };
      if (res.status === 401 && attempt === 0) {
        tokens.invalidate(token);
        continue;
      }
      if (res.status === 429) return { kind: 'throttled', retryAfterMs: retryAfterMs(res.headers.get('retry-after'), 5000), reason };
      if (res.status === 413) return { kind: 'too-large', reason };
      if (res.status === 400) return { kind: 'refused', reason };
      if (res.status === 401 || res.status === 403)
        return { kind: 'failed', reason: `the API refused the service account's token: ${reason}` };
      if (res.status === 404) return { kind: 'failed', reason: `the instance or log type is unknown to ${sink.endpoint}: ${reason}` };
      return { kind: 'failed', reason };
    }
  };
}
