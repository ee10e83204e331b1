import { API_ROLES } from '../core/config/api.js';
import { allows } from './auth.js';
import type { Route } from './route.js';

/** About the caller: what the console asks first, to offer only what the token's role may do. */
export const META_ROUTES: readonly Route[] = [
  {
    operationId: 'whoami',
    method: 'GET',
    path: '/api/whoami',
    tag: 'meta',
    role: 'viewer',
    summary: "The caller's token name and role, and every role it includes (compare with each operation's `x-vigil-role`).",
    responses: { 200: '`{ name, role, roles }`.' },
    async handle({ caller }) {
      return { status: 200, body: { name: caller.name, role: caller.role, roles: API_ROLES.filter((r) => allows(caller.role, r)) } };
    },
  },
];
