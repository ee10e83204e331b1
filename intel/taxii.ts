/**
 * A TAXII 2.1 client (OASIS TAXII 2.1 §4): discovery, API root information, collections and
 * the objects of a collection, paged with `limit`/`next` and filtered with `added_after` and
 * `match[type]`. Every request sends `Accept: application/taxii+json;version=2.1` (§1.6.8.1: a
 * server answers 406 to an Accept without the version) and HTTP Basic credentials when given.
 */
import { VigilError } from '../core/errors/index.js';
import { isObject } from './parsers/json.js';

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

export interface TaxiiOptions {
  readonly username?: string;
  readonly password?: string;
  /** Per request. Default 30 s. */
  readonly timeoutMs?: number;
}

export interface TaxiiCollection {
  readonly id: string;
  readonly title: string;
  readonly canRead: boolean;
}

export interface ObjectsPage {
  readonly objects: unknown[];
  readonly more: boolean;
  readonly next?: string;
  /** `X-TAXII-Date-Added-Last`: where the next `added_after` poll starts. */
  readonly addedLast?: string;
}

export interface FetchObjects {
  readonly addedAfter?: string;
  /** `match[type]`, e.g. `indicator`. */
  readonly type?: string;
  /** Objects per page asked for (the server may send fewer). */
  readonly limit?: number;
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

export class TaxiiClient {
  constructor(private readonly options: TaxiiOptions = {}) {}

  private async get(url: string): Promise<{ body: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE };
    const { username, password } = this.options;
    if (username !== undefined) headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new VigilError('INTEL_FEED_UNREACHABLE', `TAXII server at ${url} cannot be reached: ${String((err as Error).cause ?? err)}`, {
        cause: err,
        location: { file: url },
      });
    }
    const text = await res.text();
    if (res.status === 401 || res.status === 403) {
      throw new VigilError('INTEL_FEED_AUTH', `TAXII server at ${url} refused the credentials (${res.status})`, {
        location: { file: url },
      });
    }
    if (!res.ok) {
      throw new VigilError('INTEL_FEED_UNREACHABLE', `TAXII server at ${url} answered ${res.status}: ${text.slice(0, 200)}`, {
        location: { file: url },
      });
    }
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch (err) {
      throw new VigilError('INTEL_FEED_INVALID', `TAXII server at ${url} sent what is not JSON: ${text.slice(0, 100)}`, {
        cause: err,
        location: { file: url },
      });
    }
    if (!isObject(body)) throw new VigilError('INTEL_FEED_INVALID', `TAXII server at ${url} sent a JSON ${typeof body}, not an object`);
    return { body, headers: res.headers };
  }

  /** The server's API roots (discovery, §4.1): the default first when it names one. */
  async apiRoots(discoveryUrl: string): Promise<string[]> {
    const { body } = await this.get(discoveryUrl);
    const roots = Array.isArray(body.api_roots) ? body.api_roots.filter((r): r is string => typeof r === 'string') : [];
    const first = typeof body.default === 'string' ? [body.default] : [];
    const all = [...new Set([...first, ...roots])].map((r) => new URL(r, discoveryUrl).toString());
    if (all.length === 0) throw new VigilError('INTEL_FEED_INVALID', `TAXII discovery at ${discoveryUrl} names no API root`);
    return all;
  }

  /** API root information (§4.2): its title and the versions it speaks. */
  async apiRoot(rootUrl: string): Promise<{ title: string; versions: string[] }> {
    const { body } = await this.get(withSlash(rootUrl));
    return {
      title: typeof body.title === 'string' ? body.title : '',
      versions: Array.isArray(body.versions) ? body.versions.filter((v): v is string => typeof v === 'string') : [],
    };
  }

  async collections(rootUrl: string): Promise<TaxiiCollection[]> {
    const { body } = await this.get(`${withSlash(rootUrl)}collections/`);
    const list = Array.isArray(body.collections) ? body.collections : [];
    return list.filter(isObject).map((c) => ({ id: String(c.id), title: String(c.title ?? ''), canRead: c.can_read === true }));
  }

  /** One page of a collection's objects (§5.4). */
  async objectsPage(rootUrl: string, collection: string, query: FetchObjects & { next?: string }): Promise<ObjectsPage> {
    const url = new URL(`${withSlash(rootUrl)}collections/${encodeURIComponent(collection)}/objects/`);
    if (query.addedAfter !== undefined) url.searchParams.set('added_after', query.addedAfter);
    if (query.type !== undefined) url.searchParams.set('match[type]', query.type);
    if (query.limit !== undefined) url.searchParams.set('limit', String(query.limit));
    if (query.next !== undefined) url.searchParams.set('next', query.next);
    const { body, headers } = await this.get(url.toString());
    const addedLast = headers.get('x-taxii-date-added-last') ?? undefined;
    return {
      objects: Array.isArray(body.objects) ? body.objects : [],
      more: body.more === true,
      ...(typeof body.next === 'string' && { next: body.next }),
      ...(addedLast !== undefined && { addedLast }),
    };
  }

  /** Every page of a collection's objects, following `next` while the server says `more`. */
  async objects(
    rootUrl: string,
    collection: string,
    query: FetchObjects = {},
  ): Promise<{ objects: unknown[]; addedLast?: string; pages: number }> {
    const objects: unknown[] = [];
    let addedLast: string | undefined;
    let next: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await this.objectsPage(rootUrl, collection, { ...query, ...(next !== undefined && { next }) });
      pages++;
      objects.push(...page.objects);
      addedLast = page.addedLast ?? addedLast;
      if (!page.more || page.next === undefined || page.objects.length === 0) break;
      next = page.next;
    }
    return { objects, pages, ...(addedLast !== undefined && { addedLast }) };
  }

  /** The id of a collection given by id or title, on the first API root that has it. */
  async findCollection(discoveryUrl: string, collection: string): Promise<{ root: string; id: string }> {
    for (const root of await this.apiRoots(discoveryUrl)) {
      const found = (await this.collections(root)).find((c) => c.id === collection || c.title === collection);
      if (found) return { root, id: found.id };
    }
    throw new VigilError('INTEL_FEED_INVALID', `no collection '${collection}' on the TAXII server at ${discoveryUrl}`);
  }
}
