import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isLoopback } from '../core/config/api.js';
import type { ApiConfig } from '../core/config/types.js';
import { VigilError, isVigilError, type ErrorCode } from '../core/errors/index.js';
import { logger, metrics, type Logger } from '../core/telemetry/index.js';
import { TokenTable, allows, type Caller } from './auth.js';
import { isConsolePath, loadConsole, serveConsole } from './console/serve.js';
import { openApiDocument } from './openapi.js';
import { ROUTES, RequestInvalid, type ApiDeps, type Route } from './routes.js';
import { check, type FieldIssue } from './schema.js';

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  API_REQUEST_INVALID: 400,
  API_UNAUTHENTICATED: 401,
  API_FORBIDDEN: 403,
  API_NOT_FOUND: 404,
  PLAYBOOK_RUN_MISSING: 404,
  API_CONFLICT: 409,
  PLAYBOOK_RUN_STATE: 409,
  API_BODY_TOO_LARGE: 413,
  API_NOT_SUPPORTED: 501,
};

export interface RunningApi {
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  config: ApiConfig;
  deps: ApiDeps;
  /** Shown as the document's `info.version`. */
  version?: string;
  log?: Logger;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`)
    .replace(/\\\{(\w+)\\\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** The document route: it lists itself, so it is built from the table it belongs to. */
function withDocument(version: string): Route[] {
  const doc: Route = {
    operationId: 'openApiDocument',
    method: 'GET',
    path: '/api/openapi.json',
    tag: 'meta',
    role: 'viewer',
    summary: 'This OpenAPI 3.1 document.',
    responses: { 200: 'The document.' },
    handle: async () => ({ status: 200, body: document }),
  };
  const all = [...ROUTES, doc];
  const document = openApiDocument(all, version);
  return all;
}

/** Reads the body up to `max` bytes; API_BODY_TOO_LARGE as soon as it would exceed it. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    return Promise.reject(new VigilError('API_BODY_TOO_LARGE', `the body is ${declared} bytes; at most ${max} are accepted`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        reject(new VigilError('API_BODY_TOO_LARGE', `the body exceeds ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonBody(raw: Buffer, req: IncomingMessage): unknown {
  if (raw.length === 0) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) throw new RequestInvalid([{ field: '(body)', message: 'must be sent as application/json' }]);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new RequestInvalid([{ field: '(body)', message: `is not valid JSON: ${(err as Error).message}` }]);
  }
}

function pathParams(names: readonly string[], m: RegExpExecArray): Record<string, string> {
  try {
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] as string)]));
  } catch {
    throw new RequestInvalid([{ field: names.join(', '), message: 'has a malformed %-escape in the path' }]);
  }
}

function send(res: ServerResponse, status: number, body: unknown, close = false, basic = false): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(status === 401 ? { 'www-authenticate': basic ? 'Bearer, Basic realm="vigil", charset="UTF-8"' : 'Bearer' } : {}),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/**
 * The responder API over HTTP(S). Every request is authenticated first (before its body is
 * read), then matched to a route, checked against the route's role, and its query and body
 * validated against the route's schemas; the handler runs only on a valid request. Paths outside
 * `/api/` are the console's static pages (`console/`), which need no token.
 */
export async function startApiServer(opts: ApiServerOptions): Promise<RunningApi> {
  const { config, deps } = opts;
  const log = opts.log ?? logger('api');
  const tokens = new TokenTable(config.tokens);
  // The config check says the same; this guards a config built in code.
  if (!isLoopback(config.host) && tokens.size === 0) {
    throw new VigilError('CONFIG_INSECURE', `the API would listen on ${config.host}, beyond this machine, with no tokens configured`);
  }
  const routes = withDocument(opts.version ?? '0').map(compile);
  const consoleFiles = loadConsole();

  const labels = { kind: 'api', id: 'responder-api' } as const;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    if (isConsolePath(url.pathname)) return serveConsole(consoleFiles, req, res, url.pathname);
    let caller: Caller | undefined;
    let basic = false;
    metrics.received.inc(labels);
    const timer = metrics.latency.startTimer(labels);
    try {
      const matches = routes.flatMap((c) => {
        const m = c.pattern.exec(url.pathname);
        return m ? [{ c, m }] : [];
      });
      basic = matches.some(({ c }) => c.route.basicAuth);
      caller = tokens.authenticate(req.headers, { basic });
      if (matches.length === 0) throw new VigilError('API_NOT_FOUND', `no route ${url.pathname}`);
      const hit = matches.find(({ c }) => c.route.method === req.method);
      if (!hit) {
        res.setHeader('allow', matches.map(({ c }) => c.route.method).join(', '));
        return send(res, 405, { error: { code: 'API_NOT_FOUND', message: `${req.method} is not allowed on ${url.pathname}` } });
      }
      const { route } = hit.c;
      if (!allows(caller.role, route.role)) {
        throw new VigilError('API_FORBIDDEN', `${route.operationId} needs the ${route.role} role; ${caller.name} is ${caller.role}`);
      }
      const params = pathParams(hit.c.names, hit.m);
      const issues: FieldIssue[] = [];
      const query = route.query
        ? (check(route.query, Object.fromEntries(url.searchParams), '', issues, true) as Record<string, unknown>)
        : {};
      if (!route.query && [...url.searchParams.keys()].length > 0) {
        issues.push({ field: [...url.searchParams.keys()][0] as string, message: 'is not a known query parameter' });
      }
      let body: Record<string, unknown> = {};
      if (route.method === 'POST') {
        const raw = parseJsonBody(await readBody(req, config.maxBodyBytes), req);
        body = route.body ? ((check(route.body, raw, '', issues) as Record<string, unknown> | undefined) ?? {}) : {};
      }
      if (issues.length > 0) throw new RequestInvalid(issues);
      const out = await route.handle({ params, query, body, caller }, deps);
      if (out.contentType) sendText(res, out.status, String(out.body), out.contentType);
      else send(res, out.status, out.body);
      metrics.sent.inc(labels);
    } catch (err) {
      const code = isVigilError(err) ? err.code : undefined;
      const status = (code && STATUS_OF[code]) ?? 500;
      metrics.errors.inc({ ...labels, code: code ?? 'INTERNAL' });
      if (status === 500) {
        log.error({ err: String(err), path: url.pathname, caller: caller?.name }, 'API request failed');
        return send(res, 500, { error: { code: code ?? 'INTERNAL', message: 'the request failed; see the server log' } });
      }
      const e = err as VigilError;
      const fields = err instanceof RequestInvalid ? { fields: err.issues } : {};
      // A body left unread would be taken for the next request on a kept-alive connection.
      send(res, status, { error: { code: e.code, message: e.message, ...fields } }, status === 413 || req.readableEnded === false, basic);
    } finally {
      timer();
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = config.tls
    ? createHttpsServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, listener)
    : createHttpServer(listener);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  log.info({ url, tokens: tokens.size }, 'responder API listening');
  return {
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
