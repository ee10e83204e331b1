import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalHttpServer } from './local-http.js';

/** One request a stand-in saw, with its body parsed as JSON or form when it is one. */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route: method and a path pattern (`:name` segments) to a handler of the parsed request. */
export type Route = [method: string, pattern: string, handle: (req: Seen, params: Record<string, string>) => Reply];

/**
 * A local server that plays one vendor's documented API surface for the library actions' tests.
 * `throttle(n, retryAfter)` makes the next n requests answer the vendor's 429 (`rateLimited`)
 * with a Retry-After header; everything a stand-in answers comes from its own file.
 */
export class StandIn extends LocalHttpServer {
  readonly seen: Seen[] = [];
  private throttled = 0;
  private retryAfter = '1';

  constructor(
    private readonly routes: Route[],
    private readonly rateLimited: Reply = { status: 429, body: { message: 'rate limited' } },
  ) {
    super();
  }

  throttle(times: number, retryAfter = '1'): void {
    this.throttled = times;
    this.retryAfter = retryAfter;
  }

  protected answer(req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://standin');
    const type = String(req.headers['content-type'] ?? '');
    let body: unknown = raw;
    if (type.includes('json') && raw) body = JSON.parse(raw) as unknown;
    else if (type.includes('x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw));
    const seen: Seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    this.seen.push(seen);
    let reply: Reply = { status: 404, body: { message: 'no such route' } };
    if (this.throttled > 0) {
      this.throttled -= 1;
      reply = { ...this.rateLimited, headers: { 'retry-after': this.retryAfter, ...this.rateLimited.headers } };
    } else {
      for (const [method, pattern, handle] of this.routes) {
        const params = match(pattern, url.pathname);
        if (method === req.method && params) {
          reply = handle(seen, params);
          break;
        }
      }
    }
    const isText = typeof reply.body === 'string';
    res.writeHead(reply.status, { 'content-type': isText ? 'text/plain' : 'application/json', ...reply.headers });
    res.end(reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body));
  }
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] as string;
    const g = decodeURIComponent(got[i] as string);
    if (w.startsWith(':')) params[w.slice(1)] = g;
    else if (w !== g) return undefined;
  }
  return params;
}

/** The Basic credentials of a request, or undefined. */
export function basicAuth(req: Seen): { user: string; pass: string } | undefined {
  const h = String(req.headers.authorization ?? '');
  if (!h.startsWith('Basic ')) return undefined;
  const [user = '', ...rest] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
  return { user, pass: rest.join(':') };
}
