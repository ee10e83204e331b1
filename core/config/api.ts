/**
 * The `api:` section of `vigil.yaml`: the responder API served by `vigil run` (see `api/`). Kept
 * beside `schema.ts` rather than in it because its check (no listener off loopback without
 * tokens) is longer than a field.
 */
import { isIP } from 'node:net';
import { array, boolean, number, object, oneOf, string, type FieldProblem } from './dsl.js';
import { port } from './fields.js';
import type { ApiConfig } from './types.js';

/** The roles of an API token, least to most powerful: each may do what the ones before it may. */
export const API_ROLES = ['viewer', 'analyst', 'responder', 'admin'] as const;

export const apiSchema = object({
  description: 'The responder API (HTTP): incidents and playbook runs for analysts, responders and their tools; off unless `enabled`.',
  optional: true,
  check: apiProblems,
  fields: {
    enabled: boolean({ description: 'Serve the API from `vigil run`.', default: false }),
    host: string({
      description: 'Address the API listens on; any address but loopback needs at least one token in `tokens`.',
      minLength: 1,
      default: '127.0.0.1',
    }),
    port: port('Port of the API; 0 picks a free port.', { default: 8474 }),
    publicUrl: string({
      description:
        "The URL people reach Vigil at (behind a proxy, the proxy's), without a path: incident documents link to `<publicUrl>/console/#/incidents/<id>` in `vigil.links.console`, so an analyst clicks from Kibana Discover into the console. Unset: the API's own address, when it listens on a concrete host.",
      format: 'http-url',
      optional: true,
    }),
    maxBodyBytes: number({
      description: 'Largest request body accepted, in bytes; a larger one is refused with 413.',
      int: true,
      min: 1024,
      max: 10_485_760,
      default: 65536,
    }),
    tls: object({
      description: 'Serve HTTPS with this certificate and key instead of plain HTTP.',
      optional: true,
      fields: {
        certFile: string({ description: 'Server certificate chain (PEM).', minLength: 1 }),
        keyFile: string({ description: 'Private key (PEM) of `certFile`.', minLength: 1 }),
      },
    }),
    tokens: array({
      description:
        'Who may call the API: each caller sends `Authorization: Bearer <token>`; only the SHA-256 of each token is stored here. Without tokens the API answers only on loopback, and every request is refused with 401.',
      items: object({
        description: 'One API token.',
        fields: {
          name: string({ description: 'Who holds the token; written to the audit trail as the actor of every change.', format: 'id' }),
          role: oneOf({
            description:
              'What the holder may do: `viewer` reads, `analyst` also triages incidents, `responder` also starts, approves, denies and cancels playbook runs, `admin` everything.',
            values: API_ROLES,
          }),
          sha256: string({
            description: 'SHA-256 of the token, hex (`printf %s "$TOKEN" | sha256sum`).',
            format: 'sha256-fingerprint',
          }),
        },
      }),
      default: [],
    }),
  },
});

/** True for an address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function apiProblems(value: unknown): FieldProblem[] {
  const api = value as ApiConfig;
  const problems: FieldProblem[] = [];
  if (api.enabled && !isLoopback(api.host) && api.tokens.length === 0) {
    problems.push({
      code: 'CONFIG_INSECURE',
      field: 'tokens',
      message: `the API listens on ${api.host}, beyond this machine, with no tokens: anyone who reaches it could triage incidents and run playbooks; add tokens or listen on 127.0.0.1`,
    });
  }
  const seen = { name: new Set<string>(), sha256: new Set<string>() };
  api.tokens.forEach((t, i) => {
    const hash = t.sha256.replace(/:/g, '').toLowerCase();
    if (seen.name.has(t.name))
      problems.push({ code: 'CONFIG_CONFLICT', field: `tokens[${i}].name`, message: `two tokens are named ${t.name}` });
    if (seen.sha256.has(hash))
      problems.push({ code: 'CONFIG_CONFLICT', field: `tokens[${i}].sha256`, message: 'two tokens have the same hash' });
    seen.name.add(t.name);
    seen.sha256.add(hash);
  });
  return problems;
}
