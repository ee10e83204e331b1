import type { Route } from './routes.js';
import { jsonSchema } from './schema.js';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'A code of the error catalogue (core/errors/codes.ts).' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          description: 'On 400: every field at fault.',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

const COMMON: Readonly<Record<number, string>> = {
  401: 'No token, or one that matches no configured hash.',
  403: "The token's role may not do this.",
};

/** The OpenAPI 3.1 document of the routes, from the same definitions that validate requests. */
export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = Object.entries(r.query?.properties ?? {}).map(([name, s]) => ({
      name,
      in: 'query',
      required: !s.optional,
      description: s.description,
      schema: jsonSchema(s),
    }));
    const responses: Record<string, unknown> = {};
    for (const [code, description] of Object.entries(r.responses)) {
      const ok = Number(code) < 400;
      responses[code] = {
        description,
        content:
          ok && r.produces
            ? { [r.produces]: { schema: { type: 'string' } } }
            : { 'application/json': { schema: ok ? { type: 'object' } : { $ref: '#/components/schemas/Error' } } },
      };
    }
    const errors: Record<number, string> = { ...COMMON };
    if (r.body || r.query) errors[400] = 'A field is malformed; `error.fields` names each.';
    if (r.body) errors[413] = 'The body is larger than `api.maxBodyBytes`.';
    for (const [code, description] of Object.entries(errors)) {
      responses[code] ??= { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      'x-vigil-role': r.role,
      ...(r.basicAuth ? { security: [{ bearer: [] }, { basic: [] }] } : {}),
      parameters: [...params, ...query],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil responder API',
      version,
      description:
        'Triage incidents and run playbooks. Every call needs `Authorization: Bearer <token>`; a token has one role (viewer < analyst < responder < admin), and each operation names the least role it needs in `x-vigil-role`.',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        basic: {
          type: 'http',
          scheme: 'basic',
          description: "Where an operation offers it: user = the token's name, password = the token.",
        },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
