import { StandIn, type Seen } from '../standin.js';

/**
 * CrowdStrike Falcon: POST /oauth2/token (form client_id, client_secret → 201 {access_token,
 * expires_in}), then POST /devices/entities/devices-actions/v2?action_name=… with the Bearer token;
 * answers {meta, resources, errors: [{code, message}]}.
 */
export const CS_CLIENT = { id: 'cs-client-id', secret: 'cs-client-secret' };

export function crowdstrikeStandIn(): StandIn & { contained: Set<string>; tokensIssued: () => number; revokeTokens: () => void } {
  const tokens = new Set<string>();
  let issued = 0;
  const contained = new Set<string>();
  const meta = { query_time: 0.01, powered_by: 'device-actions', trace_id: 'trace-1' };
  const s = new StandIn(
    [
      [
        'POST',
        '/oauth2/token',
        (req: Seen) => {
          const b = req.body as { client_id?: string; client_secret?: string };
          if (b.client_id !== CS_CLIENT.id || b.client_secret !== CS_CLIENT.secret) {
            return { status: 401, body: { meta, resources: null, errors: [{ code: 401, message: 'access denied, invalid client' }] } };
          }
          issued += 1;
          const token = `tok-${issued}`;
          tokens.add(token);
          return { status: 201, body: { access_token: token, token_type: 'bearer', expires_in: 1799 } };
        },
      ],
      [
        'POST',
        '/devices/entities/devices-actions/v2',
        (req: Seen) => {
          const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
          if (!tokens.has(token))
            return { status: 401, body: { meta, errors: [{ code: 401, message: 'access denied, authorization failed' }] } };
          const action = req.query.get('action_name');
          const ids = (req.body as { ids?: string[] }).ids ?? [];
          if (action !== 'contain' && action !== 'lift_containment')
            return { status: 400, body: { meta, resources: [], errors: [{ code: 400, message: `invalid action_name ${action}` }] } };
          const id = ids[0] ?? '';
          if (!/^[0-9a-f]{32}$/.test(id))
            return { status: 404, body: { meta, resources: [], errors: [{ code: 404, message: `Could not find device ${id}` }] } };
          if (action === 'contain') contained.add(id);
          else contained.delete(id);
          return { status: 202, body: { meta, resources: [{ id, path: '' }], errors: [] } };
        },
      ],
    ],
    { status: 429, body: { meta, resources: [], errors: [{ code: 429, message: 'API rate limit exceeded.' }] } },
  );
  return Object.assign(s, { contained, tokensIssued: () => issued, revokeTokens: () => tokens.clear() });
}
