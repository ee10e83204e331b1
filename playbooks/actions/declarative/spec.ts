import { LineCounter } from 'yaml';
import { parseYamlDocument } from '../../../core/yaml/index.js';
import { VigilError } from '../../../core/errors/index.js';
import { parseDuration } from '../../duration.js';
import { checkPath, type SafePath } from '../jsonpath.js';
import type { ActionInput } from '../types.js';
import { templateProblems } from './render.js';

/**
 * The model of one action library file (`playbooks/actions/library/<name>.yml`): a vendor call
 * as data over `http.request`.
 *
 * ```yaml
 * name: slack.post_message              # the action's registry key; the file is <name>.yml
 * description: …
 * docs: https://…                       # the vendor's reference for this call
 * inputs:                               # the action's args, typed
 *   token: { type: string, required: true, secret: true }
 *   base_url: { type: url, default: "https://slack.com/api" }
 * auth:                                 # optional: basic, or oauth2_client_credentials
 * lookup:                               # optional: find an id the call needs from another input
 *   into: user_id                       # the input it fills when a step does not give it
 *   from: username                      # the input it searches by (one of the two is required)
 *   request: { method: GET, url, query, headers }
 *   select: $.body[0].id                # JSONPath over {status, headers, body}; nothing found → rejected
 * request: { method, url, query, headers, body, body_format: json | form }   # templates
 * idempotency: { idempotent: false, header: Idempotency-Key }
 * response:                             # the vendor's success and error rules
 *   success: { status: [200], path: $.ok, equals: true }
 *   error_code: $.error                 # where the vendor's error code is (body JSONPath)
 *   error_message: $.message
 *   error_details: $.errorCauses[*].errorSummary   # more of the vendor's reasons, appended
 *   retry_codes: [ratelimited]          # vendor codes worth retrying; other codes are rejected
 *   retry_statuses: [429, 500, 502, 503, 504]
 *   already_done_codes: [Code]          # vendor codes meaning "a request like this already stands": success
 * result: { ts: $.body.ts }             # JSONPath over {status, headers, body, inputs}
 * rate_limit: { requests: 1, per: 1s, max_wait: 30s, retries: 2 }
 * ```
 */
export interface LibrarySpec {
  name: string;
  description: string;
  docs: string;
  file: string;
  inputs: Readonly<Record<string, LibraryInput>>;
  auth: AuthSpec | undefined;
  lookup: LookupSpec | undefined;
  request: RequestSpec;
  idempotent: boolean;
  idempotencyHeader: string | undefined;
  response: ResponseSpec;
  result: Readonly<Record<string, SafePath>> | undefined;
  rateLimit: RateLimitSpec;
}

export interface LibraryInput extends ActionInput {
  default?: unknown;
  enum?: readonly unknown[];
}

export type AuthSpec =
  | { type: 'basic'; username: string; password: string }
  | { type: 'oauth2_client_credentials'; token_url: string; client_id: string; client_secret: string; scope?: string };

export interface RequestSpec {
  method: string;
  url: string;
  query: Record<string, unknown> | undefined;
  headers: Record<string, unknown>;
  body: unknown;
  bodyFormat: 'json' | 'form';
  /** How many redirects a GET follows (RDAP's bootstrap servers redirect to the registry). */
  followRedirects: number;
}

/**
 * A GET made first when the call needs an id that the step gave only by name (Keycloak's admin
 * API addresses users by id; a playbook knows the username).
 */
export interface LookupSpec {
  into: string;
  from: string;
  request: RequestSpec;
  select: SafePath;
}

export interface ResponseSpec {
  successStatuses: readonly number[] | undefined;
  successWhen: { path: SafePath; equals: unknown } | undefined;
  errorCode: SafePath | undefined;
  errorMessage: SafePath | undefined;
  /** Further reasons (Okta's `errorCauses`), appended to the message. */
  errorDetails: SafePath | undefined;
  retryCodes: ReadonlySet<string>;
  retryStatuses: ReadonlySet<number>;
  /**
   * Vendor error codes that mean the same request already stands (Defender's "Action is already
   * in progress"): the call succeeds, and `$.already` is true in the result mapping.
   */
  alreadyDoneCodes: ReadonlySet<string>;
  /** A vendor header holding the retry time in epoch seconds, read when Retry-After is absent. */
  retryAfterEpochHeader: string | undefined;
}

export interface RateLimitSpec {
  /** At most `requests` calls per `perMs` from this process. */
  requests: number;
  perMs: number;
  /** The longest Retry-After the action waits out itself before failing the attempt. */
  maxWaitMs: number;
  /** How many times it sends again after a Retry-After it waited out. */
  retries: number;
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'url', 'any']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const DEFAULT_RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const TOP = new Set([
  'name',
  'description',
  'docs',
  'inputs',
  'auth',
  'lookup',
  'request',
  'idempotency',
  'response',
  'result',
  'rate_limit',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses and checks one library file; every problem is reported together with its line. */
export function parseLibraryFile(text: string, file: string): LibrarySpec {
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter });
  const problems: Array<{ path: string; message: string }> = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  // The first few YAML errors are enough: the rest are usually the parser losing its way after them.
  for (const e of doc.errors.slice(0, 3)) report('', (e.message.split('\n')[0] ?? '').trim());
  if (doc.errors.length > 0) {
    throw new VigilError('ACTION_LIBRARY_INVALID', problems.map((p) => p.message).join('; '), {
      location: { file, line: doc.errors[0]?.linePos?.[0].line },
    });
  }
  const raw: unknown = doc.toJS();
  const top: Obj = isObj(raw) ? raw : (report('', 'a library file is a map'), {});
  for (const k of Object.keys(top)) if (!TOP.has(k)) report(k, `unknown field "${k}"`);

  const str = (o: Obj, k: string, at: string, required = true): string => {
    const v = o[k];
    if (typeof v === 'string' && v !== '') return v;
    if (v !== undefined || required) report(at, `${at} must be a non-empty string`);
    return '';
  };
  const path = (v: unknown, at: string): SafePath | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return void report(at, `${at} must be a JSONPath`);
    const p = checkPath(v);
    if (typeof p === 'string') return void report(at, `${at}: ${p}`);
    return p;
  };
  const numbers = (v: unknown, at: string): number[] | undefined => {
    if (v === undefined) return undefined;
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((n) => Number.isInteger(n) && n >= 100 && n <= 599)) return void report(at, `${at} must be HTTP statuses`);
    return list as number[];
  };

  const name = str(top, 'name', 'name');
  const description = str(top, 'description', 'description');
  if (name && !/^[a-z0-9_]+\.[a-z0-9_.]+$/.test(name)) report('name', 'name is vendor.action in lower case, e.g. slack.post_message');
  const expected = file
    .split(/[/\\]/)
    .at(-1)
    ?.replace(/\.ya?ml$/, '');
  if (name && expected !== name) report('name', `name "${name}" must match the file name (${expected}.yml)`);

  const inputs: Record<string, LibraryInput> = {};
  if (!isObj(top.inputs)) report('inputs', 'inputs must be a map of name → {type, required, default, …}');
  else {
    for (const [k, v] of Object.entries(top.inputs)) {
      const at = `inputs.${k}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(k)) report(at, `input name "${k}" must be lower_snake_case`);
      if (!isObj(v)) {
        report(at, `${at} must be a map`);
        continue;
      }
      for (const f of Object.keys(v))
        if (!['type', 'required', 'default', 'description', 'secret', 'enum'].includes(f)) report(`${at}.${f}`, `unknown field "${f}"`);
      const type = v.type ?? 'string';
      if (typeof type !== 'string' || !TYPES.has(type)) report(`${at}.type`, `type must be one of ${[...TYPES].join(', ')}`);
      if (v.enum !== undefined && !Array.isArray(v.enum)) report(`${at}.enum`, 'enum must be a list');
      if (v.required === true && v.default !== undefined) report(at, 'a required input takes no default');
      inputs[k] = {
        type: type as LibraryInput['type'],
        required: v.required === true,
        ...(typeof v.description === 'string' ? { description: v.description } : {}),
        ...(v.secret === true ? { secret: true } : {}),
        ...(v.default === undefined ? {} : { default: v.default }),
        ...(Array.isArray(v.enum) ? { enum: v.enum } : {}),
      };
    }
  }
  const names = new Set(Object.keys(inputs));

  let auth: AuthSpec | undefined;
  if (top.auth !== undefined) {
    const a = isObj(top.auth) ? top.auth : (report('auth', 'auth must be a map'), {});
    if (a.type === 'basic')
      auth = { type: 'basic', username: str(a, 'username', 'auth.username'), password: str(a, 'password', 'auth.password') };
    else if (a.type === 'oauth2_client_credentials') {
      auth = {
        type: 'oauth2_client_credentials',
        token_url: str(a, 'token_url', 'auth.token_url'),
        client_id: str(a, 'client_id', 'auth.client_id'),
        client_secret: str(a, 'client_secret', 'auth.client_secret'),
        ...(typeof a.scope === 'string' ? { scope: a.scope } : {}),
      };
    } else report('auth.type', 'auth.type is basic or oauth2_client_credentials');
    problems.push(...templateProblems(a, 'auth', names).map((m) => ({ path: 'auth', message: m })));
  }

  const r = isObj(top.request) ? top.request : (report('request', 'request must be a map'), {} as Obj);
  const method = str(r, 'method', 'request.method').toUpperCase();
  if (method && !METHODS.has(method)) report('request.method', `method must be one of ${[...METHODS].join(', ')}`);
  const url = str(r, 'url', 'request.url');
  if (url && !url.startsWith('${{ inputs.'))
    report('request.url', 'request.url starts with a url input (its base, so tests and on-prem hosts can change it)');
  for (const k of Object.keys(r))
    if (!['method', 'url', 'query', 'headers', 'body', 'body_format', 'follow_redirects'].includes(k))
      report(`request.${k}`, `unknown field "${k}"`);
  const followRedirects =
    r.follow_redirects === undefined
      ? 0
      : Number.isInteger(r.follow_redirects) && (r.follow_redirects as number) >= 0 && (r.follow_redirects as number) <= 5
        ? (r.follow_redirects as number)
        : (report('request.follow_redirects', 'follow_redirects is 0 to 5'), 0);
  if (followRedirects > 0 && method !== 'GET') report('request.follow_redirects', 'only a GET follows redirects');
  for (const k of ['query', 'headers'] as const)
    if (r[k] !== undefined && !isObj(r[k])) report(`request.${k}`, `request.${k} must be a map`);
  const bodyFormat = r.body_format ?? 'json';
  if (bodyFormat !== 'json' && bodyFormat !== 'form') report('request.body_format', 'body_format is json or form');
  problems.push(...templateProblems(r, 'request', names).map((m) => ({ path: 'request', message: m })));
  const request: RequestSpec = {
    method,
    url,
    query: isObj(r.query) ? r.query : undefined,
    headers: isObj(r.headers) ? r.headers : {},
    body: r.body,
    bodyFormat: bodyFormat as 'json' | 'form',
    followRedirects,
  };

  let lookup: LookupSpec | undefined;
  if (top.lookup !== undefined) {
    const l = isObj(top.lookup) ? top.lookup : (report('lookup', 'lookup must be a map'), {} as Obj);
    for (const k of Object.keys(l)) if (!['into', 'from', 'request', 'select'].includes(k)) report(`lookup.${k}`, `unknown field "${k}"`);
    const into = str(l, 'into', 'lookup.into');
    const from = str(l, 'from', 'lookup.from');
    for (const [k, v] of [
      ['into', into],
      ['from', from],
    ] as const) {
      if (v && !names.has(v)) report(`lookup.${k}`, `lookup.${k}: ${v} is not a declared input`);
      else if (v && inputs[v]?.required) report(`lookup.${k}`, `lookup.${k}: ${v} may not be required (a step gives one of the two)`);
    }
    const lr = isObj(l.request) ? l.request : (report('lookup.request', 'lookup.request must be a map'), {} as Obj);
    for (const k of Object.keys(lr))
      if (!['method', 'url', 'query', 'headers'].includes(k)) report(`lookup.request.${k}`, `unknown field "${k}"`);
    if ((lr.method ?? 'GET') !== 'GET') report('lookup.request.method', 'a lookup is a GET');
    const lurl = str(lr, 'url', 'lookup.request.url');
    if (lurl && !lurl.startsWith('${{ inputs.')) report('lookup.request.url', 'lookup.request.url starts with a url input');
    for (const k of ['query', 'headers'] as const)
      if (lr[k] !== undefined && !isObj(lr[k])) report(`lookup.request.${k}`, `lookup.request.${k} must be a map`);
    problems.push(...templateProblems(lr, 'lookup.request', names).map((m) => ({ path: 'lookup.request', message: m })));
    const select =
      typeof l.select === 'string'
        ? path(l.select, 'lookup.select')
        : (report('lookup.select', 'lookup.select must be a JSONPath'), undefined);
    if (into && from && select) {
      lookup = {
        into,
        from,
        select,
        request: {
          method: 'GET',
          url: lurl,
          query: isObj(lr.query) ? lr.query : undefined,
          headers: isObj(lr.headers) ? lr.headers : {},
          body: undefined,
          bodyFormat: 'json',
          followRedirects: 0,
        },
      };
    }
  }

  const idem =
    top.idempotency === undefined
      ? {}
      : isObj(top.idempotency)
        ? top.idempotency
        : (report('idempotency', 'idempotency must be a map'), {});
  if (typeof idem.idempotent !== 'boolean')
    report(
      'idempotency.idempotent',
      'idempotency.idempotent (true or false) is required: may a call whose outcome is unknown be sent again?',
    );
  const idempotencyHeader = str(idem, 'header', 'idempotency.header', false) || undefined;

  const res = top.response === undefined ? {} : isObj(top.response) ? top.response : (report('response', 'response must be a map'), {});
  const success = res.success === undefined ? {} : isObj(res.success) ? res.success : (report('response.success', 'must be a map'), {});
  const successPath = path(success.path, 'response.success.path');
  const retryCodes = res.retry_codes ?? [];
  if (!Array.isArray(retryCodes) || !retryCodes.every((c) => typeof c === 'string'))
    report('response.retry_codes', 'retry_codes must be a list of strings');
  const alreadyDoneCodes = res.already_done_codes ?? [];
  if (!Array.isArray(alreadyDoneCodes) || !alreadyDoneCodes.every((c) => typeof c === 'string'))
    report('response.already_done_codes', 'response.already_done_codes must be a list of strings');
  if (Array.isArray(alreadyDoneCodes) && alreadyDoneCodes.length > 0 && res.error_code === undefined)
    report('response.already_done_codes', 'response.already_done_codes needs response.error_code (where the code is)');
  const response: ResponseSpec = {
    successStatuses: numbers(success.status, 'response.success.status'),
    successWhen: successPath ? { path: successPath, equals: success.equals } : undefined,
    errorCode: path(res.error_code, 'response.error_code'),
    errorMessage: path(res.error_message, 'response.error_message'),
    errorDetails: path(res.error_details, 'response.error_details'),
    retryCodes: new Set(Array.isArray(retryCodes) ? (retryCodes as string[]) : []),
    retryStatuses: new Set(numbers(res.retry_statuses, 'response.retry_statuses') ?? DEFAULT_RETRY_STATUSES),
    alreadyDoneCodes: new Set(Array.isArray(alreadyDoneCodes) ? (alreadyDoneCodes as string[]) : []),
    retryAfterEpochHeader: str(res, 'retry_after_epoch_header', 'response.retry_after_epoch_header', false).toLowerCase() || undefined,
  };

  let result: Record<string, SafePath> | undefined;
  if (top.result !== undefined) {
    if (!isObj(top.result)) report('result', 'result must be a map of name → JSONPath');
    else {
      result = {};
      for (const [k, v] of Object.entries(top.result)) {
        const p = path(v, `result.${k}`);
        if (p) result[k] = p;
      }
    }
  }

  const rl =
    top.rate_limit === undefined ? {} : isObj(top.rate_limit) ? top.rate_limit : (report('rate_limit', 'rate_limit must be a map'), {});
  const dur = (v: unknown, at: string, fallback: number) => {
    if (v === undefined) return fallback;
    const ms = parseDuration(v);
    return ms === undefined || ms <= 0 ? (report(at, `${at} must be a duration`), fallback) : ms;
  };
  const int = (v: unknown, at: string, fallback: number, min: number) =>
    v === undefined
      ? fallback
      : Number.isInteger(v) && (v as number) >= min
        ? (v as number)
        : (report(at, `${at} must be an integer ≥ ${min}`), fallback);
  const rateLimit: RateLimitSpec = {
    requests: int(rl.requests, 'rate_limit.requests', 10, 1),
    perMs: dur(rl.per, 'rate_limit.per', 1000),
    maxWaitMs: dur(rl.max_wait, 'rate_limit.max_wait', 30_000),
    retries: int(rl.retries, 'rate_limit.retries', 2, 0),
  };

  if (problems.length > 0) {
    const lineOf = (p: string) => {
      const node = p ? doc.getIn(p.split('.'), true) : undefined;
      const offset = (node as { range?: [number] } | undefined)?.range?.[0];
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    };
    const first = problems[0] as { path: string };
    const line = lineOf(first.path);
    throw new VigilError(
      'ACTION_LIBRARY_INVALID',
      problems
        .map(
          (p) =>
            `${p.path && !p.message.startsWith(p.path) ? `${p.path}: ` : ''}${p.message}${lineOf(p.path) ? ` (line ${lineOf(p.path)})` : ''}`,
        )
        .join('; '),
      { location: { file, ...(line ? { line } : {}), path: first.path } },
    );
  }
  return {
    name,
    description,
    docs: typeof top.docs === 'string' ? top.docs : '',
    file,
    inputs,
    auth,
    lookup,
    request,
    idempotent: idem.idempotent === true,
    idempotencyHeader,
    response,
    result,
    rateLimit,
  };
}
