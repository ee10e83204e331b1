import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseYaml } from '../../../core/yaml/index.js';

/**
 * Checks events against the official ECS field definitions (`ecs_flat.yml` of the ECS release,
 * kept in `../shared/ecs/` beside the repository): every field outside the vendor namespaces
 * must exist in ECS with a value of its type, and the categorization fields may hold only their
 * allowed values (each event.type expected by one of the event's categories). For tests.
 */
export interface EcsField {
  type: string;
  normalize?: string[];
  allowed_values?: Array<{ name: string; expected_event_types?: string[] }>;
}

export const ECS_FLAT = fileURLToPath(new URL('../../../../shared/ecs/ecs_flat.yml', import.meta.url));

let cache: Record<string, EcsField> | undefined;
export function ecsFields(): Record<string, EcsField> {
  cache ??= parseYaml(readFileSync(ECS_FLAT, 'utf8')) as Record<string, EcsField>;
  return cache;
}

/** Namespaces that are not ECS: Vigil's bookkeeping and the vendor fields Elastic's integrations also keep. */
export const CUSTOM_NAMESPACES = ['vigil', 'aws', 'gcp', 'azure', 'okta', 'o365', 'winlog', 'cisco', 'suricata', 'zeek', 'json'];

const STRING_TYPES = new Set(['keyword', 'wildcard', 'match_only_text', 'text', 'constant_keyword', 'version']);
const INT_TYPES = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const FLOAT_TYPES = new Set(['float', 'double', 'scaled_float', 'half_float']);

function typeOk(type: string, v: unknown): boolean {
  if (STRING_TYPES.has(type)) return typeof v === 'string';
  if (INT_TYPES.has(type)) return typeof v === 'number' && Number.isInteger(v);
  if (FLOAT_TYPES.has(type)) return typeof v === 'number';
  if (type === 'boolean') return typeof v === 'boolean';
  if (type === 'date') return typeof v === 'string' && !Number.isNaN(Date.parse(v));
  if (type === 'ip') return typeof v === 'string' && isIP(v) !== 0;
  if (type === 'geo_point') return typeof v === 'object' && v !== null && 'lat' in v && 'lon' in v;
  if (type === 'object' || type === 'flattened' || type === 'nested') return typeof v === 'object' && v !== null;
  return true;
}

/** Every problem with one event, as `path: message` strings (empty when it conforms). */
export function ecsProblems(event: unknown): string[] {
  const fields = ecsFields();
  const problems: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (path !== '' && CUSTOM_NAMESPACES.includes(path.split('.')[0] as string)) return;
    const def = path === '' ? undefined : fields[path];
    if (
      def &&
      !(
        def.type === 'object' &&
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).some((k) => fields[`${path}.${k}`])
      )
    ) {
      const values = Array.isArray(v) ? v : [v];
      if (def.normalize?.includes('array') && !Array.isArray(v)) problems.push(`${path}: ECS expects an array`);
      for (const x of values) {
        if (!typeOk(def.type, x)) problems.push(`${path}: ${JSON.stringify(x)} is not of ECS type ${def.type}`);
        if (def.allowed_values && !def.allowed_values.some((a) => a.name === x))
          problems.push(`${path}: ${JSON.stringify(x)} is not an allowed value`);
      }
      return;
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v)) walk(child, path === '' ? k : `${path}.${k}`);
      return;
    }
    problems.push(`${path}: not an ECS field`);
  };
  walk(event, '');
  // event.type must be expected by one of the event's categories (ECS categorization guidance).
  const e = (event as { event?: { category?: string[]; type?: string[] } }).event;
  const cats = fields['event.category']?.allowed_values ?? [];
  for (const t of e?.type ?? []) {
    const ok = (e?.category ?? []).some((c) => cats.find((a) => a.name === c)?.expected_event_types?.includes(t));
    if (!ok) problems.push(`event.type: ${t} is not expected for category ${JSON.stringify(e?.category ?? [])}`);
  }
  return problems;
}
