import { VigilError } from '../core/errors/index.js';

/**
 * A small client of the Kibana HTTP APIs that `vigil kibana setup` calls, as Kibana documents
 * them: every request carries `kbn-xsrf` (Kibana answers 400 without it), authenticates with
 * `Authorization: ApiKey <base64 id:key>` or Basic, and is scoped to a space by the `/s/<space>`
 * path prefix (none for the default space).
 */
export interface KibanaTarget {
  /** Kibana's base URL, e.g. `https://kibana.example:5601` (a base path, if any, included). */
  url: string;
  auth: { apiKey: string } | { user: string; password: string };
  /** The space id; undefined or `default` is the default space. */
  space?: string;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
}

export interface KibanaResponse {
  status: number;
  body: unknown;
}

/** `/s/<space>` for a non-default space, as Kibana's spaced URLs are built. */
export function spacePrefix(space: string | undefined): string {
  return space === undefined || space === '' || space === 'default' ? '' : `/s/${encodeURIComponent(space)}`;
}

function authorization(auth: KibanaTarget['auth']): string {
  return 'apiKey' in auth ? `ApiKey ${auth.apiKey}` : `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64')}`;
}

/** Kibana's error body is `{ statusCode, error, message }`. */
function messageOf(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return typeof body === 'string' ? body.slice(0, 500) : (JSON.stringify(body)?.slice(0, 500) ?? '');
}

export async function kibanaRequest(
  target: KibanaTarget,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: { json: unknown } | { form: FormData },
): Promise<KibanaResponse> {
  const url = `${target.url.replace(/\/+$/, '')}${spacePrefix(target.space)}${path}`;
  const headers: Record<string, string> = { 'kbn-xsrf': 'vigil', authorization: authorization(target.auth), accept: 'application/json' };
  let payload: string | FormData | undefined;
  if (body && 'json' in body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body) {
    // fetch writes the multipart boundary into the content type itself.
    payload = body.form;
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(target.timeoutMs ?? 30_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new VigilError('KIBANA_UNREACHABLE', `${method} ${url}: Kibana did not answer (${cause})`, { cause: err });
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // Not JSON (a proxy's HTML page): kept as text for the message.
  }
  if (res.status === 401) {
    throw new VigilError(
      'KIBANA_UNAUTHENTICATED',
      `${method} ${path}: Kibana refused the ${'apiKey' in target.auth ? 'API key' : 'user and password'} (401): ${messageOf(parsed)}`,
    );
  }
  if (res.status === 403) {
    throw new VigilError(
      'KIBANA_FORBIDDEN',
      `${method} ${path}: not allowed in space "${target.space ?? 'default'}" (403): ${messageOf(parsed)}; the user needs the Saved Objects Management and Actions and Connectors privileges (all) there`,
    );
  }
  return { status: res.status, body: parsed };
}

/** Throws KIBANA_REQUEST for a status outside `ok`. */
export function expectStatus(res: KibanaResponse, ok: readonly number[], what: string): void {
  if (!ok.includes(res.status)) throw new VigilError('KIBANA_REQUEST', `${what}: Kibana answered ${res.status}: ${messageOf(res.body)}`);
}
