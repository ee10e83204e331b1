import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLocal } from './local-http.js';

/**
 * A local Okta org serving the System Log API as documented (`GET /api/v1/logs`): `SSWS` token
 * auth with Okta's JSON error bodies (E0000011 invalid token, E0000047 rate limit), `since`,
 * `until`, `after`, `limit` (default 100, max 1000), `sortOrder=ASCENDING`; `Link` headers with
 * `rel="self"` and, for polling requests (no `until`), always `rel="next"`; and the
 * `X-Rate-Limit-Limit/Remaining/Reset` headers, answering 429 once a window's quota is spent.
 */
export interface FakeOkta {
  url: string;
  /** Appends events (they must be in `published` order, as Okta stores them). */
  add(...events: Array<Record<string, unknown>>): void;
  /** Requests per rate-limit window (default 1000) and the window length in ms (default 60000). */
  setRateLimit(limit: number, windowMs: number): void;
  /** Every request: its URL and status, in order. */
  requests: Array<{ url: string; status: number; at: number; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** A System Log event as Okta returns it; the fields besides these are illustrative. */
export function oktaEvent(uuid: string, published: string, eventType = 'user.session.start', result = 'SUCCESS'): Record<string, unknown> {
  return {
    uuid,
    published,
    eventType,
    version: '0',
    severity: result === 'SUCCESS' ? 'INFO' : 'WARN',
    displayMessage: 'User login to Okta',
    actor: { id: '00u1a2b3c4D5e6F7g8h9', type: 'User', alternateId: 'jane.doe@example.com', displayName: 'Jane Doe' },
    client: { ipAddress: '198.51.100.71', userAgent: { rawUserAgent: 'Mozilla/5.0', os: 'Windows 10', browser: 'CHROME' } },
    outcome: { result, reason: result === 'SUCCESS' ? null : 'INVALID_CREDENTIALS' },
    target: [],
    transaction: { type: 'WEB', id: randomUUID() },
  };
}

function oktaError(res: ServerResponse, status: number, code: string, summary: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: `oae${randomUUID().slice(0, 20)}`,
    errorCauses: [],
  });
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

export async function startFakeOkta(token: string): Promise<FakeOkta> {
  const events: Array<Record<string, unknown>> = [];
  const requests: FakeOkta['requests'] = [];
  let limit = 1000;
  let windowMs = 60_000;
  let windowStart = Date.now();
  let used = 0;
  let base = '';

  const handle = (req: IncomingMessage, res: ServerResponse): number => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname !== '/api/v1/logs' || req.method !== 'GET') {
      oktaError(res, 404, 'E0000022', 'The endpoint does not support the provided HTTP method');
      return 404;
    }
    if (req.headers.authorization !== `SSWS ${token}`) {
      oktaError(res, 401, 'E0000011', 'Invalid token provided');
      return 401;
    }
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      used = 0;
    }
    const reset = Math.ceil((windowStart + windowMs) / 1000);
    const rate = (remaining: number) => ({
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(remaining),
      'x-rate-limit-reset': String(reset),
    });
    if (used >= limit) {
      oktaError(res, 429, 'E0000047', 'API call exceeded rate limit due to too many requests.', rate(0));
      return 429;
    }
    used++;
    const q = url.searchParams;
    const pageSize = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 100)));
    const since = q.get('since') ? Date.parse(q.get('since') as string) : now - 7 * 86_400_000;
    const until = q.get('until') ? Date.parse(q.get('until') as string) : Infinity;
    // `after` is opaque to clients: here, the uuid of the last event of the previous page.
    const after = q.get('after');
    let list = events.filter((e) => {
      const t = Date.parse(String(e.published));
      return t >= since && t < until;
    });
    if (after) {
      const i = list.findIndex((e) => e.uuid === after);
      list = i >= 0 ? list.slice(i + 1) : list;
    }
    const page = list.slice(0, pageSize);
    const last = page[page.length - 1];
    const self = url.toString();
    const links = [`<${self}>; rel="self"`];
    const polling = !q.get('until');
    if (polling || list.length > page.length) {
      const next = new URL(self);
      next.searchParams.set('after', last ? String(last.uuid) : (after ?? ''));
      if (!last && !after) next.searchParams.delete('after');
      links.push(`<${next.toString()}>; rel="next"`);
    }
    res.writeHead(200, { 'content-type': 'application/json', link: links.join(', '), ...rate(limit - used) });
    res.end(JSON.stringify(page));
    return 200;
  };

  const http = await listenLocal((req, res) => {
    const status = handle(req, res);
    requests.push({ url: req.url ?? '', status, at: Date.now(), authorization: req.headers.authorization });
  });
  base = http.base;
  return {
    url: base,
    requests,
    add: (...e) => void events.push(...e),
    setRateLimit(l, w) {
      limit = l;
      windowMs = w;
      windowStart = Date.now();
      used = 0;
    },
    close: () => http.close(),
  };
}
