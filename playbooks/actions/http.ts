import { request } from 'undici';
import { VigilError, isVigilError } from '../../core/errors/index.js';
import { parseDuration } from '../duration.js';
import { sharedDispatcher } from './net/pool.js';
import type { ActionContext, ActionSpec } from './types.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Default `timeout` for the whole exchange (headers and body). */
const DEFAULT_TIMEOUT_MS = 10_000;
/** At most this much of a response is read; the rest is discarded. */
const MAX_BODY_BYTES = 1024 * 1024;
/** A non-JSON response body is kept up to this many characters in the result. */
const MAX_TEXT_CHARS = 4096;
/** How far past a cut a secret's forms are looked for: longer than any credential's base64. */
const SECRET_ROOM_CHARS = 16 * 1024;
/** How much of a refused response's body goes into the error message. */
const ERROR_SNIPPET_CHARS = 200;

/** The result of `http.request`, available to later steps as `$.steps.<ref>.status` / `.body`. */
export interface HttpResult {
  status: number;
  /** Parsed JSON when the response says it is JSON, else the text (truncated). */
  body: unknown;
}

interface HttpArgs {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  expect: (status: number) => boolean;
}

/**
 * `http.request`: one HTTP call with undici. Args: `url` (http or https), `method` (default
 * POST), `headers`, `body` (a string as is, anything else as JSON), `timeout` (default 10s),
 * `expect_status` (a status or a list; default any 2xx). 5xx, 408, 429, timeouts and network
 * errors are ACTION_FAILED (retried); any other unexpected status is ACTION_REJECTED.
 * Error messages never carry the URL, which is often a secret (webhook tokens live in it).
 */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export const httpRequest: ActionSpec = {
  description: 'Sends one HTTP request and returns {status, body}',
  args: { required: ['url'], optional: ['method', 'headers', 'body', 'timeout', 'expect_status', 'idempotent'] },
  // RFC 9110 §9.2.2 idempotent methods, or `idempotent: true` where the playbook knows the
  // target dedups by the Idempotency-Key header: only then is a call cut short by a crash sent again.
  idempotentFor: (args) =>
    args.idempotent === true || (args.idempotent === undefined && IDEMPOTENT_METHODS.has(String(args.method ?? 'POST').toUpperCase())),
  run: async (args, ctx) => send(checkArgs(args), ctx),
};

/** One exchange whatever its status: what library actions classify with their vendor's rules. */
export interface HttpExchange extends HttpResult {
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** The start of the raw body, for error messages. */
  snippet: string;
}

/**
 * Sends one request with `http.request`'s args and rules (URL checks, timeout, size limit)
 * and returns the answer whatever its status; network errors and timeouts are ACTION_FAILED.
 */
export async function httpExchange(args: Readonly<Record<string, unknown>>, ctx: ActionContext): Promise<HttpExchange> {
  return exchange(checkArgs(args), ctx);
}

async function exchange(a: HttpArgs, ctx: ActionContext): Promise<HttpExchange> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(a.timeoutMs)]);
  // Every connection goes to an address the step's network policy allows (playbooks/README.md,
  // "Network"); connections are kept alive for the next call under the same policy.
  const dispatcher = sharedDispatcher(ctx.network);
  try {
    const res = await request(a.url, { method: a.method, headers: a.headers, body: a.body, signal, dispatcher });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const read = await readLimited(res.body);
    // undici takes an idle kept-alive socket back only after one turn of the event loop (it first
    // checks that the server did not close it meanwhile); a call made before that, such as a
    // library action's request right after its token or lookup call, would open another connection.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const body = decodeBody(read, headers['content-type'] ?? '', ctx.redact);
    return { status: res.statusCode, headers, body, snippet: cutText(read.text, ERROR_SNIPPET_CHARS, ctx.redact) };
  } catch (err) {
    if (isVigilError(err, 'ACTION_ADDRESS_REFUSED')) throw err;
    const why = signal.aborted ? `timed out or aborted (${a.timeoutMs} ms limit)` : describe(err);
    throw new VigilError('ACTION_FAILED', `http.request ${a.method}: ${why}`, { cause: err });
  }
}

async function send(a: HttpArgs, ctx: ActionContext): Promise<HttpResult> {
  // The IETF draft's header (draft-ietf-httpapi-idempotency-key-header), unless the playbook set it.
  const key = ctx.idempotencyKey;
  const headers = key && !a.headers['idempotency-key'] ? { ...a.headers, 'idempotency-key': key } : a.headers;
  const { status, body, snippet } = await exchange({ ...a, headers }, ctx);
  if (a.expect(status)) return { status, body };
  const message = `http.request ${a.method}: unexpected HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  const retriable = status >= 500 || status === 429 || status === 408;
  throw new VigilError(retriable ? 'ACTION_FAILED' : 'ACTION_REJECTED', message);
}

function checkArgs(args: Readonly<Record<string, unknown>>): HttpArgs {
  const reject = (why: string): never => {
    throw new VigilError('ACTION_REJECTED', `http.request: ${why}`);
  };
  const { url, method = 'POST', headers = {}, body, timeout, expect_status: expectStatus } = args;
  if (typeof url !== 'string') return reject('url must be a string');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return reject('url is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') reject('url must be http or https');
  if (typeof method !== 'string' || !METHODS.has(method.toUpperCase())) reject(`method must be one of ${[...METHODS].join(', ')}`);
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return reject('headers must be a map');
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (typeof v !== 'string' && typeof v !== 'number') reject(`header ${k} must be a string`);
    outHeaders[k.toLowerCase()] = String(v);
  }
  let outBody: string | undefined;
  if (typeof body === 'string') outBody = body;
  else if (body !== undefined) {
    outBody = JSON.stringify(body);
    outHeaders['content-type'] ??= 'application/json';
  }
  const timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) return reject('timeout must be a duration such as 10s');
  const statuses = expectStatus === undefined ? undefined : Array.isArray(expectStatus) ? expectStatus : [expectStatus];
  if (statuses && !statuses.every((s) => Number.isInteger(s))) reject('expect_status must be a status or a list of them');
  const expect = statuses ? (s: number) => statuses.includes(s) : (s: number) => s >= 200 && s < 300;
  return { url, method: (method as string).toUpperCase(), headers: outHeaders, body: outBody, timeoutMs, expect };
}

async function readLimited(body: AsyncIterable<Buffer>): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early destroys the stream, which releases the connection.
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { text: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'), truncated: true };
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/**
 * The first `limit` characters of `text`, secrets redacted before the cut (see ActionContext.redact);
 * only the part that can reach the cut is scanned, with room for the longest secret past it.
 */
function cutText(text: string, limit: number, redact: ((text: string) => string) | undefined): string {
  if (text.length <= limit) return text;
  const head = text.slice(0, limit + SECRET_ROOM_CHARS);
  return (redact ? redact(head) : head).slice(0, limit);
}

function decodeBody(read: { text: string; truncated: boolean }, contentType: string, redact?: (text: string) => string): unknown {
  if (!read.truncated && /[/+]json\b/i.test(contentType) && read.text !== '') {
    try {
      return JSON.parse(read.text) as unknown;
    } catch {
      // Not JSON after all: kept as text below.
    }
  }
  const cut = read.truncated || read.text.length > MAX_TEXT_CHARS;
  return cut ? `${cutText(read.text, MAX_TEXT_CHARS, redact)}…[truncated]` : read.text;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
