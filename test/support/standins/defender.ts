import { randomUUID } from 'node:crypto';
import { StandIn, type Reply, type Seen } from '../standin.js';

/**
 * Microsoft Defender for Endpoint's machine actions behind the Microsoft identity platform, as the
 * defender.* library actions use them. Token: `POST /{tenant}/oauth2/v2.0/token` (form
 * client_credentials with client_id, client_secret, scope) → `{token_type, expires_in,
 * access_token}`, or `{error, error_description}` (AADSTS codes). API: `POST
 * /api/machines/{id}/isolate` (`{Comment, IsolationType: Full|Selective}`) and `…/unisolate`
 * (`{Comment}`) with the Bearer token → 201 and the Machine Action (status Pending); a second
 * request while one is pending for the machine → 400 ActiveRequestAlreadyExists "Action is already
 * in progress", as Microsoft documents. Errors are `{"error": {"code", "message", "target"}}`;
 * a 429 carries Retry-After.
 */
export const MDE_TENANT = '11111111-2222-3333-4444-555555555555';
export const MDE_CLIENT = { id: 'aaaaaaaa-0000-0000-0000-000000000001', secret: 'mde~client~secret~value' };
export const MDE_SCOPE = 'https://api.securitycenter.microsoft.com/.default';

export interface MachineAction {
  id: string;
  type: 'Isolate' | 'Unisolate';
  scope: string | null;
  requestorComment: string;
  status: 'Pending' | 'Succeeded';
  machineId: string;
}

export type DefenderStandIn = StandIn & {
  machines: Map<string, { isolated: boolean }>;
  actions: MachineAction[];
  /** The agent reports back: every pending action completes. */
  completePending(): void;
  tokensIssued(): number;
  revokeTokens(): void;
};

const apiError = (status: number, code: string, message: string): Reply => ({
  status,
  body: { error: { code, message, target: randomUUID() } },
});

export function defenderStandIn(): DefenderStandIn {
  const tokens = new Set<string>();
  let issued = 0;
  const machines = new Map<string, { isolated: boolean }>();
  const actions: MachineAction[] = [];

  const token = (req: Seen, params: Record<string, string>): Reply => {
    const b = req.body as Record<string, string | undefined>;
    if (params.tenant !== MDE_TENANT)
      return { status: 400, body: { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${params.tenant}' not found.` } };
    if (b.grant_type !== 'client_credentials')
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The app requested an unsupported grant type.' },
      };
    if (b.client_id !== MDE_CLIENT.id || b.client_secret !== MDE_CLIENT.secret)
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided for app '${b.client_id}'.` },
      };
    if (b.scope !== MDE_SCOPE)
      return {
        status: 400,
        body: { error: 'invalid_scope', error_description: `AADSTS1002012: The provided value for scope ${b.scope} is not valid.` },
      };
    issued += 1;
    const access = `eyJ0eXAi.mde-${issued}.sig`;
    tokens.add(access);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access } };
  };

  const machineAction =
    (type: MachineAction['type']) =>
    (req: Seen, params: Record<string, string>): Reply => {
      const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!tokens.has(bearer)) return apiError(401, 'Unauthorized', 'Authorization token is missing or invalid');
      const body = (req.body ?? {}) as { Comment?: unknown; IsolationType?: unknown };
      if (typeof body.Comment !== 'string' || body.Comment === '')
        return apiError(400, 'InvalidRequestBody', 'Request body is invalid: Comment is required');
      if (type === 'Isolate' && body.IsolationType !== undefined && body.IsolationType !== 'Full' && body.IsolationType !== 'Selective')
        return apiError(400, 'InvalidRequestBody', `Request body is invalid: IsolationType '${String(body.IsolationType)}' is not valid`);
      const id = params.id ?? '';
      const machine = machines.get(id);
      if (!machine) return apiError(404, 'ResourceNotFound', `Machine ${id} was not found`);
      if (actions.some((a) => a.machineId === id && a.status === 'Pending'))
        return apiError(400, 'ActiveRequestAlreadyExists', 'Action is already in progress');
      const action: MachineAction = {
        id: randomUUID(),
        type,
        scope: type === 'Isolate' ? String(body.IsolationType ?? 'Full') : null,
        requestorComment: body.Comment,
        status: 'Pending',
        machineId: id,
      };
      actions.push(action);
      return {
        status: 201,
        body: {
          '@odata.context': 'https://api.securitycenter.microsoft.com/api/$metadata#MachineActions/$entity',
          ...action,
          requestor: MDE_CLIENT.id,
          creationDateTimeUtc: new Date().toISOString(),
          lastUpdateDateTimeUtc: new Date().toISOString(),
          relatedFileInfo: null,
        },
      };
    };

  const s = new StandIn(
    [
      ['POST', '/:tenant/oauth2/v2.0/token', token],
      ['POST', '/api/machines/:id/isolate', machineAction('Isolate')],
      ['POST', '/api/machines/:id/unisolate', machineAction('Unisolate')],
    ],
    {
      status: 429,
      body: { error: { code: 'TooManyRequests', message: 'API calls quota exceeded! Maximum calls allowed per minute: 100.' } },
    },
  );
  return Object.assign(s, {
    machines,
    actions,
    completePending: () => {
      for (const a of actions.filter((x) => x.status === 'Pending')) {
        a.status = 'Succeeded' as const;
        const m = machines.get(a.machineId);
        if (m) m.isolated = a.type === 'Isolate';
      }
    },
    tokensIssued: () => issued,
    revokeTokens: () => tokens.clear(),
  });
}
