import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { VigilError } from '../../core/errors/index.js';
import { retryAfterMs, type PostOutcome } from '../runner/chunked-post.js';
import { TokenCache, type IssuedToken } from '../runner/token-cache.js';
import type { SentinelSinkConfig } from './config.js';

const gzip = promisify(gzipCb);
/** The Logs Ingestion API version this sink speaks. */
export const LOGS_INGESTION_API_VERSION = '2023-01-01';
const TOKEN_TIMEOUT_MS = 15_000;

/** Azure error codes of a 400 that is about the call's settings rather than its rows. */
const SETTINGS_ERRORS = /^Invalid(Stream|ApiVersion|DataCollectionRule|DcrImmutableId|ContentEncoding)/i;

function azureCode(text: string): string {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}

/** `{"error":{"code","message"}}` (Azure's error shape) or an Entra `error_description`, for a reason. */
function azureError(text: string): string {
  try {
    const b = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (b.error && typeof b.error === 'object') {
      const e = b.error as { code?: unknown; message?: unknown };
      return ` ${String(e.code ?? '')}: ${String(e.message ?? '')}`.trimEnd();
    }
    if (typeof b.error === 'string') return ` ${b.error}${typeof b.error_description === 'string' ? `: ${b.error_description}` : ''}`;
  } catch {
    // Not JSON: the status alone says it.
  }
  return text ? ` ${text.slice(0, 200)}` : '';
}

/**
 * A client-credentials token from Microsoft Entra (`<authority>/<tenant>/oauth2/v2.0/token`).
 * A refusal (400/401: unknown tenant, client or secret) is SINK_CONFIG, not retriable: the same
 * credentials will not pass later.
 */
export async function fetchEntraToken(sink: SentinelSinkConfig, signal?: AbortSignal): Promise<IssuedToken> {
  const url = `${sink.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(sink.tenantId)}/oauth2/v2.0/token`;
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: sink.clientId,
    client_secret: sink.clientSecret,
    scope: sink.scope,
  });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TOKEN_TIMEOUT_MS)]) : AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (err) {
    throw new VigilError('SINK_RETRY', `sentinel sink ${sink.id}: the token endpoint ${url} cannot be reached: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const text = await res.text();
  if (!res.ok) {
    const refused = res.status === 400 || res.status === 401 || res.status === 403;
    throw new VigilError(
      refused ? 'SINK_CONFIG' : 'SINK_RETRY',
      `sentinel sink ${sink.id}: the token endpoint refused client ${sink.clientId} of tenant ${sink.tenantId}: HTTP ${res.status}${azureError(text)}`,
      { location: { path: `sinks[${sink.id}].clientSecret` } },
    );
  }
  const parsed = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown };
  if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
    throw new VigilError('SINK_RETRY', `sentinel sink ${sink.id}: the token endpoint answered without an access_token`);
  }
  const expires = Number(parsed.expires_in);
  return { token: parsed.access_token, ...(Number.isFinite(expires) ? { expiresInSeconds: expires } : {}) };
}

/** Posts one JSON array to the rule's stream and classifies the answer. */
export function sentinelPoster(sink: SentinelSinkConfig, tokens: TokenCache) {
  const url =
    `${sink.endpoint.replace(/\/+$/, '')}/dataCollectionRules/${encodeURIComponent(sink.dcrImmutableId)}` +
    `/streams/${encodeURIComponent(sink.stream)}?api-version=${LOGS_INGESTION_API_VERSION}`;
  return async (rows: readonly string[], signal: AbortSignal): Promise<PostOutcome> => {
    const raw = Buffer.from(`[${rows.join(',')}]`, 'utf8');
    const body = sink.gzip ? await gzip(raw, { level: 6 }) : raw;
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await tokens.get();
      } catch (err) {
        return { kind: 'failed', reason: (err as Error).message };
      }
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(sink.gzip ? { 'content-encoding': 'gzip' } : {}),
        },
        body,
        signal,
      });
      const text = await res.text();
      const reason = `HTTP ${res.status}${azureError(text)}`;
      if (res.status >= 200 && res.status < 300) return { kind: 'ok' };
      if (res.status === 401 && attempt === 0) {
        // Revoked or expired early: one fresh token, then the answer stands.
        tokens.invalidate(token);
        continue;
      }
      if (res.status === 429) return { kind: 'throttled', retryAfterMs: retryAfterMs(res.headers.get('retry-after'), 5000), reason };
      if (res.status === 413) return { kind: 'too-large', reason };
      if (res.status === 400) {
        // A 400 about the call itself (stream, api-version, encoding) would refuse every row alike:
        // it is the sink's settings, not the data, so it is retried while they are being fixed.
        if (SETTINGS_ERRORS.test(azureCode(text))) return { kind: 'failed', reason: `the API refuses the sink's settings: ${reason}` };
        return { kind: 'refused', reason };
      }
      if (res.status === 401 || res.status === 403) return { kind: 'failed', reason: `the API refused the app's token: ${reason}` };
      if (res.status === 404) return { kind: 'failed', reason: `the rule or stream is unknown to ${sink.endpoint}: ${reason}` };
      return { kind: 'failed', reason };
    }
  };
}
