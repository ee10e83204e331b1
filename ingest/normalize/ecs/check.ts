import { isIP } from 'node:net';
import type { EcsFieldDefinition } from './definitions.js';

/**
 * Checks one event against the ECS definitions: every field exists in ECS (or lives under a
 * custom namespace: `vigil.*` is Vigil's, `labels.*` is ECS's own place for custom keywords), each
 * value fits its ECS type, array-normalized fields are arrays, `pattern`s hold, and the
 * categorization fields take only their allowed values, with every `event.type` expected by one
 * of the event's `event.category` values. Returns `path: problem` strings, empty when it conforms.
 */
export function ecsProblems(
  event: unknown,
  defs: ReadonlyMap<string, EcsFieldDefinition>,
  custom: readonly string[] = ['vigil'],
): string[] {
  const problems: string[] = [];
  if (!isObject(event)) return ['event: not an object'];
  if (typeof event['@timestamp'] !== 'string') problems.push('@timestamp: required');

  const walk = (value: unknown, path: string): void => {
    const root = path.split('.')[0] as string;
    if (custom.includes(root)) return;
    const def = defs.get(path);
    if (def && !(def.type === 'object' && hasEcsChild(value, path, defs))) {
      checkValue(value, path, def, problems);
      return;
    }
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
      return;
    }
    problems.push(`${path}: not an ECS field (custom fields belong under vigil.* or labels.*)`);
  };
  walk(event, '');

  const ev = isObject(event.event) ? event.event : undefined;
  const cats = Array.isArray(ev?.category) ? (ev.category as unknown[]) : [];
  const types = Array.isArray(ev?.type) ? (ev.type as unknown[]) : [];
  const catDef = defs.get('event.category');
  if (cats.length > 0 && types.length > 0 && catDef?.allowed_values) {
    const expected = new Set(catDef.allowed_values.filter((a) => cats.includes(a.name)).flatMap((a) => a.expected_event_types ?? []));
    for (const t of types) {
      if (!expected.has(t as string))
        problems.push(`event.type: "${String(t)}" is not expected for event.category ${JSON.stringify(cats)}`);
    }
  }
  return problems;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ECS declares some parents as `object` (e.g. `user.changes`? no: `labels`, `gen_ai.*`): descend when a child is an ECS field. */
function hasEcsChild(value: unknown, path: string, defs: ReadonlyMap<string, EcsFieldDefinition>): boolean {
  return isObject(value) && Object.keys(value).some((k) => defs.has(`${path}.${k}`));
}

const STRING = new Set(['keyword', 'wildcard', 'match_only_text', 'text', 'constant_keyword', 'version']);
const INTEGER = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const FLOAT = new Set(['float', 'double', 'scaled_float', 'half_float']);
// RFC 3339 as Elasticsearch's strict_date_optional_time reads it.
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function typeProblem(type: string, v: unknown, def: EcsFieldDefinition): string | undefined {
  if (STRING.has(type)) return typeof v === 'string' ? undefined : 'not a string';
  if (INTEGER.has(type)) return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : 'not an integer';
  if (FLOAT.has(type)) return typeof v === 'number' && Number.isFinite(v) ? undefined : 'not a number';
  switch (type) {
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'not a boolean';
    case 'date':
      return typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'not an RFC 3339 date';
    case 'ip':
      return typeof v === 'string' && isIP(v) !== 0 ? undefined : 'not an IP address';
    case 'geo_point':
      return isObject(v) && typeof v.lat === 'number' && typeof v.lon === 'number' ? undefined : 'not a geo_point {lat, lon}';
    case 'flattened':
      return isObject(v) ? undefined : 'not an object';
    case 'object':
      if (!isObject(v)) return 'not an object';
      // `labels` and its kind: an object whose values have `object_type`.
      if (def.object_type && STRING.has(def.object_type) && Object.values(v).some((x) => typeof x !== 'string'))
        return `values are not ${def.object_type}`;
      return undefined;
    case 'nested':
      return Array.isArray(v) && v.every(isObject) ? undefined : 'not an array of objects';
    default:
      return undefined;
  }
}

function checkValue(value: unknown, path: string, def: EcsFieldDefinition, problems: string[]): void {
  const isArray = Array.isArray(value);
  if (def.normalize?.includes('array') && !isArray) problems.push(`${path}: ECS normalizes this field to an array`);
  const values = isArray && def.type !== 'nested' ? (value as unknown[]) : [value];
  for (const v of values) {
    const t = typeProblem(def.type, v, def);
    if (t) {
      problems.push(`${path}: ${JSON.stringify(v)} ${t} (ECS type ${def.type})`);
      continue;
    }
    if (def.allowed_values && !def.allowed_values.some((a) => a.name === v)) {
      problems.push(`${path}: ${JSON.stringify(v)} is not an allowed value (${def.allowed_values.map((a) => a.name).join(', ')})`);
    }
    if (def.expected_values && !def.expected_values.includes(v as string)) {
      problems.push(`${path}: ${JSON.stringify(v)} is not an expected value (${def.expected_values.join(', ')})`);
    }
    if (def.pattern && typeof v === 'string' && !new RegExp(def.pattern).test(v))
      problems.push(`${path}: ${JSON.stringify(v)} does not match ${def.pattern}`);
  }
}
