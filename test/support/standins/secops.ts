import { createVerify, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { LocalHttpServer } from '../local-http.js';

/**
 * Google's OAuth token URI and the Chronicle API import methods, as documented, on one loopback
 * port:
 *
 * - `POST /token` — the JWT bearer grant (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`,
 *   `assertion`): the RS256 signature is checked against the service account's public key, `iss`
 *   must be its email, `aud` this token URI, `exp` in the future and at most an hour after `iat`;
 *   otherwise 400 `invalid_grant` as Google words it.
 * - `POST /v1/projects/<p>/locations/<l>/instances/<i>/events:import` — `{"inlineSource":{"events":
 *   [{"udm":{…}}]}}`; every event must be valid or the whole request is refused (400
 *   INVALID_ARGUMENT naming the event): `metadata.event_timestamp` RFC 3339, a known
 *   `metadata.event_type` with its required nouns, IP addresses that parse.
 * - `POST /v1/projects/<p>/locations/<l>/instances/<i>/logTypes/<t>/logs:import` —
 *   `{"inlineSource":{"logs":[{"data","logEntryTime","collectionTime"}]}}`: base64 data of at most
 *   1 MB, collectionTime not before logEntryTime.
 * - 401 UNAUTHENTICATED without a valid token, 404 NOT_FOUND for another instance or an unknown
 *   log type, 413 (the front end's HTML page) over the request limit, 429 RESOURCE_EXHAUSTED with
 *   Retry-After when throttled. Errors carry Google's shape `{"error":{"code","message","status"}}`.
 *
 * `writeKeyFile` writes the service account key (JSON, as the console downloads it) whose
 * `token_uri` is this server; accepted events and logs are kept in `events` and `logs`.
 */
export interface SecopsStandInOptions {
  project: string;
  location: string;
  instance: string;
  logTypes?: string[];
  /** Request limit; default 1 MB. */
  maxBodyBytes?: number;
  tokenLifetimeSeconds?: number;
}

const EVENT_TYPES: Record<string, (udm: Udm) => string | undefined> = {
  GENERIC_EVENT: () => undefined,
  USER_LOGIN: (u) => (get(u, 'target.user.userid') === undefined ? 'USER_LOGIN requires target.user' : undefined),
  PROCESS_LAUNCH: (u) => (get(u, 'principal.process') === undefined ? 'PROCESS_LAUNCH requires principal.process' : undefined),
  FILE_CREATION: (u) => (get(u, 'target.file') === undefined ? 'FILE_CREATION requires target.file' : undefined),
  NETWORK_CONNECTION: (u) => machines(u, 'NETWORK_CONNECTION'),
  NETWORK_DNS: (u) => machines(u, 'NETWORK_DNS'),
  NETWORK_HTTP: (u) => machines(u, 'NETWORK_HTTP'),
  STATUS_UPDATE: () => undefined,
};

type Udm = Record<string, unknown>;
function get(o: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
}
function machines(u: Udm, type: string): string | undefined {
  const has = (noun: string) => get(u, `${noun}.ip`) !== undefined || get(u, `${noun}.hostname`) !== undefined;
  return has('principal') && has('target') ? undefined : `${type} requires a principal and a target machine (ip or hostname)`;
}

export class SecopsStandIn extends LocalHttpServer {
  readonly events: Udm[] = [];
  readonly logs: Array<{ logType: string; data: string; logEntryTime: string; collectionTime: string }> = [];
  readonly statuses: number[] = [];
  tokensIssued = 0;
  readonly clientEmail = `vigil-ingest@standin-${randomBytes(3).toString('hex')}.iam.gserviceaccount.com`;
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly keyId = randomBytes(20).toString('hex');
  private readonly tokens = new Map<string, number>();
  private throttled = 0;
  private retryAfter = '1';

  constructor(private readonly opts: SecopsStandInOptions) {
    super();
  }

  get tokenUri(): string {
    return `${this.base}/token`;
  }

  /** Writes the account's key file to `path`; `privateKey` overrides the key (a key the server does not know). */
  writeKeyFile(path: string, privateKey: KeyObject = this.keys.privateKey): void {
    writeFileSync(
      path,
      JSON.stringify({
        type: 'service_account',
        project_id: this.opts.project,
        private_key_id: this.keyId,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: this.clientEmail,
        client_id: '1234567890',
        token_uri: this.tokenUri,
      }),
    );
  }

  throttle(times: number, retryAfter = '1'): void {
    this.throttled = times;
    this.retryAfter = retryAfter;
  }

  protected answer(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.statuses.push(status);
      const text = typeof body === 'string';
      res.writeHead(status, { 'content-type': text ? 'text/html; charset=UTF-8' : 'application/json; charset=UTF-8', ...headers });
      res.end(text ? body : JSON.stringify(body));
    };
    const google = (code: number, status: string, message: string, headers?: Record<string, string>) =>
      send(code, { error: { code, message, status } }, headers);

    if (req.method === 'POST' && url.pathname === '/token') return this.token(new URLSearchParams(raw.toString('utf8')), send);

    const instance = `/v1/projects/${this.opts.project}/locations/${this.opts.location}/instances/`;
    const m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/instances\/([^/]+)\/(events:import|logTypes\/([^/]+)\/logs:import)$/.exec(
      url.pathname,
    );
    if (req.method !== 'POST' || !m) return google(404, 'NOT_FOUND', `Method not found: ${url.pathname}`);
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const expires = bearer ? this.tokens.get(bearer) : undefined;
    if (expires === undefined || expires < Date.now()) {
      return google(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    if (!url.pathname.startsWith(`${instance}${this.opts.instance}/`)) return google(404, 'NOT_FOUND', `Instance ${m[3]} not found.`);
    if (this.throttled > 0) {
      this.throttled--;
      return google(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for ingestion: burst limit reached.', { 'retry-after': this.retryAfter });
    }
    const limit = this.opts.maxBodyBytes ?? 1024 * 1024;
    if (raw.length > limit) {
      return send(
        413,
        '<!DOCTYPE html><title>Error 413 (Request Entity Too Large)!!1</title><p><b>413.</b> That’s an error.<p>Your client issued a request that was too large.',
      );
    }
    let body: { inlineSource?: { events?: unknown; logs?: unknown } };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      return google(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    if (m[4] === 'events:import') {
      const events = body.inlineSource?.events;
      if (!Array.isArray(events) || events.length === 0) return google(400, 'INVALID_ARGUMENT', 'inline_source.events is required.');
      for (const [i, e] of events.entries()) {
        const why = invalidEvent((e as { udm?: unknown })?.udm);
        if (why) return google(400, 'INVALID_ARGUMENT', `invalid event at index ${i}: ${why}`);
      }
      this.events.push(...events.map((e) => (e as { udm: Udm }).udm));
      return send(200, {});
    }
    const logType = decodeURIComponent(m[5] as string);
    if (!(this.opts.logTypes ?? []).includes(logType)) return google(404, 'NOT_FOUND', `Log type ${logType} not found.`);
    const logs = body.inlineSource?.logs;
    if (!Array.isArray(logs) || logs.length === 0) return google(400, 'INVALID_ARGUMENT', 'inline_source.logs is required.');
    for (const [i, l] of logs.entries()) {
      const why = invalidLog(l);
      if (why) return google(400, 'INVALID_ARGUMENT', `invalid log at index ${i}: ${why}`);
    }
    for (const l of logs as Array<{ data: string; logEntryTime: string; collectionTime: string }>) this.logs.push({ logType, ...l });
    return send(200, {});
  }

  private token(form: URLSearchParams, send: (status: number, body: unknown) => void): void {
    const grant = (description: string) => send(400, { error: 'invalid_grant', error_description: description });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return send(400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' });
    const [h, c, s] = (form.get('assertion') ?? '').split('.');
    if (!h || !c || !s) return grant('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as {
      iss?: string;
      aud?: string;
      iat?: number;
      exp?: number;
      scope?: string;
    };
    if (header.alg !== 'RS256') return grant('Invalid JWT: alg must be RS256.');
    if (claims.iss !== this.clientEmail) return grant('Invalid grant: account not found');
    const ok = createVerify('RSA-SHA256').update(`${h}.${c}`).verify(this.keys.publicKey, Buffer.from(s, 'base64url'));
    if (!ok) return grant('Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== this.tokenUri) return grant('Invalid JWT: Failed audience check.');
    if (
      typeof claims.iat !== 'number' ||
      typeof claims.exp !== 'number' ||
      claims.exp <= now ||
      claims.exp - claims.iat > 3600 ||
      claims.iat > now + 60
    )
      return grant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
    if (
      !(claims.scope ?? '')
        .split(' ')
        .some((x) => x === 'https://www.googleapis.com/auth/cloud-platform' || x === 'https://www.googleapis.com/auth/chronicle')
    )
      return send(400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' });
    const lifetime = this.opts.tokenLifetimeSeconds ?? 3599;
    const access = `ya29.${randomUUID()}`;
    this.tokens.set(access, Date.now() + lifetime * 1000);
    this.tokensIssued++;
    send(200, { access_token: access, expires_in: lifetime, token_type: 'Bearer' });
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function invalidEvent(udm: unknown): string | undefined {
  if (udm === null || typeof udm !== 'object') return 'udm is required';
  const ts = get(udm, 'metadata.event_timestamp');
  if (typeof ts !== 'string' || !RFC3339.test(ts)) return 'metadata.event_timestamp must be an RFC 3339 time';
  const type = get(udm, 'metadata.event_type');
  const check = typeof type === 'string' ? EVENT_TYPES[type] : undefined;
  if (!check) return `metadata.event_type ${String(type)} is not a valid event type`;
  const missing = check(udm as Udm);
  if (missing) return missing;
  for (const noun of ['principal', 'target', 'src', 'observer']) {
    const ips = get(udm, `${noun}.ip`);
    if (ips === undefined) continue;
    if (!Array.isArray(ips)) return `${noun}.ip must be a list`;
    const bad = ips.find((ip) => typeof ip !== 'string' || isIP(ip) === 0);
    if (bad !== undefined) return `${noun}.ip: invalid IP address "${String(bad)}"`;
  }
  return undefined;
}

function invalidLog(l: unknown): string | undefined {
  const log = l as { data?: unknown; logEntryTime?: unknown; collectionTime?: unknown };
  if (typeof log?.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(log.data)) return 'data must be base64';
  if (Buffer.from(log.data, 'base64').length > 1024 * 1024) return 'log entry exceeds the maximum size of 1 MB';
  const entry = typeof log.logEntryTime === 'string' && RFC3339.test(log.logEntryTime) ? Date.parse(log.logEntryTime) : NaN;
  const collected = typeof log.collectionTime === 'string' && RFC3339.test(log.collectionTime) ? Date.parse(log.collectionTime) : NaN;
  if (!Number.isFinite(entry)) return 'log_entry_time is required';
  if (!Number.isFinite(collected)) return 'collection_time is required';
  if (collected < entry) return 'collection_time must be after log_entry_time';
  return undefined;
}
