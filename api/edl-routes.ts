import { VigilError } from '../core/errors/index.js';
import type { Route } from './route.js';
import { EDL_LIST_NAME } from '../playbooks/actions/edl/entry.js';

/**
 * External Dynamic Lists for firewalls to pull (PAN-OS "External Dynamic List", FortiGate
 * "External Block List / threat feed", Check Point "IoC feed"): plain text, one live entry per
 * line, what `edl.add` put there and has not expired or been removed.
 */
export const EDL_ROUTES: readonly Route[] = [
  {
    operationId: 'externalDynamicList',
    method: 'GET',
    path: '/api/edl/{list}.txt',
    tag: 'edl',
    role: 'viewer',
    basicAuth: true,
    produces: 'text/plain',
    summary:
      'An External Dynamic List as plain text, one address, network or domain per line (expired entries left out). Firewalls that cannot send a bearer token use Basic auth: user = token name, password = token.',
    responses: { 200: 'The list, one entry per line.', 404: 'No entry was ever added to this list.' },
    async handle({ params }, deps) {
      const list = params.list as string;
      const entries = EDL_LIST_NAME.test(list) && deps.edl ? await deps.edl.entries(list) : undefined;
      if (!entries) throw new VigilError('API_NOT_FOUND', `no list ${list}`);
      return { status: 200, body: entries.map((e) => `${e}\n`).join(''), contentType: 'text/plain; charset=utf-8' };
    },
  },
];
