import { VigilError } from '../../../core/errors/index.js';
import { httpExchange, type HttpExchange } from '../http.js';
import { selectPath } from '../jsonpath.js';
import type { ActionContext, ActionSpec } from '../types.js';
import { RateLimiter, sleep } from './limiter.js';
import { TokenCache } from './oauth.js';
import { render, type Scope } from './render.js';
import type { LibraryInput, LibrarySpec, RequestSpec } from './spec.js';

const tokens = new TokenCache();
const TIMEOUT = '30s';

/** Turns a checked library file into an action: the registry cannot tell it from a core one. */
export function toAction(spec: LibrarySpec): ActionSpec {
  const limiter = new RateLimiter(spec.rateLimit.requests, spec.rateLimit.perMs);
  const entries = Object.entries(spec.inputs);
  return {
    description: spec.description,
    args: {
      required: entries.filter(([, i]) => i.required).map(([k]) => k),
      optional: entries.filter(([, i]) => !i.required).map(([k]) => k),
    },
    inputs: spec.inputs,
    idempotent: spec.idempotent,
    run: async (args, ctx) => call(spec, limiter, checkInputs(spec, args), ctx),
  };
}

function checkInputs(spec: LibrarySpec, args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const reject = (why: string): never => {
    throw new VigilError('ACTION_REJECTED', `${spec.name}: ${why}`);
  };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(args)) if (!Object.hasOwn(spec.inputs, k)) reject(`no input "${k}"`);
  for (const [k, input] of Object.entries(spec.inputs)) {
    const v = args[k] ?? input.default;
    if (v === undefined || v === null) {
      if (input.required) reject(`${k} is required`);
      continue;
    }
    const why = typeProblem(v, input);
    if (why) reject(`${k} ${why}`);
    out[k] = v;
  }
  return out;
}

function typeProblem(v: unknown, input: LibraryInput): string | undefined {
  if (input.enum && !input.enum.includes(v)) return `must be one of ${input.enum.join(', ')}`;
  switch (input.type) {
    case 'string':
      return typeof v === 'string' && v !== '' ? undefined : 'must be a non-empty string';
    case 'url': {
      if (typeof v !== 'string') return 'must be a URL';
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || u.protocol === 'http:' ? undefined : 'must be an http(s) URL';
      } catch {
        return 'must be a URL';
      }
    }
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number';
    case 'integer':
      return Number.isInteger(v) ? undefined : 'must be an integer';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'array':
      return Array.isArray(v) ? undefined : 'must be a list';
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be a map';
    case 'any':
      return undefined;
  }
}

async function call(spec: LibrarySpec, limiter: RateLimiter, given: Record<string, unknown>, ctx: ActionContext): Promise<unknown> {
  let waits = 0;
  let refreshedToken = false;
  const lookup = spec.lookup;
  if (lookup && given[lookup.into] === undefined && given[lookup.from] === undefined)
    throw new VigilError('ACTION_REJECTED', `${spec.name}: ${lookup.into} or ${lookup.from} is required`);
  let inputs = given;
  for (;;) {
    await limiter.acquire(ctx.signal);
    const scope: Scope = { inputs, ...(ctx.idempotencyKey ? { idempotency_key: ctx.idempotencyKey } : {}) };
    const headers: Record<string, string> = {};
    const auth = spec.auth;
    if (auth?.type === 'basic') {
      const user = String(render(auth.username, scope) ?? '');
      const pass = String(render(auth.password, scope) ?? '');
      headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    }
    let tokenKey: [string, string] | undefined;
    if (auth?.type === 'oauth2_client_credentials') {
      tokenKey = [String(render(auth.token_url, scope)), String(render(auth.client_id, scope))];
      const scopeParam = auth.scope === undefined ? undefined : String(render(auth.scope, scope));
      scope.auth = { token: await tokens.token(tokenKey[0], tokenKey[1], String(render(auth.client_secret, scope)), scopeParam, ctx) };
      headers.authorization = `Bearer ${scope.auth.token}`;
    }
    let res: HttpExchange;
    if (lookup && inputs[lookup.into] === undefined) {
      res = await exchangeFollowing(spec, buildRequest(spec, lookup.request, scope, headers), ctx);
      // The lookup's own success is any 2xx; `response.success` describes the call.
      if (res.status >= 200 && res.status < 300) {
        const found = selectPath(lookup.select, { status: res.status, headers: res.headers, body: res.body });
        if (typeof found !== 'string' && typeof found !== 'number')
          throw new VigilError(
            'ACTION_REJECTED',
            `${spec.name}: no ${lookup.into} found for ${lookup.from} "${String(inputs[lookup.from])}"`,
          );
        // Found once, kept: a retry after a 429 below does not look it up again.
        inputs = { ...inputs, [lookup.into]: String(found) };
        continue;
      }
    } else res = await exchangeFollowing(spec, buildRequest(spec, spec.request, scope, headers), ctx);
    const verdict = classify(spec, res);
    if (verdict.outcome === 'ok' || verdict.outcome === 'already') return mapResult(spec, res, inputs, verdict.outcome === 'already');
    if (res.status === 401 && tokenKey && !refreshedToken) {
      // A cached token the server no longer takes (revoked, clock skew): one fresh token, then give up.
      tokens.forget(...tokenKey);
      refreshedToken = true;
      continue;
    }
    const retryAfterMs = verdict.outcome === 'retry' ? retryAfter(res, spec.response.retryAfterEpochHeader) : undefined;
    if (retryAfterMs !== undefined && retryAfterMs <= spec.rateLimit.maxWaitMs && waits < spec.rateLimit.retries) {
      waits += 1;
      await sleep(retryAfterMs, ctx.signal);
      continue;
    }
    const after = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
    throw new VigilError(verdict.outcome === 'retry' ? 'ACTION_FAILED' : 'ACTION_REJECTED', `${spec.name}: ${verdict.reason}${after}`);
  }
}

/**
 * Sends the request, following up to `follow_redirects` redirects of a GET. A redirect may not
 * leave https for http, and the credentials of the first host are not sent to another one.
 */
async function exchangeFollowing(spec: LibrarySpec, req: Record<string, unknown>, ctx: ActionContext): Promise<HttpExchange> {
  let current = req;
  for (let hops = 0; ; hops += 1) {
    const res = await httpExchange(current, { signal: ctx.signal, ...(ctx.network ? { network: ctx.network } : {}) });
    const location = res.headers.location;
    if (hops >= spec.request.followRedirects || ![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
    const from = new URL(current.url as string);
    const to = new URL(location, from);
    if (from.protocol === 'https:' && to.protocol !== 'https:') return res;
    const headers = { ...(current.headers as Record<string, string>) };
    if (to.origin !== from.origin) delete headers.authorization;
    current = { ...current, url: to.toString(), headers };
  }
}

function buildRequest(spec: LibrarySpec, r: RequestSpec, scope: Scope, authHeaders: Record<string, string>): Record<string, unknown> {
  // A value embedded in the URL is percent-encoded, so `../` or `?` in an input cannot change the
  // path or the query; a `url` input (the base) stands as given.
  const encodeInUrl = (v: string, expr: string) =>
    expr.split('??').every((n) => spec.inputs[n.trim().slice(7)]?.type === 'url') ? v : encodeURIComponent(v);
  const rendered = render(r.url, scope, encodeInUrl);
  if (typeof rendered !== 'string') throw new VigilError('ACTION_REJECTED', `${spec.name}: the request URL has no value`);
  const url = new URL(rendered);
  for (const [k, v] of Object.entries((render(r.query ?? {}, scope) ?? {}) as Record<string, unknown>)) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [k, v] of Object.entries((render(r.headers, scope) ?? {}) as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
  Object.assign(headers, authHeaders);
  if (spec.idempotencyHeader && scope.idempotency_key) headers[spec.idempotencyHeader.toLowerCase()] = scope.idempotency_key;
  let body: unknown;
  if (r.body !== undefined) {
    const b = render(r.body, scope);
    if (r.bodyFormat === 'form') {
      body = new URLSearchParams(Object.entries((b ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else body = b;
  }
  return { url: url.toString(), method: r.method, headers, ...(body === undefined ? {} : { body }), timeout: TIMEOUT };
}

type Verdict = { outcome: 'ok' } | { outcome: 'already' } | { outcome: 'retry' | 'reject'; reason: string };

function classify(spec: LibrarySpec, res: HttpExchange): Verdict {
  const r = spec.response;
  const statusOk = r.successStatuses ? r.successStatuses.includes(res.status) : res.status >= 200 && res.status < 300;
  const bodyOk = !r.successWhen || selectPath(r.successWhen.path, res.body) === r.successWhen.equals;
  if (statusOk && bodyOk) return { outcome: 'ok' };
  const code = r.errorCode ? selectPath(r.errorCode, res.body) : undefined;
  if (typeof code === 'string' && r.alreadyDoneCodes.has(code)) return { outcome: 'already' };
  const message = r.errorMessage ? selectPath(r.errorMessage, res.body) : undefined;
  const codeText = code === undefined || code === null ? '' : ` ${typeof code === 'string' ? code : JSON.stringify(code)}`;
  const detail =
    typeof message === 'string'
      ? message
      : message !== undefined && message !== null
        ? JSON.stringify(message)
        : codeText
          ? ''
          : res.snippet;
  const more = r.errorDetails ? [selectPath(r.errorDetails, res.body)].flat().filter((d) => typeof d === 'string' && d !== '') : [];
  const text = [detail, ...more].filter(Boolean).join('; ');
  const reason = `HTTP ${res.status}${codeText}${text ? `: ${text.slice(0, 300)}` : ''}`;
  const retry = r.retryStatuses.has(res.status) || (typeof code === 'string' && r.retryCodes.has(code));
  return { outcome: retry ? 'retry' : 'reject', reason };
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), else the vendor's epoch header. */
function retryAfter(res: HttpExchange, epochHeader: string | undefined): number | undefined {
  const v = res.headers['retry-after'];
  const epoch = epochHeader ? res.headers[epochHeader] : undefined;
  if (v === undefined) return epoch && /^\d+$/.test(epoch.trim()) ? Math.max(0, Number(epoch) * 1000 - Date.now()) : undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function mapResult(spec: LibrarySpec, res: HttpExchange, inputs: Record<string, unknown>, already: boolean): unknown {
  if (!spec.result) return { status: res.status, body: res.body, ...(already ? { already } : {}) };
  // Secret inputs are left out: a result is stored in Redis and the audit trail.
  const visible = Object.fromEntries(Object.entries(inputs).filter(([k]) => !spec.inputs[k]?.secret));
  const source = { status: res.status, headers: res.headers, body: res.body, inputs: visible, already };
  return Object.fromEntries(Object.entries(spec.result).map(([k, p]) => [k, selectPath(p, source) ?? null]));
}
