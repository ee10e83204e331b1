/** What a route is and what it works with, shared by the incident and run routes. */
import type { IncidentChange } from '../detections/incidents/index.js';
import { VigilError } from '../core/errors/index.js';
import type { RunControl } from '../playbooks/control.js';
import type { Playbook } from '../playbooks/index.js';
import type { ChangeAuditEntry } from '../detections/incidents/index.js';
import type { Caller, Role } from './auth.js';
import type { IncidentReader } from './incidents.js';
import { str, type FieldIssue, type ObjectShape } from './schema.js';

/** What the routes work with; `vigil run` builds the real ones (`index.ts`), tests may pass their own. */
export interface ApiDeps {
  incidents: IncidentReader;
  /** Writes an incident change (status, assignee, note, severity, merge) to `vigil.incident-status`; resolves once Kafka acknowledged it. */
  publishStatus(change: IncidentChange): Promise<void>;
  /** Writes an audit record to `vigil.actions`; resolves once Kafka acknowledged it. */
  audit(entry: ChangeAuditEntry): Promise<void>;
  runs: RunControl;
  playbooks(): readonly Playbook[];
  /** The External Dynamic Lists that `edl.add` fills (undefined for a list never written). */
  edl?: { entries(list: string, now?: number): Promise<string[] | undefined> };
  now?: () => Date;
}

export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  caller: Caller;
}

export interface RouteResult {
  status: number;
  /** JSON, or the text itself when `contentType` is given. */
  body: unknown;
  contentType?: string;
}

/** One route: its schemas drive both validation and the OpenAPI document. */
export interface Route {
  operationId: string;
  method: 'GET' | 'POST';
  /** OpenAPI form: `/api/runs/{run}`. */
  path: string;
  tag: 'incidents' | 'playbooks' | 'runs' | 'meta' | 'edl';
  /**
   * Also accept the token as HTTP Basic credentials (user = the token's name, password = the
   * token), for clients that can send nothing else: firewalls pulling a list.
   */
  basicAuth?: boolean;
  /** The success body's media type when it is not JSON. */
  produces?: string;
  /** The least role that may call it. */
  role: Role;
  summary: string;
  query?: ObjectShape;
  body?: ObjectShape;
  /** Status codes it answers with on success and on its own errors, beyond 400/401/403/413. */
  responses: Readonly<Record<number, string>>;
  handle(ctx: RouteContext, deps: ApiDeps): Promise<RouteResult>;
}

/** Thrown for a request whose fields are wrong: 400 with every field named. */
export class RequestInvalid extends VigilError {
  constructor(readonly issues: readonly FieldIssue[]) {
    super('API_REQUEST_INVALID', issues.map((i) => `${i.field} ${i.message}`).join('; '));
  }
}

/** The optional (or, for closing, required) `reason` of a change. */
export const reason = (required: boolean) =>
  str(required ? 'Why (to the audit trail and the incident).' : 'Why (to the audit trail).', {
    minLength: 1,
    maxLength: 2000,
    optional: !required,
  });

/** The request's clock: the deps' own in tests. */
export const nowOf = (deps: ApiDeps): Date => (deps.now ?? (() => new Date()))();
