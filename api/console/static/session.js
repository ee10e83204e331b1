/**
 * Who is logged in and what they may do. The operations, their roles and their request bodies
 * come from the API's own OpenAPI document, and the caller's roles from `/api/whoami`, so the
 * console offers exactly the calls the API would accept from this token, and nothing it lacks.
 */
import { call } from './api.js';

let me;
let ops = new Map();

export async function loadSession() {
  const [who, doc] = await Promise.all([call('GET', '/api/whoami'), call('GET', '/api/openapi.json')]);
  const found = new Map();
  for (const [path, methods] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(methods)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      found.set(op.operationId, {
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        role: op['x-vigil-role'],
        summary: op.summary || '',
        body: schema,
        query: (op.parameters || []).filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  me = who;
  ops = found;
  return me;
}

export function forgetSession() {
  me = undefined;
  ops = new Map();
}

export const caller = () => me;

/** The operation, when the API has it and this caller's role may call it. */
export function may(operationId) {
  const op = ops.get(operationId);
  return op && me && Array.isArray(me.roles) && me.roles.includes(op.role) ? op : undefined;
}

/** The API's operations that this caller may call, in document order. */
export const allowed = () => [...ops.values()].filter((op) => may(op.id));

/** Whether the API's incident list takes `name` as a filter. */
export const listFilters = () => ops.get('listIncidents')?.query ?? [];

/** `op.path` with its `{params}` filled in, escaped. */
export function pathOf(op, params) {
  return op.path.replace(/\{(\w+)\}/g, (_m, name) => encodeURIComponent(String(params[name] ?? '')));
}
