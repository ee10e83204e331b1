import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { LocalHttpServer } from '../local-http.js';

/**
 * Microsoft Entra's token endpoint and the Azure Monitor Logs Ingestion API, as documented, on
 * one loopback port (set it as both the sink's `authorityHost` and `endpoint`):
 *
 * - `POST /<tenant>/oauth2/v2.0/token` — client credentials grant, form body (`client_id`,
 *   `client_secret`, `scope`, `grant_type`); `{token_type, expires_in, access_token}`; an unknown
 *   tenant is 400 `invalid_request` (AADSTS90002), a wrong client or secret 401 `invalid_client`
 *   (AADSTS7000215), a scope other than `https://monitor.azure.com//.default` 400 `invalid_scope`.
 * - `POST /dataCollectionRules/<dcr-immutable-id>/streams/<stream>?api-version=2023-01-01` — a JSON
 *   array of objects, optionally `Content-Encoding: gzip`, `Authorization: Bearer`; 204 when
 *   accepted; 401 for a missing, unknown or expired token; 404 for an unknown rule; 400 for an
 *   unknown stream, a wrong api-version or a body that is not an array of objects; 413 when the
 *   body (decompressed) is over the 1 MB limit; 429 with Retry-After when throttled. Errors carry
 *   Azure's shape, `{"error":{"code","message"}}`.
 *
 * What was accepted is kept in `rows`, per stream.
 */
export interface SentinelStandInOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  dcrImmutableId: string;
  stream: string;
  /** Seconds a token lives. Default 3599. */
  tokenLifetimeSeconds?: number;
  /** The API's call limit; default the documented 1 MB. Tests lower it so as not to move megabytes. */
  maxBodyBytes?: number;
}

export interface SentinelRequest {
  path: string;
  status: number;
  gzip: boolean;
  rows: number;
}

export class SentinelStandIn extends LocalHttpServer {
  readonly rows: Record<string, unknown>[] = [];
  readonly requests: SentinelRequest[] = [];
  tokensIssued = 0;
  private readonly tokens = new Map<string, number>();
  private throttled = 0;
  private retryAfter = '1';

  constructor(private readonly opts: SentinelStandInOptions) {
    super();
  }

  /** The next `times` ingestion calls answer 429 with `Retry-After: retryAfter`. */
  throttle(times: number, retryAfter = '1'): void {
    this.throttled = times;
    this.retryAfter = retryAfter;
  }

  /** Every token issued so far stops being valid (as when a secret is rotated). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  protected answer(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const azure = (status: number, code: string, message: string, headers?: Record<string, string>) =>
      send(status, { error: { code, message } }, headers);

    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (req.method === 'POST' && token) {
      const form = new URLSearchParams(raw.toString('utf8'));
      const aad = (status: number, error: string, code: number, description: string) =>
        send(status, { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code] });
      if (decodeURIComponent(token[1] as string) !== this.opts.tenantId)
        return aad(400, 'invalid_request', 90002, `Tenant '${token[1]}' not found.`);
      if (form.get('grant_type') !== 'client_credentials')
        return aad(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      if (form.get('client_id') !== this.opts.clientId)
        return aad(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${form.get('client_id')}' was not found in the directory.`,
        );
      if (form.get('client_secret') !== this.opts.clientSecret)
        return aad(
          401,
          'invalid_client',
          7000215,
          'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.',
        );
      if (form.get('scope') !== 'https://monitor.azure.com//.default')
        return aad(400, 'invalid_scope', 70011, `The provided value for scope ${form.get('scope')} is not valid.`);
      const lifetime = this.opts.tokenLifetimeSeconds ?? 3599;
      const access = randomBytes(24).toString('base64url');
      this.tokens.set(access, Date.now() + lifetime * 1000);
      this.tokensIssued++;
      return send(200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: access });
    }

    const ingest = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !ingest) return azure(404, 'NotFound', `No route for ${req.method} ${url.pathname}`);
    const gzip = String(req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
    const record = (status: number, rows = 0) => this.requests.push({ path: url.pathname, status, gzip, rows });

    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const expires = bearer ? this.tokens.get(bearer) : undefined;
    if (expires === undefined || expires < Date.now()) {
      record(401);
      return azure(401, 'InvalidToken', 'The provided access token is invalid or expired.');
    }
    if (url.searchParams.get('api-version') !== '2023-01-01') {
      record(400);
      return azure(400, 'InvalidApiVersion', `The api-version '${url.searchParams.get('api-version')}' is not supported.`);
    }
    if (decodeURIComponent(ingest[1] as string) !== this.opts.dcrImmutableId) {
      record(404);
      return azure(404, 'NotFound', `Data collection rule with immutable Id '${ingest[1]}' not found.`);
    }
    if (decodeURIComponent(ingest[2] as string) !== this.opts.stream) {
      record(400);
      return azure(400, 'InvalidStream', `Stream '${ingest[2]}' is not declared in the data collection rule.`);
    }
    if (this.throttled > 0) {
      this.throttled--;
      record(429);
      return azure(429, 'TooManyRequests', 'Request rate is too high; retry after the given delay.', { 'retry-after': this.retryAfter });
    }
    let body: Buffer;
    try {
      body = gzip ? gunzipSync(raw) : raw;
    } catch {
      record(400);
      return azure(400, 'InvalidContentEncoding', 'The body is not valid gzip.');
    }
    const limit = this.opts.maxBodyBytes ?? 1024 * 1024;
    if (body.length > limit) {
      record(413);
      return azure(
        413,
        'ContentLengthLimitExceeded',
        `Maximum allowed content length: ${limit} bytes. Provided content length: ${body.length} bytes.`,
      );
    }
    let rows: unknown;
    try {
      rows = JSON.parse(body.toString('utf8'));
    } catch {
      record(400);
      return azure(400, 'InvalidContent', 'The request body is not valid JSON.');
    }
    if (!Array.isArray(rows) || rows.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
      record(400);
      return azure(400, 'InvalidContent', 'The request body must be a JSON array of objects.');
    }
    this.rows.push(...(rows as Record<string, unknown>[]));
    record(204, rows.length);
    return send(204);
  }
}
