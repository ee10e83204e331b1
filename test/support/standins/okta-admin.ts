import { randomUUID } from 'node:crypto';
import { StandIn, type Reply, type Seen } from '../standin.js';

/**
 * An Okta org's Users API as the okta.* library actions use it: `SSWS` token auth,
 * `POST /api/v1/users/{idOrLogin}/lifecycle/suspend` (only an ACTIVE user; 200 `{}`), and
 * `DELETE /api/v1/users/{idOrLogin}/sessions[?oauthTokens=true]` (204). Errors carry Okta's body
 * (errorCode, errorSummary, errorLink, errorId, errorCauses): E0000011 invalid token (401),
 * E0000007 not found (404), E0000001 validation failed (400), E0000047 rate limit (429). Every
 * answer has `X-Rate-Limit-Limit/Remaining/Reset` (Reset in epoch seconds), and a 429 has no
 * Retry-After, as Okta sends none: the caller waits until Reset.
 */
export const OKTA_ADMIN_TOKEN = '00okta-admin-token-value';

export interface OktaUser {
  id: string;
  login: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED';
  sessions: number;
  oauthTokens: number;
}

export type OktaAdminStandIn = StandIn & {
  users: Map<string, OktaUser>;
  /** The next `times` requests answer 429 E0000047 with X-Rate-Limit-Reset `resetInS` seconds ahead. */
  exhaust(times: number, resetInS: number): void;
};

const LIMIT = 600;

function oktaError(status: number, errorCode: string, errorSummary: string, causes: string[] = []): Reply {
  return {
    status,
    body: {
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: `oae${randomUUID().replace(/-/g, '').slice(0, 19)}`,
      errorCauses: causes.map((c) => ({ errorSummary: c })),
    },
  };
}

export function oktaAdminStandIn(): OktaAdminStandIn {
  const users = new Map<string, OktaUser>();
  let exhausted = 0;
  let resetInS = 60;
  let used = 0;
  const find = (idOrLogin: string) => users.get(idOrLogin) ?? [...users.values()].find((u) => u.login === idOrLogin);
  const rate = (remaining: number, resetIn = 60): Record<string, string> => ({
    'x-rate-limit-limit': String(LIMIT),
    'x-rate-limit-remaining': String(Math.max(0, remaining)),
    'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + resetIn),
  });
  // Authentication, then the rate limit, then the route: the order Okta answers them in.
  const guarded =
    (handle: (req: Seen, user: OktaUser) => Reply) =>
    (req: Seen, params: Record<string, string>): Reply => {
      if (req.headers.authorization !== `SSWS ${OKTA_ADMIN_TOKEN}`) return oktaError(401, 'E0000011', 'Invalid token provided');
      if (exhausted > 0) {
        exhausted -= 1;
        return { ...oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'), headers: rate(0, resetInS) };
      }
      used += 1;
      const user = find(params.user ?? '');
      const reply = user ? handle(req, user) : oktaError(404, 'E0000007', `Not found: Resource not found: ${params.user} (User)`);
      return { ...reply, headers: { ...rate(LIMIT - used), ...reply.headers } };
    };
  const s = new StandIn([
    [
      'POST',
      '/api/v1/users/:user/lifecycle/suspend',
      guarded((_req, user) => {
        if (user.status !== 'ACTIVE')
          return oktaError(400, 'E0000001', 'Api validation failed: suspendUser', [`Cannot suspend a user that is ${user.status}`]);
        user.status = 'SUSPENDED';
        return { status: 200, body: {} };
      }),
    ],
    [
      'DELETE',
      '/api/v1/users/:user/sessions',
      guarded((req, user) => {
        user.sessions = 0;
        if (req.query.get('oauthTokens') === 'true') user.oauthTokens = 0;
        return { status: 204 };
      }),
    ],
  ]);
  return Object.assign(s, {
    users,
    exhaust: (times: number, reset: number) => {
      exhausted = times;
      resetInS = reset;
    },
  });
}
