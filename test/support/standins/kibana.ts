import { StandIn, basicAuth, type Reply, type Route, type Seen } from '../standin.js';

/**
 * Kibana 8.x, the parts `vigil kibana setup` uses, as its REST docs describe them:
 * - every route also under `/s/<space>/…`; an unknown space is 404;
 * - a request that changes something without a `kbn-xsrf` header is 400;
 * - `Authorization: ApiKey <key>` or Basic; wrong or none is 401, a user without the privilege 403;
 * - `POST /api/saved_objects/_import[?overwrite=true]`: multipart/form-data, field `file` (`.ndjson`);
 *   answers `{ success, successCount, successResults[], errors[] }` with per-object error types
 *   `conflict` (exists, no overwrite), `unsupported_type`, `missing_references`;
 * - `POST /api/actions/connector/<id>` (200; 409 when the id exists), `PUT /api/actions/connector/<id>`
 *   (200; 404 when absent; no `connector_type_id` in the body), `GET /api/actions/connector/<id>`.
 */
export const KIBANA_API_KEY = 'a2liYW5hLWtleTpzZWNyZXQ=';
export const KIBANA_USER = { user: 'elastic', password: 'changeme' };
/** Authenticates, but may not manage saved objects or connectors. */
export const KIBANA_VIEWER = { user: 'viewer', password: 'viewer-pass' };

interface StoredObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: Array<{ name: string; type: string; id: string }>;
}

export interface StoredConnector {
  id: string;
  name: string;
  connector_type_id: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

export interface KibanaStandInOptions {
  spaces?: string[];
  /** Saved object types this Kibana knows; the others get `unsupported_type`. */
  types?: string[];
}

const WEBHOOK_CONFIG_KEYS = new Set(['url', 'method', 'headers', 'hasAuth', 'authType', 'certType', 'ca', 'verificationMode']);

const err = (statusCode: number, error: string, message: string): Reply => ({ status: statusCode, body: { statusCode, error, message } });

/** The parts of a multipart/form-data body (RFC 7578), by field name. */
export function parseMultipart(contentType: string, raw: string): Map<string, { filename?: string; content: string }> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const parts = new Map<string, { filename?: string; content: string }>();
  if (!m) return parts;
  const boundary = `--${m[1] ?? m[2]}`;
  for (const chunk of raw.split(boundary).slice(1)) {
    if (chunk.startsWith('--')) break;
    const body = chunk.replace(/^\r\n/, '');
    const end = body.indexOf('\r\n\r\n');
    if (end < 0) continue;
    const head = body.slice(0, end);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
    if (name === undefined) continue;
    parts.set(name, { ...(filename !== undefined ? { filename } : {}), content: body.slice(end + 4).replace(/\r\n$/, '') });
  }
  return parts;
}

export class KibanaStandIn extends StandIn {
  readonly objects = new Map<string, Map<string, StoredObject>>();
  readonly connectors = new Map<string, Map<string, StoredConnector>>();
  private readonly types: Set<string>;

  constructor(o: KibanaStandInOptions = {}) {
    const routes: Route[] = [];
    super(routes);
    this.types = new Set(o.types ?? ['index-pattern', 'search', 'dashboard', 'visualization', 'lens']);
    for (const s of ['default', ...(o.spaces ?? [])]) {
      this.objects.set(s, new Map());
      this.connectors.set(s, new Map());
    }
    const add = (method: string, path: string, handle: (req: Seen, space: string, p: Record<string, string>) => Reply) => {
      for (const prefix of ['', '/s/:space']) {
        routes.push([method, `${prefix}${path}`, (req, p) => this.guard(req, p, method, handle)]);
      }
    };
    add('POST', '/api/saved_objects/_import', (req, space) => this.import(req, space));
    add('POST', '/api/actions/connector/:id', (req, space, p) => this.createConnector(req, space, p.id as string));
    add('PUT', '/api/actions/connector/:id', (req, space, p) => this.updateConnector(req, space, p.id as string));
    add('GET', '/api/actions/connector/:id', (_req, space, p) => {
      const c = this.connectors.get(space)?.get(p.id as string);
      return c ? { status: 200, body: this.view(c) } : err(404, 'Not Found', `Saved object [action/${p.id}] not found`);
    });
  }

  private guard(
    req: Seen,
    p: Record<string, string>,
    method: string,
    handle: (req: Seen, space: string, p: Record<string, string>) => Reply,
  ): Reply {
    const space = p.space ?? 'default';
    if (method !== 'GET' && req.headers['kbn-xsrf'] === undefined)
      return err(400, 'Bad Request', 'Request must contain a kbn-xsrf header.');
    const basic = basicAuth(req);
    const apiKey = /^ApiKey (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const admin = apiKey === KIBANA_API_KEY || (basic?.user === KIBANA_USER.user && basic.pass === KIBANA_USER.password);
    const viewer = basic?.user === KIBANA_VIEWER.user && basic.pass === KIBANA_VIEWER.password;
    if (!admin && !viewer) {
      return err(
        401,
        'Unauthorized',
        '[security_exception\n\tRoot causes:\n\t\tsecurity_exception: unable to authenticate user]: unable to authenticate user',
      );
    }
    if (!this.objects.has(space)) return err(404, 'Not Found', 'Not Found');
    if (!admin)
      return err(
        403,
        'Forbidden',
        `Unable to ${method === 'POST' && req.path.endsWith('_import') ? 'bulk_create index-pattern,search,dashboard' : 'execute actions'}`,
      );
    return handle(req, space, p);
  }

  private import(req: Seen, space: string): Reply {
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('multipart/form-data')) return err(415, 'Unsupported Media Type', 'Unsupported Media Type');
    const file = parseMultipart(type, String(req.body)).get('file');
    if (!file) return err(400, 'Bad Request', '[request body.file]: expected value of type [Stream] but got [undefined]');
    if (!file.filename?.endsWith('.ndjson'))
      return err(400, 'Bad Request', `Invalid file extension ${/\.[^.]*$/.exec(file.filename ?? '')?.[0] ?? ''}`);
    let objects: StoredObject[];
    try {
      objects = file.content
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as StoredObject);
    } catch (e) {
      return err(400, 'Bad Request', `Unexpected token in JSON: ${(e as Error).message}`);
    }
    const overwrite = req.query.get('overwrite') === 'true';
    const store = this.objects.get(space) as Map<string, StoredObject>;
    const meta = (o: StoredObject) => ({ title: (o.attributes?.title as string) ?? o.id });
    const errors: unknown[] = [];
    const successResults: unknown[] = [];
    const supported = objects.filter((o) => {
      if (this.types.has(o.type)) return true;
      errors.push({ id: o.id, type: o.type, meta: meta(o), error: { type: 'unsupported_type' } });
      return false;
    });
    const inFile = new Set(supported.map((o) => `${o.type}:${o.id}`));
    for (const o of supported) {
      const missing = o.references.filter((r) => !inFile.has(`${r.type}:${r.id}`) && !store.has(`${r.type}:${r.id}`));
      if (missing.length > 0) {
        errors.push({
          id: o.id,
          type: o.type,
          meta: meta(o),
          error: { type: 'missing_references', references: missing.map(({ type: t, id }) => ({ type: t, id })) },
        });
        continue;
      }
      const key = `${o.type}:${o.id}`;
      const existed = store.has(key);
      if (existed && !overwrite) {
        errors.push({ id: o.id, type: o.type, meta: meta(o), error: { type: 'conflict' } });
        continue;
      }
      store.set(key, o);
      successResults.push({ type: o.type, id: o.id, meta: meta(o), ...(existed ? { overwrite: true } : {}) });
    }
    return {
      status: 200,
      body: { success: errors.length === 0, successCount: successResults.length, successResults, ...(errors.length ? { errors } : {}) },
    };
  }

  private configProblem(config: unknown): string | undefined {
    if (!config || typeof config !== 'object') return '[config]: expected value of type [object]';
    const c = config as Record<string, unknown>;
    for (const k of Object.keys(c)) if (!WEBHOOK_CONFIG_KEYS.has(k)) return `[${k}]: definition for this key is missing`;
    if (typeof c.url !== 'string' || !/^https?:\/\//.test(c.url)) return '[url]: expected value of type [string]';
    if (c.method !== undefined && c.method !== 'post' && c.method !== 'put')
      return `[method]: types that failed validation: ${String(c.method)}`;
    return undefined;
  }

  private createConnector(req: Seen, space: string, id: string): Reply {
    const b = req.body as Partial<StoredConnector>;
    if (b.connector_type_id !== '.webhook')
      return err(400, 'Bad Request', `action type "${String(b.connector_type_id)}" is not registered.`);
    if (typeof b.name !== 'string' || !b.name) return err(400, 'Bad Request', '[request body.name]: expected value of type [string]');
    const problem = this.configProblem(b.config);
    if (problem) return err(400, 'Bad Request', `error validating action type config: ${problem}`);
    const store = this.connectors.get(space) as Map<string, StoredConnector>;
    if (store.has(id)) return err(409, 'Conflict', `Saved object [action/${id}] conflict`);
    const c: StoredConnector = { id, name: b.name, connector_type_id: '.webhook', config: b.config!, secrets: b.secrets ?? {} };
    store.set(id, c);
    return { status: 200, body: this.view(c) };
  }

  private updateConnector(req: Seen, space: string, id: string): Reply {
    const b = req.body as Partial<StoredConnector>;
    if ('connector_type_id' in b) return err(400, 'Bad Request', '[request body.connector_type_id]: definition for this key is missing');
    const store = this.connectors.get(space) as Map<string, StoredConnector>;
    const c = store.get(id);
    if (!c) return err(404, 'Not Found', `Saved object [action/${id}] not found`);
    const problem = this.configProblem(b.config);
    if (problem) return err(400, 'Bad Request', `error validating action type config: ${problem}`);
    Object.assign(c, { name: b.name ?? c.name, config: b.config, secrets: b.secrets ?? {} });
    return { status: 200, body: this.view(c) };
  }

  /** Kibana never returns secrets. */
  private view(c: StoredConnector) {
    return {
      id: c.id,
      name: c.name,
      connector_type_id: c.connector_type_id,
      config: c.config,
      is_preconfigured: false,
      is_deprecated: false,
      is_missing_secrets: false,
      is_system_action: false,
    };
  }
}
