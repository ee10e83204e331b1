/**
 * Serves the responder console: the static pages under `static/`, read into memory once when the
 * API starts, so that only the files listed there can ever be answered (a request naming any
 * other path, `..` and encoded separators included, is a 404 without touching the disk).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the console lives in the API's URL space; `/` redirects here. */
export const CONSOLE_PREFIX = '/console/';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * On every console response. The pages load nothing but their own files, run no inline script
 * and, through Trusted Types, cannot assign a string to `innerHTML` and its kin at all, so a value
 * from event data can only ever reach the page as text. No page may frame them (clickjacking),
 * and no URL leaks to another site through the Referer.
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Revalidated each time (cheap: an ETag 304), so a new version of Vigil is never half-cached.
  'cache-control': 'no-cache',
};

interface ConsoleFile {
  body: Buffer;
  type: string;
  etag: string;
}

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The console's files by URL path (`/console/app.js`), from `dir`. */
export function loadConsole(dir = STATIC_DIR): ReadonlyMap<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  for (const path of walk(dir)) {
    const type = TYPES[extname(path)];
    if (!type) continue;
    const body = readFileSync(path);
    const url = CONSOLE_PREFIX + relative(dir, path).split(sep).join('/');
    files.set(url, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  const index = files.get(`${CONSOLE_PREFIX}index.html`);
  if (index) files.set(CONSOLE_PREFIX, index);
  return files;
}

/** True for a path the console answers rather than the API: everything outside `/api/`. */
export function isConsolePath(pathname: string): boolean {
  return pathname !== '/api' && !pathname.startsWith('/api/');
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...CONSOLE_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

/**
 * Answers one console request: GET or HEAD of a listed file (304 when the browser has it), a
 * redirect from `/` and `/console`, 404 for anything else, 405 for other methods. Needs no token:
 * the pages hold no data; every datum comes from the API, which asks for the token.
 */
export function serveConsole(files: ReadonlyMap<string, ConsoleFile>, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
  if (pathname === '/' || pathname === '/console') return plain(res, 302, `see ${CONSOLE_PREFIX}\n`, { location: CONSOLE_PREFIX });
  const file = files.get(pathname);
  if (!file) return plain(res, 404, 'not found\n');
  const headers = { ...CONSOLE_HEADERS, 'content-type': file.type, etag: file.etag };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}
